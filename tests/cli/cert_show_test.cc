// Drives the real `sealkey` binary: `cert show` (D4) against certificates
// made by openssl, compared with openssl's own output.
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "testutil/testutil.h"

namespace sealkey {
namespace {

using testing::RunCommand;

class CertShowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cert_ = dir_.File("cert.pem");
    auto g = RunCommand({"openssl", "req", "-new", "-x509", "-newkey", "sm2", "-nodes", "-keyout",
                  dir_.File("key.pem"), "-sm3", "-subj", "/C=CN/O=北京测试科技有限公司/CN=张三",
                  "-utf8", "-days", "365", "-sigopt", "distid:1234567812345678", "-addext",
                  "keyUsage=critical,digitalSignature,nonRepudiation", "-out", cert_});
    ASSERT_EQ(g.exit_code, 0) << g.err;
  }
  testing::CommandResult Sealkey(std::vector<std::string> args) {
    args.insert(args.begin(), testing::BinPath("sealkey"));
    return RunCommand(args);
  }
  std::string OpensslFingerprint(const std::string& alg) {
    auto r = RunCommand({"openssl", "x509", "-in", cert_, "-noout", "-fingerprint", "-" + alg});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::string out = r.out.substr(r.out.find('=') + 1);
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }
  testing::TempDir dir_;
  std::string cert_;
};

TEST_F(CertShowTest, ReadableLayoutShowsChineseSubjectAndSha1) {
  auto r = Sealkey({"cert", "show", cert_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("C=CN, O=北京测试科技有限公司, CN=张三"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("SM3withSM2"), std::string::npos);
  EXPECT_NE(r.out.find("SM2 (256 bits)"), std::string::npos);
  EXPECT_NE(r.out.find(OpensslFingerprint("sha1")), std::string::npos);
  // Other thumbprints only on demand.
  EXPECT_EQ(r.out.find(OpensslFingerprint("sm3")), std::string::npos);
  auto all = Sealkey({"cert", "show", "--all-thumbprints", cert_});
  EXPECT_NE(all.out.find(OpensslFingerprint("sm3")), std::string::npos);
}

TEST_F(CertShowTest, ThumbprintsMatchOpenssl) {
  for (const char* alg : {"sha1", "sha256", "sm3", "md5"}) {
    auto r = Sealkey({"cert", "show", "--thumbprint", alg, cert_});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, OpensslFingerprint(alg) + "\n") << alg;
  }
}

TEST_F(CertShowTest, FieldPrintsOneValueForCopying) {
  auto subject = Sealkey({"cert", "show", "--field", "subject", cert_});
  EXPECT_EQ(subject.out, "C=CN, O=北京测试科技有限公司, CN=张三\n");
  auto serial = RunCommand({"openssl", "x509", "-in", cert_, "-noout", "-serial"});
  std::string expect = serial.out.substr(serial.out.find('=') + 1);
  auto ours = Sealkey({"cert", "show", "--field", "serial", cert_});
  EXPECT_EQ(ours.out, expect);
  auto type = Sealkey({"cert", "show", "--field", "type", cert_});
  EXPECT_EQ(type.out, "signing\n");
  auto bad = Sealkey({"cert", "show", "--field", "colour", cert_});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("--field: unknown field 'colour'"), std::string::npos) << bad.err;
}

TEST_F(CertShowTest, JsonHasEverything) {
  auto r = Sealkey({"--json", "cert", "show", cert_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["subject"], "C=CN, O=北京测试科技有限公司, CN=张三");
  EXPECT_EQ(j["public_key_algorithm"], "SM2");
  EXPECT_EQ(j["type"], "signing");
  EXPECT_EQ(j["thumbprints"]["sm3"], OpensslFingerprint("sm3"));
  EXPECT_EQ(j["key_usage"], nlohmann::json({"digitalSignature", "nonRepudiation"}));
  EXPECT_EQ(j["subject_entries"][2]["value"], "张三");
}

TEST_F(CertShowTest, ChineseLabelsWhenAsked) {
  auto args = std::vector<std::string>{"env", "SEALKEY_LANG=zh_CN.UTF-8", testing::BinPath("sealkey"),
                                       "cert", "show", cert_};
  auto r = RunCommand(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("使用者"), std::string::npos);
  EXPECT_NE(r.out.find("签名证书"), std::string::npos);
}

TEST_F(CertShowTest, BadInputGivesOneClearLineAndExitCode) {
  auto missing = Sealkey({"cert", "show", dir_.File("nope.pem")});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("sealkey: error: file: "), std::string::npos) << missing.err;
  testing::WriteFile(dir_.File("junk"), AsBytes("\x01\x02garbage"));
  auto junk = Sealkey({"cert", "show", dir_.File("junk")});
  EXPECT_EQ(junk.exit_code, 1);
  EXPECT_NE(junk.err.find("certificate: "), std::string::npos) << junk.err;
  auto json = Sealkey({"--json", "cert", "show", dir_.File("junk")});
  auto j = nlohmann::json::parse(json.err);
  EXPECT_EQ(j["error"]["code"], "malformed");
  EXPECT_EQ(j["error"]["field"], "certificate");
  auto usage = Sealkey({"cert", "show"});
  EXPECT_EQ(usage.exit_code, 1);
  EXPECT_NE(usage.err.find("give a FILE, or --device and --cert"), std::string::npos) << usage.err;
  EXPECT_EQ(Sealkey({"cert", "frobnicate"}).exit_code, 2);
  auto bad_thumb = Sealkey({"cert", "show", "--thumbprint", "crc32", cert_});
  EXPECT_EQ(bad_thumb.exit_code, 1);
}

TEST(VersionTest, PrintsVersion) {
  auto r = RunCommand({testing::BinPath("sealkey"), "--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.rfind("sealkey ", 0), 0u) << r.out;
}

}  // namespace
}  // namespace sealkey
