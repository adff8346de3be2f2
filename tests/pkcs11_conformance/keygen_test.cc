// C_GenerateKeyPair (PKCS#11 v2.40 section 5.14) with CKM_EC_KEY_PAIR_GEN
// on P-256 and CKM_RSA_PKCS_KEY_PAIR_GEN 2048, and the attributes that
// OpenSSL's libp11 and pkcs11-tool read back (STANDARDS.md section 5):
// CKA_KEY_TYPE, CKA_EC_PARAMS, CKA_EC_POINT as a DER OCTET STRING, a
// CKA_ID shared by the pair, CKA_MODULUS and CKA_PUBLIC_EXPONENT.
#include <string>

#include "pkcs11_conformance/key_util.h"
#include "pkcs11_conformance/module_fixture.h"
#include "token/pkcs11/vendor_mechanisms.h"

namespace sealkey::pkcs11_conformance {
namespace {

constexpr uint8_t kKeyId[] = {0xc0, 0xff, 0xee, 0x01};

class KeygenTest : public ConformanceTest {
 protected:
  void SetUp() override {
    ConformanceTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    session_ = OpenUserSession();
    ASSERT_NE(session_, CK_INVALID_HANDLE);
  }

  CK_SESSION_HANDLE session_ = CK_INVALID_HANDLE;
};

TEST_P(KeygenTest, EcP256KeyPairAttributes) {
  KeyPair pair = GenerateKeyPair(session_, KeyKind::kEcP256, "ec key", kKeyId);
  ASSERT_TRUE(pair.ok());
  const Bytes id(std::begin(kKeyId), std::end(kKeyId));
  const Bytes p256(std::begin(token::pkcs11::kEcParamsP256),
                   std::end(token::pkcs11::kEcParamsP256));
  for (CK_OBJECT_HANDLE key : {pair.public_key, pair.private_key}) {
    EXPECT_EQ(UlongAttribute(session_, key, CKA_KEY_TYPE), CKK_EC);
    EXPECT_EQ(Attribute(session_, key, CKA_ID), id);
    EXPECT_EQ(Attribute(session_, key, CKA_LABEL), ToBytes("ec key"));
    EXPECT_EQ(Attribute(session_, key, CKA_EC_PARAMS), p256);
    EXPECT_TRUE(BoolAttribute(session_, key, CKA_LOCAL));
    EXPECT_TRUE(BoolAttribute(session_, key, CKA_TOKEN));
  }
  EXPECT_EQ(UlongAttribute(session_, pair.public_key, CKA_CLASS), CKO_PUBLIC_KEY);
  EXPECT_EQ(UlongAttribute(session_, pair.private_key, CKA_CLASS), CKO_PRIVATE_KEY);
  EXPECT_TRUE(BoolAttribute(session_, pair.public_key, CKA_VERIFY));
  EXPECT_TRUE(BoolAttribute(session_, pair.private_key, CKA_SIGN));
  EXPECT_TRUE(BoolAttribute(session_, pair.private_key, CKA_PRIVATE));

  Bytes point = Attribute(session_, pair.public_key, CKA_EC_POINT);
  ASSERT_EQ(point.size(), 67u);
  EXPECT_EQ(point[0], 0x04) << "OCTET STRING";
  EXPECT_EQ(point[1], 0x41) << "of 65 bytes";
  EXPECT_EQ(point[2], 0x04) << "holding an uncompressed point";
  EXPECT_OK(EcPublicKey(crypto::KeyType::kEcP256, point));

  KeyPair other = GenerateKeyPair(session_, KeyKind::kEcP256, "ec key 2", {});
  ASSERT_TRUE(other.ok());
  EXPECT_NE(Attribute(session_, other.public_key, CKA_EC_POINT), point);
}

TEST_P(KeygenTest, KeyPairWithoutIdSharesOne) {
  KeyPair pair = GenerateKeyPair(session_, KeyKind::kEcP256, "no id", {});
  ASSERT_TRUE(pair.ok());
  Bytes public_id = Attribute(session_, pair.public_key, CKA_ID);
  EXPECT_EQ(public_id, Attribute(session_, pair.private_key, CKA_ID));
  if (public_id.empty()) {
    RecordDifference("C_GenerateKeyPair without CKA_ID leaves CKA_ID empty (libp11 needs one)");
  } else {
    RecordDifference("C_GenerateKeyPair without CKA_ID assigns a shared " +
                     std::to_string(public_id.size()) + "-byte CKA_ID");
  }
}

TEST_P(KeygenTest, Rsa2048KeyPairAttributes) {
  KeyPair pair = GenerateKeyPair(session_, KeyKind::kRsa2048, "rsa key", kKeyId);
  ASSERT_TRUE(pair.ok());
  EXPECT_EQ(UlongAttribute(session_, pair.public_key, CKA_KEY_TYPE), CKK_RSA);
  EXPECT_EQ(UlongAttribute(session_, pair.private_key, CKA_KEY_TYPE), CKK_RSA);
  EXPECT_EQ(UlongAttribute(session_, pair.public_key, CKA_MODULUS_BITS), 2048u);
  EXPECT_EQ(Attribute(session_, pair.private_key, CKA_ID),
            Bytes(std::begin(kKeyId), std::end(kKeyId)));

  Bytes modulus = Attribute(session_, pair.public_key, CKA_MODULUS);
  ASSERT_EQ(modulus.size(), 256u);
  EXPECT_TRUE(modulus[0] & 0x80) << "a 2048-bit modulus";
  EXPECT_EQ(Attribute(session_, pair.private_key, CKA_MODULUS), modulus);
  Bytes exponent = Attribute(session_, pair.public_key, CKA_PUBLIC_EXPONENT);
  while (!exponent.empty() && exponent[0] == 0) exponent.erase(exponent.begin());
  EXPECT_EQ(exponent, (Bytes{0x01, 0x00, 0x01}));

  auto key = RsaPublicKey(modulus, exponent);
  ASSERT_OK(key);
  EXPECT_EQ(key->bits(), 2048);

  CK_ATTRIBUTE private_exponent{CKA_PRIVATE_EXPONENT, nullptr, 0};
  EXPECT_CKR(CKR_ATTRIBUTE_SENSITIVE,
             p11()->C_GetAttributeValue(session_, pair.private_key, &private_exponent, 1));
}

TEST_P(KeygenTest, KeysPersistAcrossReload) {
  KeyPair pair = GenerateKeyPair(session_, KeyKind::kEcP256, "persistent", kKeyId);
  ASSERT_TRUE(pair.ok());
  Bytes point = Attribute(session_, pair.public_key, CKA_EC_POINT);
  ASSERT_NO_FATAL_FAILURE(Reload());
  CK_SESSION_HANDLE session = OpenUserSession();
  ASSERT_NE(session, CK_INVALID_HANDLE);
  Template match;
  match.AddUlong(CKA_CLASS, CKO_PUBLIC_KEY).Add(CKA_ID, kKeyId);
  auto found = Find(session, match);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(Attribute(session, found[0], CKA_EC_POINT), point);
  Template private_match;
  private_match.AddUlong(CKA_CLASS, CKO_PRIVATE_KEY).Add(CKA_ID, kKeyId);
  EXPECT_EQ(Find(session, private_match).size(), 1u);
}

TEST_P(KeygenTest, PrivateKeyGenerationNeedsLogin) {
  ASSERT_CKR(CKR_OK, p11()->C_Logout(session_));
  Template pub;
  pub.AddBool(CKA_TOKEN, true).Add(CKA_EC_PARAMS, token::pkcs11::kEcParamsP256);
  Template priv;
  priv.AddBool(CKA_TOKEN, true).AddBool(CKA_PRIVATE, true).AddBool(CKA_SIGN, true);
  CK_MECHANISM mechanism{CKM_EC_KEY_PAIR_GEN, nullptr, 0};
  CK_OBJECT_HANDLE public_key = CK_INVALID_HANDLE;
  CK_OBJECT_HANDLE private_key = CK_INVALID_HANDLE;
  EXPECT_CKR(CKR_USER_NOT_LOGGED_IN,
             p11()->C_GenerateKeyPair(session_, &mechanism, pub.data(), pub.size(), priv.data(),
                                      priv.size(), &public_key, &private_key));
}

TEST_P(KeygenTest, IncompleteTemplatesAreRejected) {
  CK_MECHANISM ec{CKM_EC_KEY_PAIR_GEN, nullptr, 0};
  CK_MECHANISM rsa{CKM_RSA_PKCS_KEY_PAIR_GEN, nullptr, 0};
  Template no_params;
  no_params.AddBool(CKA_TOKEN, true).AddBool(CKA_VERIFY, true);
  Template priv;
  priv.AddBool(CKA_TOKEN, true).AddBool(CKA_PRIVATE, true).AddBool(CKA_SIGN, true);
  CK_OBJECT_HANDLE public_key = CK_INVALID_HANDLE;
  CK_OBJECT_HANDLE private_key = CK_INVALID_HANDLE;
  EXPECT_CKR(CKR_TEMPLATE_INCOMPLETE,
             p11()->C_GenerateKeyPair(session_, &ec, no_params.data(), no_params.size(),
                                      priv.data(), priv.size(), &public_key, &private_key))
      << "CKM_EC_KEY_PAIR_GEN without CKA_EC_PARAMS";
  EXPECT_CKR(CKR_TEMPLATE_INCOMPLETE,
             p11()->C_GenerateKeyPair(session_, &rsa, no_params.data(), no_params.size(),
                                      priv.data(), priv.size(), &public_key, &private_key))
      << "CKM_RSA_PKCS_KEY_PAIR_GEN without CKA_MODULUS_BITS";
  CK_MECHANISM digest{CKM_SHA256, nullptr, 0};
  Template pub;
  pub.AddBool(CKA_TOKEN, true).Add(CKA_EC_PARAMS, token::pkcs11::kEcParamsP256);
  EXPECT_CKR(CKR_MECHANISM_INVALID,
             p11()->C_GenerateKeyPair(session_, &digest, pub.data(), pub.size(), priv.data(),
                                      priv.size(), &public_key, &private_key));
}

INSTANTIATE_CONFORMANCE_SUITE(KeygenTest);

}  // namespace
}  // namespace sealkey::pkcs11_conformance
