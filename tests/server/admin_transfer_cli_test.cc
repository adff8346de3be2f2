// B9, the administrator transfer completed (manual 4.9.3: choose the
// employee, choose the certificate, sign the authorisation letter with a
// handwritten signature) through the real CLI against a real sealkeyd with
// development CAs, on SQLite and PostgreSQL. The platform renders the
// letter with the signature image (pdftotext reads the names back); the
// administrator signs it (PAdES, SM2) in a file device; the roles swap and
// both people get an SMS. Each refusal names its field and changes nothing:
// an unsigned letter, a revoked certificate, another account's certificate,
// a letter that is not the stored one, edited or extended bytes, an update
// that redraws the letter before the signature, an employee calling,
// nothing pending.
#include <cstdio>
#include <regex>
#include <set>

#include <gtest/gtest.h>

#include "image/raster.h"
#include "server/cli_fixture.h"

namespace sealkey {
namespace {

using nlohmann::json;

constexpr char kOrgName[] = "福建省示例科技有限公司";
constexpr char kCode[] = "91350100M000100Y43";

// `pdf` (a cairo PDF: classic cross-reference table) plus an incremental
// update that empties the first page's content stream: the letter redrawn.
Bytes Redrawn(const Bytes& pdf) {
  std::string text(pdf.begin(), pdf.end());
  std::string trailer = text.substr(text.rfind("trailer"));
  std::smatch root, size, contents;
  EXPECT_TRUE(std::regex_search(trailer, root, std::regex("/Root (\\d+) 0 R")));
  EXPECT_TRUE(std::regex_search(trailer, size, std::regex("/Size (\\d+)")));
  EXPECT_TRUE(std::regex_search(text, contents, std::regex("/Contents (\\d+) 0 R")));
  size_t prev_at = text.rfind("startxref") + 10;
  std::string prev = text.substr(prev_at, text.find_first_of("\r\n", prev_at) - prev_at);
  std::string update = "\n";
  size_t object_at = text.size() + update.size();
  update += contents.str(1) + " 0 obj\n<< /Length 0 >>\nstream\n\nendstream\nendobj\n";
  size_t xref_at = text.size() + update.size();
  char entry[32];
  std::snprintf(entry, sizeof entry, "%010zu 00000 n \n", object_at);
  update += "xref\n" + contents.str(1) + " 1\n" + entry + "trailer\n<< /Size " + size.str(1) +
            " /Root " + root.str(1) + " 0 R /Prev " + prev + " >>\nstartxref\n" +
            std::to_string(xref_at) + "\n%%EOF\n";
  Bytes out = pdf;
  out.insert(out.end(), update.begin(), update.end());
  return out;
}

// A handwritten-looking stroke: a dark diagonal band on transparency.
Bytes SignaturePng(int shade) {
  image::RgbaImage img{120, 60, std::vector<uint8_t>(120 * 60 * 4, 0)};
  for (int x = 10; x < 110; ++x) {
    for (int dy = 0; dy < 3; ++dy) {
      uint8_t* p = &img.rgba[(size_t(10 + x * 40 / 110 + dy) * 120 + x) * 4];
      p[0] = p[1] = static_cast<uint8_t>(shade);
      p[2] = 0x60;
      p[3] = 255;
    }
  }
  auto png = image::EncodePng(img);
  EXPECT_TRUE(png.has_value());
  return png.value_or(Bytes{});
}

class AdminTransferCliTest : public PlatformCliTest {
 protected:
  testing::SealkeydOptions ServerOptions() override {
    testing::SealkeydOptions o;
    o.before = {{"ca", "init", "--alg", "sm2,p256"}};
    o.serve_args = {"--review-mode", "auto"};
    return o;
  }
  // The CLI at `home` with the device PINs in the environment.
  testing::CommandResult Run(const testing::TempDir& home, std::vector<std::string> args) {
    std::vector<std::string> argv = {"env", "SEALKEY_HOME=" + home.path(), "SEALKEY_PIN=123456",
                                     "SEALKEY_SO_PIN=12345678", testing::BinPath("sealkey"),
                                     "--server", server_->url()};
    argv.insert(argv.end(), args.begin(), args.end());
    return testing::RunCommand(argv);
  }
  json J(const testing::TempDir& home, std::vector<std::string> args) {
    args.insert(args.begin(), "--json");
    auto r = Run(home, args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.exit_code == 0 ? json::parse(r.out) : json();
  }
  std::string Err(const testing::TempDir& home, std::vector<std::string> args) {
    auto r = Run(home, args);
    EXPECT_NE(r.exit_code, 0) << r.out;
    return r.err;
  }
  void Verify(const testing::TempDir& home, const std::string& phone) {
    ASSERT_EQ(Run(home, {"sms", "send", "--phone", phone, "--purpose", "verify_phone"}).exit_code, 0);
    testing::WriteFile(home.File("id.jpg"), Bytes{0xff, 0xd8, 0xff, 0xe0, 1});
    std::string code = server_->LatestSmsCode("+86" + phone, "verify_phone");
    auto r = Run(home, {"kyc", "submit", "--agree", "--name", &home == &alice_ ? "张三" : "李四",
                        "--id-number", &home == &alice_ ? "11010519491231002X" : "110101198505050024",
                        "--phone", phone, "--code", code, "--front", home.File("id.jpg"),
                        "--back", home.File("id.jpg")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto dev = Run(home, {"device", "create", "--label", "d1"});
    ASSERT_EQ(dev.exit_code, 0) << dev.err;
  }
  std::multiset<std::string> Kinds(const testing::TempDir& home) {
    json list = J(home, {"identity", "list"});  // kept alive for the loop
    std::multiset<std::string> out;
    for (const auto& i : list["identities"]) out.insert(i["kind"].get<std::string>());
    return out;
  }
  int64_t IdentityOf(const testing::TempDir& home, const std::string& kind) {
    json list = J(home, {"identity", "list"});
    for (const auto& i : list["identities"]) {
      if (i["kind"] == kind) return i["id"].get<int64_t>();
    }
    return 0;
  }
  // Nothing changed: still pending, still the same roles.
  void ExpectUnchanged(const std::string& why) {
    SCOPED_TRACE(why);
    EXPECT_EQ(J(alice_, {"org", "transfer-status"})["status"], "awaiting_signature");
    EXPECT_EQ(Kinds(alice_), (std::multiset<std::string>{"natural_person", "administrator",
                                                         "legal_representative"}));
    EXPECT_EQ(Kinds(bob_), (std::multiset<std::string>{"natural_person", "employee"}));
  }
  size_t Notices() {
    size_t n = 0;
    for (const auto& m : server_->SmsOutbox()) n += m.purpose == "notice";
    return n;
  }

  testing::TempDir alice_, bob_;
};

TEST_P(AdminTransferCliTest, SignedLetterSwapsRolesAndEveryBadLetterChangesNothing) {
  LoginIn(alice_, "13100131001");
  LoginIn(bob_, "13100131002");
  Verify(alice_, "13100131001");
  Verify(bob_, "13100131002");
  // Certificates as natural persons: alice two (one to revoke), bob one.
  std::string good = J(alice_, {"cert", "request", "-d", "d1"})["ref"];
  json revoked = J(alice_, {"cert", "request", "-d", "d1"});
  std::string bobs = J(bob_, {"cert", "request", "-d", "d1"})["ref"];
  ASSERT_EQ(Run(alice_, {"cert", "revoke", "--serial", revoked["serial"], "--reason",
                         "keyCompromise"}).exit_code, 0);

  // alice creates the organisation (approved at once), invites bob.
  testing::WriteFile(alice_.File("licence.png"),
                     Bytes{0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0});
  ASSERT_EQ(Run(alice_, {"org", "create", "--agree", "--licence", alice_.File("licence.png"),
                         "--name", kOrgName, "--credit-code", kCode, "--address",
                         "福州市鼓楼区五四路100号", "--legal-rep-name", "张三",
                         "--legal-rep-id-number", "11010519491231002X", "--legal-rep-phone",
                         "13100131001"}).exit_code, 0);
  ASSERT_EQ(Run(alice_, {"identity", "switch", std::to_string(IdentityOf(alice_, "administrator"))})
                .exit_code, 0);
  ASSERT_EQ(Run(alice_, {"org", "invite", "--phone", "13100131002"}).exit_code, 0);
  json invitations = J(bob_, {"org", "my-invitations"});
  ASSERT_EQ(invitations["invitations"].size(), 1u);
  ASSERT_EQ(Run(bob_, {"org", "accept-invitation",
                       std::to_string(invitations["invitations"][0]["id"].get<int64_t>())})
                .exit_code, 0);
  int64_t bob_employee = IdentityOf(bob_, "employee");
  ASSERT_NE(bob_employee, 0);

  testing::WriteFile(alice_.File("sig.png"), SignaturePng(0x20));
  testing::WriteFile(alice_.File("sig2.png"), SignaturePng(0x40));
  testing::WriteFile(alice_.File("text.png"), AsBytes("not a picture\n"));
  // Nothing pending yet.
  EXPECT_NE(Err(alice_, {"org", "transfer-letter", "--signature", alice_.File("sig.png")})
                .find("transfer: "), std::string::npos);
  // Choose the employee.
  ASSERT_EQ(J(alice_, {"org", "transfer-admin", "--to", std::to_string(bob_employee)})["status"],
            "awaiting_signature");
  EXPECT_NE(Err(alice_, {"org", "transfer-sign", "--pdf", alice_.File("licence.png")})
                .find("letter: "), std::string::npos);  // no letter rendered yet
  EXPECT_NE(Err(alice_, {"org", "transfer-letter", "--signature", alice_.File("text.png")})
                .find("signature: "), std::string::npos);

  // The letter, with the names in it.
  std::string letter = alice_.File("letter.pdf");
  ASSERT_EQ(Run(alice_, {"org", "transfer-letter", "--signature", alice_.File("sig.png"),
                         "--out", letter}).exit_code, 0);
  auto text = testing::RunCommand({"pdftotext", letter, "-"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  for (const char* want : {"授权委托书", "张三", "李四", kOrgName, kCode}) {
    EXPECT_NE(text.out.find(want), std::string::npos) << want << "\n" << text.out;
  }
  EXPECT_TRUE(J(alice_, {"org", "transfer-status"})["letter_rendered"]);
  size_t notices = Notices();
  std::string refused;

  // An unsigned letter.
  refused = Err(alice_, {"org", "transfer-sign", "--pdf", letter});
  EXPECT_NE(refused.find("pdf: "), std::string::npos) << refused;
  EXPECT_NE(refused.find("without a signature"), std::string::npos) << refused;
  ExpectUnchanged("unsigned");
  // Signed with a revoked certificate (the CLI's own signing does not stop it).
  refused = Err(alice_, {"org", "transfer-sign", "-d", "d1", "-c", revoked["ref"],
                                     "--signature", alice_.File("sig.png")});
  EXPECT_NE(refused.find("certificate: "), std::string::npos) << refused;
  EXPECT_NE(refused.find("revoked"), std::string::npos) << refused;
  ExpectUnchanged("revoked certificate");
  // Signed by bob with his own certificate.
  ASSERT_EQ(Run(alice_, {"org", "transfer-letter", "--signature", alice_.File("sig.png"),
                         "--out", letter}).exit_code, 0);
  testing::WriteFile(bob_.File("letter.pdf"), testing::ReadFileOrDie(letter));
  auto bob_signed = Run(bob_, {"sign", "-d", "d1", "-c", bobs, "-i", bob_.File("letter.pdf"),
                               "--pdf-out", bob_.File("signed.pdf")});
  ASSERT_EQ(bob_signed.exit_code, 0) << bob_signed.err;
  testing::WriteFile(alice_.File("bob-signed.pdf"), testing::ReadFileOrDie(bob_.File("signed.pdf")));
  refused = Err(alice_, {"org", "transfer-sign", "--pdf", alice_.File("bob-signed.pdf")});
  EXPECT_NE(refused.find("certificate: "), std::string::npos) << refused;
  EXPECT_NE(refused.find("your account"), std::string::npos) << refused;
  ExpectUnchanged("another account's certificate");
  // alice signs the letter properly, but the stored letter is then
  // re-rendered: the signed one is no longer this transfer's letter.
  auto signed_ok = Run(alice_, {"sign", "-d", "d1", "-c", good, "-i", letter, "--pdf-out",
                                alice_.File("signed.pdf")});
  ASSERT_EQ(signed_ok.exit_code, 0) << signed_ok.err;
  Bytes signed_pdf = testing::ReadFileOrDie(alice_.File("signed.pdf"));
  ASSERT_EQ(Run(alice_, {"org", "transfer-letter", "--signature", alice_.File("sig2.png"),
                         "--out", alice_.File("letter2.pdf")}).exit_code, 0);
  refused = Err(alice_, {"org", "transfer-sign", "--pdf", alice_.File("signed.pdf")});
  EXPECT_NE(refused.find("pdf: "), std::string::npos) << refused;
  EXPECT_NE(refused.find("byte for byte"), std::string::npos) << refused;
  ExpectUnchanged("re-rendered letter");
  // Back to the first letter: signed by alice, then edited or extended.
  ASSERT_EQ(Run(alice_, {"org", "transfer-letter", "--signature", alice_.File("sig.png"),
                         "--out", letter}).exit_code, 0);
  ASSERT_EQ(Run(alice_, {"sign", "-d", "d1", "-c", good, "-i", letter, "--pdf-out",
                         alice_.File("signed.pdf")}).exit_code, 0);
  signed_pdf = testing::ReadFileOrDie(alice_.File("signed.pdf"));
  size_t letter_size = testing::ReadFileOrDie(letter).size();
  Bytes edited = signed_pdf;
  std::string as_text(edited.begin(), edited.end());
  size_t when = as_text.find("D:20", letter_size);  // the update's /M, inside the ByteRange
  ASSERT_NE(when, std::string::npos);
  edited[when + 5] = edited[when + 5] == '5' ? '6' : '5';
  testing::WriteFile(alice_.File("edited.pdf"), edited);
  refused = Err(alice_, {"org", "transfer-sign", "--pdf", alice_.File("edited.pdf")});
  EXPECT_NE(refused.find("pdf: "), std::string::npos) << refused;
  EXPECT_NE(refused.find("does not verify"), std::string::npos) << refused;
  ExpectUnchanged("edited bytes");
  Bytes extended = signed_pdf;
  for (char c : std::string("\n% appended after the signature\n")) extended.push_back(c);
  testing::WriteFile(alice_.File("extended.pdf"), extended);
  refused = Err(alice_, {"org", "transfer-sign", "--pdf", alice_.File("extended.pdf")});
  EXPECT_NE(refused.find("pdf: "), std::string::npos) << refused;
  EXPECT_NE(refused.find("whole file"), std::string::npos) << refused;
  ExpectUnchanged("extended file");
  // An update that redraws the letter, then a proper signature over all of
  // it: the signature verifies and covers the file, but the letter changed.
  testing::WriteFile(alice_.File("redrawn.pdf"), Redrawn(testing::ReadFileOrDie(letter)));
  auto redrawn = Run(alice_, {"sign", "-d", "d1", "-c", good, "-i", alice_.File("redrawn.pdf"),
                              "--pdf-out", alice_.File("redrawn-signed.pdf")});
  ASSERT_EQ(redrawn.exit_code, 0) << redrawn.err;
  refused = Err(alice_, {"org", "transfer-sign", "--pdf", alice_.File("redrawn-signed.pdf")});
  EXPECT_NE(refused.find("pdf: "), std::string::npos) << refused;
  EXPECT_NE(refused.find("only a signature may be added"), std::string::npos) << refused;
  ExpectUnchanged("redrawn letter");
  // An employee cannot complete it, even with a good file.
  ASSERT_EQ(Run(bob_, {"identity", "switch", std::to_string(bob_employee)}).exit_code, 0);
  testing::WriteFile(bob_.File("good.pdf"), signed_pdf);
  EXPECT_NE(Err(bob_, {"org", "transfer-sign", "--pdf", bob_.File("good.pdf")}).find("identity: "),
            std::string::npos);
  ExpectUnchanged("employee");
  EXPECT_EQ(Notices(), notices);

  // Choose the certificate and sign in one step: the roles swap.
  json done = J(alice_, {"org", "transfer-sign", "-d", "d1", "-c", good, "--signature",
                         alice_.File("sig.png"), "--out", alice_.File("final.pdf")});
  EXPECT_EQ(done["status"], "completed");
  EXPECT_EQ(done["from_name"], "张三");
  EXPECT_EQ(done["to_name"], "李四");
  EXPECT_FALSE(done["signer_serial"].get<std::string>().empty());
  auto verified = Run(alice_, {"pdf", "verify", alice_.File("final.pdf")});
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
  EXPECT_EQ(Kinds(alice_), (std::multiset<std::string>{"natural_person", "legal_representative",
                                                       "employee"}));
  EXPECT_EQ(Kinds(bob_), (std::multiset<std::string>{"natural_person", "administrator"}));
  // Sessions acting as an ended identity choose again.
  EXPECT_NE(Err(alice_, {"org", "transfer-status"}).find("identity: "), std::string::npos);
  EXPECT_NE(Err(bob_, {"org", "show"}).find("identity: "), std::string::npos);
  ASSERT_EQ(Run(bob_, {"identity", "switch", std::to_string(IdentityOf(bob_, "administrator"))})
                .exit_code, 0);
  json status = J(bob_, {"org", "transfer-status"});
  EXPECT_EQ(status["status"], "completed");
  EXPECT_EQ(status["signer_serial"], done["signer_serial"]);
  json members = J(bob_, {"org", "members"});
  std::multiset<std::string> roles;
  for (const auto& m : members["members"]) roles.insert(m["kind"].get<std::string>());
  EXPECT_EQ(roles, (std::multiset<std::string>{"administrator", "legal_representative",
                                               "employee"}));
  // Both were told.
  std::set<std::string> told;
  for (const auto& m : server_->SmsOutbox()) {
    if (m.purpose == "notice" && m.text.find("管理员身份转让") != std::string::npos) told.insert(m.to);
  }
  EXPECT_EQ(told, (std::set<std::string>{"+8613100131001", "+8613100131002"}));
  // Nothing is pending any more.
  EXPECT_NE(Err(bob_, {"org", "transfer-sign", "--pdf", bob_.File("good.pdf")}).find("transfer: "),
            std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, AdminTransferCliTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "PostgreSQL" : "SQLite"; });

}  // namespace
}  // namespace sealkey
