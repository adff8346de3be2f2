#include "store/database.h"

#include <cstdio>

#include <soci/connection-pool.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include "store/migrations.h"
#include "store/prepared.h"

namespace sealkey::store {
namespace {

// postgresql://user[:password]@host[:port]/dbname[?key=value&...] as libpq
// key=value pairs (SOCI 4.0 does not pass URIs through intact).
Result<std::string> PostgresConnectString(const std::string& url) {
  std::string rest = url.substr(url.find("://") + 3);
  std::string params;
  if (size_t q = rest.find('?'); q != std::string::npos) {
    params = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  size_t slash = rest.find('/');
  if (slash == std::string::npos || slash + 1 >= rest.size()) {
    return Fail(ErrorCode::kInvalidArgument, "names no database (postgresql://user@host:port/db)",
                "database");
  }
  std::string dbname = rest.substr(slash + 1);
  std::string authority = rest.substr(0, slash);
  std::string user, password, hostport = authority;
  if (size_t at = authority.rfind('@'); at != std::string::npos) {
    user = authority.substr(0, at);
    hostport = authority.substr(at + 1);
    if (size_t colon = user.find(':'); colon != std::string::npos) {
      password = user.substr(colon + 1);
      user = user.substr(0, colon);
    }
  }
  std::string host = hostport, port;
  if (size_t colon = hostport.rfind(':'); colon != std::string::npos) {
    host = hostport.substr(0, colon);
    port = hostport.substr(colon + 1);
  }
  auto kv = [](const char* key, const std::string& v) {
    return v.empty() ? std::string() : std::string(key) + "='" + v + "' ";
  };
  std::string out = kv("host", host) + kv("port", port) + kv("dbname", dbname) +
                    kv("user", user) + kv("password", password);
  for (size_t start = 0; start < params.size();) {
    size_t amp = params.find('&', start);
    std::string pair = params.substr(start, amp == std::string::npos ? std::string::npos
                                                                     : amp - start);
    if (size_t eq = pair.find('='); eq != std::string::npos) {
      out += kv(pair.substr(0, eq).c_str(), pair.substr(eq + 1));
    }
    if (amp == std::string::npos) break;
    start = amp + 1;
  }
  return out;
}

}  // namespace

Lease::Lease(soci::connection_pool* pool, size_t pos)
    : pool_(pool), pos_(pos), session_(&pool->at(pos)) {}

Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), pos_(other.pos_), session_(other.session_) {
  other.pool_ = nullptr;
}

Lease::~Lease() {
  if (pool_) pool_->give_back(pos_);
}

Database::~Database() = default;

Lease Database::Borrow() { return Lease(pool_.get(), pool_->lease()); }

std::shared_ptr<void> Database::Prepared(const soci::session& sql, const void* key,
                                         const std::function<std::shared_ptr<void>()>& make) {
  {
    std::lock_guard<std::mutex> lock(prepared_mu_);
    auto it = prepared_.find({&sql, key});
    if (it != prepared_.end()) return it->second;
  }
  // Prepared outside the lock: only the thread holding this connection's
  // Lease can ask for its entries, so no other thread adds this one.
  std::shared_ptr<void> entry = make();
  std::lock_guard<std::mutex> lock(prepared_mu_);
  prepared_[{&sql, key}] = entry;
  return entry;
}

void Database::ForgetPrepared(const soci::session& sql, const void* key) {
  std::lock_guard<std::mutex> lock(prepared_mu_);
  prepared_.erase({&sql, key});
}

Result<std::unique_ptr<Database>> Database::Open(const std::string& url, size_t pool_size) {
  std::unique_ptr<Database> db(new Database());
  db->backend_ = url.starts_with("postgresql://") || url.starts_with("postgres://")
                     ? Backend::kPostgres
                     : Backend::kSqlite;
  db->pool_size_ = pool_size;
  db->pool_ = std::make_unique<soci::connection_pool>(pool_size);
  std::string pg;
  if (db->backend_ == Backend::kPostgres) {
    auto cs = PostgresConnectString(url);
    if (!cs) return Fail(cs.error());
    pg = *cs;
  }
  try {
    for (size_t i = 0; i < pool_size; ++i) {
      soci::session& s = db->pool_->at(i);
      if (db->backend_ == Backend::kPostgres) {
        s.open(*soci::factory_postgresql(), pg);
      } else {
        s.open(*soci::factory_sqlite3(), "db=" + url + " timeout=10 shared_cache=false");
        s << "PRAGMA journal_mode=WAL";
        s << "PRAGMA foreign_keys=ON";
        s << "PRAGMA synchronous=NORMAL";
      }
    }
    auto lease = db->Borrow();
    auto version = Migrate(lease.sql(), db->backend_);
    if (!version) return Fail(version.error());
    db->schema_version_ = *version;
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kIo, std::string("cannot open the database: ") + e.what(), "database");
  }
  return db;
}

namespace {

// SQLite's transaction statements, kept prepared per connection (prepared.h).
struct BeginImmediate {
  soci::statement st;
  explicit BeginImmediate(soci::session& sql) : st((sql.prepare << "BEGIN IMMEDIATE")) {}
};
struct Commit {
  soci::statement st;
  explicit Commit(soci::session& sql) : st((sql.prepare << "COMMIT")) {}
};

}  // namespace

Status InTransaction(Database& db, const std::function<Status(soci::session&)>& fn) {
  // SQLite: BEGIN IMMEDIATE takes the write lock up front, so a transaction
  // that reads and then writes waits (busy timeout) instead of failing with
  // "database is locked" when another connection committed in between; this
  // process's writers wait on sqlite_writer_ first. A transaction started
  // inside another on the same thread (never done on purpose) does not take
  // the mutex again: it meets SQLite's lock and times out as it always did.
  bool sqlite = db.backend() == Backend::kSqlite;
  thread_local const Database* writing = nullptr;
  std::unique_lock<std::mutex> writer;
  if (sqlite && writing != &db) writer = std::unique_lock<std::mutex>(db.sqlite_writer_);
  const Database* outer = writing;
  if (writer) writing = &db;
  struct Restore {
    const Database*& slot;
    const Database* value;
    ~Restore() { slot = value; }
  } restore{writing, outer};
  auto lease = db.Borrow();
  soci::session& sql = lease.sql();
  bool open = false;
  try {
    if (sqlite) Run<BeginImmediate>(db, sql, [](BeginImmediate&) {});
    else sql.begin();
    open = true;
    Status st = fn(sql);
    if (st) {
      if (sqlite) Run<Commit>(db, sql, [](Commit&) {});
      else sql.commit();
    } else {
      if (sqlite) sql << "ROLLBACK";
      else sql.rollback();
    }
    open = false;
    return st;
  } catch (const std::exception& e) {
    if (open) {
      try {
        if (sqlite) sql << "ROLLBACK";
        else sql.rollback();
      } catch (const std::exception&) {
      }
    }
    // The details (SQL, bound values) go to the log, never to a client.
    std::fprintf(stderr, "sealkeyd: database error: %s\n", e.what());
    return Fail(ErrorCode::kInternal, "database error");
  }
}

}  // namespace sealkey::store
