// Statements prepared once per connection (store/prepared.h): reused on the
// same connection, separate per connection, forgotten after a failure and
// prepared again, and gone before the connections close (ASan watches the
// last part in the sanitizer build).
#include <gtest/gtest.h>
#include <soci/soci.h>

#include "store/database.h"
#include "store/prepared.h"
#include "testutil/testutil.h"

namespace sealkey::store {
namespace {

struct InsertItem {
  long long id = 0;
  std::string name;
  soci::statement st;
  explicit InsertItem(soci::session& sql)
      : st((sql.prepare << "INSERT INTO test_items (id, name) VALUES (:i, :n)", soci::use(id),
            soci::use(name))) {}
};

Status Insert(Database& db, long long id, const std::string& name) {
  return InTransaction(db, [&](soci::session& sql) -> Status {
    Run<InsertItem>(db, sql, [&](InsertItem& row) {
      row.id = id;
      row.name = name;
    });
    return Ok();
  });
}

std::unique_ptr<Database> OpenWithTable(const testing::TempDir& dir, size_t pool) {
  auto db = Database::Open(dir.File("db.sqlite"), pool);
  EXPECT_TRUE(db.has_value());
  EXPECT_TRUE(InTransaction(**db, [](soci::session& sql) -> Status {
    sql << "CREATE TABLE test_items (id INTEGER PRIMARY KEY, name TEXT NOT NULL)";
    return Ok();
  }));
  return std::move(*db);
}

TEST(StorePreparedTest, ReusedPerConnectionValuesRebound) {
  testing::TempDir dir;
  auto db = OpenWithTable(dir, 2);
  for (long long i = 1; i <= 50; ++i) ASSERT_OK(Insert(*db, i, "item " + std::to_string(i)));
  auto lease = db->Borrow();
  long long n = 0;
  std::string last;
  lease.sql() << "SELECT COUNT(*) FROM test_items", soci::into(n);
  lease.sql() << "SELECT name FROM test_items WHERE id = 50", soci::into(last);
  EXPECT_EQ(n, 50);
  EXPECT_EQ(last, "item 50");

  // The same entry for the same connection and key; another for another key.
  static const char key = 0, other_key = 0;
  int made = 0;
  auto make = [&] {
    ++made;
    return std::make_shared<int>(made);
  };
  auto a = db->Prepared(lease.sql(), &key, make);
  auto b = db->Prepared(lease.sql(), &key, make);
  auto c = db->Prepared(lease.sql(), &other_key, make);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_EQ(made, 2);
  db->ForgetPrepared(lease.sql(), &key);
  EXPECT_NE(db->Prepared(lease.sql(), &key, make), a);
  EXPECT_EQ(made, 3);
}

TEST(StorePreparedTest, FailedStatementRollsBackAndIsPreparedAgain) {
  testing::TempDir dir;
  auto db = OpenWithTable(dir, 1);
  ASSERT_OK(Insert(*db, 1, "first"));
  auto dup = Insert(*db, 1, "again");  // primary key taken: the INSERT throws
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, ErrorCode::kInternal);
  ASSERT_OK(Insert(*db, 2, "second"));  // the forgotten statement, prepared afresh
  auto lease = db->Borrow();
  long long n = 0;
  lease.sql() << "SELECT COUNT(*) FROM test_items", soci::into(n);
  EXPECT_EQ(n, 2);
}

}  // namespace
}  // namespace sealkey::store
