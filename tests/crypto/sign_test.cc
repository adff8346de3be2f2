// Keys and signatures across algorithms (TEST_P over the algorithm table).
#include <gtest/gtest.h>

#include "base/encoding.h"
#include "crypto/ec_signature.h"
#include "crypto/key.h"
#include "crypto/sign.h"
#include "testutil/testutil.h"

namespace sealkey::crypto {
namespace {

struct AlgCase {
  KeyAlg alg;
  KeyType type;
  int bits;
  bool pss;
};

void PrintTo(const AlgCase& c, std::ostream* os) {
  *os << KeyAlgToken(c.alg) << (c.pss ? "/pss" : "");
}

class SignTest : public ::testing::TestWithParam<AlgCase> {};

TEST_P(SignTest, SignVerifyAndRejectTampering) {
  const AlgCase& c = GetParam();
  auto key = PrivateKey::Generate(c.alg);
  ASSERT_OK(key);
  EXPECT_EQ(key->type(), c.type);
  EXPECT_EQ(key->bits(), c.bits);
  SignOptions opt;
  opt.rsa_pss = c.pss;
  auto sig = SignMessage(*key, AsBytes("document to sign"), opt);
  ASSERT_OK(sig);
  auto pub = key->Public();
  ASSERT_OK(pub);
  EXPECT_OK(VerifyMessage(*pub, AsBytes("document to sign"), *sig, opt));
  EXPECT_ERROR_CODE(VerifyMessage(*pub, AsBytes("document to sigN"), *sig, opt),
                    ErrorCode::kVerifyFailed);
  Bytes bad = *sig;
  bad[bad.size() / 2] ^= 0x01;
  EXPECT_FALSE(VerifyMessage(*pub, AsBytes("document to sign"), bad, opt));
}

TEST_P(SignTest, KeysSurviveSerialisation) {
  const AlgCase& c = GetParam();
  auto key = PrivateKey::Generate(c.alg);
  ASSERT_OK(key);
  auto der = key->ToPkcs8Der();
  ASSERT_OK(der);
  auto back = PrivateKey::FromPkcs8Der(der->span());
  ASSERT_OK(back);
  EXPECT_EQ(back->type(), c.type);
  auto pub = key->Public();
  auto pub_back = PublicKey::FromDer(pub->ToDer());
  ASSERT_OK(pub_back);
  EXPECT_TRUE(pub_back->Equals(*pub));
  auto pem_back = PublicKey::FromPem(pub->ToPem());
  ASSERT_OK(pem_back);
  EXPECT_TRUE(pem_back->Equals(*pub));
  // A signature by the restored key verifies under the original public key.
  auto sig = SignMessage(*back, AsBytes("x"));
  ASSERT_OK(sig);
  EXPECT_OK(VerifyMessage(*pub, AsBytes("x"), *sig));
  // Truncated encodings fail cleanly.
  EXPECT_ERROR_CODE(PrivateKey::FromPkcs8Der(der->span().first(der->size() - 1)),
                    ErrorCode::kMalformed);
  Bytes spki = pub->ToDer();
  EXPECT_ERROR_CODE(PublicKey::FromDer(ByteView(spki).first(spki.size() / 2)),
                    ErrorCode::kMalformed);
}

INSTANTIATE_TEST_SUITE_P(
    Algorithms, SignTest,
    ::testing::Values(AlgCase{KeyAlg::kSm2, KeyType::kSm2, 256, false},
                      AlgCase{KeyAlg::kEcP256, KeyType::kEcP256, 256, false},
                      AlgCase{KeyAlg::kRsa2048, KeyType::kRsa, 2048, false},
                      AlgCase{KeyAlg::kRsa2048, KeyType::kRsa, 2048, true},
                      AlgCase{KeyAlg::kRsa3072, KeyType::kRsa, 3072, false}),
    [](const auto& info) {
      return std::string(KeyAlgToken(info.param.alg)) + (info.param.pss ? "_pss" : "");
    });

TEST(SignOptionsTest, PssOnNonRsaKeyIsAnError) {
  auto key = PrivateKey::Generate(KeyAlg::kEcP256);
  SignOptions opt;
  opt.rsa_pss = true;
  EXPECT_ERROR_CODE(SignMessage(*key, AsBytes("x"), opt), ErrorCode::kInvalidArgument);
}

TEST(SignOptionsTest, PssAndPkcs1AreNotInterchangeable) {
  auto key = PrivateKey::Generate(KeyAlg::kRsa2048);
  SignOptions pss;
  pss.rsa_pss = true;
  auto sig = SignMessage(*key, AsBytes("x"), pss);
  ASSERT_OK(sig);
  EXPECT_ERROR_CODE(VerifyMessage(*key->Public(), AsBytes("x"), *sig), ErrorCode::kVerifyFailed);
}

TEST(EcdsaTest, RejectsNonCanonicalSignature) {
  auto key = PrivateKey::Generate(KeyAlg::kEcP256);
  auto sig = SignMessage(*key, AsBytes("x"));
  ASSERT_OK(sig);
  auto raw = EcSignatureDerToRaw(KeyType::kEcP256, *sig);
  ASSERT_OK(raw);
  // Re-encode with the length in long form: same numbers, not DER.
  Bytes body(sig->begin() + 2, sig->end());
  Bytes long_form = {0x30, 0x81, static_cast<uint8_t>(body.size())};
  long_form.insert(long_form.end(), body.begin(), body.end());
  EXPECT_ERROR_CODE(VerifyMessage(*key->Public(), AsBytes("x"), long_form), ErrorCode::kMalformed);
}

TEST(KeyAlgTest, ParsesTokens) {
  EXPECT_EQ(*ParseKeyAlg("SM2"), KeyAlg::kSm2);
  EXPECT_EQ(*ParseKeyAlg("p-256"), KeyAlg::kEcP256);
  EXPECT_EQ(*ParseKeyAlg("rsa-3072"), KeyAlg::kRsa3072);
  auto bad = ParseKeyAlg("ed25519");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "alg");
}

}  // namespace
}  // namespace sealkey::crypto
