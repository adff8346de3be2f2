// Known-answer and behaviour tests for digests, HMAC, PBKDF2 and ciphers.
#include <gtest/gtest.h>

#include "base/encoding.h"
#include "crypto/cipher.h"
#include "crypto/digest.h"
#include "crypto/mac.h"
#include "crypto/random.h"
#include "testutil/testutil.h"
#include "testutil/vector_file.h"

namespace sealkey::crypto {
namespace {

TEST(Sm3Test, KnownAnswersGbT32905) {
  for (const auto& v : testing::ReadVectors("sm3.txt")) {
    EXPECT_EQ(HexEncode(Hash(HashAlg::kSm3, v.Hex("Msg"))), v.Get("Digest")) << "line " << v.line;
    // The incremental API must agree, fed one byte at a time.
    Hasher h(HashAlg::kSm3);
    for (uint8_t b : v.Hex("Msg")) h.Update(ByteView(&b, 1));
    EXPECT_EQ(HexEncode(h.Final()), v.Get("Digest"));
  }
}

TEST(DigestTest, OtherAlgorithmsFipsVectors) {
  // FIPS 180-2 Appendix B.1 / A.1 and RFC 1321: "abc".
  EXPECT_EQ(HexEncode(Hash(HashAlg::kSha256, AsBytes("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(HexEncode(Hash(HashAlg::kSha1, AsBytes("abc"))),
            "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(HexEncode(Hash(HashAlg::kMd5, AsBytes("abc"))), "900150983cd24fb0d6963f7d28e17f72");
}

TEST(DigestTest, ParsesNamesAndRejectsUnknown) {
  EXPECT_EQ(*ParseHashAlg("SHA-256"), HashAlg::kSha256);
  EXPECT_EQ(*ParseHashAlg("sha1"), HashAlg::kSha1);
  EXPECT_EQ(*ParseHashAlg("SM3"), HashAlg::kSm3);
  auto bad = ParseHashAlg("sha3");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "algorithm");
}

TEST(HmacTest, Rfc4231Case2) {
  // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
  Bytes tag = Hmac(HashAlg::kSha256, AsBytes("Jefe"), AsBytes("what do ya want for nothing?"));
  EXPECT_EQ(HexEncode(tag), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_OK(HmacVerify(HashAlg::kSha256, AsBytes("Jefe"),
                       AsBytes("what do ya want for nothing?"), tag));
  tag[0] ^= 1;
  EXPECT_ERROR_CODE(HmacVerify(HashAlg::kSha256, AsBytes("Jefe"),
                               AsBytes("what do ya want for nothing?"), tag),
                    ErrorCode::kVerifyFailed);
}

TEST(Pbkdf2Test, Rfc7914Sha256VectorAndArgumentChecks) {
  // RFC 7914 section 11: PBKDF2-HMAC-SHA256, P="passwd", S="salt", c=1, dkLen=64.
  auto dk = Pbkdf2(HashAlg::kSha256, AsBytes("passwd"), AsBytes("salt"), 1, 64);
  ASSERT_OK(dk);
  EXPECT_EQ(HexEncode(dk->span()),
            "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
            "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
  EXPECT_ERROR_CODE(Pbkdf2(HashAlg::kSm3, AsBytes("p"), AsBytes("s"), 0, 32),
                    ErrorCode::kInvalidArgument);
  EXPECT_ERROR_CODE(Pbkdf2(HashAlg::kSm3, AsBytes("p"), AsBytes("s"), 1, 0),
                    ErrorCode::kInvalidArgument);
}

TEST(Sm4Test, KnownAnswersGbT32907) {
  for (const auto& v : testing::ReadVectors("sm4.txt")) {
    Bytes block = v.Hex("Plaintext");
    int iterations = std::stoi(v.Get("Iterations"));
    for (int i = 0; i < iterations; ++i) {
      auto c = Sm4EcbEncrypt(v.Hex("Key"), block);
      ASSERT_OK(c);
      block = std::move(*c);
    }
    EXPECT_EQ(HexEncode(block), v.Get("Ciphertext")) << "line " << v.line;
    if (iterations == 1) {
      auto p = Sm4EcbDecrypt(v.Hex("Key"), block);
      ASSERT_OK(p);
      EXPECT_EQ(HexEncode(p->span()), v.Get("Plaintext"));
    }
  }
}

TEST(Sm4Test, CbcRoundTripPaddingAndTamper) {
  Bytes key = RandomBytes(16), iv = RandomBytes(16);
  for (size_t len : {0u, 1u, 15u, 16u, 17u, 1000u}) {
    Bytes plain = RandomBytes(len);
    auto c = Sm4CbcEncrypt(key, iv, plain);
    ASSERT_OK(c);
    EXPECT_EQ(c->size(), (len / 16 + 1) * 16);
    auto p = Sm4CbcDecrypt(key, iv, *c);
    ASSERT_OK(p);
    EXPECT_TRUE(p->Equals(plain));
  }
  // A wrong key almost always breaks the padding; a truncated input always does.
  auto c = Sm4CbcEncrypt(key, iv, AsBytes("secret"));
  ASSERT_OK(c);
  EXPECT_ERROR_CODE(Sm4CbcDecrypt(key, iv, ByteView(*c).first(8)), ErrorCode::kMalformed);
  EXPECT_ERROR_CODE(Sm4CbcEncrypt(RandomBytes(15), iv, AsBytes("x")), ErrorCode::kInvalidArgument);
  EXPECT_ERROR_CODE(Sm4CbcEncrypt(key, RandomBytes(8), AsBytes("x")), ErrorCode::kInvalidArgument);
}

TEST(Sm4Test, CtrIsItsOwnInverse) {
  Bytes key = RandomBytes(16), iv = RandomBytes(16), plain = RandomBytes(100);
  auto c = Sm4Ctr(key, iv, plain);
  ASSERT_OK(c);
  EXPECT_EQ(c->size(), plain.size());
  EXPECT_NE(*c, plain);
  auto back = Sm4Ctr(key, iv, *c);
  ASSERT_OK(back);
  EXPECT_EQ(*back, plain);
}

TEST(AesGcmTest, SealOpenAndRejectTampering) {
  Bytes key = RandomBytes(32), nonce = RandomBytes(12);
  auto sealed = Aes256GcmSeal(key, nonce, AsBytes("header"), AsBytes("private key bytes"));
  ASSERT_OK(sealed);
  auto opened = Aes256GcmOpen(key, nonce, AsBytes("header"), *sealed);
  ASSERT_OK(opened);
  EXPECT_EQ(opened->view(), "private key bytes");
  EXPECT_ERROR_CODE(Aes256GcmOpen(key, nonce, AsBytes("other"), *sealed), ErrorCode::kVerifyFailed);
  Bytes bad = *sealed;
  bad[0] ^= 1;
  EXPECT_ERROR_CODE(Aes256GcmOpen(key, nonce, AsBytes("header"), bad), ErrorCode::kVerifyFailed);
  EXPECT_ERROR_CODE(Aes256GcmOpen(key, nonce, {}, ByteView(*sealed).first(4)),
                    ErrorCode::kMalformed);
  // Empty plaintext is allowed and still authenticated.
  auto empty = Aes256GcmSeal(key, nonce, {}, {});
  ASSERT_OK(empty);
  EXPECT_OK(Aes256GcmOpen(key, nonce, {}, *empty));
}

}  // namespace
}  // namespace sealkey::crypto
