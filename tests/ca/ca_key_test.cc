// CA keys (ca_key.h): encrypted key files, and CA keys in a PKCS#11 token
// (SoftHSM) issuing certificates that openssl verifies.
#include "ca/ca_fixture.h"

namespace sealkey::ca {
namespace {

SecureBuffer Kek() { return crypto::RandomSecret(32); }
TEST(CaKeyFileTest, RoundTripsSealedAndPrivate) {
  TempDir dir;
  const auto& key = KeyFor(KeyAlg::kSm2);
  SecureBuffer kek = Kek();
  const std::string path = dir.File("ca.key");
  ASSERT_OK(WriteEncryptedKey(path, key, kek));
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::string text(AsChars(testing::ReadFileOrDie(path)));
  EXPECT_TRUE(text.starts_with("-----BEGIN SEALKEY ENCRYPTED CA KEY-----\n"
                               "AEAD: sm4-ctr-hmac-sm3\n")) << text;
  auto back = ReadEncryptedKey(path, kek);
  ASSERT_OK(back);
  EXPECT_TRUE(back->Public()->Equals(PublicOf(key)));

  EXPECT_ERROR_CODE(ReadEncryptedKey(path, Kek()), ErrorCode::kVerifyFailed);
  EXPECT_ERROR_CODE(ReadEncryptedKey(path, crypto::RandomSecret(16)), ErrorCode::kInvalidArgument);
  // One flipped bit anywhere in the sealed bytes, or a relabelled AEAD.
  size_t body = text.find('\n', text.find("AEAD:")) + 1;
  size_t end = text.find("-----END");
  auto sealed = Base64Decode(text.substr(body, end - body));
  ASSERT_OK(sealed);
  for (size_t at : {size_t{0}, sealed->size() / 2, sealed->size() - 1}) {
    Bytes flipped = *sealed;
    flipped[at] ^= 0x04;
    std::string altered = text.substr(0, body) + Base64Encode(flipped) + "\n" + text.substr(end);
    testing::WriteFile(dir.File("flipped.key"), AsBytes(altered));
    EXPECT_ERROR_CODE(ReadEncryptedKey(dir.File("flipped.key"), kek), ErrorCode::kVerifyFailed);
  }
  std::string relabelled = text;
  relabelled.replace(text.find("sm4-ctr-hmac-sm3"), 16, "aes-256-gcm");
  testing::WriteFile(dir.File("relabelled.key"), AsBytes(relabelled));
  EXPECT_ERROR_CODE(ReadEncryptedKey(dir.File("relabelled.key"), kek), ErrorCode::kVerifyFailed);
}

TEST(CaKeyFileTest, SignerOnlyForTheCertificatesKey) {
  TempDir dir;
  const TestCa& ca = CaFor(KeyAlg::kSm2);
  SecureBuffer kek = Kek();
  ASSERT_OK(WriteEncryptedKey(dir.File("ca.key"), ca.h.issuing_key, kek));
  CaKeyLocation where{"file", dir.File("ca.key"), "", "", ""};
  auto signer = OpenCaSigner(where, kek, *ca.h.issuing.PublicKeyOf());
  ASSERT_OK(signer);
  CaContext ctx{"sm2", ca.h.issuing.Clone(), {}, signer->get(), "", ""};
  auto pub = PublicOf(KeyFor(KeyAlg::kSm2));
  auto cert = IssueEndEntity(ctx, Request(pub, Profile::kPersonal, CertUsage::kSigning));
  ASSERT_OK(cert);
  EXPECT_OK(cert->VerifySignature(*ca.h.issuing.PublicKeyOf()));

  // Proved at opening for the issuing CA's key only, so IssueEndEntity skips
  // re-verifying its signatures there and nowhere else.
  EXPECT_TRUE(IsProvenKeyFileSigner(signer->get(), *ca.h.issuing.PublicKeyOf()));
  EXPECT_FALSE(IsProvenKeyFileSigner(signer->get(), *ca.h.root.PublicKeyOf()));
  EXPECT_FALSE(IsProvenKeyFileSigner(ca.signer.get(), *ca.h.issuing.PublicKeyOf()));
  EXPECT_FALSE(IsProvenKeyFileSigner(nullptr, *ca.h.issuing.PublicKeyOf()));
  // Paired with another CA certificate, its signatures are checked and fail.
  CaContext mispaired{"sm2", ca.h.root.Clone(), {}, signer->get(), "", ""};
  EXPECT_ERROR_CODE(IssueEndEntity(mispaired, Request(pub, Profile::kPersonal,
                                                      CertUsage::kSigning)),
                    ErrorCode::kVerifyFailed);

  auto wrong = OpenCaSigner(where, kek, *ca.h.root.PublicKeyOf());
  EXPECT_ERROR_CODE(wrong, ErrorCode::kVerifyFailed);
  EXPECT_EQ(wrong.error().field, "key");
  where.kind = "cloud";
  EXPECT_ERROR_CODE(OpenCaSigner(where, kek, pub), ErrorCode::kInvalidArgument);
}

// A CA key inside SoftHSM (P-256: SoftHSM 2.6 has no SM2), imported with
// softhsm2-util as a real HSM key would be.
class SoftHsmCaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kSoftHsmModule)) GTEST_SKIP() << "SoftHSM is not installed";
    std::filesystem::create_directory(dir_.File("tokens"));
    testing::WriteFile(dir_.File("softhsm2.conf"),
                       AsBytes("directories.tokendir = " + dir_.File("tokens") +
                               "\nobjectstore.backend = file\nlog.level = ERROR\n"));
    setenv("SOFTHSM2_CONF", dir_.File("softhsm2.conf").c_str(), 1);
    auto init = RunCommand({"softhsm2-util", "--init-token", "--free", "--label", "sealkey-ca",
                            "--pin", "123456", "--so-pin", "12345678"});
    ASSERT_EQ(init.exit_code, 0) << init.out << init.err;
    testing::WriteFile(pin_file_, AsBytes("123456\n"));
    ::chmod(pin_file_.c_str(), 0600);
  }

  void Import(const crypto::PrivateKey& key, const std::string& label, const std::string& id,
              bool with_public) {
    std::string b64 = Base64Encode((*key.ToPkcs8Der()).span());
    std::string pem = "-----BEGIN PRIVATE KEY-----\n";
    for (size_t i = 0; i < b64.size(); i += 64) pem += b64.substr(i, 64) + "\n";
    testing::WriteFile(dir_.File("key.pem"), AsBytes(pem + "-----END PRIVATE KEY-----\n"));
    std::vector<std::string> argv = {"softhsm2-util", "--import", dir_.File("key.pem"), "--token",
                                     "sealkey-ca", "--label", label, "--id", id, "--pin", "123456"};
    if (!with_public) argv.push_back("--no-public-key");
    auto r = RunCommand(argv);
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  }

  CaKeyLocation Where(const std::string& key_label) {
    return {"pkcs11", kSoftHsmModule, "sealkey-ca", key_label, pin_file_};
  }

  TempDir dir_;
  std::string pin_file_ = dir_.File("pin");
  SecureBuffer no_kek_;
};

TEST_F(SoftHsmCaTest, IssuesThroughTheHsmAndOpensslVerifies) {
  const TestCa& ca = CaFor(KeyAlg::kEcP256);
  auto issuing_pub = *ca.h.issuing.PublicKeyOf();
  auto root_pub = *ca.h.root.PublicKeyOf();
  Import(ca.h.issuing_key, "issuing", "01", true);
  auto signer = OpenCaSigner(Where("issuing"), no_kek_, issuing_pub);
  ASSERT_OK(signer);
  CaContext ctx{"p256", ca.h.issuing.Clone(), {}, signer->get(), ca.ctx.crl_url, ""};
  auto pub = PublicOf(KeyFor(KeyAlg::kEcP256));
  // An HSM signer is never taken as proven: each signature is verified.
  EXPECT_FALSE(IsProvenKeyFileSigner(signer->get(), issuing_pub));
  auto cert = IssueEndEntity(ctx, Request(pub, Profile::kOrganisation, CertUsage::kSigning));
  ASSERT_OK(cert);
  auto v = RunCommand({"openssl", "verify", "-CAfile", SavePem(dir_, "root.pem", ca.h.root),
                       "-untrusted", SavePem(dir_, "issuing.pem", ca.h.issuing),
                       SavePem(dir_, "leaf.pem", *cert)});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;

  // The token shows the public key: compared directly.
  auto other = OpenCaSigner(Where("issuing"), no_kek_, root_pub);
  EXPECT_ERROR_CODE(other, ErrorCode::kVerifyFailed);
  EXPECT_EQ(other.error().field, "key");
  // No public key object: only the test signature can tell.
  Import(ca.h.root_key, "bare", "02", false);
  EXPECT_OK(OpenCaSigner(Where("bare"), no_kek_, root_pub));
  auto bare = OpenCaSigner(Where("bare"), no_kek_, issuing_pub);
  EXPECT_ERROR_CODE(bare, ErrorCode::kVerifyFailed);
  EXPECT_EQ(bare.error().field, "key");
  // The first signer still signs after the others came and went.
  EXPECT_OK(IssueEndEntity(ctx, Request(pub, Profile::kPersonal, CertUsage::kEncryption)));
}

TEST_F(SoftHsmCaTest, RefusesMissingKeysAndLoosePinFiles) {
  const TestCa& ca = CaFor(KeyAlg::kEcP256);
  auto issuing_pub = *ca.h.issuing.PublicKeyOf();
  Import(ca.h.issuing_key, "issuing", "01", true);
  auto missing = OpenCaSigner(Where("nope"), no_kek_, issuing_pub);
  EXPECT_ERROR_CODE(missing, ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().field, "key_label");
  CaKeyLocation where = Where("issuing");
  where.token_label = "other";
  EXPECT_ERROR_CODE(OpenCaSigner(where, no_kek_, issuing_pub), ErrorCode::kNotFound);
  testing::WriteFile(pin_file_, AsBytes("654321"));
  EXPECT_ERROR_CODE(OpenCaSigner(Where("issuing"), no_kek_, issuing_pub),
                    ErrorCode::kPinIncorrect);
  ::chmod(pin_file_.c_str(), 0644);
  EXPECT_ERROR_CODE(OpenCaSigner(Where("issuing"), no_kek_, issuing_pub),
                    ErrorCode::kPermissionDenied);
}

}  // namespace
}  // namespace sealkey::ca
