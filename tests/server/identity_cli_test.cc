// B4 through the real CLI against a real sealkeyd, on SQLite and PostgreSQL:
// a new account acts as its natural person; with a second identity (as the
// organisation domain will add it) a new session must choose, and switching
// accepts only the account's own identities.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include "server/cli_fixture.h"

namespace sealkey {
namespace {

using nlohmann::json;

class IdentityCliTest : public PlatformCliTest {
 protected:
  void AddEmployeeIdentity() {
    const char* sql =
        "INSERT INTO identities (account_id, kind, org_id, created_at)"
        " SELECT id, 'employee', 7, created_at FROM accounts WHERE phone = '+8613500135000'";
    if (GetParam()) {
      SharedPostgres().Psql(db_url_.substr(db_url_.rfind('/') + 1), sql);
      return;
    }
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((server_->data_dir() + "/sealkeyd.db").c_str(), &db), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    sqlite3_close(db);
  }
  json Identities() {
    auto r = Sk({"--json", "identity", "list"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out);
  }
};

TEST_P(IdentityCliTest, ChooseAndSwitch) {
  Login("13500135000");
  json one = Identities();
  ASSERT_EQ(one["identities"].size(), 1u);
  EXPECT_EQ(one["identities"][0]["kind"], "natural_person");
  EXPECT_EQ(one["current"], one["identities"][0]["id"]);

  // A second identity appears (as the organisation domain will add it); the
  // session keeps acting as the person until it switches.
  AddEmployeeIdentity();
  json two = Identities();
  ASSERT_EQ(two["identities"].size(), 2u);
  EXPECT_EQ(two["current"], one["current"]);
  json employee = two["identities"][1];
  EXPECT_EQ(employee["kind"], "employee");
  EXPECT_EQ(employee["org_id"], 7);
  auto sw = Sk({"--json", "identity", "switch", std::to_string(employee["id"].get<int64_t>())});
  ASSERT_EQ(sw.exit_code, 0) << sw.err;
  EXPECT_EQ(json::parse(sw.out)["kind"], "employee");
  EXPECT_EQ(Identities()["current"], employee["id"]);
  auto me = Sk({"--json", "whoami"});
  EXPECT_EQ(json::parse(me.out)["identity_id"], employee["id"]);
  // Someone else's (or a made-up) identity is refused, naming the field.
  auto bad = Sk({"identity", "switch", "999"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("identity_id: "), std::string::npos) << bad.err;
  EXPECT_EQ(Identities()["current"], employee["id"]);
  // Not logged in: a clear error.
  ASSERT_EQ(Sk({"logout"}).exit_code, 0);
  auto anon = Sk({"identity", "list"});
  EXPECT_EQ(anon.exit_code, 1);
  EXPECT_NE(anon.err.find("session: "), std::string::npos) << anon.err;
}

INSTANTIATE_TEST_SUITE_P(Backends, IdentityCliTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "PostgreSQL" : "SQLite"; });

}  // namespace
}  // namespace sealkey
