// Interop with the real `openssl` command-line tool: what sealkey signs,
// encrypts or builds, openssl accepts, and the reverse.
#include <string>

#include <gtest/gtest.h>

#include "base/encoding.h"
#include "crypto/cipher.h"
#include "crypto/mac.h"
#include "crypto/random.h"
#include "crypto/sign.h"
#include "crypto/sm2.h"
#include "crypto/x509.h"
#include "crypto/x509_build.h"
#include "testutil/testutil.h"

namespace sealkey::crypto {
namespace {

using testing::RunCommand;

class OpensslInterop : public ::testing::Test {
 protected:
  std::string F(const std::string& name) { return dir_.File(name); }
  void Write(const std::string& name, ByteView data) { testing::WriteFile(F(name), data); }
  void WriteText(const std::string& name, const std::string& s) { Write(name, AsBytes(s)); }
  testing::TempDir dir_;
};


TEST_F(OpensslInterop, Sm2SignatureVerifiesWithOpensslAndBack) {
  for (std::string id : {std::string(kSm2DefaultId), std::string("ALICE123@YAHOO.COM")}) {
    auto key = PrivateKey::Generate(KeyAlg::kSm2);
    ASSERT_OK(key);
    WriteText("pub.pem", key->Public()->ToPem());
    Write("key.der", key->ToPkcs8Der()->span());
    WriteText("msg", "国密签名互通测试 " + id);

    auto sig = Sm2Sign(*key, AsBytes("国密签名互通测试 " + id), id);
    ASSERT_OK(sig);
    Write("sig.der", *sig);
    auto v = RunCommand({"openssl", "pkeyutl", "-verify", "-pubin", "-inkey", F("pub.pem"), "-rawin",
                  "-digest", "sm3", "-in", F("msg"), "-sigfile", F("sig.der"), "-pkeyopt",
                  "distid:" + id});
    EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
    EXPECT_NE(v.out.find("Signature Verified Successfully"), std::string::npos) << v.out;

    // The same signature under the wrong ID must fail in openssl too.
    auto wrong = RunCommand({"openssl", "pkeyutl", "-verify", "-pubin", "-inkey", F("pub.pem"), "-rawin",
                      "-digest", "sm3", "-in", F("msg"), "-sigfile", F("sig.der"), "-pkeyopt",
                      "distid:0000000000000000"});
    EXPECT_NE(wrong.exit_code, 0);

    auto s = RunCommand({"openssl", "pkeyutl", "-sign", "-keyform", "DER", "-inkey", F("key.der"),
                  "-rawin", "-digest", "sm3", "-in", F("msg"), "-out", F("osig.der"), "-pkeyopt",
                  "distid:" + id});
    ASSERT_EQ(s.exit_code, 0) << s.err;
    EXPECT_OK(Sm2Verify(*key->Public(), AsBytes("国密签名互通测试 " + id),
                        testing::ReadFileOrDie(F("osig.der")), id));
  }
}

TEST_F(OpensslInterop, EcdsaAndRsaSignaturesBothWays) {
  struct Case { KeyAlg alg; bool pss; };
  for (Case c : {Case{KeyAlg::kEcP256, false}, Case{KeyAlg::kRsa2048, false},
                 Case{KeyAlg::kRsa2048, true}}) {
    SCOPED_TRACE(std::string(KeyAlgToken(c.alg)) + (c.pss ? " pss" : ""));
    auto key = PrivateKey::Generate(c.alg);
    ASSERT_OK(key);
    WriteText("pub.pem", key->Public()->ToPem());
    Write("key.der", key->ToPkcs8Der()->span());
    WriteText("msg", "hello");
    SignOptions opt;
    opt.rsa_pss = c.pss;
    std::vector<std::string> pss_opts;
    if (c.pss) pss_opts = {"-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:digest"};

    Write("sig", *SignMessage(*key, AsBytes("hello"), opt));
    std::vector<std::string> verify = {"openssl", "dgst", "-sha256", "-verify", F("pub.pem"),
                                       "-signature", F("sig")};
    verify.insert(verify.end(), pss_opts.begin(), pss_opts.end());
    verify.push_back(F("msg"));
    auto v = RunCommand(verify);
    EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
    EXPECT_NE(v.out.find("Verified OK"), std::string::npos);

    std::vector<std::string> sign = {"openssl", "dgst", "-sha256", "-keyform", "DER", "-sign",
                                     F("key.der"), "-out", F("osig")};
    sign.insert(sign.end(), pss_opts.begin(), pss_opts.end());
    sign.push_back(F("msg"));
    auto s = RunCommand(sign);
    ASSERT_EQ(s.exit_code, 0) << s.err;
    EXPECT_OK(VerifyMessage(*key->Public(), AsBytes("hello"), testing::ReadFileOrDie(F("osig")),
                            opt));
  }
}

TEST_F(OpensslInterop, Sm2EncryptionBothWays) {
  auto key = PrivateKey::Generate(KeyAlg::kSm2);
  WriteText("pub.pem", key->Public()->ToPem());
  Write("key.der", key->ToPkcs8Der()->span());
  // sealkey encrypts (ASN.1 form, as OpenSSL uses) -> openssl decrypts.
  Write("ct", *Sm2Encrypt(*key->Public(), AsBytes("会话密钥"), Sm2CipherFormat::kAsn1));
  auto d = RunCommand({"openssl", "pkeyutl", "-decrypt", "-keyform", "DER", "-inkey", F("key.der"),
                "-in", F("ct")});
  ASSERT_EQ(d.exit_code, 0) << d.err;
  EXPECT_EQ(d.out, "会话密钥");
  // openssl encrypts -> sealkey decrypts, also after conversion to C1C3C2.
  WriteText("pt", "session key");
  auto e = RunCommand({"openssl", "pkeyutl", "-encrypt", "-pubin", "-inkey", F("pub.pem"), "-in", F("pt"),
                "-out", F("oct")});
  ASSERT_EQ(e.exit_code, 0) << e.err;
  Bytes oct = testing::ReadFileOrDie(F("oct"));
  auto p = Sm2Decrypt(*key, oct, Sm2CipherFormat::kAsn1);
  ASSERT_OK(p);
  EXPECT_EQ(p->view(), "session key");
  auto c1c3c2 = Sm2CipherConvert(oct, Sm2CipherFormat::kAsn1, Sm2CipherFormat::kC1C3C2);
  ASSERT_OK(c1c3c2);
  EXPECT_EQ(Sm2Decrypt(*key, *c1c3c2)->view(), "session key");
}

TEST_F(OpensslInterop, Sm4CbcAndCtrMatchOpensslEnc) {
  Bytes key = RandomBytes(16), iv = RandomBytes(16), plain = RandomBytes(100);
  Write("plain", plain);
  for (auto [mode, ours] : {std::pair{"-sm4-cbc", *Sm4CbcEncrypt(key, iv, plain)},
                            std::pair{"-sm4-ctr", *Sm4Ctr(key, iv, plain)}}) {
    auto r = RunCommand({"openssl", "enc", mode, "-K", HexEncode(key), "-iv", HexEncode(iv), "-in",
                  F("plain"), "-out", F("ct")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(testing::ReadFileOrDie(F("ct")), ours) << mode;
  }
}

TEST_F(OpensslInterop, HmacSm3AndPbkdf2Sm3MatchOpenssl) {
  Bytes key = RandomBytes(20);
  WriteText("data", "HMAC-SM3 interop");
  auto mac = RunCommand({"openssl", "mac", "-digest", "SM3", "-macopt", "hexkey:" + HexEncode(key),
                  "-in", F("data"), "HMAC"});
  ASSERT_EQ(mac.exit_code, 0) << mac.err;
  std::string expect = HexEncodeUpper(Hmac(HashAlg::kSm3, key, AsBytes("HMAC-SM3 interop")));
  EXPECT_EQ(mac.out.substr(0, expect.size()), expect);

  auto kdf = RunCommand({"openssl", "kdf", "-keylen", "32", "-kdfopt", "digest:SM3", "-kdfopt",
                  "pass:123456", "-kdfopt", "salt:sealkey-salt", "-kdfopt", "iter:1000", "PBKDF2"});
  ASSERT_EQ(kdf.exit_code, 0) << kdf.err;
  auto ours = Pbkdf2(HashAlg::kSm3, AsBytes("123456"), AsBytes("sealkey-salt"), 1000, 32);
  ASSERT_OK(ours);
  EXPECT_EQ(kdf.out.substr(0, 95), HexEncodeUpper(ours->span(), ":"));
}

TEST_F(OpensslInterop, CertificatesAndRequestsBothWays) {
  for (KeyAlg alg : {KeyAlg::kSm2, KeyAlg::kEcP256, KeyAlg::kRsa2048}) {
    SCOPED_TRACE(std::string(KeyAlgToken(alg)));
    auto key = PrivateKey::Generate(alg);
    CertificateTemplate t;
    t.subject = *ParseDistinguishedName("/C=CN/O=测试单位/CN=张三");
    t.not_before = 1'700'000'000;
    t.not_after = 4'000'000'000;
    t.is_ca = true;
    auto cert = SelfSign(*key, t);
    ASSERT_OK(cert);
    WriteText("cert.pem", cert->Pem());
    auto v = RunCommand({"openssl", "verify", "-CAfile", F("cert.pem"), F("cert.pem")});
    EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
    auto subj = RunCommand({"openssl", "x509", "-in", F("cert.pem"), "-noout", "-subject", "-nameopt",
                     "utf8,sep_comma_plus_space"});
    EXPECT_NE(subj.out.find("CN=张三"), std::string::npos) << subj.out;

    Write("csr.der", *BuildCsr(*key, t.subject));
    std::vector<std::string> req = {"openssl", "req", "-verify", "-noout", "-inform", "DER",
                                    "-in", F("csr.der")};
    if (alg == KeyAlg::kSm2) {
      req.insert(req.end(), {"-vfyopt", "distid:1234567812345678"});
    }
    auto r = RunCommand(req);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  }
  // An SM2 certificate made by openssl parses and verifies in sealkey.
  auto g = RunCommand({"openssl", "req", "-new", "-x509", "-newkey", "sm2", "-nodes", "-keyout",
                F("k.pem"), "-sm3", "-subj", "/C=CN/O=数字证书/CN=互通", "-utf8", "-days", "30",
                "-sigopt", "distid:1234567812345678", "-out", F("o.pem")});
  ASSERT_EQ(g.exit_code, 0) << g.err;
  auto cert = Certificate::Parse(testing::ReadFileOrDie(F("o.pem")));
  ASSERT_OK(cert);
  EXPECT_EQ(FormatName(cert->Info().subject), "C=CN, O=数字证书, CN=互通");
  EXPECT_EQ(cert->Info().signature_algorithm, "SM3withSM2");
  EXPECT_OK(cert->VerifySignature(*cert->PublicKeyOf()));
}

}  // namespace
}  // namespace sealkey::crypto
