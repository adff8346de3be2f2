// Concurrent write transactions on SQLite (store::InTransaction): writers of
// one Database queue on its mutex, writers of another handle on the same
// file (another process, in effect) meet SQLite's busy timeout. Every
// read-then-write transaction must commit, and none may be lost.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <atomic>
#include <thread>
#include <vector>

#include "store/database.h"
#include "testutil/testutil.h"

namespace sealkey::store {
namespace {

Status Increment(Database& db) {
  return InTransaction(db, [](soci::session& sql) -> Status {
    long long n = 0;
    sql << "SELECT n FROM test_counter WHERE id = 1", soci::into(n);
    sql << "UPDATE test_counter SET n = :n WHERE id = 1", soci::use(n + 1);
    return Ok();
  });
}

TEST(StoreConcurrencyTest, ConcurrentSqliteWritersAllCommitNothingLost) {
  testing::TempDir dir;
  auto db = Database::Open(dir.File("db.sqlite"), 4);
  ASSERT_OK(db);
  auto other = Database::Open(dir.File("db.sqlite"), 1);  // a second handle
  ASSERT_OK(other);
  ASSERT_OK(InTransaction(**db, [](soci::session& sql) -> Status {
    sql << "CREATE TABLE test_counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)";
    sql << "INSERT INTO test_counter (id, n) VALUES (1, 0)";
    return Ok();
  }));
  constexpr int kThreads = 4, kEach = 150, kOther = 100;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i)
        if (!Increment(**db)) ++failures;
    });
  }
  threads.emplace_back([&] {
    for (int i = 0; i < kOther; ++i)
      if (!Increment(**other)) ++failures;
  });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  long long n = 0;
  auto lease = (*db)->Borrow();
  lease.sql() << "SELECT n FROM test_counter WHERE id = 1", soci::into(n);
  EXPECT_EQ(n, kThreads * kEach + kOther);
}

// A failing transaction rolls back and frees the writer slot for the next.
TEST(StoreConcurrencyTest, RolledBackWriterLetsTheNextOneIn) {
  testing::TempDir dir;
  auto db = Database::Open(dir.File("db.sqlite"), 2);
  ASSERT_OK(db);
  ASSERT_OK(InTransaction(**db, [](soci::session& sql) -> Status {
    sql << "CREATE TABLE test_counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)";
    sql << "INSERT INTO test_counter (id, n) VALUES (1, 0)";
    return Ok();
  }));
  EXPECT_FALSE(InTransaction(**db, [](soci::session& sql) -> Status {
    sql << "UPDATE test_counter SET n = 99 WHERE id = 1";
    return Fail(ErrorCode::kInvalidArgument, "changed my mind", "test");
  }));
  EXPECT_FALSE(InTransaction(**db, [](soci::session& sql) -> Status {
    sql << "UPDATE test_counter SET n = 98 WHERE id = 1";
    sql << "INSERT INTO no_such_table VALUES (1)";  // throws: kInternal, rolled back
    return Ok();
  }));
  std::thread t([&] { EXPECT_OK(Increment(**db)); });
  t.join();
  long long n = -1;
  auto lease = (*db)->Borrow();
  lease.sql() << "SELECT n FROM test_counter WHERE id = 1", soci::into(n);
  EXPECT_EQ(n, 1);
}

}  // namespace
}  // namespace sealkey::store
