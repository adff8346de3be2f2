// Drives the real `sealkey` binary end to end over media (D2-D5, D10, D11,
// E1): device creation, keys generated inside, certificates issued by an
// openssl CA, CMS signatures checked by openssl, PIN lock/unblock, seals,
// PKCS#12, the agent's PIN cache, a SoftHSM token as a device, and damaged
// device files.
#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "testutil/testutil.h"

namespace sealkey {
namespace {

using nlohmann::json;
using testing::CommandResult;
using testing::RunCommand;

class MediaCliTest : public ::testing::Test {
 protected:
  void TearDown() override { Sk({"agent", "stop"}); }
  std::string Home() { return tmp_.File("home"); }
  // Runs sealkey with this test's SEALKEY_HOME; `stdin_data` feeds --pin-stdin.
  CommandResult Sk(std::vector<std::string> args, const std::string& stdin_data = "",
                   std::vector<std::string> env = {}) {
    std::vector<std::string> argv = {"env", "-u", "SEALKEY_PIN", "SEALKEY_HOME=" + Home(),
                                     "SOFTHSM2_CONF=" + tmp_.File("softhsm2.conf")};
    argv.insert(argv.end(), env.begin(), env.end());
    argv.push_back(testing::BinPath("sealkey"));
    if (!stdin_data.empty()) argv.push_back("--pin-stdin");
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv, stdin_data);
  }
  json SkJson(std::vector<std::string> args, const std::string& stdin_data = "") {
    args.insert(args.begin(), "--json");
    auto r = Sk(args, stdin_data);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out.empty() ? "{}" : r.out);
  }
  void CreateDevice(const std::string& label) {
    auto r = Sk({"device", "create", "--label", label, "--kdf", "pbkdf2-sm3", "--kdf-iterations",
                 "1000"},
                "123456\n87654321\n");
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  // An openssl CA (P-256) that issues a certificate for `csr`.
  std::string Issue(const std::string& csr, bool sm2) {
    if (!std::filesystem::exists(tmp_.File("ca.pem"))) {
      auto ca = RunCommand({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                            "ec_paramgen_curve:P-256", "-nodes", "-keyout", tmp_.File("ca.key"),
                            "-subj", "/CN=Test CA", "-days", "30", "-out", tmp_.File("ca.pem")});
      EXPECT_EQ(ca.exit_code, 0) << ca.err;
    }
    std::vector<std::string> argv = {"openssl", "x509", "-req", "-in", csr, "-CA",
                                     tmp_.File("ca.pem"), "-CAkey", tmp_.File("ca.key"), "-days",
                                     "30", "-out", csr + ".crt"};
    if (sm2) argv.insert(argv.end(), {"-vfyopt", "distid:1234567812345678"});
    auto r = RunCommand(argv);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return csr + ".crt";
  }
  testing::TempDir tmp_;
};

TEST_F(MediaCliTest, KeysCertificatesAndSignaturesForEveryAlgorithm) {
  CreateDevice("我的设备");
  testing::WriteFile(tmp_.File("doc.txt"), AsBytes("采购合同 第一版\n"));
  for (std::string alg : {"sm2", "p256", "rsa2048"}) {
    SCOPED_TRACE(alg);
    std::string csr = tmp_.File(alg + ".csr");
    auto g = Sk({"key", "generate", "-d", "我的设备", "--alg", alg, "--subject",
                 "/C=CN/O=测试单位/CN=张三", "-o", csr},
                "123456\n");
    ASSERT_EQ(g.exit_code, 0) << g.err;
    std::vector<std::string> req_verify = {"openssl", "req", "-verify", "-noout", "-in", csr};
    if (alg == "sm2") req_verify.insert(req_verify.end(), {"-vfyopt", "distid:1234567812345678"});
    EXPECT_EQ(RunCommand(req_verify).exit_code, 0) << "openssl rejects the CSR";
    std::string crt = Issue(csr, alg == "sm2");
    auto imp = Sk({"cert", "import", "-d", "我的设备", crt}, "123456\n");
    ASSERT_EQ(imp.exit_code, 0) << imp.err;

    json list = SkJson({"cert", "list", "-d", "我的设备"});
    std::string ref;
    for (const auto& c : list["certificates"]) {
      if (c["algorithm"] == (alg == "sm2" ? "SM2" : alg == "p256" ? "ECDSA P-256" : "RSA")) {
        ref = c["ref"];
        EXPECT_TRUE(c["has_private_key"].get<bool>());
        EXPECT_EQ(c["subject"], "C=CN, O=测试单位, CN=张三");
      }
    }
    ASSERT_FALSE(ref.empty());
    std::string sig = tmp_.File("doc." + alg + ".p7s");
    auto s = Sk({"sign", "-d", "我的设备", "-c", ref, "-i", tmp_.File("doc.txt"), "-o", sig},
                "123456\n");
    ASSERT_EQ(s.exit_code, 0) << s.err;
    auto v = Sk({"verify", "-i", tmp_.File("doc.txt"), "-s", sig, "--ca", tmp_.File("ca.pem")});
    EXPECT_EQ(v.exit_code, 0) << v.err;
    EXPECT_NE(v.out.find("CN=张三"), std::string::npos);
    if (alg != "sm2") {  // OpenSSL 3.0 cannot verify SM2 CMS (see docs/FEATURES.md)
      auto o = RunCommand({"openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", sig,
                           "-content", tmp_.File("doc.txt"), "-CAfile", tmp_.File("ca.pem"),
                           "-out", "/dev/null"});
      EXPECT_EQ(o.exit_code, 0) << o.err;
    }
    // A changed document fails, in sealkey and (for P-256/RSA) in openssl.
    testing::WriteFile(tmp_.File("doc2.txt"), AsBytes("采购合同 第二版\n"));
    auto bad = Sk({"verify", "-i", tmp_.File("doc2.txt"), "-s", sig});
    EXPECT_EQ(bad.exit_code, 1);
  }
  // Export gives back the certificate; the private key never leaves.
  json list = SkJson({"cert", "list"});
  std::string ref = list["certificates"][0]["ref"];
  auto exp = Sk({"cert", "export", "-d", "我的设备", "-c", ref});
  EXPECT_NE(exp.out.find("BEGIN CERTIFICATE"), std::string::npos);
  EXPECT_EQ(exp.out.find("PRIVATE"), std::string::npos);
  auto del = Sk({"cert", "delete", "-d", "我的设备", "-c", ref, "--with-key"}, "123456\n");
  EXPECT_EQ(del.exit_code, 0) << del.err;
  EXPECT_EQ(SkJson({"cert", "list"})["certificates"].size(), 2u);
}

TEST_F(MediaCliTest, PinLockUnblockAndChange) {
  CreateDevice("d1");
  for (int i = 5; i >= 1; --i) {
    auto r = Sk({"device", "info", "-d", "d1"});
    auto v = Sk({"seal", "read", "-d", "d1", "-s", "x", "-o", tmp_.File("x")}, "000000\n");
    // No seal "x": the lookup fails before the PIN is tried, so use change-pin.
    auto c = Sk({"device", "change-pin", "-d", "d1"}, "000000\n24681357\n");
    EXPECT_EQ(c.exit_code, 1);
    EXPECT_NE(c.err.find(std::to_string(i) + (i == 1 ? " try left" : " tries left")),
              std::string::npos) << c.err;
  }
  auto locked = Sk({"device", "change-pin", "-d", "d1"}, "000000\n24681357\n");
  EXPECT_NE(locked.err.find("now locked"), std::string::npos) << locked.err;
  EXPECT_EQ(SkJson({"device", "info", "-d", "d1"})["user_pin"]["state"], "locked");
  auto still = Sk({"device", "change-pin", "-d", "d1"}, "123456\n24681357\n");
  EXPECT_NE(still.err.find("is locked"), std::string::npos) << still.err;
  auto unblock = Sk({"device", "unblock", "-d", "d1"}, "87654321\n13572468\n");
  ASSERT_EQ(unblock.exit_code, 0) << unblock.err;
  auto change = Sk({"device", "change-pin", "-d", "d1"}, "13572468\n24681357\n");
  ASSERT_EQ(change.exit_code, 0) << change.err;
  EXPECT_EQ(SkJson({"device", "info", "-d", "d1"})["user_pin"]["state"], "ok");
  auto weak = Sk({"device", "change-pin", "-d", "d1"}, "24681357\n111111\n");
  EXPECT_NE(weak.err.find("new_pin: must not be one character repeated"), std::string::npos)
      << weak.err;
}

TEST_F(MediaCliTest, SealsAndPkcs12) {
  CreateDevice("d1");
  // A real PNG made by openssl? No: a minimal PNG header is enough for sniffing.
  Bytes png = {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
  testing::WriteFile(tmp_.File("seal.png"), png);
  testing::WriteFile(tmp_.File("fake.png"), AsBytes("not an image"));
  auto bad = Sk({"seal", "write", "-d", "d1", "-n", "公章", "--image", tmp_.File("fake.png")},
                "123456\n");
  EXPECT_NE(bad.err.find("image: is not a PNG or JPEG image"), std::string::npos) << bad.err;
  ASSERT_EQ(Sk({"seal", "write", "-d", "d1", "-n", "公章", "--image", tmp_.File("seal.png")},
               "123456\n").exit_code, 0);
  json seals = SkJson({"seal", "list", "-d", "d1"});
  ASSERT_EQ(seals["seals"].size(), 1u);
  EXPECT_EQ(seals["seals"][0]["name"], "公章");
  ASSERT_EQ(Sk({"seal", "read", "-d", "d1", "-s", "公章", "-o", tmp_.File("out.png")}, "123456\n")
                .exit_code, 0);
  EXPECT_EQ(testing::ReadFileOrDie(tmp_.File("out.png")), png);
  ASSERT_EQ(Sk({"seal", "delete", "-d", "d1", "-s", "公章"}, "123456\n").exit_code, 0);
  EXPECT_TRUE(SkJson({"seal", "list", "-d", "d1"})["seals"].empty());

  RunCommand({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
              tmp_.File("k.pem"), "-subj", "/CN=p12 user", "-days", "10", "-out", tmp_.File("c.pem")});
  RunCommand({"openssl", "pkcs12", "-export", "-inkey", tmp_.File("k.pem"), "-in", tmp_.File("c.pem"),
              "-passout", "pass:secret1", "-out", tmp_.File("id.p12")});
  // Secrets in order: the PKCS#12 password, then the PIN (only if the
  // password was right: a bad file costs no PIN try).
  auto wrong = Sk({"cert", "import", "-d", "d1", tmp_.File("id.p12")}, "wrongpass\n123456\n");
  EXPECT_NE(wrong.err.find("password: wrong PKCS#12 password"), std::string::npos) << wrong.err;
  EXPECT_EQ(SkJson({"device", "info", "-d", "d1"})["user_pin"]["tries_left"], 6);
  auto ok = Sk({"cert", "import", "-d", "d1", tmp_.File("id.p12")}, "secret1\n123456\n");
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  json list = SkJson({"cert", "list", "-d", "d1"});
  ASSERT_EQ(list["certificates"].size(), 1u);
  EXPECT_TRUE(list["certificates"][0]["has_private_key"].get<bool>());
}

TEST_F(MediaCliTest, AgentCachesThePin) {
  CreateDevice("d1");
  Bytes png = {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 1};
  testing::WriteFile(tmp_.File("s.png"), png);
  // Without the agent nothing is cached: no PIN, no operation.
  auto no_pin = Sk({"seal", "write", "-d", "d1", "-n", "a", "--image", tmp_.File("s.png")}, "",
                   {"SEALKEY_PIN="});
  EXPECT_EQ(no_pin.exit_code, 1);
  EXPECT_NE(no_pin.err.find("pin:"), std::string::npos) << no_pin.err;
  ASSERT_EQ(Sk({"agent", "start"}).exit_code, 0);
  EXPECT_EQ(SkJson({"agent", "status"})["running"], true);
  ASSERT_EQ(Sk({"seal", "write", "-d", "d1", "-n", "a", "--image", tmp_.File("s.png")}, "123456\n")
                .exit_code, 0);
  // The agent now holds the PIN: no stdin, no env, no terminal needed.
  auto cached = Sk({"seal", "write", "-d", "d1", "-n", "b", "--image", tmp_.File("s.png")});
  EXPECT_EQ(cached.exit_code, 0) << cached.err;
  EXPECT_EQ(SkJson({"agent", "status"})["cached_devices"], 1);
  ASSERT_EQ(Sk({"agent", "stop"}).exit_code, 0);
  ASSERT_EQ(Sk({"agent", "start"}).exit_code, 0);
  auto after = Sk({"seal", "write", "-d", "d1", "-n", "c", "--image", tmp_.File("s.png")});
  EXPECT_EQ(after.exit_code, 1) << "a restarted agent must not remember the PIN";
  EXPECT_EQ(Sk({"settings", "set", "pin-cache", "7m"}).exit_code, 1);
  EXPECT_EQ(Sk({"settings", "set", "pin-cache", "off"}).exit_code, 0);
  EXPECT_EQ(Sk({"seal", "write", "-d", "d1", "-n", "c", "--image", tmp_.File("s.png")}, "123456\n")
                .exit_code, 0);
  EXPECT_EQ(Sk({"seal", "write", "-d", "d1", "-n", "d", "--image", tmp_.File("s.png")}).exit_code, 1);
}

TEST_F(MediaCliTest, SoftHsmTokenIsListedAsADevice) {
  std::filesystem::create_directories(tmp_.File("tokens"));
  testing::WriteFile(tmp_.File("softhsm2.conf"),
                     AsBytes("directories.tokendir = " + tmp_.File("tokens") +
                             "\nobjectstore.backend = file\nlog.level = ERROR\n"));
  auto init = RunCommand({"env", "SOFTHSM2_CONF=" + tmp_.File("softhsm2.conf"), "softhsm2-util",
                          "--init-token", "--free", "--label", "hsm-token", "--pin", "123456",
                          "--so-pin", "12345678"});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  CreateDevice("file-dev");
  ASSERT_EQ(Sk({"settings", "set", "add-module", "/usr/lib/softhsm/libsofthsm2.so"}).exit_code, 0);
  EXPECT_EQ(Sk({"settings", "set", "add-module", "/nonexistent.so"}).exit_code, 1);
  json list = SkJson({"device", "list"});
  std::vector<std::string> kinds, labels;
  for (const auto& d : list["devices"]) {
    kinds.push_back(d["kind"]);
    labels.push_back(d["label"]);
  }
  EXPECT_EQ(labels, (std::vector<std::string>{"file-dev", "hsm-token"}));
  EXPECT_EQ(kinds, (std::vector<std::string>{"file", "pkcs11"}));
  // A key generated on the token signs its own CSR there (OpenKeySigner).
  auto gen = Sk({"key", "generate", "-d", "hsm-token", "--alg", "p256", "--subject", "/CN=hsm user",
                 "-o", tmp_.File("hsm.csr")},
                "123456\n");
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  EXPECT_EQ(RunCommand({"openssl", "req", "-verify", "-noout", "-in", tmp_.File("hsm.csr")}).exit_code,
            0);
  auto sm2 = Sk({"key", "generate", "-d", "hsm-token", "--alg", "sm2", "--subject", "/CN=x"},
                "123456\n");
  EXPECT_EQ(sm2.exit_code, 1);  // SoftHSM has no SM2 mechanism
  auto pin = Sk({"device", "change-pin", "-d", "hsm-token"}, "123456\n24681357\n");
  EXPECT_EQ(pin.exit_code, 0) << pin.err;
}

TEST_F(MediaCliTest, DamagedDeviceFileIsReportedAndOthersStillWork) {
  CreateDevice("good");
  CreateDevice("bad");
  json list = SkJson({"device", "list"});
  std::string bad_serial;
  for (const auto& d : list["devices"]) {
    if (d["label"] == "bad") bad_serial = d["serial"];
  }
  for (const auto& entry : std::filesystem::directory_iterator(Home() + "/devices")) {
    std::string file = entry.path().string() + "/device.skd";
    Bytes data = testing::ReadFileOrDie(file);
    if (AsChars(data).find(bad_serial) != std::string_view::npos) {
      testing::WriteFile(file, ByteView(data).first(data.size() - 40));
    }
  }
  auto r = Sk({"device", "list"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("good"), std::string::npos);
  EXPECT_NE(r.err.find("corrupted or truncated"), std::string::npos) << r.err;
  EXPECT_EQ(Sk({"device", "change-pin", "-d", "good"}, "123456\n24681357\n").exit_code, 0);
}

TEST_F(MediaCliTest, BadInputNamesTheField) {
  CreateDevice("d1");
  auto subj = Sk({"key", "generate", "-d", "d1", "--subject", "CN"}, "123456\n");
  EXPECT_NE(subj.err.find("subject:"), std::string::npos) << subj.err;
  auto alg = Sk({"key", "generate", "-d", "d1", "--alg", "dsa", "--subject", "/CN=x"}, "123456\n");
  EXPECT_NE(alg.err.find("alg:"), std::string::npos) << alg.err;
  auto dev = Sk({"cert", "list", "-d", "nope"});
  EXPECT_NE(dev.err.find("--device: no device 'nope'"), std::string::npos) << dev.err;
  auto weak = Sk({"device", "create", "--label", "x"}, "1234\n87654321\n");
  EXPECT_NE(weak.err.find("pin: must be 6 to 16 characters"), std::string::npos) << weak.err;
  // None of that changed anything: the device PIN still has all its tries.
  EXPECT_EQ(SkJson({"device", "info", "-d", "d1"})["user_pin"]["tries_left"], 6);
}

}  // namespace
}  // namespace sealkey
