// Issue 6 end to end through the real CLI against a real sealkeyd with
// development CAs, on SQLite and PostgreSQL: a key made in a file device ->
// CSR -> issuance -> installation -> CMS signature -> `openssl verify` of the
// chain and `openssl cms -verify` (P-256, RSA) -> revocation -> `openssl
// ocsp` and the CRL report it revoked. SM2 dual certificates land in the
// same container; renewal keeps the key, reissue changes it and revokes the
// old one; the audit log's hash chain detects an edited entry. `sealkey sign`
// asks the OCSP responder first: refused once revoked; answers that do not
// verify (a flipped bit, a replay) or a closed port only warn, unless
// --require-status.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <stdexcept>
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "server/cli_fixture.h"

namespace sealkey {
namespace {

using nlohmann::json;

class CertCliTest : public PlatformCliTest {
 protected:
  testing::SealkeydOptions ServerOptions() override {
    testing::SealkeydOptions o;
    o.before = {{"ca", "init", "--alg", "sm2,p256,rsa2048"}};
    // A short SMS resend window: some tests log in again.
    o.serve_args = {"--review-mode", "auto", "--renew-window", RenewWindow(),
                    "--sms-resend-seconds", "1"};
    return o;
  }
  virtual std::string RenewWindow() { return "0.3333"; }

  void SetUp() override {
    PlatformCliTest::SetUp();
    Login("13600136000");
    ASSERT_EQ(Sk({"sms", "send", "--phone", "13600136000", "--purpose", "verify_phone"}).exit_code, 0);
    testing::WriteFile(home_.File("id.jpg"), Bytes{0xff, 0xd8, 0xff, 0xe0, 1});
    auto kyc = Sk({"kyc", "submit", "--agree", "--name", "张三", "--id-number",
                   "11010519491231002X", "--phone", "13600136000", "--code",
                   server_->LatestSmsCode("+8613600136000", "verify_phone"), "--front",
                   home_.File("id.jpg"), "--back", home_.File("id.jpg")});
    ASSERT_EQ(kyc.exit_code, 0) << kyc.err;
    auto dev = Sk({"device", "create", "--label", "d1"});
    ASSERT_EQ(dev.exit_code, 0) << dev.err;
  }
  // The CLI with the device PINs in the environment.
  testing::CommandResult Sk(std::vector<std::string> args, const std::string& in = "") {
    std::vector<std::string> argv = {"env", "SEALKEY_HOME=" + home_.path(), "SEALKEY_PIN=123456",
                                     "SEALKEY_SO_PIN=12345678", testing::BinPath("sealkey"),
                                     "--server", server_->url()};
    argv.insert(argv.end(), args.begin(), args.end());
    return testing::RunCommand(argv, in);
  }
  json J(std::vector<std::string> args) {
    args.insert(args.begin(), "--json");
    auto r = Sk(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.exit_code == 0 ? json::parse(r.out) : json();
  }
  // The device's certificates.
  json Certs() { return J({"cert", "list", "-d", "d1"})["certificates"]; }
  json Find(const std::string& serial) {
    json certs = Certs();
    for (const auto& c : certs) {
      if (c["serial"].get<std::string>().find(serial) != std::string::npos) return c;
    }
    return json();
  }
  std::string Export(const std::string& ref, const std::string& name) {
    auto r = Sk({"cert", "export", "-d", "d1", "-c", ref, "-o", home_.File(name)});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return home_.File(name);
  }
  // Writes the CA's issuing and root certificates from GET /cas.
  void CaFiles(const std::string& ca, std::string* issuing, std::string* root) {
    auto r = testing::RunCommand({"curl", "-sf", server_->url() + "/api/v1/cas"});
    ASSERT_EQ(r.exit_code, 0);
    json doc = json::parse(r.out);  // alive for the loop
    for (const auto& c : doc["cas"]) {
      if (c["id"] != ca) continue;
      *issuing = home_.File(ca + "-issuing.pem");
      *root = home_.File(ca + "-root.pem");
      testing::WriteFile(*issuing, AsBytes(c["chain"][0].get<std::string>()));
      testing::WriteFile(*root, AsBytes(c["chain"][1].get<std::string>()));
    }
  }
  std::string Ocsp(const std::string& issuing, const std::string& root, const std::string& leaf) {
    auto r = testing::RunCommand({"openssl", "ocsp", "-issuer", issuing, "-cert", leaf, "-url",
                                  server_->url() + "/ocsp", "-CAfile", root, "-verify_other",
                                  issuing});
    return r.out + r.err;
  }
  // `sealkey sign` of doc.txt (a stale doc.txt.p7s removed first).
  testing::CommandResult SignDoc(const std::string& ref, std::string option = "") {
    std::filesystem::remove(home_.File("doc.txt.p7s"));
    std::vector<std::string> args = {"sign", "-d", "d1", "-c", ref, "-i", home_.File("doc.txt")};
    if (!option.empty()) args.push_back(option);
    return Sk(args);
  }
  // Its exit code, a piece of its stderr, and whether doc.txt.p7s was written.
  void ExpectSign(const testing::CommandResult& r, int exit_code, const std::string& err,
                  bool written) {
    EXPECT_EQ(r.exit_code, exit_code) << r.err;
    EXPECT_NE(r.err.find(err), std::string::npos) << r.err;
    EXPECT_EQ(std::filesystem::exists(home_.File("doc.txt.p7s")), written);
  }
  void SqlUpdate(const std::string& sql) {
    if (GetParam()) {
      SharedPostgres().Psql(db_url_.substr(db_url_.rfind('/') + 1), sql);
      return;
    }
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2((server_->data_dir() + "/sealkeyd.db").c_str(), &db,
                              SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
    sqlite3_busy_timeout(db, 10000);
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
};

TEST_P(CertCliTest, IssueInstallSignVerifyRevokeForP256AndRsa) {
  for (const char* alg : {"p256", "rsa2048"}) {
    SCOPED_TRACE(alg);
    std::string ca = std::string(alg) == "p256" ? "p256" : "rsa";
    auto issued = J({"cert", "request", "-d", "d1", "--alg", alg});
    std::string serial = issued["serial"];
    std::string ref = issued["ref"];
    auto local = Find(serial);
    ASSERT_TRUE(local.is_object());
    EXPECT_TRUE(local["has_private_key"]);  // in the container whose key signed the CSR
    EXPECT_EQ(local["subject"].get<std::string>().find("CN=张三") != std::string::npos, true);
    std::string issuing, root;
    CaFiles(ca, &issuing, &root);
    std::string leaf = Export(ref, std::string(alg) + ".pem");
    auto verify = testing::RunCommand({"openssl", "verify", "-CAfile", root, "-untrusted", issuing, leaf});
    EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
    // A CMS signature made in the medium verifies with openssl up to the root.
    testing::WriteFile(home_.File("doc.txt"), AsBytes("合同正文 v1\n"));
    ASSERT_EQ(Sk({"sign", "-d", "d1", "-c", ref, "-i", home_.File("doc.txt")}).exit_code, 0);
    auto cms = testing::RunCommand({"openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in",
                                    home_.File("doc.txt.p7s"), "-content", home_.File("doc.txt"),
                                    "-CAfile", root, "-purpose", "any", "-out", "/dev/null"});
    EXPECT_EQ(cms.exit_code, 0) << cms.err;
    EXPECT_NE(Ocsp(issuing, root, leaf).find(": good"), std::string::npos);
    // Revocation: OCSP and the CRL say so.
    ASSERT_EQ(Sk({"cert", "revoke", "--serial", serial, "--reason", "keyCompromise"}).exit_code, 0);
    std::string ocsp = Ocsp(issuing, root, leaf);
    EXPECT_NE(ocsp.find(": revoked"), std::string::npos) << ocsp;
    EXPECT_NE(ocsp.find("keyCompromise"), std::string::npos) << ocsp;
    EXPECT_NE(ocsp.find("Response verify OK"), std::string::npos) << ocsp;
    std::string crl = home_.File(ca + ".crl");
    ASSERT_EQ(testing::RunCommand({"curl", "-sf", "-o", crl, server_->url() + "/crl/" + ca + ".crl"}).exit_code, 0);
    ASSERT_EQ(testing::RunCommand({"openssl", "crl", "-inform", "DER", "-in", crl, "-out", crl + ".pem"}).exit_code, 0);
    auto crl_check = testing::RunCommand({"openssl", "verify", "-crl_check", "-CRLfile", crl + ".pem",
                                          "-CAfile", root, "-untrusted", issuing, leaf});
    EXPECT_NE(crl_check.exit_code, 0);
    EXPECT_NE((crl_check.out + crl_check.err).find("revoked"), std::string::npos) << crl_check.out;
    EXPECT_NE(Sk({"cert", "revoke", "--serial", serial}).err.find("already revoked"), std::string::npos);
  }
  // Every issuance and revocation is in the audit log, chained.
  auto audit = testing::RunCommand(
      {testing::BinPath("sealkeyd"), "audit", "verify", "--data-dir", server_->data_dir(),
       "--database", db_url_.empty() ? server_->data_dir() + "/sealkeyd.db" : db_url_});
  EXPECT_EQ(audit.exit_code, 0) << audit.err;
  EXPECT_NE(audit.out.find("7 entries"), std::string::npos) << audit.out;  // 3 CAs, 2 x (issue, revoke)
  SqlUpdate("UPDATE audit_log SET details = '{\"reason\":\"unspecified\"}' WHERE id = 5");
  auto broken = testing::RunCommand(
      {testing::BinPath("sealkeyd"), "audit", "verify", "--data-dir", server_->data_dir(),
       "--database", db_url_.empty() ? server_->data_dir() + "/sealkeyd.db" : db_url_});
  EXPECT_EQ(broken.exit_code, 1);
  EXPECT_NE(broken.err.find("entry 5"), std::string::npos) << broken.err;
}

TEST_P(CertCliTest, Sm2DualCertificatesLandInOneContainer) {
  auto issued = J({"cert", "request", "-d", "d1", "--dual"});
  auto sign = Find(issued["serial"]);
  auto enc = Find(issued["encryption_serial"]);
  ASSERT_TRUE(sign.is_object());
  ASSERT_TRUE(enc.is_object());
  EXPECT_EQ(sign["container"], enc["container"]);
  EXPECT_EQ(enc["type"], "encryption");
  EXPECT_TRUE(enc["has_private_key"]);  // opened inside the medium from the envelope
  // SM2 CMS with the signing key verifies with sealkey up to the CA.
  std::string issuing, root;
  CaFiles("sm2", &issuing, &root);
  testing::WriteFile(home_.File("doc.txt"), AsBytes("SM2 合同\n"));
  ASSERT_EQ(Sk({"sign", "-d", "d1", "-c", sign["ref"], "-i", home_.File("doc.txt")}).exit_code, 0);
  auto v = Sk({"verify", "-i", home_.File("doc.txt"), "--ca", issuing});
  EXPECT_EQ(v.exit_code, 0) << v.err;
  // P-256 keys have no dual certificates; nothing is left behind.
  size_t before = Certs().size();
  auto refused = Sk({"cert", "request", "-d", "d1", "--alg", "p256", "--dual"});
  EXPECT_NE(refused.err.find("dual: "), std::string::npos) << refused.err;
  EXPECT_EQ(Certs().size(), before);
  // Too early to renew (the window is the last third).
  auto early = Sk({"cert", "renew", "-d", "d1", "-c", sign["ref"]});
  EXPECT_NE(early.err.find("renewal opens"), std::string::npos) << early.err;
}

class CertRenewalCliTest : public CertCliTest {
 protected:
  std::string RenewWindow() override { return "1"; }  // always open
};

TEST_P(CertRenewalCliTest, RenewKeepsTheKeyReissueChangesIt) {
  auto first = J({"cert", "request", "-d", "d1", "--dual"});
  auto old_sign = Find(first["serial"]);
  std::string old_pem = Export(old_sign["ref"], "old.pem");
  auto renewed = J({"cert", "renew", "-d", "d1", "-c", old_sign["ref"]});
  ASSERT_TRUE(renewed.contains("serial"));
  EXPECT_NE(renewed["serial"], first["serial"]);
  std::string new_pem = Export(renewed["ref"], "new.pem");
  auto key_of = [](const std::string& pem) {
    return testing::RunCommand({"openssl", "x509", "-in", pem, "-noout", "-pubkey"}).out;
  };
  EXPECT_EQ(key_of(new_pem), key_of(old_pem));  // same key pair
  EXPECT_EQ(Find(renewed["encryption_serial"])["container"], old_sign["container"]);
  // The platform marks the old pair superseded.
  auto platform = J({"cert", "issued"})["certificates"];
  int superseded = 0;
  for (const auto& c : platform) superseded += c["reason"] == "superseded";
  EXPECT_EQ(superseded, 2);

  // Reissue (B11): an SMS authorisation, a new key, the old one revoked.
  auto no_code = Sk({"cert", "reissue", "-d", "d1", "-c", renewed["ref"], "--code", "000000"});
  EXPECT_NE(no_code.err.find("code: "), std::string::npos) << no_code.err;
  ASSERT_EQ(Sk({"sms", "send", "--phone", "13600136000", "--purpose", "reissue_certificate"}).exit_code, 0);
  auto reissued = J({"cert", "reissue", "-d", "d1", "-c", renewed["ref"], "--code",
                     server_->LatestSmsCode("+8613600136000", "reissue_certificate")});
  ASSERT_TRUE(reissued.contains("serial"));
  std::string re_pem = Export(reissued["ref"], "re.pem");
  EXPECT_NE(key_of(re_pem), key_of(new_pem));  // a new key pair
  json after = J({"cert", "issued"});
  for (const auto& c : after["certificates"]) {
    if (c["serial"] == renewed["serial"]) EXPECT_EQ(c["status"], "revoked");
    if (c["serial"] == reissued["serial"]) EXPECT_EQ(c["status"], "good");
  }
}

// B11 as the manual tells it (4.10.3): the platform asks for a reissue; the
// holder is texted and sees the notice after logging in; the SMS-authorised
// reissue replaces the certificate and closes the notice.
TEST_P(CertRenewalCliTest, PlatformNoticeLeadsToReissue) {
  testing::TempDir op;
  CreateOperator(op, "clerk");
  auto first = J({"cert", "request", "-d", "d1", "--alg", "p256"});
  std::string serial = first["serial"];
  EXPECT_TRUE(J({"cert", "notices"})["notices"].empty());
  // Bad input changes nothing: no reason, an unknown serial.
  EXPECT_NE(SkIn(op, {"operator", "cert", "reissue-notice", serial, "--reason", "x"})
                .err.find("reason: "), std::string::npos);
  EXPECT_NE(SkIn(op, {"operator", "cert", "reissue-notice", "ABCDEF", "--reason", "证书信息变更"})
                .err.find("serial: "), std::string::npos);
  EXPECT_TRUE(J({"cert", "notices"})["notices"].empty());
  auto sent = SkIn(op, {"operator", "cert", "reissue-notice", serial, "--reason", "证书信息变更"});
  ASSERT_EQ(sent.exit_code, 0) << sent.err;
  EXPECT_NE(SkIn(op, {"operator", "cert", "reissue-notice", serial, "--reason", "证书信息变更"})
                .err.find("serial: "), std::string::npos);  // one open notice per certificate
  Bytes sms = testing::ReadFileOrDie(server_->data_dir() + "/outbox/sms.jsonl");
  EXPECT_NE(std::string(sms.begin(), sms.end()).find("需要补发"), std::string::npos);
  // Shown at the next login.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // the resend window
  ASSERT_EQ(Sk({"sms", "send", "--phone", "13600136000", "--purpose", "login"}).exit_code, 0);
  auto login = Sk({"login", "--phone", "13600136000", "--code",
                   server_->LatestSmsCode("+8613600136000", "login"), "--password-stdin"},
                  "Pass-word1\n");
  ASSERT_EQ(login.exit_code, 0) << login.err;
  EXPECT_NE(login.out.find("sealkey cert notices"), std::string::npos) << login.out;
  json notices = J({"cert", "notices"})["notices"];
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0]["serial"], serial);
  EXPECT_EQ(notices[0]["reason"], "证书信息变更");
  // Only the holder sees it.
  testing::TempDir other;
  LoginIn(other, "13700137000");
  auto theirs = SkIn(other, {"--json", "cert", "notices"});
  ASSERT_EQ(theirs.exit_code, 0) << theirs.err;
  EXPECT_TRUE(json::parse(theirs.out)["notices"].empty());
  // The holder authorises by SMS; the reissue closes the notice.
  ASSERT_EQ(Sk({"sms", "send", "--phone", "13600136000", "--purpose", "reissue_certificate"}).exit_code, 0);
  auto reissued = J({"cert", "reissue", "-d", "d1", "-c", Find(serial)["ref"], "--code",
                     server_->LatestSmsCode("+8613600136000", "reissue_certificate")});
  ASSERT_TRUE(reissued.contains("serial"));
  EXPECT_TRUE(J({"cert", "notices"})["notices"].empty());
  // A revoked certificate cannot be asked for again.
  EXPECT_NE(SkIn(op, {"operator", "cert", "reissue-notice", serial, "--reason", "证书信息变更"})
                .err.find("serial: "), std::string::npos);
}

// Signing asks OCSP first (P-256 and SM2 responses): good, then revoked.
TEST_P(CertCliTest, SigningIsRefusedOnceRevoked) {
  testing::WriteFile(home_.File("doc.txt"), AsBytes("合同正文\n"));
  for (const char* alg : {"p256", "sm2"}) {
    SCOPED_TRACE(alg);
    auto issued = J({"cert", "request", "-d", "d1", "--alg", alg});
    auto ok = Sk({"--json", "sign", "-d", "d1", "-c", issued["ref"], "-i", home_.File("doc.txt")});
    ASSERT_EQ(ok.exit_code, 0) << ok.err;
    EXPECT_EQ(json::parse(ok.out)["revocation"], "good") << ok.out;
    EXPECT_EQ(ok.err, "");
    ASSERT_EQ(Sk({"cert", "revoke", "--serial", issued["serial"], "--reason", "keyCompromise"})
                  .exit_code, 0);
    auto refused = SignDoc(issued["ref"]);
    ExpectSign(refused, 1, "--cert: the certificate was revoked on ", false);
    EXPECT_NE(refused.err.find("(keyCompromise); signing refused"), std::string::npos);
  }
}

// Stands between the CLI and sealkeyd's /ocsp (the certificates' OCSP URL
// names it): forwards each request with curl and passes the answer on, flips
// a bit in its producedAt (signed data), or replays the first answer it
// passed. Close() leaves a closed port behind.
class OcspMitm {
 public:
  enum Mode { kPass, kFlip, kReplay };
  OcspMitm() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(fd_, 8) != 0 || ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len)) {
      throw std::runtime_error("OcspMitm: cannot listen");
    }
    url_ = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
    thread_ = std::thread([this] { Loop(); });
  }
  ~OcspMitm() { Close(); }
  const std::string& url() const { return url_; }
  void Close() {
    if (!thread_.joinable()) return;
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  std::string upstream;  // sealkeyd's URL, set before the first request
  std::atomic<Mode> mode{kPass};

 private:
  void Loop() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) continue;
      Serve(c);
      ::close(c);
    }
  }
  void Serve(int c) {
    std::string in;
    size_t head = std::string::npos, length = 0;
    while (head == std::string::npos || in.size() < head + 4 + length) {
      char buf[4096];
      ssize_t n = ::read(c, buf, sizeof buf);
      if (n <= 0) return;
      in.append(buf, static_cast<size_t>(n));
      if (head == std::string::npos && (head = in.find("\r\n\r\n")) != std::string::npos) {
        size_t at = in.find("Content-Length: ");  // as curl writes it
        length = at < head ? std::stoul(in.substr(at + 16)) : 0;
      }
    }
    std::string answer = first_;
    if (mode != kReplay || first_.empty()) {
      answer = testing::RunCommand({"curl", "-s", "--noproxy", "*", "--data-binary", "@-", "-H",
                                    "Content-Type: application/ocsp-request", upstream + "/ocsp"},
                                   in.substr(head + 4, length)).out;
      if (first_.empty()) first_ = answer;
    }
    // producedAt, the first GeneralizedTime: its last digit of the seconds.
    for (size_t i = answer.find("\x18\x0f"); mode == kFlip && i != std::string::npos;
         i = answer.find("\x18\x0f", i + 1)) {
      if (i + 16 < answer.size() && answer[i + 16] == 'Z') {
        answer[i + 15] ^= 1;
        break;
      }
    }
    std::string reply = "HTTP/1.1 200 OK\r\nContent-Type: application/ocsp-response\r\n"
                        "Content-Length: " + std::to_string(answer.size()) +
                        "\r\nConnection: close\r\n\r\n" + answer;
    (void)!::write(c, reply.data(), reply.size());
  }

  int fd_ = -1;
  std::string url_, first_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

class CertOcspMitmCliTest : public CertCliTest {
 protected:
  testing::SealkeydOptions ServerOptions() override {
    testing::SealkeydOptions o = CertCliTest::ServerOptions();
    o.serve_args.insert(o.serve_args.end(), {"--public-url", mitm_.url()});
    return o;
  }
  void SetUp() override { CertCliTest::SetUp(); mitm_.upstream = server_->url(); }
  OcspMitm mitm_;
};

// Only a verified answer counts: a tampered or replayed one, or no responder
// at all, warns and signs, or refuses with --require-status.
TEST_P(CertOcspMitmCliTest, UnverifiedAnswersWarnOrRefuseWithRequireStatus) {
  testing::WriteFile(home_.File("doc.txt"), AsBytes("SM2 合同\n"));
  auto sm2 = J({"cert", "request", "-d", "d1"});
  auto p256 = J({"cert", "request", "-d", "d1", "--alg", "p256"});
  auto good = SignDoc(sm2["ref"]);  // recorded for the replay below
  ExpectSign(good, 0, "", true);
  EXPECT_EQ(good.err, "");
  const std::string warning = "warning: its revocation status could not be confirmed: ";
  const std::string strict = "; signing refused (--require-status)";
  const std::string bad_sig = "the response's signature does not verify with the issuing CA's key";
  mitm_.mode = OcspMitm::kFlip;
  ExpectSign(SignDoc(sm2["ref"]), 0, warning + bad_sig, true);
  ExpectSign(SignDoc(sm2["ref"], "--require-status"), 1, bad_sig + strict, false);
  ASSERT_EQ(Sk({"cert", "revoke", "--serial", sm2["serial"], "--reason", "keyCompromise"})
                .exit_code, 0);
  auto tampered = SignDoc(sm2["ref"]);  // a "revoked" with a flipped bit is not believed either
  ExpectSign(tampered, 0, warning + bad_sig, true);
  EXPECT_EQ(tampered.err.find("revoked on"), std::string::npos);
  mitm_.mode = OcspMitm::kReplay;  // the old "good" answer, for another nonce
  ExpectSign(SignDoc(sm2["ref"]), 0, warning + "the response's nonce is not the request's", true);
  ExpectSign(SignDoc(sm2["ref"], "--require-status"), 1, "nonce", false);
  mitm_.mode = OcspMitm::kPass;
  ExpectSign(SignDoc(sm2["ref"]), 1, "the certificate was revoked on ", false);

  mitm_.Close();  // the P-256 certificate's responder is now a closed port
  ExpectSign(SignDoc(p256["ref"]), 0, warning + "cannot reach " + mitm_.url() + "/ocsp", true);
  ExpectSign(SignDoc(p256["ref"], "--require-status"), 1, strict, false);
}

INSTANTIATE_TEST_SUITE_P(Backends, CertCliTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "PostgreSQL" : "SQLite"; });
INSTANTIATE_TEST_SUITE_P(Backends, CertRenewalCliTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "PostgreSQL" : "SQLite"; });
INSTANTIATE_TEST_SUITE_P(Backends, CertOcspMitmCliTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "PostgreSQL" : "SQLite"; });

}  // namespace
}  // namespace sealkey
