// Interop of sealkey's detached CMS SignedData with the real `openssl cms`
// (OpenSSL 3.0): what sealkey signs openssl verifies against a CA, what
// openssl signs sealkey verifies, and what OpenSSL 3.0 does with SM2.
#include <algorithm>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "crypto/cms.h"
#include "crypto/x509_build.h"
#include "testutil/testutil.h"

namespace sealkey::crypto {
namespace {

using testing::RunCommand;

const std::string kMessage = "合同正文 v1: pay 100 CNY to 张三\n";

struct Identity {
  PrivateKey key;
  Certificate cert;
};

// A CA and an end-entity signing certificate it issued, valid now.
struct Pki {
  Identity ca;
  Identity leaf;
};

Pki MakePki(KeyAlg alg) {
  int64_t now = std::time(nullptr);
  CertificateTemplate t;
  t.not_before = now - 3600;
  t.not_after = now + 30 * 86400;
  t.subject = ParseDistinguishedName("/C=CN/O=测试单位/CN=测试根 CA").value();
  t.is_ca = true;
  PrivateKey ca_key = PrivateKey::Generate(alg).value();
  Certificate ca = SelfSign(ca_key, t).value();
  t.subject = ParseDistinguishedName("/C=CN/O=测试单位/CN=张三").value();
  t.is_ca = false;
  t.usage = CertUsage::kSigning;
  PrivateKey leaf_key = PrivateKey::Generate(alg).value();
  Certificate leaf = IssueCertificate(t, leaf_key.Public().value(), ca_key, &ca).value();
  return Pki{{std::move(ca_key), std::move(ca)}, {std::move(leaf_key), std::move(leaf)}};
}

class OpensslCms : public ::testing::Test {
 protected:
  std::string F(const std::string& name) { return dir_.File(name); }
  void Write(const std::string& name, ByteView data) { testing::WriteFile(F(name), data); }
  void WriteText(const std::string& name, const std::string& s) { Write(name, AsBytes(s)); }

  // Writes ca.pem, leaf.pem, leaf.key (PKCS#8 DER) and msg.
  void WritePki(const Pki& pki) {
    WriteText("ca.pem", pki.ca.cert.Pem());
    WriteText("leaf.pem", pki.leaf.cert.Pem());
    Write("leaf.key", pki.leaf.key.ToPkcs8Der()->span());
    WriteText("msg", kMessage);
  }

  testing::CommandResult OpensslVerify(const std::string& cms_file, const std::string& content) {
    return RunCommand({"openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in",
                       F(cms_file), "-content", F(content), "-CAfile", F("ca.pem"), "-out",
                       "/dev/null"});
  }

  testing::TempDir dir_;
};

TEST_F(OpensslCms, SealkeySignsOpensslVerifiesAgainstTheCa) {
  for (KeyAlg alg : {KeyAlg::kEcP256, KeyAlg::kRsa2048}) {
    SCOPED_TRACE(std::string(KeyAlgToken(alg)));
    Pki pki = MakePki(alg);
    WritePki(pki);
    KeySigner signer(pki.leaf.key);
    CmsSignParams params;
    params.signing_time = 1'700'000'000;
    params.extra_certs = {&pki.ca.cert};
    auto cms = CmsSignDetached(signer, pki.leaf.cert, AsBytes(kMessage), params);
    ASSERT_OK(cms);
    Write("sig.p7s", *cms);

    auto v = OpensslVerify("sig.p7s", "msg");
    EXPECT_EQ(v.exit_code, 0) << v.err;
    EXPECT_NE(v.err.find("Verification successful"), std::string::npos) << v.err;

    WriteText("other", kMessage + ".");
    auto bad = OpensslVerify("sig.p7s", "other");
    EXPECT_NE(bad.exit_code, 0) << bad.err;
    EXPECT_NE(bad.err.find("Verification failure"), std::string::npos) << bad.err;

    // OpenSSL reads the signing time sealkey wrote.
    auto print = RunCommand({"openssl", "cms", "-cmsout", "-print", "-noout", "-inform", "DER",
                             "-in", F("sig.p7s")});
    EXPECT_EQ(print.exit_code, 0) << print.err;
    EXPECT_NE(print.out.find("Nov 14 22:13:20 2023 GMT"), std::string::npos) << print.out;
  }
}

struct OpensslSignCase {
  KeyAlg alg;
  std::string md;
  HashAlg digest;
  std::vector<std::string> extra_args;  // -noattr, -keyid, -outform PEM ...
};

TEST_F(OpensslCms, OpensslSignsSealkeyVerifies) {
  const std::vector<OpensslSignCase> cases = {
      {KeyAlg::kEcP256, "sha256", HashAlg::kSha256, {"-outform", "DER"}},
      {KeyAlg::kEcP256, "sha384", HashAlg::kSha384, {"-outform", "DER"}},
      {KeyAlg::kEcP256, "sha256", HashAlg::kSha256, {"-outform", "DER", "-keyid"}},
      {KeyAlg::kEcP256, "sha256", HashAlg::kSha256, {"-outform", "PEM"}},
      {KeyAlg::kRsa2048, "sha256", HashAlg::kSha256, {"-outform", "DER"}},
      {KeyAlg::kRsa2048, "sha512", HashAlg::kSha512, {"-outform", "DER", "-noattr"}},
  };
  Pki ec = MakePki(KeyAlg::kEcP256);
  Pki rsa = MakePki(KeyAlg::kRsa2048);
  for (const auto& c : cases) {
    std::string trace = std::string(KeyAlgToken(c.alg)) + " " + c.md;
    for (const auto& a : c.extra_args) trace += " " + a;
    SCOPED_TRACE(trace);
    const Pki& pki = c.alg == KeyAlg::kRsa2048 ? rsa : ec;
    WritePki(pki);
    std::vector<std::string> argv = {"openssl", "cms", "-sign", "-binary", "-md", c.md,
                                     "-in", F("msg"), "-signer", F("leaf.pem"), "-inkey",
                                     F("leaf.key"), "-keyform", "DER", "-certfile",
                                     F("ca.pem"), "-out", F("o.p7s")};
    argv.insert(argv.end(), c.extra_args.begin(), c.extra_args.end());
    int64_t before = std::time(nullptr);
    auto s = RunCommand(argv);
    ASSERT_EQ(s.exit_code, 0) << s.err;
    Bytes cms = testing::ReadFileOrDie(F("o.p7s"));

    auto r = CmsVerifyDetached(cms, AsBytes(kMessage));
    ASSERT_OK(r);
    EXPECT_EQ(r->signer.Der(), pki.leaf.cert.Der());
    EXPECT_EQ(r->certificates.size(), 2u);
    EXPECT_EQ(r->digest, c.digest);
    bool noattr = std::find(c.extra_args.begin(), c.extra_args.end(), "-noattr") !=
                  c.extra_args.end();
    if (noattr) {
      EXPECT_FALSE(r->signing_time.has_value());
    } else {
      ASSERT_TRUE(r->signing_time.has_value());
      EXPECT_GE(*r->signing_time, before - 1);
      EXPECT_LE(*r->signing_time, std::time(nullptr) + 1);
    }

    auto bad = CmsVerifyDetached(cms, AsBytes(kMessage + "."));
    EXPECT_ERROR_CODE(bad, ErrorCode::kVerifyFailed);
    // Without signed attributes nothing separates the content from the
    // signature, so only "signature does not verify" can be said.
    EXPECT_EQ(bad.error().message, noattr ? "signature does not verify"
                                          : "content does not match the signature");
  }
}

TEST_F(OpensslCms, OpensslRsaPssIsUnsupported) {
  Pki pki = MakePki(KeyAlg::kRsa2048);
  WritePki(pki);
  auto s = RunCommand({"openssl", "cms", "-sign", "-binary", "-md", "sha256", "-in", F("msg"),
                       "-signer", F("leaf.pem"), "-inkey", F("leaf.key"), "-keyform", "DER",
                       "-keyopt", "rsa_padding_mode:pss", "-outform", "DER", "-out",
                       F("o.p7s")});
  ASSERT_EQ(s.exit_code, 0) << s.err;
  auto r = CmsVerifyDetached(testing::ReadFileOrDie(F("o.p7s")), AsBytes(kMessage));
  EXPECT_ERROR_CODE(r, ErrorCode::kUnsupported);
}

// SM2 and OpenSSL 3.0 (observed with 3.0.19):
//  - `openssl cms -sign` with an SM2 key fails in every mode (detached,
//    -nodetach, -noattr, -md sm3) with "illegal zero content".
//  - `openssl cms -verify` computes the SM2 Z value with an EMPTY
//    distinguishing ID, not GM/T 0009's default "1234567812345678". So a CMS
//    signed with the default ID (what sealkey writes, and what Chinese CAs
//    and tokens expect) fails in CMS_SignerInfo_verify even with -noverify,
//    while the same CMS signed with an empty ID verifies.
//  - With -CAfile the chain check fails first ("certificate signature
//    failure"): X509_verify also ignores the default ID (see signed_der.h).
// sealkey therefore verifies SM2 CMS itself; OpenSSL only parses it.
class OpensslSm2Cms : public OpensslCms {
 protected:
  void SetUp() override {
    auto v = RunCommand({"openssl", "version"});
    openssl30_ = v.exit_code == 0 && v.out.rfind("OpenSSL 3.0.", 0) == 0;
    pki_ = std::make_unique<Pki>(MakePki(KeyAlg::kSm2));
    WritePki(*pki_);
  }

  Bytes SignSm2(const std::string& id) {
    KeySigner signer(pki_->leaf.key);
    CmsSignParams params;
    params.options.sm2_id = id;
    params.extra_certs = {&pki_->ca.cert};
    return CmsSignDetached(signer, pki_->leaf.cert, AsBytes(kMessage), params).value();
  }

  testing::CommandResult OpensslVerifyNoChain(const std::string& cms_file,
                                              const std::string& content) {
    return RunCommand({"openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in",
                       F(cms_file), "-content", F(content), "-noverify", "-out", "/dev/null"});
  }

  bool openssl30_ = false;
  std::unique_ptr<Pki> pki_;
};

TEST_F(OpensslSm2Cms, SealkeySm2CmsParsesInOpensslAndVerifiesInSealkey) {
  Bytes cms = SignSm2(std::string(kSm2DefaultId));
  Write("sig.p7s", cms);
  EXPECT_OK(CmsVerifyDetached(cms, AsBytes(kMessage)));

  auto parse = RunCommand({"openssl", "asn1parse", "-inform", "DER", "-in", F("sig.p7s")});
  EXPECT_EQ(parse.exit_code, 0) << parse.err;
  for (const char* expected : {":pkcs7-signedData", ":sm3\n", ":SM2-with-SM3", ":contentType",
                               ":pkcs7-data", ":messageDigest"}) {
    EXPECT_NE(parse.out.find(expected), std::string::npos) << expected << "\n" << parse.out;
  }
  // OpenSSL's CMS decoder sees a detached SignedData with both certificates.
  auto print = RunCommand({"openssl", "cms", "-cmsout", "-print", "-noout", "-inform", "DER",
                           "-in", F("sig.p7s")});
  EXPECT_EQ(print.exit_code, 0) << print.err;
  EXPECT_NE(print.out.find("eContent: <ABSENT>"), std::string::npos) << print.out;
  EXPECT_NE(print.out.find("d.issuerAndSerialNumber:"), std::string::npos) << print.out;
  size_t certs = 0;
  for (size_t at = 0; (at = print.out.find("d.certificate:", at)) != std::string::npos; ++at) {
    ++certs;
  }
  EXPECT_EQ(certs, 2u);
}

TEST_F(OpensslSm2Cms, Openssl30VerifiesOnlyWithAnEmptySm2Id) {
  if (!openssl30_) GTEST_SKIP() << "records OpenSSL 3.0 behaviour only";
  Write("default.p7s", SignSm2(std::string(kSm2DefaultId)));
  auto chain = OpensslVerify("default.p7s", "msg");
  EXPECT_NE(chain.exit_code, 0);
  EXPECT_NE(chain.err.find("certificate signature failure"), std::string::npos) << chain.err;
  auto no_chain = OpensslVerifyNoChain("default.p7s", "msg");
  EXPECT_NE(no_chain.exit_code, 0);
  EXPECT_NE(no_chain.err.find("CMS_SignerInfo_verify:verification failure"), std::string::npos)
      << no_chain.err;

  Bytes empty_id = SignSm2("");
  Write("empty.p7s", empty_id);
  auto ok = OpensslVerifyNoChain("empty.p7s", "msg");
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.err.find("Verification successful"), std::string::npos) << ok.err;
  WriteText("other", kMessage + ".");
  EXPECT_NE(OpensslVerifyNoChain("empty.p7s", "other").exit_code, 0);

  // sealkey agrees: that CMS verifies under the empty ID and only under it.
  SignOptions empty;
  empty.sm2_id = "";
  EXPECT_OK(CmsVerifyDetached(empty_id, AsBytes(kMessage), empty));
  EXPECT_ERROR_CODE(CmsVerifyDetached(empty_id, AsBytes(kMessage)), ErrorCode::kVerifyFailed);
}

TEST_F(OpensslSm2Cms, Openssl30CannotSignWithSm2) {
  if (!openssl30_) GTEST_SKIP() << "records OpenSSL 3.0 behaviour only";
  auto s = RunCommand({"openssl", "cms", "-sign", "-binary", "-md", "sm3", "-in", F("msg"),
                       "-signer", F("leaf.pem"), "-inkey", F("leaf.key"), "-keyform", "DER",
                       "-outform", "DER", "-out", F("o.p7s")});
  EXPECT_NE(s.exit_code, 0);
  EXPECT_NE(s.err.find("illegal zero content"), std::string::npos) << s.err;
}

}  // namespace
}  // namespace sealkey::crypto
