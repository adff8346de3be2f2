// The fixture of the order tests (order_cli_test.cc, seal_order_cli_test.cc,
// scan_cli_test.cc; instantiated over both backends in order_cli_test.cc): a
// server with SM2 and P-256 development CAs, automatic real-name review and
// the sandbox payment provider; an operator with a certificate product and a
// QR-coded project; a verified natural person with a file device.
#pragma once

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "base/encoding.h"
#include "server/cli_fixture.h"

namespace sealkey {

class OrderCliTest : public PlatformCliTest {
 protected:
  using json = nlohmann::json;

  testing::SealkeydOptions ServerOptions() override {
    testing::SealkeydOptions o;
    o.before = {{"ca", "init", "--alg", "sm2,p256"}};
    // Real-name decisions automatic (orders still need an operator); the
    // sandbox payment provider.
    // A short resend window: one person authorises several orders in a row.
    o.serve_args = {"--review-mode", "auto", "--payment-provider", "sandbox",
                    "--sms-resend-seconds", "1"};
    return o;
  }
  void SetUp() override {
    PlatformCliTest::SetUp();
    CreateOperator(op_, "clerk");
    auto product = SkIn(op_, {"operator", "product", "add", "--id", "personal-sm2", "--name",
                              "个人数字证书（SM2 双证书）", "--alg", "sm2", "--dual", "--price",
                              "199.00", "--roles", "natural_person"});
    ASSERT_EQ(product.exit_code, 0) << product.err;
    ASSERT_EQ(SkIn(op_, {"operator", "receiving-account", "--name", "sealkey 测试有限公司", "--bank",
                         "中国工商银行福州鼓楼支行", "--number", "1402021209000000001"}).exit_code, 0);
    auto project = SkIn(op_, {"--json", "operator", "project", "add", "--name", "某市公共资源交易平台",
                              "--products", "personal-sm2"});
    ASSERT_EQ(project.exit_code, 0) << project.err;
    project_ = json::parse(project.out)["id"];
    link_ = json::parse(project.out)["link"];
    Login("13800138111");
    ASSERT_EQ(Sk({"sms", "send", "--phone", "13800138111", "--purpose", "verify_phone"}).exit_code, 0);
    testing::WriteFile(home_.File("id.jpg"), Bytes{0xff, 0xd8, 0xff, 0xe0, 1});
    ASSERT_EQ(Sk({"kyc", "submit", "--agree", "--name", "张三", "--id-number", "11010519491231002X",
                  "--phone", "13800138111", "--code",
                  server_->LatestSmsCode("+8613800138111", "verify_phone"), "--front",
                  home_.File("id.jpg"), "--back", home_.File("id.jpg")}).exit_code, 0);
    ASSERT_EQ(P({"device", "create", "--label", "d1"}).exit_code, 0);
  }
  // A person's CLI (profile `home`) with the medium's PINs.
  testing::CommandResult PIn(const testing::TempDir& home, std::vector<std::string> args) {
    std::vector<std::string> argv = {"env", "SEALKEY_HOME=" + home.path(), "SEALKEY_PIN=123456",
                                     "SEALKEY_SO_PIN=12345678", testing::BinPath("sealkey"),
                                     "--server", server_->url()};
    argv.insert(argv.end(), args.begin(), args.end());
    return testing::RunCommand(argv);
  }
  json PJIn(const testing::TempDir& home, std::vector<std::string> args) {
    args.insert(args.begin(), "--json");
    auto r = PIn(home, args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.exit_code == 0 ? json::parse(r.out) : json();
  }
  // The first person's.
  testing::CommandResult P(std::vector<std::string> args) { return PIn(home_, std::move(args)); }
  json PJ(std::vector<std::string> args) { return PJIn(home_, std::move(args)); }
  std::string State(const std::string& id) { return PJ({"order", "show", id})["state"]; }
  // Creates an order from the project and walks it to "authorised".
  std::string ReadyToPay() {
    auto created = PJ({"order", "create", "--product", "personal-sm2", "--project", project_, "-d", "d1"});
    std::string id = std::to_string(created["id"].get<int64_t>());
    EXPECT_EQ(created["state"], "created");
    EXPECT_EQ(created["amount_fen"], 19900);
    // No skipping: confirming before the agreement and the form is refused.
    auto early = P({"order", "confirm", id});
    EXPECT_NE(early.err.find("state: "), std::string::npos) << early.err;
    EXPECT_EQ(State(id), "created");
    EXPECT_EQ(PJ({"order", "agree", id})["state"], "agreed");
    // The blank form goes out by e-mail (the outbox carries the PDF).
    EXPECT_NE(P({"order", "form-template", id, "--email", "not-an-address"}).err.find("email: "),
              std::string::npos);
    EXPECT_EQ(P({"order", "form-template", id, "--email", "zhangsan@example.com"}).exit_code, 0);
    Bytes mail_bytes = testing::ReadFileOrDie(server_->data_dir() + "/outbox/mail.jsonl");
    std::string mail(mail_bytes.begin(), mail_bytes.end());
    json last = json::parse(mail.substr(mail.rfind('\n', mail.size() - 2) + 1));
    EXPECT_EQ(last["to"], "zhangsan@example.com");
    auto blank = Base64Decode(last["attachments"][0]["base64"].get<std::string>());
    EXPECT_TRUE(blank.has_value());
    testing::WriteFile(home_.File("blank.pdf"), blank.value_or(Bytes{}));
    EXPECT_NE(testing::RunCommand({"pdftotext", home_.File("blank.pdf"), "-"}).out.find("数字证书申请表"),
              std::string::npos);
    // Signing online: the handwritten signature is rendered into the form.
    auto sig = testing::RunCommand({"pango-view", "-q", "--font=WenQuanYi Zen Hei 28", "--dpi=150",
                                    "-o", home_.File("sig.png"), "--text", "张三"});
    EXPECT_EQ(sig.exit_code, 0) << sig.err;
    testing::WriteFile(home_.File("fake.png"), Bytes{0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 1});
    EXPECT_NE(P({"order", "form", id, "--signature", home_.File("fake.png")}).err.find("signature"),
              std::string::npos);
    EXPECT_EQ(State(id), "agreed");
    EXPECT_EQ(PJ({"order", "form", id, "--signature", home_.File("sig.png")})["state"], "form_submitted");
    EXPECT_EQ(P({"order", "form-file", id, "-o", home_.File("form.pdf")}).exit_code, 0);
    std::string form = testing::RunCommand({"pdftotext", home_.File("form.pdf"), "-"}).out;
    EXPECT_NE(form.find("张三"), std::string::npos) << form;  // the verified name, filled in
    EXPECT_NE(form.find("个人数字证书"), std::string::npos) << form;
    EXPECT_EQ(PJ({"order", "confirm", id})["state"], "confirmed");
    auto bad_tax = P({"order", "invoice", id, "--kind", "company", "--name", "示例科技有限公司",
                      "--tax-id", "91350100M000100Y44"});
    EXPECT_NE(bad_tax.err.find("tax_id: "), std::string::npos) << bad_tax.err;
    EXPECT_EQ(PJ({"order", "invoice", id, "--kind", "company", "--name", "示例科技有限公司",
                  "--tax-id", "91350100M000100Y43", "--address", "福州市鼓楼区五四路100号"})["state"],
              "invoice_set");
    EXPECT_NE(P({"order", "authorise", id, "--code", "000000"}).err.find("code: "), std::string::npos);
    EXPECT_EQ(P({"sms", "send", "--phone", "13800138111", "--purpose", "authorise_order"}).exit_code, 0);
    EXPECT_EQ(PJ({"order", "authorise", id, "--code",
                  server_->LatestSmsCode("+8613800138111", "authorise_order")})["state"],
              "authorised");
    return id;
  }
  void ApproveAndInstall(const std::string& id) {
    auto approved = SkIn(op_, {"--json", "operator", "order", "approve", id});
    ASSERT_EQ(approved.exit_code, 0) << approved.err;
    EXPECT_EQ(json::parse(approved.out)["state"], "issued");
    auto installed = P({"order", "install", id, "-d", "d1"});
    ASSERT_EQ(installed.exit_code, 0) << installed.err;
    EXPECT_EQ(State(id), "installed");
    json certs = PJ({"cert", "list", "-d", "d1"})["certificates"];
    int with_key = 0;
    for (const auto& c : certs) with_key += c["has_private_key"].get<bool>();
    EXPECT_EQ(with_key, 2);  // the signing and the enveloped encryption certificate
  }

  // Walks an order from created to paid by bank transfer (the operator
  // confirms the transfer).
  void WalkToPaid(const std::string& id, const std::string& yuan, const std::string& payer) {
    WalkToPaidIn(home_, "13800138111", id, yuan, payer);
  }
  void WalkToPaidIn(const testing::TempDir& home, const std::string& phone, const std::string& id,
                    const std::string& yuan, const std::string& payer) {
    PJIn(home, {"order", "agree", id});
    testing::WriteFile(home.File("form.pdf"), AsBytes("%PDF-1.4\n%filled\n"));
    PJIn(home, {"order", "form", id, "--upload", home.File("form.pdf")});
    PJIn(home, {"order", "confirm", id});
    PJIn(home, {"order", "invoice", id, "--kind", "none"});
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // the resend window
    EXPECT_EQ(PIn(home, {"sms", "send", "--phone", phone, "--purpose", "authorise_order"}).exit_code, 0);
    PJIn(home, {"order", "authorise", id, "--code",
                server_->LatestSmsCode("+86" + phone, "authorise_order")});
    PJIn(home, {"order", "pay", id, "--method", "bank_transfer"});
    PJIn(home, {"order", "payer", id, "--name", payer, "--account", "6222020000000002", "--amount", yuan});
    EXPECT_EQ(SkIn(op_, {"operator", "order", "transfer", id, "--amount", yuan}).exit_code, 0);
    EXPECT_EQ(PJIn(home, {"order", "show", id})["state"], "paid");
  }

  testing::TempDir op_;
  std::string project_, link_;
};

}  // namespace sealkey
