// D8 self-service end to end through the real CLI against a real sealkeyd
// (development CAs, operator review), on SQLite and PostgreSQL: the standard
// flow (SMS code, scanned project link, details, certificate password,
// review, SMS notice, business query behind an image captcha and an SMS
// code, installation with the certificate password, renewal keeping the
// key, the password lockout), rejection, and the pre-registered flow (an
// operator enters the employer's applicants from CSV; the applicant's
// details must match; installed at once). Bad input is refused naming the
// field, and changes nothing.
#include <algorithm>
#include <chrono>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "base/encoding.h"
#include "server/cli_fixture.h"

namespace sealkey {
namespace {

using nlohmann::json;

constexpr char kPhone[] = "13900139000";
constexpr char kE164[] = "+8613900139000";
constexpr char kPassword[] = "Cert-pass1\n";

class SelfServiceCliTest : public PlatformCliTest {
 protected:
  testing::SealkeydOptions ServerOptions() override {
    testing::SealkeydOptions o;
    o.before = {{"ca", "init", "--alg", "sm2,p256"}};
    // Captcha answers in the outbox (tests only); renewal open at once; a
    // short resend window.
    o.serve_args = {"--insecure-captcha-outbox", "--renew-window", "1", "--sms-resend-seconds",
                    "1"};
    return o;
  }
  void SetUp() override {
    PlatformCliTest::SetUp();
    CreateOperator(op_, "clerk");
    ASSERT_EQ(SkIn(op_, {"operator", "product", "add", "--id", "ss-personal", "--name",
                         "个人数字证书", "--alg", "p256", "--price", "0", "--roles",
                         "natural_person"}).exit_code, 0);
    ASSERT_EQ(SkIn(op_, {"operator", "product", "add", "--id", "ss-employee", "--name",
                         "员工数字证书（SM2 双证书）", "--profile", "employee", "--alg", "sm2",
                         "--dual", "--price", "0", "--roles", "employee"}).exit_code, 0);
    ASSERT_EQ(SkIn(op_, {"operator", "product", "add", "--id", "ss-paid", "--name", "收费证书",
                         "--alg", "p256", "--price", "99", "--roles", "natural_person"}).exit_code, 0);
    auto project = SkIn(op_, {"--json", "operator", "project", "add", "--name", "某市政务服务平台",
                              "--products", "ss-personal,ss-employee,ss-paid"});
    ASSERT_EQ(project.exit_code, 0) << project.err;
    project_ = json::parse(project.out)["id"];
    link_ = json::parse(project.out)["link"];
    ASSERT_EQ(P({"device", "create", "--label", "d1"}).exit_code, 0);
  }
  // The applicant's CLI with the medium's PINs; `in` on stdin.
  testing::CommandResult P(std::vector<std::string> args, const std::string& in = "") {
    std::vector<std::string> argv = {"env", "SEALKEY_HOME=" + home_.path(), "SEALKEY_PIN=123456",
                                     "SEALKEY_SO_PIN=12345678", testing::BinPath("sealkey"),
                                     "--server", server_->url()};
    argv.insert(argv.end(), args.begin(), args.end());
    return testing::RunCommand(argv, in);
  }
  json PJ(std::vector<std::string> args, const std::string& in = "") {
    args.insert(args.begin(), "--json");
    auto r = P(args, in);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.exit_code == 0 ? json::parse(r.out) : json();
  }
  std::string ApplyCode() {
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // the resend window
    EXPECT_EQ(P({"selfservice", "send-code", "--phone", kPhone}).exit_code, 0);
    return server_->LatestSmsCode(kE164, "self_service_apply");
  }
  std::vector<std::string> Apply(const std::string& code, const std::string& id_number) {
    return {"selfservice", "apply", "--phone", kPhone, "--code", code, "--project", link_,
            "--product", "ss-personal", "--name", "王五", "--id-number", id_number, "--agree",
            "--password-stdin"};
  }
  // The answer the server wrote for captcha `id` (--insecure-captcha-outbox).
  std::string CaptchaAnswer(const std::string& id) {
    Bytes bytes = testing::ReadFileOrDie(server_->data_dir() + "/outbox/captcha.jsonl");
    std::string text(bytes.begin(), bytes.end());
    for (size_t p = 0, n; p < text.size(); p = n + 1) {
      n = text.find('\n', p);
      json line = json::parse(text.substr(p, n - p));
      if (line["id"] == id) return line["answer"];
    }
    return "";
  }
  // The business query: a captcha, the SMS code it unlocks, the session.
  void QueryLogin() {
    std::string id = P({"selfservice", "captcha", "--save", home_.File("c.png")}).out;
    while (!id.empty() && id.back() == '\n') id.pop_back();
    ASSERT_EQ(P({"selfservice", "send-code", "--phone", kPhone, "--for", "query", "--captcha-id", id,
                 "--captcha-answer", CaptchaAnswer(id)}).exit_code, 0);
    auto in = P({"selfservice", "login", "--phone", kPhone, "--code",
                 server_->LatestSmsCode(kE164, "self_service_query")});
    ASSERT_EQ(in.exit_code, 0) << in.err;
  }
  json Applications() { return PJ({"selfservice", "list"})["applications"]; }
  std::string LastSms() {
    Bytes bytes = testing::ReadFileOrDie(server_->data_dir() + "/outbox/sms.jsonl");
    std::string text(bytes.begin(), bytes.end());
    return text.substr(text.rfind('\n', text.size() - 2) + 1);
  }
  // The medium's certificates with their private key (CA certificates of
  // the installed chain are listed too).
  json OwnCerts() {
    json certs = PJ({"cert", "list", "-d", "d1"})["certificates"];
    json out = json::array();
    for (const auto& c : certs) {
      if (c["has_private_key"].get<bool>()) out.push_back(c);
    }
    return out;
  }
  size_t KeysInMedium() { return OwnCerts().size(); }

  testing::TempDir op_;
  std::string project_, link_;
};

TEST_P(SelfServiceCliTest, StandardFlowReviewQueryInstallRenew) {
  std::string code = ApplyCode();
  // Bad input names the field and leaves the code unspent.
  EXPECT_NE(P(Apply(code, "110101199003074515"), kPassword).err.find("id_number: "),
            std::string::npos);
  EXPECT_NE(P(Apply(code, "110101199003074514"), "weak\n").err.find("certificate_password: "),
            std::string::npos);
  auto no_agree = Apply(code, "110101199003074514");
  no_agree.erase(std::find(no_agree.begin(), no_agree.end(), "--agree"));
  EXPECT_NE(P(no_agree, kPassword).err.find("agreement_version: "), std::string::npos);
  EXPECT_NE(P(Apply("000000", "110101199003074514"), kPassword).err.find("code: "),
            std::string::npos);
  // A paid product goes through orders, not self-service.
  auto paid = Apply(code, "110101199003074514");
  *std::find(paid.begin(), paid.end(), "ss-personal") = "ss-paid";
  EXPECT_NE(P(paid, kPassword).err.find("product_id: "), std::string::npos);
  auto applied = PJ(Apply(code, "110101199003074514"), kPassword);
  EXPECT_EQ(applied["state"], "pending_review");
  EXPECT_EQ(applied["id_number"], "1101**********4514");  // masked for the applicant
  std::string id = std::to_string(applied["id"].get<int64_t>());
  // A second open application for the same product is refused.
  EXPECT_NE(P(Apply(ApplyCode(), "110101199003074514"), kPassword).err.find("product_id: "),
            std::string::npos);

  // The business query: without a session nothing is shown; a wrong captcha
  // answer uses the captcha up.
  EXPECT_NE(P({"selfservice", "list"}).err.find("selfservice login"), std::string::npos);
  std::string cid = P({"selfservice", "captcha", "--save", home_.File("c.png")}).out;
  cid.pop_back();
  Bytes png = testing::ReadFileOrDie(home_.File("c.png"));
  ASSERT_GT(png.size(), 8u);
  EXPECT_EQ(png[1], 'P');
  auto wrong = P({"selfservice", "send-code", "--phone", kPhone, "--for", "query", "--captcha-id",
                  cid, "--captcha-answer", "ZZZZZ"});
  EXPECT_NE(wrong.err.find("captcha_answer: "), std::string::npos) << wrong.err;
  auto reused = P({"selfservice", "send-code", "--phone", kPhone, "--for", "query", "--captcha-id",
                   cid, "--captcha-answer", CaptchaAnswer(cid)});
  EXPECT_NE(reused.err.find("captcha_id: "), std::string::npos) << reused.err;
  QueryLogin();
  json apps = Applications();
  ASSERT_EQ(apps.size(), 1u);
  EXPECT_EQ(apps[0]["state"], "pending_review");
  // Not installable before the review; nothing is left in the medium.
  auto early = P({"selfservice", "install", id, "-d", "d1", "--password-stdin"}, kPassword);
  EXPECT_NE(early.err.find("application: "), std::string::npos) << early.err;
  EXPECT_EQ(KeysInMedium(), 0u);

  // The operator sees the full record and approves; the applicant is texted.
  auto shown = SkIn(op_, {"--json", "operator", "self-service", "show", id});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_EQ(json::parse(shown.out)["id_number"], "110101199003074514");
  EXPECT_EQ(SkIn(op_, {"operator", "self-service", "approve", id}).exit_code, 0);
  EXPECT_NE(SkIn(op_, {"operator", "self-service", "approve", id}).err.find("application: "),
            std::string::npos);
  EXPECT_NE(LastSms().find("审核通过"), std::string::npos) << LastSms();
  EXPECT_NE(LastSms().find(kE164), std::string::npos);

  // A wrong certificate password installs nothing.
  auto bad_pw = P({"selfservice", "install", id, "-d", "d1", "--password-stdin"}, "Wrong-pass1\n");
  EXPECT_NE(bad_pw.err.find("certificate_password: "), std::string::npos) << bad_pw.err;
  EXPECT_EQ(KeysInMedium(), 0u);
  auto installed = PJ({"selfservice", "install", id, "-d", "d1", "--password-stdin"}, kPassword);
  EXPECT_NE(installed["subject"].get<std::string>().find("王五"), std::string::npos);
  std::string serial = installed["serial"];
  json certs = OwnCerts();
  ASSERT_EQ(certs.size(), 1u);
  std::string ref = certs[0]["sha1"];  // a thumbprint names it
  apps = Applications();
  EXPECT_EQ(apps[0]["state"], "installed");
  EXPECT_EQ(apps[0]["cert_serial"], serial);
  EXPECT_NE(P({"selfservice", "install", id, "-d", "d1", "--password-stdin"}, kPassword)
                .err.find("application: "), std::string::npos);

  // Renewal keeps the key: same public key, new serial, in place of the old
  // certificate in the medium.
  auto key_of = [&](const std::string& sha1) {
    EXPECT_EQ(P({"cert", "export", "-d", "d1", "-c", sha1, "-o", home_.File("c.pem")}).exit_code, 0);
    return testing::RunCommand({"openssl", "x509", "-in", home_.File("c.pem"), "-noout", "-pubkey"})
        .out;
  };
  std::string old_key = key_of(ref);
  auto renewed = PJ({"selfservice", "renew", id, "-d", "d1", "-c", ref, "--password-stdin"},
                    kPassword);
  EXPECT_NE(renewed["serial"], serial);
  EXPECT_EQ(Applications()[0]["cert_serial"], renewed["serial"]);
  json after = OwnCerts();
  ASSERT_EQ(after.size(), 1u);
  // The medium shows the serial's hex as encoded (a leading zero nibble
  // kept); the platform without leading zeros.
  std::string in_medium = after[0]["serial"];
  in_medium.erase(0, in_medium.find_first_not_of('0'));
  EXPECT_EQ(in_medium, renewed["serial"]);
  ref = after[0]["sha1"];
  EXPECT_FALSE(old_key.empty());
  EXPECT_EQ(key_of(ref), old_key);

  // Five wrong passwords lock the application; then even the right one waits.
  for (int i = 0; i < 5; ++i) {
    P({"selfservice", "renew", id, "-d", "d1", "-c", ref, "--password-stdin"}, "Wrong-pass1\n");
  }
  auto locked = P({"selfservice", "renew", id, "-d", "d1", "-c", ref, "--password-stdin"},
                  kPassword);
  EXPECT_NE(locked.err.find("try again after"), std::string::npos) << locked.err;
}

TEST_P(SelfServiceCliTest, RejectionIsTextedAndANewApplicationMayFollow) {
  auto applied = PJ(Apply(ApplyCode(), "110101199003074514"), kPassword);
  std::string id = std::to_string(applied["id"].get<int64_t>());
  EXPECT_NE(SkIn(op_, {"operator", "self-service", "reject", id, "--reason", "x"}).err.find("reason: "),
            std::string::npos);
  auto pending = SkIn(op_, {"--json", "operator", "self-service", "list"});
  EXPECT_EQ(json::parse(pending.out)["applications"].size(), 1u);
  ASSERT_EQ(SkIn(op_, {"operator", "self-service", "reject", id, "--reason", "身份证号与姓名不符"})
                .exit_code, 0);
  EXPECT_NE(LastSms().find("身份证号与姓名不符"), std::string::npos);
  QueryLogin();
  EXPECT_EQ(Applications()[0]["state"], "rejected");
  EXPECT_EQ(Applications()[0]["review_reason"], "身份证号与姓名不符");
  EXPECT_EQ(PJ(Apply(ApplyCode(), "110101199003074514"), kPassword)["state"], "pending_review");
}

TEST_P(SelfServiceCliTest, PreregisteredApplicantsMatchAndInstallAtOnce) {
  // A bad row refuses the whole file.
  testing::WriteFile(op_.File("bad.csv"),
                     AsBytes("phone,product_id,name,id_number,org_name,credit_code\n"
                             "13900139000,ss-employee,王五,110101199003074514,示例科技有限公司,"
                             "91350100M000100Y43\n"
                             "13900139001,ss-employee,赵六,440106198511200032,示例科技有限公司,"
                             "91350100M000100Y43\n"));
  auto bad = SkIn(op_, {"operator", "self-service", "preregister", "--project", project_, "--csv",
                        op_.File("bad.csv")});
  EXPECT_NE(bad.err.find("row 2"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("id_number"), std::string::npos) << bad.err;
  auto none = P({"selfservice", "preregistered", "--phone", kPhone, "--code", ApplyCode(), "--name",
                 "王五", "--id-number", "110101199003074514", "--agree", "-d", "d1",
                 "--password-stdin"}, kPassword);
  EXPECT_NE(none.err.find("name: "), std::string::npos) << none.err;

  testing::WriteFile(op_.File("ok.csv"),
                     AsBytes("phone,product_id,name,id_number,org_name,credit_code\n"
                             "13900139000,ss-employee,王五,110101199003074514,示例科技有限公司,"
                             "91350100M000100Y43\n"
                             "13900139001,ss-employee,赵六,440106198511200031,示例科技有限公司,"
                             "91350100M000100Y43\n"));
  auto stored = SkIn(op_, {"--json", "operator", "self-service", "preregister", "--project",
                           project_, "--csv", op_.File("ok.csv")});
  ASSERT_EQ(stored.exit_code, 0) << stored.err;
  EXPECT_EQ(json::parse(stored.out)["stored"], 2);
  // Without a valid code nothing about the records is revealed: a wrong
  // name and a right one get the same answer.
  auto pre = [&](const std::string& code, const std::string& name) {
    return P({"selfservice", "preregistered", "--phone", kPhone, "--code", code, "--name", name,
              "--id-number", "110101199003074514", "--agree", "-d", "d1", "--password-stdin"},
             kPassword);
  };
  EXPECT_NE(pre("000000", "王六").err.find("code: "), std::string::npos);
  EXPECT_NE(pre("000000", "王五").err.find("code: "), std::string::npos);
  // With one, the details must match the employer's record.
  auto mismatch = pre(ApplyCode(), "王六");
  EXPECT_NE(mismatch.err.find("name: "), std::string::npos) << mismatch.err;
  EXPECT_EQ(KeysInMedium(), 0u);
  auto done = PJ({"selfservice", "preregistered", "--phone", kPhone, "--code", ApplyCode(), "--name",
                  "王五", "--id-number", "110101199003074514", "--agree", "-d", "d1",
                  "--password-stdin"},
                 kPassword);
  EXPECT_NE(done["subject"].get<std::string>().find("示例科技有限公司"), std::string::npos);
  EXPECT_FALSE(done["encryption_serial"].get<std::string>().empty());  // SM2 dual pair
  EXPECT_EQ(KeysInMedium(), 2u);  // the signing key and the enveloped encryption key
  // A pre-registration is used once.
  auto again = P({"selfservice", "preregistered", "--phone", kPhone, "--code", ApplyCode(), "--name",
                  "王五", "--id-number", "110101199003074514", "--agree", "-d", "d1",
                  "--password-stdin"}, kPassword);
  EXPECT_NE(again.exit_code, 0);
  auto installed = SkIn(op_, {"--json", "operator", "self-service", "list", "--state", "installed"});
  json list = json::parse(installed.out)["applications"];
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["source"], "preregistered");
  EXPECT_EQ(list[0]["reviewed_by"], "employer:" + project_);
}

INSTANTIATE_TEST_SUITE_P(Backends, SelfServiceCliTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "PostgreSQL" : "SQLite"; });

}  // namespace
}  // namespace sealkey
