// B10 per role: the legal representative orders the organisation's
// certificate, and an employee who joined the organisation orders an
// employee certificate (the organisation's name and credit code in the
// subject next to the employee's own name); each is refused to the other
// roles. Together with order_cli_test.cc (natural person, administrator),
// every role of the manual applies through the same state machine.
#include <gtest/gtest.h>

#include "server/order_cli_fixture.h"

namespace sealkey {
namespace {

using nlohmann::json;


class RoleOrderCliTest : public OrderCliTest {
 protected:
  void SetUp() override {
    OrderCliTest::SetUp();
    if (HasFatalFailure()) return;
    // 张三 (home_) creates the organisation; as its legal representative's ID
    // number is his, he is administrator and legal representative.
    testing::WriteFile(home_.File("licence.png"),
                       Bytes{0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0});
    auto org = P({"--json", "org", "create", "--agree", "--licence", home_.File("licence.png"),
                  "--name", "福建省示例科技有限公司", "--credit-code", "91350100M000100Y43",
                  "--address", "福州市鼓楼区五四路100号", "--legal-rep-name", "张三",
                  "--legal-rep-id-number", "11010519491231002X", "--legal-rep-phone",
                  "13800138111"});
    ASSERT_EQ(org.exit_code, 0) << org.err;
    org_id_ = std::to_string(json::parse(org.out)["id"].get<int64_t>());
    ASSERT_EQ(SkIn(op_, {"operator", "product", "add", "--id", "org-p256", "--name", "机构数字证书",
                         "--profile", "organisation", "--alg", "p256", "--price", "300",
                         "--roles", "administrator,legal_representative"}).exit_code, 0);
    ASSERT_EQ(SkIn(op_, {"operator", "product", "add", "--id", "staff-sm2", "--name",
                         "员工数字证书", "--profile", "employee", "--alg", "sm2", "--price", "80",
                         "--roles", "employee"}).exit_code, 0);
  }
  int64_t Identity(const testing::TempDir& home, const std::string& kind) {
    json list = PJIn(home, {"identity", "list"});
    for (const auto& i : list["identities"]) {
      if (i["kind"] == kind) return i["id"].get<int64_t>();
    }
    return 0;
  }
  // The subject of certificate `serial` of the account at `home`.
  std::string SubjectOf(const testing::TempDir& home, const std::string& serial) {
    json issued = PJIn(home, {"cert", "issued"});
    for (const auto& c : issued["certificates"]) {
      if (c["serial"] == serial) return c["subject"];
    }
    return "";
  }

  std::string org_id_;
  testing::TempDir staff_;
};

TEST_P(RoleOrderCliTest, LegalRepresentativeOrdersTheOrganisationCertificate) {
  int64_t rep = Identity(home_, "legal_representative");
  ASSERT_NE(rep, 0);
  ASSERT_EQ(P({"identity", "switch", std::to_string(rep)}).exit_code, 0);
  // An employee product is not for the legal representative.
  EXPECT_NE(P({"order", "create", "--product", "staff-sm2", "-d", "d1"}).err.find("identity: "),
            std::string::npos);
  std::string id = std::to_string(
      PJ({"order", "create", "--product", "org-p256", "-d", "d1"})["id"].get<int64_t>());
  WalkToPaid(id, "300.00", "福建省示例科技有限公司");
  ASSERT_EQ(SkIn(op_, {"operator", "order", "approve", id}).exit_code, 0);
  ASSERT_EQ(P({"order", "install", id, "-d", "d1"}).exit_code, 0);
  std::string subject = SubjectOf(home_, PJ({"order", "show", id})["cert_serial"]);
  EXPECT_NE(subject.find("O=福建省示例科技有限公司"), std::string::npos) << subject;
  EXPECT_NE(subject.find("91350100M000100Y43"), std::string::npos) << subject;
}

TEST_P(RoleOrderCliTest, EmployeeOrdersAnEmployeeCertificate) {
  // 李四 verifies his name and joins; the administrator approves.
  LoginIn(staff_, "13100131001");
  ASSERT_EQ(PIn(staff_, {"sms", "send", "--phone", "13100131001", "--purpose", "verify_phone"})
                .exit_code, 0);
  testing::WriteFile(staff_.File("id.jpg"), Bytes{0xff, 0xd8, 0xff, 0xe0, 1});
  ASSERT_EQ(PIn(staff_, {"kyc", "submit", "--agree", "--name", "李四", "--id-number",
                         "110101199003074514", "--phone", "13100131001", "--code",
                         server_->LatestSmsCode("+8613100131001", "verify_phone"), "--front",
                         staff_.File("id.jpg"), "--back", staff_.File("id.jpg")}).exit_code, 0);
  ASSERT_EQ(PIn(staff_, {"device", "create", "--label", "d1"}).exit_code, 0);
  // As a natural person he may not buy the employee product.
  EXPECT_NE(PIn(staff_, {"order", "create", "--product", "staff-sm2", "-d", "d1"})
                .err.find("identity: "), std::string::npos);
  ASSERT_EQ(PIn(staff_, {"org", "join", org_id_, "--admin-name", "张三", "--admin-phone",
                         "13800138111"}).exit_code, 0);
  int64_t admin = Identity(home_, "administrator");
  ASSERT_EQ(P({"identity", "switch", std::to_string(admin)}).exit_code, 0);
  json requests = PJ({"org", "requests"})["join_requests"];
  ASSERT_EQ(requests.size(), 1u);
  ASSERT_EQ(P({"org", "approve", std::to_string(requests[0]["id"].get<int64_t>())}).exit_code, 0);
  int64_t employee = Identity(staff_, "employee");
  ASSERT_NE(employee, 0);
  ASSERT_EQ(PIn(staff_, {"identity", "switch", std::to_string(employee)}).exit_code, 0);
  // The organisation's own certificate is not for an employee.
  EXPECT_NE(PIn(staff_, {"order", "create", "--product", "org-p256", "-d", "d1"})
                .err.find("identity: "), std::string::npos);
  std::string id = std::to_string(
      PJIn(staff_, {"order", "create", "--product", "staff-sm2", "-d", "d1"})["id"].get<int64_t>());
  WalkToPaidIn(staff_, "13100131001", id, "80.00", "李四");
  ASSERT_EQ(SkIn(op_, {"operator", "order", "approve", id}).exit_code, 0);
  auto installed = PIn(staff_, {"order", "install", id, "-d", "d1"});
  ASSERT_EQ(installed.exit_code, 0) << installed.err;
  EXPECT_EQ(PJIn(staff_, {"order", "show", id})["state"], "installed");
  std::string subject = SubjectOf(staff_, PJIn(staff_, {"order", "show", id})["cert_serial"]);
  EXPECT_NE(subject.find("CN=李四"), std::string::npos) << subject;
  EXPECT_NE(subject.find("O=福建省示例科技有限公司"), std::string::npos) << subject;
  // The administrator's orders list does not show the employee's order.
  EXPECT_TRUE(PJ({"order", "list"})["orders"].empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, RoleOrderCliTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "PostgreSQL" : "SQLite"; });

}  // namespace
}  // namespace sealkey
