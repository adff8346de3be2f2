// B6, B7, B9 (and the B4 roles they create) through the real CLI against a
// real sealkeyd in operator review mode, on SQLite and PostgreSQL: an
// operator made with `sealkeyd admin create-operator` verifies the people
// and the organisation; bad input names its field and changes nothing.
#include <gtest/gtest.h>

#include "server/cli_fixture.h"

namespace sealkey {
namespace {

using nlohmann::json;

constexpr char kOrgName[] = "福建省示例科技有限公司";
constexpr char kCode[] = "91350100M000100Y43";

class OrgCliTest : public PlatformCliTest {
 protected:
  json J(const testing::TempDir& home, std::vector<std::string> args) {
    args.insert(args.begin(), "--json");
    auto r = SkIn(home, args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.exit_code == 0 ? json::parse(r.out) : json();
  }
  // Fails with the error on stderr; returns it.
  std::string Err(const testing::TempDir& home, std::vector<std::string> args) {
    auto r = SkIn(home, args);
    EXPECT_NE(r.exit_code, 0) << r.out;
    return r.err;
  }
  // Submits real-name verification for the person logged in at `home`.
  void SubmitKyc(const testing::TempDir& home, const std::string& phone, const std::string& name,
                 const std::string& id_number) {
    testing::WriteFile(home.File("front.jpg"), Bytes{0xff, 0xd8, 0xff, 0xe0, 1, 2, 3});
    testing::WriteFile(home.File("back.jpg"), Bytes{0xff, 0xd8, 0xff, 0xe0, 4, 5, 6});
    ASSERT_EQ(SkIn(home, {"sms", "send", "--phone", phone, "--purpose", "verify_phone"}).exit_code, 0);
    std::string code = server_->LatestSmsCode("+86" + phone, "verify_phone");
    auto r = SkIn(home, {"kyc", "submit", "--agree", "--name", name, "--id-number", id_number,
                         "--phone", phone, "--code", code, "--front", home.File("front.jpg"),
                         "--back", home.File("back.jpg")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  int64_t IdentityOf(const testing::TempDir& home, const std::string& kind) {
    json list = J(home, {"identity", "list"});  // kept alive for the loop
    for (const auto& i : list["identities"]) {
      if (i["kind"] == kind) return i["id"].get<int64_t>();
    }
    return 0;
  }

  testing::TempDir op_, alice_, bob_, carol_, dave_;
};

TEST_P(OrgCliTest, CreateReviewJoinInviteTransferLeave) {
  CreateOperator(op_, "reviewer");
  LoginIn(alice_, "13100131001");
  LoginIn(bob_, "13100131002");
  LoginIn(carol_, "13100131003");
  LoginIn(dave_, "13100131004");
  SubmitKyc(alice_, "13100131001", "张三", "110101198001010010");
  SubmitKyc(bob_, "13100131002", "李四", "110101198505050024");
  SubmitKyc(carol_, "13100131003", "王芳", "440106199003030034");

  // The operator works the real-name queue.
  auto queue = J(op_, {"operator", "kyc", "list"})["submissions"];
  ASSERT_EQ(queue.size(), 3u);
  EXPECT_EQ(queue[0]["id_number"], "110101198001010010");  // operators see it whole
  std::string photos = op_.File("photos");
  ASSERT_EQ(SkIn(op_, {"operator", "kyc", "show", std::to_string(queue[0]["id"].get<int64_t>()),
                       "--photos", photos}).exit_code, 0);
  EXPECT_EQ(testing::ReadFileOrDie(photos + "/front"), (Bytes{0xff, 0xd8, 0xff, 0xe0, 1, 2, 3}));
  for (const auto& s : queue) {
    ASSERT_EQ(SkIn(op_, {"operator", "kyc", "approve", std::to_string(s["id"].get<int64_t>())}).exit_code, 0);
  }
  std::string first = std::to_string(queue[0]["id"].get<int64_t>());
  EXPECT_NE(Err(op_, {"operator", "kyc", "approve", first}).find("already decided"), std::string::npos);
  EXPECT_NE(Err(alice_, {"operator", "kyc", "list"}).find("operator"), std::string::npos);
  EXPECT_EQ(J(alice_, {"kyc", "status"})["status"], "verified");

  // B6: search, then create. Bad input names its field and changes nothing.
  EXPECT_FALSE(J(alice_, {"org", "search", "--name", kOrgName, "--credit-code", kCode})["found"]);
  EXPECT_NE(Err(alice_, {"org", "search", "--name", kOrgName, "--credit-code",
                         "91350100M000100Y44"}).find("credit_code: "), std::string::npos);
  testing::WriteFile(alice_.File("licence.png"),
                     Bytes{0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13});
  testing::WriteFile(alice_.File("licence.txt"), AsBytes("not a licence"));
  auto create = [&](const testing::TempDir& who, std::string licence, std::string rep_id,
                    bool agree) {
    std::vector<std::string> args = {"org", "create", "--licence", who.File(licence), "--name",
                                     kOrgName, "--credit-code", kCode, "--address",
                                     "福州市鼓楼区五四路100号", "--legal-rep-name", "张三",
                                     "--legal-rep-id-number", rep_id, "--legal-rep-phone",
                                     "13100131001"};
    if (agree) args.push_back("--agree");
    return SkIn(who, args);
  };
  EXPECT_NE(create(alice_, "licence.png", "110101198001010010", false).err.find("--agree"),
            std::string::npos);
  auto fake = create(alice_, "licence.txt", "110101198001010010", true);
  EXPECT_NE(fake.err.find("licence: "), std::string::npos) << fake.err;
  auto bad_rep = create(alice_, "licence.png", "110101198001010011", true);
  EXPECT_NE(bad_rep.err.find("legal_rep.id_number: "), std::string::npos) << bad_rep.err;
  testing::WriteFile(dave_.File("licence.png"), testing::ReadFileOrDie(alice_.File("licence.png")));
  auto unverified = create(dave_, "licence.png", "110101198001010010", true);
  EXPECT_NE(unverified.err.find("kyc: "), std::string::npos) << unverified.err;
  EXPECT_TRUE(J(alice_, {"org", "applications"})["organisations"].empty());

  auto made = create(alice_, "licence.png", "110101198001010010", true);
  ASSERT_EQ(made.exit_code, 0) << made.err;
  auto apps = J(alice_, {"org", "applications"})["organisations"];
  ASSERT_EQ(apps.size(), 1u);
  EXPECT_EQ(apps[0]["status"], "submitted");
  EXPECT_EQ(apps[0]["legal_rep"]["id_number"], "1101**********0010");
  // One live organisation per credit code.
  testing::WriteFile(bob_.File("licence.png"), testing::ReadFileOrDie(alice_.File("licence.png")));
  EXPECT_NE(create(bob_, "licence.png", "110101198001010010", true).err.find("credit_code: "),
            std::string::npos);
  std::string org_id = std::to_string(apps[0]["id"].get<int64_t>());

  // The operator reviews the organisation and its licence.
  auto orgs = J(op_, {"operator", "org", "list"})["organisations"];
  ASSERT_EQ(orgs.size(), 1u);
  EXPECT_EQ(orgs[0]["legal_rep"]["id_number"], "110101198001010010");
  ASSERT_EQ(SkIn(op_, {"operator", "org", "show", org_id, "--licence", op_.File("l.png")}).exit_code, 0);
  EXPECT_EQ(testing::ReadFileOrDie(op_.File("l.png")), testing::ReadFileOrDie(alice_.File("licence.png")));
  ASSERT_EQ(SkIn(op_, {"operator", "org", "approve", org_id}).exit_code, 0);
  EXPECT_NE(Err(op_, {"operator", "org", "reject", org_id, "--reason", "late"}).find("already decided"),
            std::string::npos);

  // The creator is administrator and, being the legal representative, that too.
  int64_t admin = IdentityOf(alice_, "administrator");
  ASSERT_NE(admin, 0);
  EXPECT_NE(IdentityOf(alice_, "legal_representative"), 0);
  EXPECT_NE(Err(alice_, {"org", "members"}).find("identity: "), std::string::npos);  // natural person
  ASSERT_EQ(SkIn(alice_, {"identity", "switch", std::to_string(admin)}).exit_code, 0);
  EXPECT_EQ(J(alice_, {"org", "show"})["status"], "approved");

  // B7: bob finds it and asks to join; he must know the administrator.
  auto found = J(bob_, {"org", "search", "--name", kOrgName, "--credit-code", kCode});
  ASSERT_TRUE(found["found"]);
  EXPECT_EQ(found["org"]["id"].get<int64_t>(), std::stoll(org_id));
  EXPECT_NE(Err(bob_, {"org", "join", org_id, "--admin-name", "张四", "--admin-phone",
                       "13100131001"}).find("admin: "), std::string::npos);
  EXPECT_NE(Err(bob_, {"org", "join", org_id, "--admin-name", "张三", "--admin-phone",
                       "13100131009"}).find("admin: "), std::string::npos);
  EXPECT_TRUE(J(bob_, {"org", "my-requests"})["join_requests"].empty());
  ASSERT_EQ(SkIn(bob_, {"org", "join", org_id, "--admin-name", "张三", "--admin-phone",
                        "131 0013 1001"}).exit_code, 0);
  EXPECT_NE(Err(bob_, {"org", "join", org_id, "--admin-name", "张三", "--admin-phone",
                       "13100131001"}).find("already pending"), std::string::npos);
  auto pending = J(alice_, {"org", "requests"})["join_requests"];
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0]["name"], "李四");
  ASSERT_EQ(SkIn(alice_, {"org", "approve", std::to_string(pending[0]["id"].get<int64_t>())}).exit_code, 0);
  EXPECT_EQ(J(bob_, {"org", "my-requests"})["join_requests"][0]["status"], "approved");
  int64_t bob_employee = IdentityOf(bob_, "employee");
  ASSERT_NE(bob_employee, 0);

  // B9: invitations; carol accepts after logging in.
  EXPECT_NE(Err(alice_, {"org", "invite", "--phone", "1310013100"}).find("phone: "), std::string::npos);
  ASSERT_EQ(SkIn(alice_, {"org", "invite", "--phone", "13100131003"}).exit_code, 0);
  EXPECT_NE(Err(alice_, {"org", "invite", "--phone", "13100131002"}).find("already a member"),
            std::string::npos);
  auto invitations = J(carol_, {"org", "my-invitations"})["invitations"];
  ASSERT_EQ(invitations.size(), 1u);
  EXPECT_EQ(invitations[0]["org_name"], kOrgName);
  std::string inv = std::to_string(invitations[0]["id"].get<int64_t>());
  EXPECT_NE(Err(dave_, {"org", "accept-invitation", inv}).find("invitation: "), std::string::npos);
  ASSERT_EQ(SkIn(carol_, {"org", "accept-invitation", inv}).exit_code, 0);
  EXPECT_NE(Err(carol_, {"org", "accept-invitation", inv}).find("invitation: "), std::string::npos);
  EXPECT_NE(IdentityOf(carol_, "employee"), 0);

  auto members = J(alice_, {"org", "members"})["members"];
  ASSERT_EQ(members.size(), 4u);  // alice twice (administrator, legal representative), bob, carol
  auto detail = J(alice_, {"org", "member", std::to_string(bob_employee)});
  EXPECT_EQ(detail["name"], "李四");
  EXPECT_EQ(detail["phone"], "+8613100131002");

  // Roles: an employee sees the organisation but cannot manage it.
  ASSERT_EQ(SkIn(bob_, {"identity", "switch", std::to_string(bob_employee)}).exit_code, 0);
  EXPECT_EQ(J(bob_, {"org", "show"})["name"], kOrgName);
  for (std::vector<std::string> args :
       {std::vector<std::string>{"org", "members"}, {"org", "requests"},
        {"org", "invite", "--phone", "13100131004"}, {"org", "transfer-admin", "--to", "1"}}) {
    EXPECT_NE(Err(bob_, args).find("identity: "), std::string::npos) << args[1];
  }

  // Administrator transfer: recorded, waiting for the signed letter.
  int64_t carol_employee = IdentityOf(carol_, "employee");
  EXPECT_NE(Err(alice_, {"org", "transfer-admin", "--to", std::to_string(admin)}).find("to_identity_id: "),
            std::string::npos);
  auto transfer = J(alice_, {"org", "transfer-admin", "--to", std::to_string(carol_employee)});
  EXPECT_EQ(transfer["status"], "awaiting_signature");
  EXPECT_EQ(transfer["to_name"], "王芳");
  EXPECT_NE(Err(alice_, {"org", "transfer-admin", "--to", std::to_string(bob_employee)})
                .find("already waiting"), std::string::npos);
  EXPECT_EQ(J(alice_, {"org", "transfer-status"})["to_name"], "王芳");
  ASSERT_EQ(SkIn(alice_, {"org", "cancel-transfer"}).exit_code, 0);
  EXPECT_NE(Err(alice_, {"org", "transfer-status"}).find("transfer: "), std::string::npos);
  int64_t rep = IdentityOf(alice_, "legal_representative");
  ASSERT_EQ(SkIn(alice_, {"identity", "switch", std::to_string(rep)}).exit_code, 0);
  EXPECT_EQ(J(alice_, {"org", "members"})["members"].size(), 4u);  // the legal rep manages too
  EXPECT_NE(Err(alice_, {"org", "transfer-admin", "--to", std::to_string(carol_employee)})
                .find("identity: "), std::string::npos);

  // B4: bob leaves; his session must choose an identity again.
  EXPECT_NE(Err(alice_, {"identity", "leave", std::to_string(rep)}).find("identity_id: "),
            std::string::npos);
  ASSERT_EQ(SkIn(bob_, {"identity", "leave", std::to_string(bob_employee)}).exit_code, 0);
  EXPECT_EQ(IdentityOf(bob_, "employee"), 0);
  EXPECT_NE(Err(bob_, {"org", "show"}).find("choose an identity"), std::string::npos);
  EXPECT_EQ(J(alice_, {"org", "members"})["members"].size(), 3u);

  // B15: an administrator cannot delete the account before transferring.
  EXPECT_NE(Err(alice_, {"account", "delete", "--code", "123456"}).find("administrator"),
            std::string::npos);
}

// B6 pre-fill: the licence is read by OCR and the form takes what the
// person did not type; a typed value wins over the OCR's.
TEST_P(OrgCliTest, CreateFromLicenceReadByOcr) {
  CreateOperator(op_, "reviewer");
  LoginIn(alice_, "13100131001");
  SubmitKyc(alice_, "13100131001", "张三", "110101198001010010");
  auto queue = J(op_, {"operator", "kyc", "list"})["submissions"];
  ASSERT_EQ(queue.size(), 1u);
  ASSERT_EQ(SkIn(op_, {"operator", "kyc", "approve", std::to_string(queue[0]["id"].get<int64_t>())}).exit_code, 0);
  testing::WriteFile(alice_.File("licence.txt"),
                     AsBytes("营 业 执 照\n\n统一社会信用代码  91350100M000100Y43\n\n"
                             "名　　称  福建省示例科技有限公司\n法定代表人  张三\n"
                             "住　　所  福州市鼓楼区五四路100号\n"));
  auto render = testing::RunCommand({"pango-view", "-q", "--font=WenQuanYi Zen Hei 14", "--dpi=200",
                                     "--margin=60", "--background=white", "-o",
                                     alice_.File("licence.pdf"), alice_.File("licence.txt")});
  ASSERT_EQ(render.exit_code, 0) << render.err << " (run scripts/setup-deps)";
  auto made = SkIn(alice_, {"org", "create", "--agree", "--licence", alice_.File("licence.pdf"),
                            "--address", "福州市鼓楼区五四路100号之一",
                            "--legal-rep-id-number", "110101198001010010",
                            "--legal-rep-phone", "13100131001"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  EXPECT_NE(made.out.find("91350100M000100Y43"), std::string::npos) << made.out;  // shown
  auto orgs = J(op_, {"operator", "org", "list"})["organisations"];
  ASSERT_EQ(orgs.size(), 1u);
  EXPECT_EQ(orgs[0]["name"], kOrgName);
  EXPECT_EQ(orgs[0]["credit_code"], kCode);
  EXPECT_EQ(orgs[0]["legal_rep"]["name"], "张三");
  EXPECT_EQ(orgs[0]["address"], "福州市鼓楼区五四路100号之一");  // typed, not OCR'd
  EXPECT_EQ(orgs[0]["licence_mime"], "application/pdf");
}

INSTANTIATE_TEST_SUITE_P(Backends, OrgCliTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "PostgreSQL" : "SQLite"; });

}  // namespace
}  // namespace sealkey
