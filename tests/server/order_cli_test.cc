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
#include "server/order_cli_fixture.h"

namespace sealkey {
namespace {

using nlohmann::json;

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
  std::string cert_order = std::to_string(PJ({"order", "create", "--product", "org-sm2", "-d", "d1"})["id"].get<int64_t>());
  WalkToPaid(cert_order, "300.00", "福建省示例科技有限公司");
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
  WalkToPaid(seal_order, "100.00", "福建省示例科技有限公司");
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
