// E3: an existing CA made with openssl, its issuing key inside a PKCS#11 HSM
// (SoftHSM), imported with `sealkeyd ca import`; sealkeyd then issues through
// the HSM and the certificate verifies with openssl against that CA. Bad
// imports name their option and change nothing. SQLite and PostgreSQL.
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>

#include "server/cli_fixture.h"

namespace sealkey {
namespace {

using nlohmann::json;

constexpr char kSoftHsm[] = "/usr/lib/softhsm/libsofthsm2.so";

class CaImportCliTest : public PlatformCliTest {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kSoftHsm)) GTEST_SKIP() << "SoftHSM is not installed";
    // A two-level P-256 CA made by openssl.
    auto run = [](std::vector<std::string> argv) {
      auto r = testing::RunCommand(argv);
      ASSERT_EQ(r.exit_code, 0) << argv[0] << " " << argv[1] << ": " << r.err;
    };
    testing::WriteFile(ca_.File("ext.cnf"),
                       AsBytes("[v3]\nbasicConstraints=critical,CA:TRUE,pathlen:0\n"
                               "keyUsage=critical,keyCertSign,cRLSign\n"
                               "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n"));
    for (const char* k : {"root", "issuing", "other"}) {
      run({"openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out",
           ca_.File(std::string(k) + ".key")});
    }
    run({"openssl", "req", "-x509", "-new", "-key", ca_.File("root.key"), "-subj",
         "/C=CN/O=示例认证中心/CN=Example Root CA", "-utf8", "-days", "3650", "-addext",
         "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
         "-out", ca_.File("root.pem")});
    run({"openssl", "req", "-new", "-key", ca_.File("issuing.key"), "-subj",
         "/C=CN/O=示例认证中心/CN=Example Issuing CA", "-utf8", "-out", ca_.File("issuing.csr")});
    run({"openssl", "x509", "-req", "-in", ca_.File("issuing.csr"), "-CA", ca_.File("root.pem"),
         "-CAkey", ca_.File("root.key"), "-days", "1825", "-extfile", ca_.File("ext.cnf"),
         "-extensions", "v3", "-out", ca_.File("issuing.pem")});
    // The issuing key goes into the HSM.
    std::filesystem::create_directory(ca_.File("tokens"));
    testing::WriteFile(ca_.File("softhsm2.conf"),
                       AsBytes("directories.tokendir = " + ca_.File("tokens") +
                               "\nobjectstore.backend = file\nlog.level = ERROR\n"));
    ::setenv("SOFTHSM2_CONF", ca_.File("softhsm2.conf").c_str(), 1);  // sealkeyd inherits it
    run({"softhsm2-util", "--init-token", "--free", "--label", "corp-hsm", "--pin", "123456",
         "--so-pin", "12345678"});
    run({"softhsm2-util", "--import", ca_.File("issuing.key"), "--token", "corp-hsm", "--label",
         "corp-issuing", "--id", "01", "--pin", "123456"});
    testing::WriteFile(ca_.File("pin"), AsBytes("123456\n"));
    ::chmod(ca_.File("pin").c_str(), 0600);
    PlatformCliTest::SetUp();
  }
  testing::SealkeydOptions ServerOptions() override {
    testing::SealkeydOptions o;
    o.before = {{"ca", "import", "--id", "corp", "--cert", ca_.File("issuing.pem"), "--chain",
                 ca_.File("root.pem"), "--pkcs11-module", kSoftHsm, "--token-label", "corp-hsm",
                 "--key-label", "corp-issuing", "--pin-file", ca_.File("pin")}};
    o.serve_args = {"--review-mode", "auto"};
    return o;
  }
  // `sealkeyd ca import` against the running server's data.
  testing::CommandResult Import(std::vector<std::string> args) {
    std::vector<std::string> argv = {testing::BinPath("sealkeyd"), "ca", "import", "--data-dir",
                                     server_->data_dir()};
    if (!db_url_.empty()) argv.insert(argv.end(), {"--database", db_url_});
    argv.insert(argv.end(), args.begin(), args.end());
    return testing::RunCommand(argv);
  }
  testing::TempDir ca_;
};

TEST_P(CaImportCliTest, IssuesThroughTheImportedHsmKey) {
  Login("13700137000");
  ASSERT_EQ(Sk({"sms", "send", "--phone", "13700137000", "--purpose", "verify_phone"}).exit_code, 0);
  testing::WriteFile(home_.File("id.jpg"), Bytes{0xff, 0xd8, 0xff, 0xe0, 1});
  ASSERT_EQ(Sk({"kyc", "submit", "--agree", "--name", "李四", "--id-number", "110101198505050024",
                "--phone", "13700137000", "--code",
                server_->LatestSmsCode("+8613700137000", "verify_phone"), "--front",
                home_.File("id.jpg"), "--back", home_.File("id.jpg")}).exit_code, 0);
  auto env = [&](std::vector<std::string> args) {
    args.insert(args.begin(), "SEALKEY_PIN=123456");
    args.insert(args.begin(), "env");
    return testing::RunCommand(args);
  };
  std::string sk = testing::BinPath("sealkey");
  std::string home = "SEALKEY_HOME=" + home_.path();
  ASSERT_EQ(env({home, "SEALKEY_SO_PIN=12345678", sk, "device", "create", "--label", "d"}).exit_code, 0);
  auto issued = env({home, sk, "--server", server_->url(), "--json", "cert", "request", "-d", "d",
                     "--alg", "p256"});
  ASSERT_EQ(issued.exit_code, 0) << issued.err;
  std::string ref = json::parse(issued.out)["ref"];
  ASSERT_EQ(env({home, sk, "cert", "export", "-d", "d", "-c", ref, "-o", home_.File("leaf.pem")}).exit_code, 0);
  auto verify = testing::RunCommand({"openssl", "verify", "-CAfile", ca_.File("root.pem"),
                                     "-untrusted", ca_.File("issuing.pem"), home_.File("leaf.pem")});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;

  // Bad imports: each names its option; the CA list is unchanged.
  EXPECT_NE(Import({"--id", "corp", "--cert", ca_.File("issuing.pem"), "--chain",
                    ca_.File("root.pem"), "--key", ca_.File("issuing.key")}).err.find("--id: "),
            std::string::npos);
  EXPECT_NE(Import({"--id", "corp2", "--cert", ca_.File("issuing.pem"), "--chain",
                    ca_.File("issuing.pem"), "--key", ca_.File("issuing.key")}).err.find("--chain: "),
            std::string::npos);
  auto wrong_key = Import({"--id", "corp3", "--cert", ca_.File("issuing.pem"), "--chain",
                           ca_.File("root.pem"), "--key", ca_.File("other.key")});
  EXPECT_NE(wrong_key.exit_code, 0);
  EXPECT_NE(wrong_key.err.find("key"), std::string::npos) << wrong_key.err;
  std::vector<std::string> list = {testing::BinPath("sealkeyd"), "ca", "list", "--data-dir",
                                   server_->data_dir()};
  if (!db_url_.empty()) list.insert(list.end(), {"--database", db_url_});
  auto listed = testing::RunCommand(list);
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find("corp "), std::string::npos) << listed.out;
  EXPECT_EQ(listed.out.find("corp2"), std::string::npos);
  EXPECT_EQ(listed.out.find("corp3"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(server_->data_dir() + "/ca/corp3.key"));
}

INSTANTIATE_TEST_SUITE_P(Backends, CaImportCliTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "PostgreSQL" : "SQLite"; });

}  // namespace
}  // namespace sealkey
