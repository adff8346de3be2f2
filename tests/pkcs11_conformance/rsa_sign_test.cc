// RSA signing with a 2048-bit token key: CKM_SHA256_RSA_PKCS (hash inside,
// one-shot and multi-part), CKM_RSA_PKCS over a DigestInfo (the same
// PKCS#1 v1.5 block, so the same signature), and CKM_RSA_PKCS_PSS with
// CK_RSA_PKCS_PSS_PARAMS {CKM_SHA256, CKG_MGF1_SHA256, sLen 32}. Each is
// verified by sealkey's crypto and by the module's C_Verify.
#include <optional>
#include <string_view>

#include "crypto/digest.h"
#include "crypto/sign.h"
#include "pkcs11_conformance/key_util.h"
#include "pkcs11_conformance/module_fixture.h"

namespace sealkey::pkcs11_conformance {
namespace {

constexpr uint8_t kKeyId[] = {0x25, 0xa0};
constexpr std::string_view kMessage = "sealkey PKCS#11 conformance: RSA 2048";

class RsaSignTest : public ConformanceTest {
 protected:
  void SetUp() override {
    ConformanceTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    session_ = OpenUserSession();
    ASSERT_NE(session_, CK_INVALID_HANDLE);
    pair_ = GenerateKeyPair(session_, KeyKind::kRsa2048, "rsa signer", kKeyId);
    ASSERT_TRUE(pair_.ok());
    auto key = RsaPublicKey(Attribute(session_, pair_.public_key, CKA_MODULUS),
                            Attribute(session_, pair_.public_key, CKA_PUBLIC_EXPONENT));
    ASSERT_OK(key);
    public_key_.emplace(std::move(*key));
  }

  CK_SESSION_HANDLE session_ = CK_INVALID_HANDLE;
  KeyPair pair_;
  std::optional<crypto::PublicKey> public_key_;
};

TEST_P(RsaSignTest, Sha256RsaPkcsOneShotAndMultiPart) {
  const CK_MECHANISM mechanism{CKM_SHA256_RSA_PKCS, nullptr, 0};
  Bytes signature = Sign(session_, mechanism, pair_.private_key, AsBytes(kMessage));
  ASSERT_EQ(signature.size(), 256u);
  EXPECT_OK(crypto::VerifyMessage(*public_key_, AsBytes(kMessage), signature));
  EXPECT_CKR(CKR_OK,
             Verify(session_, mechanism, pair_.public_key, AsBytes(kMessage), signature));

  const std::string_view text = kMessage;
  Bytes multi = SignMultiPart(session_, mechanism, pair_.private_key,
                              {AsBytes(text.substr(0, 1)), AsBytes(text.substr(1, 30)),
                               AsBytes(text.substr(31))});
  EXPECT_EQ(multi, signature) << "PKCS#1 v1.5 is deterministic";

  Bytes tampered = signature;
  tampered.back() ^= 0x80;
  EXPECT_CKR(CKR_SIGNATURE_INVALID,
             Verify(session_, mechanism, pair_.public_key, AsBytes(kMessage), tampered));
}

TEST_P(RsaSignTest, RsaPkcsOverDigestInfoEqualsHashAndSign) {
  Bytes digest_info = Sha256DigestInfo(crypto::Hash(crypto::HashAlg::kSha256, AsBytes(kMessage)));
  Bytes raw = Sign(session_, {CKM_RSA_PKCS, nullptr, 0}, pair_.private_key, digest_info);
  ASSERT_EQ(raw.size(), 256u);
  EXPECT_OK(crypto::VerifyMessage(*public_key_, AsBytes(kMessage), raw));
  EXPECT_CKR(CKR_OK, Verify(session_, {CKM_RSA_PKCS, nullptr, 0}, pair_.public_key, digest_info,
                            raw));
  Bytes hashed =
      Sign(session_, {CKM_SHA256_RSA_PKCS, nullptr, 0}, pair_.private_key, AsBytes(kMessage));
  EXPECT_EQ(raw, hashed);
}

TEST_P(RsaSignTest, RsaPkcsPssWithSha256) {
  if (!Supports(CKM_RSA_PKCS_PSS, "CKM_RSA_PKCS_PSS")) GTEST_SKIP();
  Bytes hash = crypto::Hash(crypto::HashAlg::kSha256, AsBytes(kMessage));
  CK_RSA_PKCS_PSS_PARAMS params{CKM_SHA256, CKG_MGF1_SHA256, 32};
  const CK_MECHANISM mechanism{CKM_RSA_PKCS_PSS, &params, sizeof params};
  Bytes first = Sign(session_, mechanism, pair_.private_key, hash);
  ASSERT_EQ(first.size(), 256u);
  crypto::SignOptions pss;
  pss.rsa_pss = true;
  EXPECT_OK(crypto::VerifyMessage(*public_key_, AsBytes(kMessage), first, pss));
  EXPECT_CKR(CKR_OK, Verify(session_, mechanism, pair_.public_key, hash, first));
  EXPECT_FALSE(crypto::VerifyMessage(*public_key_, AsBytes(kMessage), first).has_value())
      << "a PSS signature must not pass as PKCS#1 v1.5";

  Bytes second = Sign(session_, mechanism, pair_.private_key, hash);
  EXPECT_NE(first, second) << "PSS uses a fresh random salt";
  EXPECT_OK(crypto::VerifyMessage(*public_key_, AsBytes(kMessage), second, pss));
}

TEST_P(RsaSignTest, BufferTooSmallReportsModulusLength) {
  CK_MECHANISM mechanism{CKM_SHA256_RSA_PKCS, nullptr, 0};
  ASSERT_CKR(CKR_OK, p11()->C_SignInit(session_, &mechanism, pair_.private_key));
  Bytes signature(100);
  CK_ULONG length = signature.size();
  ASSERT_CKR(CKR_BUFFER_TOO_SMALL,
             p11()->C_Sign(session_, Ptr(AsBytes(kMessage)), kMessage.size(), signature.data(),
                           &length));
  EXPECT_EQ(length, 256u);
  signature.resize(256);
  length = signature.size();
  ASSERT_CKR(CKR_OK, p11()->C_Sign(session_, Ptr(AsBytes(kMessage)), kMessage.size(),
                                   signature.data(), &length));
  EXPECT_OK(crypto::VerifyMessage(*public_key_, AsBytes(kMessage), signature));
}

// What `pkcs11-tool --test` does with RSA keys besides signing.
TEST_P(RsaSignTest, RsaPkcsEncryptDecryptRoundTrip) {
  const Bytes plain = ToBytes("AES-256 key wrapped for the token");
  CK_MECHANISM mechanism{CKM_RSA_PKCS, nullptr, 0};
  ASSERT_CKR(CKR_OK, p11()->C_EncryptInit(session_, &mechanism, pair_.public_key));
  Bytes cipher(256);
  CK_ULONG length = cipher.size();
  ASSERT_CKR(CKR_OK, p11()->C_Encrypt(session_, Ptr(plain), plain.size(), cipher.data(), &length));
  ASSERT_EQ(length, 256u);

  ASSERT_CKR(CKR_OK, p11()->C_DecryptInit(session_, &mechanism, pair_.private_key));
  length = 0;
  ASSERT_CKR(CKR_OK, p11()->C_Decrypt(session_, cipher.data(), cipher.size(), nullptr, &length));
  Bytes decrypted(length);
  ASSERT_CKR(CKR_OK,
             p11()->C_Decrypt(session_, cipher.data(), cipher.size(), decrypted.data(), &length));
  decrypted.resize(length);
  EXPECT_EQ(decrypted, plain);
}

INSTANTIATE_CONFORMANCE_SUITE(RsaSignTest);

}  // namespace
}  // namespace sealkey::pkcs11_conformance
