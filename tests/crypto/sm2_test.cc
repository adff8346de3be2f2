// SM2 known-answer tests (GM/T 0003.5 Appendices A and C) and rejection of
// malformed signatures, points and ciphertexts.
#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>

#include "base/der.h"
#include "base/encoding.h"
#include "crypto/ec_group.h"
#include "crypto/ec_signature.h"
#include "crypto/sm2.h"
#include "testutil/testutil.h"
#include "testutil/vector_file.h"

namespace sealkey::crypto {
namespace {

class Sm2KatTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sign_ = testing::ReadVectors("sm2_sign.txt").at(0);
    enc_ = testing::ReadVectors("sm2_encrypt.txt").at(0);
  }
  PrivateKey Priv() { return *PrivateKey::FromScalar(KeyType::kSm2, sign_.Hex("Priv")); }
  PublicKey Pub() { return *PublicKey::FromEcPoint(KeyType::kSm2, sign_.Hex("Pub")); }
  Bytes DerSig() {
    return EncodeEcSignatureDer({sign_.Hex("R"), sign_.Hex("S")});
  }
  testing::Vector sign_, enc_;
};

TEST_F(Sm2KatTest, PublicKeyDerivedFromPrivateScalar) {
  auto pub = Priv().Public();
  ASSERT_OK(pub);
  EXPECT_EQ(HexEncode(*pub->EcPoint()), sign_.Get("Pub"));
}

TEST_F(Sm2KatTest, ZAndEMatchAppendixA) {
  auto z = Sm2ComputeZ(Pub(), sign_.Get("Id"));
  ASSERT_OK(z);
  EXPECT_EQ(HexEncode(*z), sign_.Get("Z"));
  auto e = Sm2ComputeE(Pub(), sign_.Hex("Msg"), sign_.Get("Id"));
  ASSERT_OK(e);
  EXPECT_EQ(HexEncode(*e), sign_.Get("E"));
}

// A PrivateKey computes Z_A for the default ID once, when it is made; the
// Appendix A vector uses the default ID, so its Z is the known answer.
TEST_F(Sm2KatTest, KeyObjectCachesTheAppendixAZ) {
  ASSERT_EQ(sign_.Get("Id"), kSm2DefaultId);
  PrivateKey key = Priv();
  EXPECT_EQ(HexEncode(key.sm2_point()), sign_.Get("Pub"));
  EXPECT_EQ(HexEncode(key.sm2_default_z()), sign_.Get("Z"));
  auto z = Sm2ComputeZ(sign_.Hex("Pub"), sign_.Get("Id"));
  ASSERT_OK(z);
  EXPECT_EQ(HexEncode(*z), sign_.Get("Z"));
  EXPECT_ERROR_CODE(Sm2ComputeZ(ByteView(sign_.Hex("Pub")).first(64)),
                    ErrorCode::kInvalidArgument);
  auto p256 = PrivateKey::Generate(KeyAlg::kEcP256);
  ASSERT_OK(p256);
  EXPECT_TRUE(p256->sm2_point().empty());
  EXPECT_TRUE(p256->sm2_default_z().empty());
}

TEST_F(Sm2KatTest, AppendixASignatureVerifies) {
  EXPECT_OK(Sm2Verify(Pub(), sign_.Hex("Msg"), DerSig(), sign_.Get("Id")));
  EXPECT_OK(Sm2VerifyDigest(Pub(), sign_.Hex("E"), DerSig()));
}

TEST_F(Sm2KatTest, WrongIdMessageOrKeyFails) {
  EXPECT_ERROR_CODE(Sm2Verify(Pub(), sign_.Hex("Msg"), DerSig(), "ALICE123@YAHOO.COM"),
                    ErrorCode::kVerifyFailed);
  EXPECT_ERROR_CODE(Sm2Verify(Pub(), AsBytes("message digesT"), DerSig()),
                    ErrorCode::kVerifyFailed);
  auto other = PrivateKey::Generate(KeyAlg::kSm2);
  ASSERT_OK(other);
  EXPECT_ERROR_CODE(Sm2Verify(*other->Public(), sign_.Hex("Msg"), DerSig()),
                    ErrorCode::kVerifyFailed);
}

TEST_F(Sm2KatTest, SignThenVerifyWithTheStandardKey) {
  auto sig = Sm2Sign(Priv(), AsBytes("sealkey"));
  ASSERT_OK(sig);
  EXPECT_OK(Sm2Verify(Pub(), AsBytes("sealkey"), *sig));
  auto custom = Sm2Sign(Priv(), AsBytes("sealkey"), "ALICE123@YAHOO.COM");
  ASSERT_OK(custom);
  EXPECT_OK(Sm2Verify(Pub(), AsBytes("sealkey"), *custom, "ALICE123@YAHOO.COM"));
  EXPECT_ERROR_CODE(Sm2Verify(Pub(), AsBytes("sealkey"), *custom), ErrorCode::kVerifyFailed);
}

TEST_F(Sm2KatTest, AppendixCDecryptsInAllThreeFormats) {
  auto key = PrivateKey::FromScalar(KeyType::kSm2, enc_.Hex("Priv"));
  ASSERT_OK(key);
  Bytes c1c3c2 = Concat({enc_.Hex("C1"), enc_.Hex("C3"), enc_.Hex("C2")});
  Bytes c1c2c3 = Concat({enc_.Hex("C1"), enc_.Hex("C2"), enc_.Hex("C3")});
  for (auto [ct, format] : {std::pair{c1c3c2, Sm2CipherFormat::kC1C3C2},
                            std::pair{c1c2c3, Sm2CipherFormat::kC1C2C3},
                            std::pair{enc_.Hex("Asn1"), Sm2CipherFormat::kAsn1}}) {
    auto plain = Sm2Decrypt(*key, ct, format);
    ASSERT_OK(plain);
    EXPECT_EQ(HexEncode(plain->span()), enc_.Get("Msg"));
  }
  auto asn1 = Sm2CipherConvert(c1c3c2, Sm2CipherFormat::kC1C3C2, Sm2CipherFormat::kAsn1);
  ASSERT_OK(asn1);
  EXPECT_EQ(HexEncode(*asn1), enc_.Get("Asn1"));
}

TEST_F(Sm2KatTest, TamperedCiphertextIsRejected) {
  auto key = PrivateKey::FromScalar(KeyType::kSm2, enc_.Hex("Priv"));
  Bytes ct = Concat({enc_.Hex("C1"), enc_.Hex("C3"), enc_.Hex("C2")});
  Bytes flipped = ct;
  flipped.back() ^= 1;  // C2
  EXPECT_ERROR_CODE(Sm2Decrypt(*key, flipped), ErrorCode::kVerifyFailed);
  Bytes off_curve = ct;
  off_curve[10] ^= 1;  // C1.x
  EXPECT_ERROR_CODE(Sm2Decrypt(*key, off_curve), ErrorCode::kOutOfRange);
  EXPECT_ERROR_CODE(Sm2Decrypt(*key, ByteView(ct).first(97)), ErrorCode::kMalformed);
  Bytes compressed = ct;
  compressed[0] = 0x02;  // only uncompressed C1 is accepted
  EXPECT_ERROR_CODE(Sm2Decrypt(*key, compressed), ErrorCode::kMalformed);
  EXPECT_ERROR_CODE(Sm2Decrypt(*key, ByteView(enc_.Hex("Asn1")).first(50), Sm2CipherFormat::kAsn1),
                    ErrorCode::kMalformed);
}

TEST(Sm2Test, EncryptDecryptRoundTrip) {
  auto key = PrivateKey::Generate(KeyAlg::kSm2);
  ASSERT_OK(key);
  auto pub = key->Public();
  for (auto format : {Sm2CipherFormat::kC1C3C2, Sm2CipherFormat::kC1C2C3, Sm2CipherFormat::kAsn1}) {
    auto ct = Sm2Encrypt(*pub, AsBytes("国密 SM2 加密"), format);
    ASSERT_OK(ct);
    auto pt = Sm2Decrypt(*key, *ct, format);
    ASSERT_OK(pt);
    EXPECT_EQ(pt->view(), "国密 SM2 加密");
  }
  EXPECT_ERROR_CODE(Sm2Encrypt(*pub, {}), ErrorCode::kInvalidArgument);
}

class Sm2SignatureShapeTest : public Sm2KatTest {
 protected:
  Status VerifyRs(const Bytes& r, const Bytes& s) {
    Bytes der = der::Sequence({der::UnsignedInteger(r), der::UnsignedInteger(s)});
    return Sm2Verify(Pub(), sign_.Hex("Msg"), der, sign_.Get("Id"));
  }
};

TEST_F(Sm2SignatureShapeTest, RejectsOutOfRangeValues) {
  Bytes n = GroupOrder(KeyType::kSm2);
  Bytes zero(32, 0);
  EXPECT_ERROR_CODE(VerifyRs(zero, sign_.Hex("S")), ErrorCode::kOutOfRange);
  EXPECT_ERROR_CODE(VerifyRs(sign_.Hex("R"), zero), ErrorCode::kOutOfRange);
  EXPECT_ERROR_CODE(VerifyRs(n, sign_.Hex("S")), ErrorCode::kOutOfRange);
  EXPECT_ERROR_CODE(VerifyRs(sign_.Hex("R"), n), ErrorCode::kOutOfRange);
  // r + s = n: r = 1, s = n - 1.
  Bytes one(32, 0);
  one[31] = 1;
  Bytes n_minus_1 = n;
  n_minus_1[31] -= 1;
  auto st = VerifyRs(one, n_minus_1);
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("r + s = n"), std::string::npos);
}

TEST_F(Sm2SignatureShapeTest, RejectsNonCanonicalAndTruncatedDer) {
  Bytes good = DerSig();
  // Redundant leading zero on r (non-minimal INTEGER) with the length patched.
  Bytes r = sign_.Hex("R");
  Bytes padded_r = der::Tlv(der::kInteger, Concat({Bytes{0x00, 0x00}, r}));
  Bytes bad = der::Sequence({padded_r, der::UnsignedInteger(sign_.Hex("S"))});
  EXPECT_ERROR_CODE(Sm2Verify(Pub(), sign_.Hex("Msg"), bad), ErrorCode::kMalformed);
  for (size_t len : {size_t{0}, size_t{1}, size_t{10}, good.size() - 1}) {
    SCOPED_TRACE(len);
    EXPECT_ERROR_CODE(Sm2Verify(Pub(), sign_.Hex("Msg"), ByteView(good).first(len)),
                      ErrorCode::kMalformed);
  }
  Bytes trailing = good;
  trailing.push_back(0);
  EXPECT_ERROR_CODE(Sm2Verify(Pub(), sign_.Hex("Msg"), trailing), ErrorCode::kMalformed);
}

TEST_F(Sm2SignatureShapeTest, RawFormRoundTrip) {
  auto raw = EcSignatureDerToRaw(KeyType::kSm2, DerSig());
  ASSERT_OK(raw);
  EXPECT_EQ(HexEncode(*raw), sign_.Get("R") + sign_.Get("S"));
  auto der = EcSignatureRawToDer(KeyType::kSm2, *raw);
  ASSERT_OK(der);
  EXPECT_EQ(*der, DerSig());
  EXPECT_ERROR_CODE(EcSignatureRawToDer(KeyType::kSm2, ByteView(*raw).first(63)),
                    ErrorCode::kMalformed);
}

// OpenSSL's own SM2 verifier, which computes Z_A itself from the key and
// the ID it is given, independently of sealkey's Z code.
bool OpensslVerifies(const PublicKey& pub, ByteView msg, ByteView sig, std::string_view id) {
  UniquePtr<EVP_MD_CTX> ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  UniquePtr<EVP_MD> sm3(EVP_MD_fetch(nullptr, "SM3", nullptr));
  return ctx && sm3 && EVP_DigestVerifyInit(ctx.get(), &pctx, sm3.get(), nullptr, pub.get()) == 1 &&
         EVP_PKEY_CTX_set1_id(pctx, id.data(), id.size()) == 1 &&
         EVP_DigestVerify(ctx.get(), sig.data(), sig.size(), msg.data(), msg.size()) == 1;
}

// Signatures made with the Z_A a key object cached verify under OpenSSL and
// sealkey, with the default ID and another, for a generated key, a key read
// back from PKCS#8, and one whose PKCS#8 holds a compressed public point (the
// cache must hash the uncompressed coordinates).
TEST(Sm2SignCacheTest, SignaturesFromTheCachedZVerify) {
  auto generated = PrivateKey::Generate(KeyAlg::kSm2);
  ASSERT_OK(generated);
  std::vector<PrivateKey> keys;
  auto der = generated->ToPkcs8Der();
  ASSERT_OK(der);
  keys.push_back(*PrivateKey::FromPkcs8Der(der->span()));
  ASSERT_EQ(EVP_PKEY_set_utf8_string_param(generated->get(),
                                           OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT,
                                           "compressed"), 1);
  auto compressed_der = generated->ToPkcs8Der();
  ASSERT_OK(compressed_der);
  EXPECT_LT(compressed_der->size(), der->size());
  keys.push_back(*PrivateKey::FromPkcs8Der(compressed_der->span()));
  keys.push_back(std::move(*generated));
  const Bytes msg = ToBytes("a TBSCertificate, say");
  for (const PrivateKey& key : keys) {
    auto pub = key.Public();
    ASSERT_OK(pub);
    EXPECT_EQ(Bytes(key.sm2_point().begin(), key.sm2_point().end()), *pub->EcPoint());
    EXPECT_EQ(Bytes(key.sm2_default_z().begin(), key.sm2_default_z().end()),
              *Sm2ComputeZ(*pub));
    for (std::string_view id : {kSm2DefaultId, std::string_view("ALICE123@YAHOO.COM")}) {
      SCOPED_TRACE(std::string(id));
      auto sig = Sm2Sign(key, msg, id);
      ASSERT_OK(sig);
      EXPECT_TRUE(OpensslVerifies(*pub, msg, *sig, id));
      EXPECT_OK(Sm2Verify(*pub, msg, *sig, id));
      EXPECT_FALSE(OpensslVerifies(*pub, msg, *sig, id == kSm2DefaultId ? "other" : kSm2DefaultId));
    }
  }
}

TEST(Sm2PointTest, RejectsPointsOffTheCurveOrMalformed) {
  auto v = testing::ReadVectors("sm2_sign.txt").at(0);
  Bytes pub = v.Hex("Pub");
  Bytes off = pub;
  off[64] ^= 1;  // y
  EXPECT_ERROR_CODE(PublicKey::FromEcPoint(KeyType::kSm2, off), ErrorCode::kOutOfRange);
  Bytes compressed_tag = pub;
  compressed_tag[0] = 0x02;
  EXPECT_ERROR_CODE(PublicKey::FromEcPoint(KeyType::kSm2, compressed_tag), ErrorCode::kMalformed);
  EXPECT_ERROR_CODE(PublicKey::FromEcPoint(KeyType::kSm2, ByteView(pub).first(64)),
                    ErrorCode::kMalformed);
  // The P-256 curve is different: the SM2 point is not on it.
  EXPECT_ERROR_CODE(PublicKey::FromEcPoint(KeyType::kEcP256, pub), ErrorCode::kOutOfRange);
}

TEST(Sm2PointTest, RejectsPrivateScalarsOutOfRange) {
  Bytes n = GroupOrder(KeyType::kSm2);
  EXPECT_ERROR_CODE(PrivateKey::FromScalar(KeyType::kSm2, Bytes(32, 0)), ErrorCode::kOutOfRange);
  EXPECT_ERROR_CODE(PrivateKey::FromScalar(KeyType::kSm2, n), ErrorCode::kOutOfRange);
  Bytes n1 = n;
  n1[31] -= 1;  // n - 1: (1 + d) not invertible
  EXPECT_ERROR_CODE(PrivateKey::FromScalar(KeyType::kSm2, n1), ErrorCode::kOutOfRange);
  EXPECT_ERROR_CODE(PrivateKey::FromScalar(KeyType::kSm2, Bytes(31, 1)),
                    ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace sealkey::crypto
