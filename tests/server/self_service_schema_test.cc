// D8: the schema itself keeps at most one open (pending_review or approved)
// self-service application per phone and product, so two racing
// submissions cannot both be stored even past the service's own check; a
// decided one does not block a new application.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include "store/database.h"
#include "testutil/testutil.h"

namespace sealkey::store {
namespace {

Status InsertApplication(Database& db, const std::string& state) {
  return InTransaction(db, [&](soci::session& sql) -> Status {
    sql << "INSERT INTO self_service_applications (phone, account_id, project_id, product_id,"
           " source, name, id_number, agreement_version, password_hash, state, created_at,"
           " updated_at) VALUES ('+8613900139000', 1, 'p', 'ss-personal', 'standard', '王五',"
           " '110101199003074514', '2026.1', 'h', :s, 0, 0)",
        soci::use(state);
    return Ok();
  });
}

TEST(SelfServiceSchemaTest, OneOpenApplicationPerPhoneAndProduct) {
  testing::TempDir dir;
  auto db = Database::Open(dir.File("db.sqlite"), 1);
  ASSERT_OK(db);
  ASSERT_OK(InTransaction(**db, [](soci::session& sql) -> Status {
    sql << "INSERT INTO accounts (phone, created_at) VALUES ('+8613900139000', 0)";
    return Ok();
  }));
  ASSERT_OK(InsertApplication(**db, "pending_review"));
  EXPECT_FALSE(InsertApplication(**db, "pending_review"));
  EXPECT_FALSE(InsertApplication(**db, "approved"));
  ASSERT_OK(InTransaction(**db, [](soci::session& sql) -> Status {
    sql << "UPDATE self_service_applications SET state = 'rejected'";
    return Ok();
  }));
  EXPECT_OK(InsertApplication(**db, "pending_review"));
  EXPECT_OK(InsertApplication(**db, "installed"));  // decided ones do not count
}

}  // namespace
}  // namespace sealkey::store
