// Test harness for the platform server: a real `sealkeyd` child process on a
// fresh data directory, and a throwaway PostgreSQL 15 cluster for tests that
// run sealkeyd on PostgreSQL.
//
// Both fail by throwing std::runtime_error with what went wrong (GoogleTest
// reports an exception from a test or its fixture as a failure). Neither is
// thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <sys/types.h>

#include "testutil/testutil.h"

namespace sealkey::testing {

// One line of sealkeyd's SMS outbox (DATA_DIR/outbox/sms.jsonl).
struct SmsMessage {
  int64_t time = 0;
  std::string to;  // E.164
  std::string purpose;
  std::string code;
  std::string text;
};

struct SealkeydOptions {
  // sealkeyd commands run first (e.g. {"ca", "init"}); each gets
  // --data-dir (and --database) appended; a failure throws.
  std::vector<std::vector<std::string>> before;
  std::vector<std::string> serve_args;  // extra options for `serve`
};

class Sealkeyd {
 public:
  // Runs BinPath("sealkeyd") serve --data-dir <temp> --listen 127.0.0.1:0
  // [--database database_url] (empty: SQLite in the data dir) and waits up to
  // 20 s for its "listening on http://..." line; throws with the child's
  // stderr when it exits or stays silent.
  explicit Sealkeyd(std::string database_url = "", SealkeydOptions options = {});
  // Stop(); an unclean exit is a test failure (ADD_FAILURE).
  ~Sealkeyd();
  Sealkeyd(const Sealkeyd&) = delete;
  Sealkeyd& operator=(const Sealkeyd&) = delete;

  // "http://127.0.0.1:PORT" as printed by the server.
  const std::string& url() const { return url_; }
  const std::string& data_dir() const { return data_dir_; }
  // Empty for SQLite (the file is data_dir()/sealkeyd.db).
  const std::string& database_url() const { return database_url_; }

  // Every SMS written so far, oldest first.
  std::vector<SmsMessage> SmsOutbox() const;
  // The code of the newest SMS to `phone` (E.164) for `purpose`; throws when
  // there is none.
  std::string LatestSmsCode(const std::string& phone, const std::string& purpose) const;

  // SIGTERM, then SIGKILL after 10 s. Returns the exit code (128 + signal
  // when killed by one); later calls return the same value.
  int Stop();
  // What the server wrote to stderr so far.
  std::string Stderr() const;

 private:
  TempDir tmp_;
  std::string data_dir_;
  std::string database_url_;
  std::string url_;
  pid_t pid_ = -1;
  int exit_code_ = -1;
};

class Postgres {
 public:
  // initdb + postgres from /usr/lib/postgresql/15/bin in a fresh directory
  // (owned by the `postgres` user when running as root, as PostgreSQL
  // refuses root), listening only on 127.0.0.1 on a free port, fsync off,
  // trust authentication; creates role and database `sealkey`. Throws when
  // the binaries are missing (naming scripts/setup-deps) or it cannot start.
  Postgres();
  // pg_ctl stop -m fast, then removes the directory.
  ~Postgres();
  Postgres(const Postgres&) = delete;
  Postgres& operator=(const Postgres&) = delete;

  // postgresql://sealkey@127.0.0.1:PORT/sealkey
  std::string uri() const { return UriFor("sealkey"); }
  int port() const { return port_; }
  // Creates an empty database `name` owned by role sealkey; returns its URI.
  std::string CreateDatabase(const std::string& name);
  // Runs SQL as the superuser in database `db`; throws on failure.
  std::string Psql(const std::string& db, const std::string& sql) const;

 private:
  std::string UriFor(const std::string& db) const;
  // argv run as the postgres user when this process is root.
  CommandResult RunAsOwner(std::vector<std::string> argv) const;

  std::string dir_;
  int port_ = 0;
  bool running_ = false;
};

}  // namespace sealkey::testing
