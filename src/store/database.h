// The server's database: SOCI over SQLite (one file, WAL) or PostgreSQL,
// with one SQL dialect for both (SQLite >= 3.35 understands RETURNING).
//
// A Database owns a pool of connections; Lease() hands one to the caller
// for the duration of a unit of work. Thread-safe. SOCI stays out of this
// header: repositories include <soci/soci.h> in their .cc files.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "base/error.h"

namespace soci {
class session;
class connection_pool;
}  // namespace soci

namespace sealkey::store {

enum class Backend { kSqlite, kPostgres };

class Database;

// A connection borrowed from the pool; returned on destruction.
class Lease {
 public:
  Lease(Lease&& other) noexcept;
  Lease& operator=(Lease&&) = delete;
  ~Lease();
  soci::session& sql() { return *session_; }

 private:
  friend class Database;
  Lease(soci::connection_pool* pool, size_t pos);
  soci::connection_pool* pool_;
  size_t pos_;
  soci::session* session_;
};

class Database {
 public:
  // `url`: "postgresql://..." (any libpq URI), or a path to an SQLite file.
  // Opens `pool_size` connections and applies pending migrations.
  static Result<std::unique_ptr<Database>> Open(const std::string& url, size_t pool_size);
  ~Database();

  Backend backend() const { return backend_; }
  const char* backend_name() const { return backend_ == Backend::kSqlite ? "sqlite" : "postgresql"; }
  int schema_version() const { return schema_version_; }
  Lease Borrow();

  // Statements prepared once per connection and run again with new values
  // (store/prepared.h). `key` names the statement; `make` prepares it on
  // `sql`, a connection of this Database, the first time. Entries live until
  // the Database closes, or until forgotten after a failure; a connection's
  // entries are used only by the thread holding its Lease.
  std::shared_ptr<void> Prepared(const soci::session& sql, const void* key,
                                 const std::function<std::shared_ptr<void>()>& make);
  void ForgetPrepared(const soci::session& sql, const void* key);

 private:
  friend Status InTransaction(Database& db, const std::function<Status(soci::session&)>& fn);
  Database() = default;
  // SQLite has one writer at a time. Its busy handler waits for the lock by
  // sleeping (1, 2, 5, 10 ... ms), far longer than a write transaction here
  // takes, so this process's writers queue on a mutex instead and wake as
  // soon as the writer before them commits. Other processes still meet the
  // busy timeout.
  std::mutex sqlite_writer_;
  Backend backend_ = Backend::kSqlite;
  int schema_version_ = 0;
  size_t pool_size_ = 0;
  std::unique_ptr<soci::connection_pool> pool_;
  // Declared after pool_, so destroyed before the connections it refers to.
  std::mutex prepared_mu_;
  std::map<std::pair<const soci::session*, const void*>, std::shared_ptr<void>> prepared_;
};

// Runs `fn` in a transaction on a borrowed connection, committing if it
// returns Ok and rolling back otherwise (or on an exception, reported as
// kInternal). SOCI exceptions never escape.
Status InTransaction(Database& db, const std::function<Status(soci::session&)>& fn);

}  // namespace sealkey::store
