// The vendor SM mechanisms of token/pkcs11/vendor_mechanisms.h (no
// standard ones exist: oasis-tcs/pkcs11 issue 119). They run only where
// C_GetMechanismList lists them; a provider whose Traits promise them fails
// when they are missing, others skip with a recorded note.
//
// Signatures are checked with sealkey's SM2 (GB/T 32918.2, default ID
// 1234567812345678); SM2 ciphertexts are C1||C3||C2 (GB/T 32918.4).
#include <algorithm>
#include <optional>
#include <string>
#include <string_view>

#include "base/encoding.h"
#include "crypto/ec_signature.h"
#include "crypto/sm2.h"
#include "pkcs11_conformance/key_util.h"
#include "pkcs11_conformance/module_fixture.h"
#include "token/pkcs11/vendor_mechanisms.h"

namespace sealkey::pkcs11_conformance {
namespace {

namespace vendor = token::pkcs11;

constexpr uint8_t kKeyId[] = {0x53, 0x4d, 0x32};
constexpr std::string_view kMessage = "sealkey PKCS#11 conformance: SM2 签名";

class SmTest : public ConformanceTest {
 protected:
  void SetUp() override {
    ConformanceTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto list = Mechanisms();
    if (!provider().traits.sm_mechanisms &&
        std::find(list.begin(), list.end(), vendor::kCkmSm2KeyPairGen) == list.end()) {
      RecordDifference("no vendor SM2/SM3 mechanisms (SM tests skipped)");
      GTEST_SKIP() << provider().name << " lists no vendor SM mechanisms";
    }
    session_ = OpenUserSession();
    ASSERT_NE(session_, CK_INVALID_HANDLE);
  }

  // An SM2 key pair and its public key as sealkey reads it.
  void GenerateSm2() {
    ASSERT_TRUE(Supports(vendor::kCkmSm2KeyPairGen, "CKM_SM2_KEY_PAIR_GEN"));
    pair_ = GenerateKeyPair(session_, KeyKind::kSm2, "sm2 key", kKeyId);
    ASSERT_TRUE(pair_.ok());
    auto key = EcPublicKey(crypto::KeyType::kSm2,
                           Attribute(session_, pair_.public_key, CKA_EC_POINT));
    ASSERT_OK(key);
    public_key_.emplace(std::move(*key));
  }

  Bytes Crypt(bool encrypt, CK_OBJECT_HANDLE key, ByteView in, CK_RV* rv_out = nullptr) {
    CK_MECHANISM mechanism{vendor::kCkmSm2Raw, nullptr, 0};
    CK_RV rv = encrypt ? p11()->C_EncryptInit(session_, &mechanism, key)
                       : p11()->C_DecryptInit(session_, &mechanism, key);
    CK_ULONG length = 0;
    auto call = [&](CK_BYTE_PTR out) {
      return encrypt ? p11()->C_Encrypt(session_, Ptr(in), in.size(), out, &length)
                     : p11()->C_Decrypt(session_, Ptr(in), in.size(), out, &length);
    };
    if (rv == CKR_OK) rv = call(nullptr);
    Bytes out(length);
    if (rv == CKR_OK) rv = call(out.data());
    out.resize(rv == CKR_OK ? length : 0);
    if (rv_out != nullptr) {
      *rv_out = rv;
    } else if (rv != CKR_OK) {
      ADD_FAILURE() << (encrypt ? "C_Encrypt" : "C_Decrypt") << ": " << CkrName(rv);
    }
    return out;
  }

  CK_SESSION_HANDLE session_ = CK_INVALID_HANDLE;
  KeyPair pair_;
  std::optional<crypto::PublicKey> public_key_;
};

TEST_P(SmTest, Sm2KeyPairAttributes) {
  ASSERT_NO_FATAL_FAILURE(GenerateSm2());
  EXPECT_EQ(UlongAttribute(session_, pair_.public_key, CKA_KEY_TYPE), vendor::kCkkSm2);
  EXPECT_EQ(UlongAttribute(session_, pair_.private_key, CKA_KEY_TYPE), vendor::kCkkSm2);
  EXPECT_EQ(Attribute(session_, pair_.public_key, CKA_EC_PARAMS),
            Bytes(std::begin(vendor::kEcParamsSm2), std::end(vendor::kEcParamsSm2)));
  EXPECT_EQ(Attribute(session_, pair_.private_key, CKA_ID),
            Bytes(std::begin(kKeyId), std::end(kKeyId)));
  CK_ATTRIBUTE value{CKA_VALUE, nullptr, 0};
  EXPECT_CKR(CKR_ATTRIBUTE_SENSITIVE,
             p11()->C_GetAttributeValue(session_, pair_.private_key, &value, 1));
}

TEST_P(SmTest, Sm3WithSm2SignsTheMessage) {
  ASSERT_NO_FATAL_FAILURE(GenerateSm2());
  if (!Supports(vendor::kCkmSm3Sm2, "CKM_SM3_SM2")) GTEST_SKIP();
  const CK_MECHANISM mechanism{vendor::kCkmSm3Sm2, nullptr, 0};
  Bytes signature = Sign(session_, mechanism, pair_.private_key, AsBytes(kMessage));
  EXPECT_OK(crypto::ParseEcSignatureDer(crypto::KeyType::kSm2, signature));
  EXPECT_OK(crypto::Sm2Verify(*public_key_, AsBytes(kMessage), signature));

  const std::string_view text = kMessage;
  Bytes multi = SignMultiPart(session_, mechanism, pair_.private_key,
                              {AsBytes(text.substr(0, 12)), AsBytes(text.substr(12))});
  EXPECT_OK(crypto::Sm2Verify(*public_key_, AsBytes(kMessage), multi));
  EXPECT_CKR(CKR_OK,
             Verify(session_, mechanism, pair_.public_key, AsBytes(kMessage), signature));
}

TEST_P(SmTest, Sm2SignRawOverE) {
  ASSERT_NO_FATAL_FAILURE(GenerateSm2());
  if (!Supports(vendor::kCkmSm2SignRaw, "CKM_SM2_SIGN_RAW")) GTEST_SKIP();
  auto e = crypto::Sm2ComputeE(*public_key_, AsBytes(kMessage));
  ASSERT_OK(e);
  Bytes raw = Sign(session_, {vendor::kCkmSm2SignRaw, nullptr, 0}, pair_.private_key, *e);
  ASSERT_EQ(raw.size(), 64u) << "raw r||s";
  auto der = crypto::EcSignatureRawToDer(crypto::KeyType::kSm2, raw);
  ASSERT_OK(der);
  EXPECT_OK(crypto::Sm2VerifyDigest(*public_key_, *e, *der));
  EXPECT_OK(crypto::Sm2Verify(*public_key_, AsBytes(kMessage), *der));
}

TEST_P(SmTest, Sm2SignDerOverE) {
  ASSERT_NO_FATAL_FAILURE(GenerateSm2());
  if (!Supports(vendor::kCkmSm2Sign, "CKM_SM2_SIGN")) GTEST_SKIP();
  auto e = crypto::Sm2ComputeE(*public_key_, AsBytes(kMessage));
  ASSERT_OK(e);
  Bytes der = Sign(session_, {vendor::kCkmSm2Sign, nullptr, 0}, pair_.private_key, *e);
  EXPECT_OK(crypto::Sm2VerifyDigest(*public_key_, *e, der));
}

TEST_P(SmTest, Sm2EncryptDecryptRoundTrip) {
  ASSERT_NO_FATAL_FAILURE(GenerateSm2());
  if (!Supports(vendor::kCkmSm2Raw, "CKM_SM2_RAW")) GTEST_SKIP();
  const Bytes plain = ToBytes("SM4 session key: 0123456789abcdef");
  Bytes cipher = Crypt(true, pair_.public_key, plain);
  ASSERT_EQ(cipher.size(), 65 + 32 + plain.size()) << "C1 (65) || C3 (32) || C2";
  EXPECT_EQ(cipher[0], 0x04);
  EXPECT_EQ(Crypt(false, pair_.private_key, cipher), plain);

  // The layout is C1||C3||C2: a ciphertext from sealkey's SM2 decrypts too.
  auto ours = crypto::Sm2Encrypt(*public_key_, plain, crypto::Sm2CipherFormat::kC1C3C2);
  ASSERT_OK(ours);
  EXPECT_EQ(Crypt(false, pair_.private_key, *ours), plain);

  Bytes tampered = cipher;
  tampered[65] ^= 0x01;  // C3
  CK_RV rv = CKR_OK;
  Bytes rejected = Crypt(false, pair_.private_key, tampered, &rv);
  EXPECT_NE(rv, CKR_OK) << "a ciphertext with a wrong C3 decrypted";
  EXPECT_NE(rejected, plain);
}

TEST_P(SmTest, MechanismInfoFlags) {
  struct Expected {
    CK_MECHANISM_TYPE mechanism;
    const char* name;
    CK_FLAGS flags;
  };
  for (const Expected& e : {Expected{vendor::kCkmSm2KeyPairGen, "CKM_SM2_KEY_PAIR_GEN",
                                     CKF_GENERATE_KEY_PAIR},
                            Expected{vendor::kCkmSm3Sm2, "CKM_SM3_SM2", CKF_SIGN | CKF_VERIFY},
                            Expected{vendor::kCkmSm2Sign, "CKM_SM2_SIGN", CKF_SIGN | CKF_VERIFY},
                            Expected{vendor::kCkmSm2SignRaw, "CKM_SM2_SIGN_RAW",
                                     CKF_SIGN | CKF_VERIFY},
                            Expected{vendor::kCkmSm2Raw, "CKM_SM2_RAW", CKF_ENCRYPT | CKF_DECRYPT},
                            Expected{vendor::kCkmSm3, "CKM_SM3", CKF_DIGEST}}) {
    if (!Supports(e.mechanism, e.name)) continue;
    CK_MECHANISM_INFO info{};
    ASSERT_CKR(CKR_OK, p11()->C_GetMechanismInfo(slot(), e.mechanism, &info));
    EXPECT_EQ(info.flags & e.flags, e.flags) << e.name;
  }
}

TEST_P(SmTest, Sm2KeyRefusesEcdsa) {
  ASSERT_NO_FATAL_FAILURE(GenerateSm2());
  CK_MECHANISM ecdsa{CKM_ECDSA, nullptr, 0};
  CK_RV rv = p11()->C_SignInit(session_, &ecdsa, pair_.private_key);
  EXPECT_EQ(rv, CKR_KEY_TYPE_INCONSISTENT) << "CKM_ECDSA with an SM2 key: " << CkrName(rv);
}

TEST_P(SmTest, Sm3DigestOfAbc) {
  if (!Supports(vendor::kCkmSm3, "CKM_SM3")) GTEST_SKIP();
  CK_MECHANISM mechanism{vendor::kCkmSm3, nullptr, 0};
  ASSERT_CKR(CKR_OK, p11()->C_DigestInit(session_, &mechanism));
  Bytes digest(32);
  CK_ULONG length = digest.size();
  ASSERT_CKR(CKR_OK,
             p11()->C_Digest(session_, Ptr(AsBytes("abc")), 3, digest.data(), &length));
  ASSERT_EQ(length, 32u);
  // GB/T 32905-2016 appendix A, example 1.
  const std::string expected = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0";
  EXPECT_EQ(HexEncode(digest), expected);

  ASSERT_CKR(CKR_OK, p11()->C_DigestInit(session_, &mechanism));
  for (char c : std::string_view("abc")) {
    ASSERT_CKR(CKR_OK, p11()->C_DigestUpdate(session_, Ptr(AsBytes(std::string_view(&c, 1))), 1));
  }
  length = digest.size();
  ASSERT_CKR(CKR_OK, p11()->C_DigestFinal(session_, digest.data(), &length));
  EXPECT_EQ(HexEncode(digest), expected);
}

INSTANTIATE_CONFORMANCE_SUITE(SmTest);

}  // namespace
}  // namespace sealkey::pkcs11_conformance
