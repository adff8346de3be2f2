// Issue 7, certificate orders end to end through the real CLI against a real
// sealkeyd (development CAs, operator review), on SQLite and PostgreSQL: an
// operator adds a product and a QR-coded project; a natural person orders
// from it step by step (key made in the medium at creation, agreement, form,
// confirmation, company invoice with a checked tax id, SMS authorisation),
// pays by bank transfer (remittance reference, payer details, statement
// import) or online through the sandbox provider (redirect page, signed
// asynchronous notification; a forged one is refused, a repeated one changes
// nothing), the operator approves, the certificate is issued and installed.
// Out-of-order steps and cancelling after payment are refused unchanged.
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "base/encoding.h"
#include "server/cli_fixture.h"

namespace sealkey {
namespace {

using nlohmann::json;

class OrderCliTest : public PlatformCliTest {
 protected:
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
  // The person's CLI with the medium's PINs.
  testing::CommandResult P(std::vector<std::string> args) {
    std::vector<std::string> argv = {"env", "SEALKEY_HOME=" + home_.path(), "SEALKEY_PIN=123456",
                                     "SEALKEY_SO_PIN=12345678", testing::BinPath("sealkey"),
                                     "--server", server_->url()};
    argv.insert(argv.end(), args.begin(), args.end());
    return testing::RunCommand(argv);
  }
  json PJ(std::vector<std::string> args) {
    args.insert(args.begin(), "--json");
    auto r = P(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.exit_code == 0 ? json::parse(r.out) : json();
  }
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

  testing::TempDir op_;
  std::string project_, link_;
};

TEST_P(OrderCliTest, BankTransferReviewIssueInstall) {
  EXPECT_NE(link_.find("sealkey://project/" + project_), std::string::npos);
  std::string id = ReadyToPay();
  EXPECT_EQ(PJ({"order", "list", "--tab", "pending_payment"})["orders"].size(), 1u);
  auto pay = PJ({"order", "pay", id, "--method", "bank_transfer"});
  std::string ref = pay["remittance_ref"];
  EXPECT_EQ(pay["account"]["number"], "1402021209000000001");
  EXPECT_EQ(ref.rfind("SK", 0), 0u);
  // The operator cannot review an unpaid order; a wrong amount is refused.
  EXPECT_NE(SkIn(op_, {"operator", "order", "approve", id}).err.find("state: "), std::string::npos);
  EXPECT_NE(P({"order", "payer", id, "--name", "示例科技有限公司", "--account", "6222020000000000",
               "--amount", "19.90"}).err.find("amount_fen: "), std::string::npos);
  EXPECT_EQ(PJ({"order", "payer", id, "--name", "示例科技有限公司", "--account", "6222020000000000",
                "--amount", "199.00"})["state"], "payment_submitted");
  // Cancelling now (the money may be on its way) is refused.
  EXPECT_NE(P({"order", "cancel", id}).err.find("state: "), std::string::npos);
  testing::WriteFile(op_.File("statement.csv"),
                     AsBytes("date,amount,payer,reference\n2026-11-24,199.00,示例科技有限公司," + ref +
                             "\n2026-11-24,50.00,someone,SK000000000000\n"));
  auto imported = SkIn(op_, {"--json", "operator", "statement", "import", op_.File("statement.csv")});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_EQ(json::parse(imported.out)["matched"], 1);
  EXPECT_EQ(State(id), "paid");
  EXPECT_EQ(PJ({"order", "list", "--tab", "under_review"})["orders"].size(), 1u);
  // B14: the invoice was requested on payment; it failed while the seller
  // was not configured, and a retry after the operator sets it issues it.
  auto pending = PJ({"invoice", "list", "--tab", "pending"})["invoices"];
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0]["status"], "failed");
  EXPECT_NE(pending[0]["error"].get<std::string>().find("seller"), std::string::npos);
  std::string inv = std::to_string(pending[0]["id"].get<int64_t>());
  EXPECT_NE(P({"invoice", "download", inv, "-o", home_.File("x.pdf")}).err.find("not issued"),
            std::string::npos);
  EXPECT_NE(SkIn(op_, {"operator", "seller", "set", "--name", "sealkey 测试有限公司", "--tax-id",
                       "91350100M000100Y44"}).err.find("tax_id: "), std::string::npos);
  ASSERT_EQ(SkIn(op_, {"operator", "seller", "set", "--name", "sealkey 测试有限公司", "--tax-id",
                       "91440101MA5ABCDE1M", "--address", "广州市海珠区 020-12345678"}).exit_code, 0);
  auto retried = PJ({"invoice", "retry", inv});
  EXPECT_EQ(retried["status"], "issued");
  ASSERT_EQ(P({"invoice", "download", inv, "-o", home_.File("invoice.pdf")}).exit_code, 0);
  auto text = testing::RunCommand({"pdftotext", home_.File("invoice.pdf"), "-"});
  EXPECT_NE(text.out.find("示例科技有限公司"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("壹佰玖拾玖元整"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find(retried["number"].get<std::string>()), std::string::npos);
  EXPECT_EQ(PJ({"invoice", "list", "--tab", "issued"})["invoices"].size(), 1u);
  ApproveAndInstall(id);
  EXPECT_EQ(PJ({"order", "list", "--tab", "completed"})["orders"].size(), 1u);
}

TEST_P(OrderCliTest, OnlinePaymentWithSignedNotifications) {
  std::string id = ReadyToPay();
  auto pay = PJ({"order", "pay", id, "--method", "online"});
  std::string url = pay["redirect_url"];
  ASSERT_EQ(url.rfind(server_->url() + "/sandbox/pay/", 0), 0u) << url;
  std::string ref = url.substr(url.rfind('/') + 1);
  // A forged notification is refused and changes nothing.
  std::string forged = R"({"ref":")" + ref + R"(","amount_fen":19900,"status":"paid"})";
  auto fake = testing::RunCommand({"curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST",
                                   "-H", "X-Sandbox-Signature: 00", "--data", forged,
                                   server_->url() + "/api/v1/payments/notify/sandbox"});
  EXPECT_EQ(fake.out, "400");
  EXPECT_EQ(State(id), "authorised");
  // Notifications signed with the provider's key (read from the sandbox's
  // secret): a different amount is refused; after payment a repeat is
  // acknowledged and changes nothing.
  std::string key = HexEncode(testing::ReadFileOrDie(server_->data_dir() + "/secrets/sandbox-pay.key"));
  auto notify = [&](const std::string& body) {
    testing::WriteFile(home_.File("n.json"), AsBytes(body));
    auto mac = testing::RunCommand({"openssl", "dgst", "-sha256", "-mac", "HMAC", "-macopt",
                                    "hexkey:" + key, "-r", home_.File("n.json")});
    std::string sig = mac.out.substr(0, 64);
    return testing::RunCommand({"curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST",
                                "-H", "X-Sandbox-Signature: " + sig, "--data-binary",
                                "@" + home_.File("n.json"),
                                server_->url() + "/api/v1/payments/notify/sandbox"}).out;
  };
  EXPECT_EQ(notify(R"({"ref":")" + ref + R"(","amount_fen":100,"status":"paid"})"), "400");
  EXPECT_EQ(State(id), "authorised");
  // The payer opens the page and pays; the provider notifies asynchronously.
  auto page = testing::RunCommand({"curl", "-sf", url});
  EXPECT_NE(page.out.find("199.00"), std::string::npos) << page.out;
  ASSERT_EQ(testing::RunCommand({"curl", "-sf", "-X", "POST", url + "/confirm"}).exit_code, 0);
  for (int i = 0; i < 50 && State(id) != "paid"; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(State(id), "paid");
  EXPECT_EQ(notify(forged), "200");  // the genuine body, now properly signed: a repeat
  EXPECT_EQ(State(id), "paid");
  ApproveAndInstall(id);
  // Cancelling a completed order is refused; the state stays.
  EXPECT_NE(P({"order", "cancel", id}).err.find("state: "), std::string::npos);
  EXPECT_EQ(State(id), "installed");
}

TEST_P(OrderCliTest, CancelBeforePaymentAndRoleChecks) {
  auto created = PJ({"order", "create", "--product", "personal-sm2", "-d", "d1"});
  std::string id = std::to_string(created["id"].get<int64_t>());
  EXPECT_EQ(PJ({"order", "cancel", id})["state"], "cancelled");
  EXPECT_NE(P({"order", "agree", id}).err.find("state: "), std::string::npos);
  // A product not on sale, and one the identity may not buy.
  EXPECT_NE(P({"order", "create", "--product", "nope", "-d", "d1"}).err.find("--product"),
            std::string::npos);
  ASSERT_EQ(SkIn(op_, {"operator", "product", "add", "--id", "org-p256", "--name", "机构证书",
                       "--profile", "organisation", "--alg", "p256", "--price", "500",
                       "--roles", "administrator"}).exit_code, 0);
  auto denied = P({"order", "create", "--product", "org-p256", "-d", "d1"});
  EXPECT_NE(denied.err.find("identity: "), std::string::npos) << denied.err;
  EXPECT_EQ(PJ({"cert", "list", "-d", "d1"})["certificates"].size(), 0u);  // no key left behind
}

// B12: a personal seal bound to the person's SM2 certificate, through the
// same order flow; the seal image lands in the medium and the GB/T 38540
// structure names the certificate.
TEST_P(OrderCliTest, PersonalSealBoundToACertificate) {
  ASSERT_EQ(SkIn(op_, {"operator", "product", "add", "--id", "seal-personal", "--kind", "seal",
                       "--name", "个人电子印章", "--seal-type", "personal", "--price", "50",
                       "--roles", "natural_person"}).exit_code, 0);
  // A seal needs a certificate of the right kind.
  auto no_cert = P({"order", "create", "--product", "seal-personal", "--cert-serial", "ABCDEF"});
  EXPECT_NE(no_cert.err.find("cert_serial: "), std::string::npos) << no_cert.err;
  auto cert = PJ({"cert", "request", "-d", "d1"});
  std::string serial = cert["serial"];
  auto created = PJ({"order", "create", "--product", "seal-personal", "--cert-serial", serial});
  std::string id = std::to_string(created["id"].get<int64_t>());
  EXPECT_EQ(PJ({"order", "agree", id})["state"], "agreed");
  testing::WriteFile(home_.File("form.pdf"), AsBytes("%PDF-1.4\n%filled form\n"));
  EXPECT_EQ(PJ({"order", "form", id, "--upload", home_.File("form.pdf")})["state"], "form_submitted");
  EXPECT_EQ(PJ({"order", "confirm", id})["state"], "confirmed");
  EXPECT_EQ(PJ({"order", "invoice", id, "--kind", "none"})["state"], "invoice_set");
  EXPECT_EQ(P({"sms", "send", "--phone", "13800138111", "--purpose", "authorise_order"}).exit_code, 0);
  EXPECT_EQ(PJ({"order", "authorise", id, "--code",
                server_->LatestSmsCode("+8613800138111", "authorise_order")})["state"], "authorised");
  std::string ref = PJ({"order", "pay", id, "--method", "bank_transfer"})["remittance_ref"];
  PJ({"order", "payer", id, "--name", "张三", "--account", "6222020000000001", "--amount", "50"});
  ASSERT_EQ(SkIn(op_, {"operator", "order", "transfer", id, "--amount", "50.00"}).exit_code, 0);
  auto approved = SkIn(op_, {"--json", "operator", "order", "approve", id});
  ASSERT_EQ(approved.exit_code, 0) << approved.err;
  ASSERT_EQ(P({"order", "install", id, "-d", "d1"}).exit_code, 0);
  auto media = P({"--json", "seal", "list", "-d", "d1"});
  EXPECT_NE(media.out.find("张三"), std::string::npos) << media.out;
  ASSERT_EQ(P({"seal", "issued", "--save-dir", home_.File("seals")}).exit_code, 0);
  auto png = testing::ReadFileOrDie(home_.File("seals/seal-1.png"));
  ASSERT_GT(png.size(), 8u);
  EXPECT_EQ(png[1], 'P');
  auto asn1 = testing::RunCommand({"openssl", "asn1parse", "-inform", "DER", "-in",
                                   home_.File("seals/seal-1.ses")});
  EXPECT_EQ(asn1.exit_code, 0) << asn1.err;
  EXPECT_NE(asn1.out.find(":ES"), std::string::npos) << asn1.out;
  EXPECT_NE(asn1.out.find("SM2-with-SM3"), std::string::npos) << asn1.out;  // 1.2.156.10197.1.501
  // Nothing is invoiced for an order without invoice details.
  EXPECT_TRUE(PJ({"invoice", "list"})["invoices"].empty());
}

// B10/B12 for an organisation: the administrator orders the organisation's
// certificate and then its round seal bound to that certificate; a natural
// person may not order either.
TEST_P(OrderCliTest, AdministratorOrdersOrganisationCertificateAndSeal) {
  testing::WriteFile(home_.File("licence.png"), Bytes{0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0});
  auto org = P({"org", "create", "--agree", "--licence", home_.File("licence.png"), "--name",
                "福建省示例科技有限公司", "--credit-code", "91350100M000100Y43", "--address",
                "福州市鼓楼区五四路100号", "--legal-rep-name", "张三", "--legal-rep-id-number",
                "11010519491231002X", "--legal-rep-phone", "13800138111"});
  ASSERT_EQ(org.exit_code, 0) << org.err;  // approved at once (review mode auto)
  ASSERT_EQ(SkIn(op_, {"operator", "product", "add", "--id", "org-sm2", "--name", "机构数字证书",
                       "--profile", "organisation", "--alg", "sm2", "--price", "300",
                       "--roles", "administrator,legal_representative"}).exit_code, 0);
  ASSERT_EQ(SkIn(op_, {"operator", "product", "add", "--id", "seal-org", "--kind", "seal",
                       "--name", "机构电子公章", "--seal-type", "organisation", "--price", "100",
                       "--roles", "administrator"}).exit_code, 0);
  // As a natural person the organisation's product is not for sale to me.
  EXPECT_NE(P({"order", "create", "--product", "org-sm2", "-d", "d1"}).err.find("identity: "),
            std::string::npos);
  int64_t admin = 0;
  json ids = PJ({"identity", "list"});
  for (const auto& i : ids["identities"]) {
    if (i["kind"] == "administrator") admin = i["id"];
  }
  ASSERT_NE(admin, 0);
  ASSERT_EQ(P({"identity", "switch", std::to_string(admin)}).exit_code, 0);
  // Walks an order from created to paid by bank transfer.
  auto walk = [&](const std::string& id, const std::string& yuan) {
    PJ({"order", "agree", id});
    testing::WriteFile(home_.File("form.pdf"), AsBytes("%PDF-1.4\n%filled\n"));
    PJ({"order", "form", id, "--upload", home_.File("form.pdf")});
    PJ({"order", "confirm", id});
    PJ({"order", "invoice", id, "--kind", "none"});
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // the resend window
    EXPECT_EQ(P({"sms", "send", "--phone", "13800138111", "--purpose", "authorise_order"}).exit_code, 0);
    PJ({"order", "authorise", id, "--code", server_->LatestSmsCode("+8613800138111", "authorise_order")});
    PJ({"order", "pay", id, "--method", "bank_transfer"});
    PJ({"order", "payer", id, "--name", "福建省示例科技有限公司", "--account", "6222020000000002",
        "--amount", yuan});
    EXPECT_EQ(SkIn(op_, {"operator", "order", "transfer", id, "--amount", yuan}).exit_code, 0);
    EXPECT_EQ(State(id), "paid");
  };
  std::string cert_order = std::to_string(PJ({"order", "create", "--product", "org-sm2", "-d", "d1"})["id"].get<int64_t>());
  walk(cert_order, "300.00");
  ASSERT_EQ(SkIn(op_, {"operator", "order", "approve", cert_order}).exit_code, 0);
  ASSERT_EQ(P({"order", "install", cert_order, "-d", "d1"}).exit_code, 0);
  std::string serial = PJ({"order", "show", cert_order})["cert_serial"];
  json issued = PJ({"cert", "issued"});
  std::string subject;
  for (const auto& c : issued["certificates"]) {
    if (c["serial"] == serial) subject = c["subject"];
  }
  EXPECT_NE(subject.find("O=福建省示例科技有限公司"), std::string::npos) << subject;
  EXPECT_NE(subject.find("91350100M000100Y43"), std::string::npos) << subject;
  // The round seal, bound to the organisation certificate.
  auto wrong = P({"order", "create", "--product", "seal-org", "--cert-serial", "ABCDEF"});
  EXPECT_NE(wrong.err.find("cert_serial: "), std::string::npos) << wrong.err;
  std::string seal_order = std::to_string(
      PJ({"order", "create", "--product", "seal-org", "--cert-serial", serial})["id"].get<int64_t>());
  walk(seal_order, "100.00");
  ASSERT_EQ(SkIn(op_, {"operator", "order", "approve", seal_order}).exit_code, 0);
  ASSERT_EQ(P({"order", "install", seal_order, "-d", "d1"}).exit_code, 0);
  json seals = PJ({"seal", "issued"})["seals"];
  ASSERT_EQ(seals.size(), 1u);
  EXPECT_EQ(seals[0]["type"], "organisation");
  EXPECT_EQ(seals[0]["name"], "福建省示例科技有限公司");
  EXPECT_EQ(seals[0]["cert_serial"], serial);
  EXPECT_NE(P({"--json", "seal", "list", "-d", "d1"}).out.find("福建省示例科技有限公司"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, OrderCliTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "PostgreSQL" : "SQLite"; });

}  // namespace
}  // namespace sealkey
