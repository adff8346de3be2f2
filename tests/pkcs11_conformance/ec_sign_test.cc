// ECDSA P-256 signing (PKCS#11 v2.40 section 5.12; mechanisms in the
// current-mechanisms specification, section 2.3): CKM_ECDSA signs a hash
// and returns raw r||s (64 bytes), CKM_ECDSA_SHA256 hashes inside. Every
// signature is verified by sealkey's crypto, independently of the module.
// Also the operation-state rules: CKR_BUFFER_TOO_SMALL keeps the operation
// active; C_Sign without C_SignInit is CKR_OPERATION_NOT_INITIALIZED.
#include <optional>
#include <string_view>

#include "crypto/digest.h"
#include "crypto/ec_signature.h"
#include "crypto/sign.h"
#include "pkcs11_conformance/key_util.h"
#include "pkcs11_conformance/module_fixture.h"

namespace sealkey::pkcs11_conformance {
namespace {

constexpr uint8_t kKeyId[] = {0xec, 0x01};
constexpr std::string_view kMessage = "sealkey PKCS#11 conformance: ECDSA P-256";

class EcSignTest : public ConformanceTest {
 protected:
  void SetUp() override {
    ConformanceTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    session_ = OpenUserSession();
    ASSERT_NE(session_, CK_INVALID_HANDLE);
    pair_ = GenerateKeyPair(session_, KeyKind::kEcP256, "ec signer", kKeyId);
    ASSERT_TRUE(pair_.ok());
    auto key = EcPublicKey(crypto::KeyType::kEcP256,
                           Attribute(session_, pair_.public_key, CKA_EC_POINT));
    ASSERT_OK(key);
    public_key_.emplace(std::move(*key));
  }

  // Checks a raw r||s signature of kMessage with sealkey's ECDSA.
  void ExpectVerifies(ByteView raw) {
    ASSERT_EQ(raw.size(), 64u) << "CKM_ECDSA signatures are raw r||s";
    auto der = crypto::EcSignatureRawToDer(crypto::KeyType::kEcP256, raw);
    ASSERT_OK(der);
    EXPECT_OK(crypto::VerifyMessage(*public_key_, AsBytes(kMessage), *der));
  }

  CK_SESSION_HANDLE session_ = CK_INVALID_HANDLE;
  KeyPair pair_;
  std::optional<crypto::PublicKey> public_key_;
};

TEST_P(EcSignTest, EcdsaSignsAHashAsRawRS) {
  Bytes hash = crypto::Hash(crypto::HashAlg::kSha256, AsBytes(kMessage));
  Bytes signature = Sign(session_, {CKM_ECDSA, nullptr, 0}, pair_.private_key, hash);
  ExpectVerifies(signature);

  EXPECT_CKR(CKR_OK, Verify(session_, {CKM_ECDSA, nullptr, 0}, pair_.public_key, hash, signature));
  signature[10] ^= 0x01;
  EXPECT_CKR(CKR_SIGNATURE_INVALID,
             Verify(session_, {CKM_ECDSA, nullptr, 0}, pair_.public_key, hash, signature));
}

TEST_P(EcSignTest, EcdsaSha256SignsTheMessage) {
  if (!Supports(CKM_ECDSA_SHA256, "CKM_ECDSA_SHA256")) GTEST_SKIP();
  Bytes signature =
      Sign(session_, {CKM_ECDSA_SHA256, nullptr, 0}, pair_.private_key, AsBytes(kMessage));
  ExpectVerifies(signature);

  const std::string_view text = kMessage;
  Bytes multi = SignMultiPart(session_, {CKM_ECDSA_SHA256, nullptr, 0}, pair_.private_key,
                              {AsBytes(text.substr(0, 7)), AsBytes(text.substr(7, 20)),
                               AsBytes(text.substr(27))});
  ExpectVerifies(multi);
}

TEST_P(EcSignTest, BufferTooSmallKeepsTheOperation) {
  Bytes hash = crypto::Hash(crypto::HashAlg::kSha256, AsBytes(kMessage));
  CK_MECHANISM mechanism{CKM_ECDSA, nullptr, 0};
  ASSERT_CKR(CKR_OK, p11()->C_SignInit(session_, &mechanism, pair_.private_key));
  Bytes signature(10);
  CK_ULONG length = signature.size();
  ASSERT_CKR(CKR_BUFFER_TOO_SMALL,
             p11()->C_Sign(session_, hash.data(), hash.size(), signature.data(), &length));
  EXPECT_EQ(length, 64u);
  signature.resize(64);
  length = signature.size();
  ASSERT_CKR(CKR_OK, p11()->C_Sign(session_, hash.data(), hash.size(), signature.data(), &length));
  signature.resize(length);
  ExpectVerifies(signature);
  // A successful C_Sign ends the operation.
  EXPECT_CKR(CKR_OPERATION_NOT_INITIALIZED,
             p11()->C_Sign(session_, hash.data(), hash.size(), signature.data(), &length));
}

TEST_P(EcSignTest, SignWithoutSignInitIsRejected) {
  Bytes hash = crypto::Hash(crypto::HashAlg::kSha256, AsBytes(kMessage));
  Bytes signature(64);
  CK_ULONG length = signature.size();
  EXPECT_CKR(CKR_OPERATION_NOT_INITIALIZED,
             p11()->C_Sign(session_, hash.data(), hash.size(), signature.data(), &length));
  EXPECT_CKR(CKR_OPERATION_NOT_INITIALIZED, p11()->C_SignUpdate(session_, hash.data(), 32));
  EXPECT_CKR(CKR_OPERATION_NOT_INITIALIZED,
             p11()->C_SignFinal(session_, signature.data(), &length));

  CK_MECHANISM mechanism{CKM_ECDSA, nullptr, 0};
  ASSERT_CKR(CKR_OK, p11()->C_SignInit(session_, &mechanism, pair_.private_key));
  EXPECT_CKR(CKR_OPERATION_ACTIVE, p11()->C_SignInit(session_, &mechanism, pair_.private_key));
}

TEST_P(EcSignTest, SignatureIsFreshEachTime) {
  Bytes hash = crypto::Hash(crypto::HashAlg::kSha256, AsBytes(kMessage));
  Bytes first = Sign(session_, {CKM_ECDSA, nullptr, 0}, pair_.private_key, hash);
  Bytes second = Sign(session_, {CKM_ECDSA, nullptr, 0}, pair_.private_key, hash);
  ExpectVerifies(first);
  ExpectVerifies(second);
  EXPECT_NE(first, second) << "ECDSA needs a fresh k per signature";
}

TEST_P(EcSignTest, KeyFoundAfterReloadStillSigns) {
  ASSERT_NO_FATAL_FAILURE(Reload());
  CK_SESSION_HANDLE session = OpenUserSession();
  ASSERT_NE(session, CK_INVALID_HANDLE);
  Template match;
  match.AddUlong(CKA_CLASS, CKO_PRIVATE_KEY).Add(CKA_ID, kKeyId);
  auto found = Find(session, match);
  ASSERT_EQ(found.size(), 1u);
  Bytes hash = crypto::Hash(crypto::HashAlg::kSha256, AsBytes(kMessage));
  ExpectVerifies(Sign(session, {CKM_ECDSA, nullptr, 0}, found[0], hash));
}

TEST_P(EcSignTest, KeyMisuseIsRejected) {
  CK_MECHANISM ecdsa{CKM_ECDSA, nullptr, 0};
  CK_RV rv = p11()->C_SignInit(session_, &ecdsa, pair_.public_key);
  EXPECT_TRUE(rv == CKR_KEY_TYPE_INCONSISTENT || rv == CKR_KEY_FUNCTION_NOT_PERMITTED)
      << "C_SignInit with a public key: " << CkrName(rv);
  CK_MECHANISM rsa{CKM_SHA256_RSA_PKCS, nullptr, 0};
  rv = p11()->C_SignInit(session_, &rsa, pair_.private_key);
  ExpectCkr(CKR_KEY_TYPE_INCONSISTENT, rv, Deviation::kSignInitIgnoresKeyType, CKR_OK,
            "C_SignInit(CKM_SHA256_RSA_PKCS) accepts an EC private key");
  if (rv == CKR_OK) {
    // End the operation the module should not have started: a failed C_Sign ends it.
    Bytes signature(512);
    CK_ULONG length = signature.size();
    p11()->C_Sign(session_, Ptr(AsBytes(kMessage)), kMessage.size(), signature.data(), &length);
  }
  CK_MECHANISM invalid{CKM_VENDOR_DEFINED + 0x7ffffff0, nullptr, 0};
  EXPECT_CKR(CKR_MECHANISM_INVALID, p11()->C_SignInit(session_, &invalid, pair_.private_key));

  // A private key is out of reach once the user logs out.
  ASSERT_CKR(CKR_OK, p11()->C_Logout(session_));
  rv = p11()->C_SignInit(session_, &ecdsa, pair_.private_key);
  if (rv != CKR_USER_NOT_LOGGED_IN) {
    ExpectCkr(CKR_KEY_HANDLE_INVALID, rv, Deviation::kKeyHandleIsObjectHandle,
              CKR_OBJECT_HANDLE_INVALID,
              "C_SignInit with a private key after C_Logout: CKR_OBJECT_HANDLE_INVALID");
  }
}

INSTANTIATE_CONFORMANCE_SUITE(EcSignTest);

}  // namespace
}  // namespace sealkey::pkcs11_conformance
