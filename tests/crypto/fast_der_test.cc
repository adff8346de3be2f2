// The CA's own readers and writers for the common key and request shapes
// (crypto/ec_spki.h, the fast path of VerifyCsr in crypto/csr_verify.cc,
// issue 6). Each must give exactly what OpenSSL gives, and anything they do
// not take whole must still go to OpenSSL with its old answer.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/x509.h>

#include "base/encoding.h"
#include "crypto/ec_spki.h"
#include "crypto/ossl.h"
#include "crypto/x509_build.h"
#include "testutil/testutil.h"

namespace sealkey::crypto {
namespace {

Bytes OpensslSpki(const EVP_PKEY* key) {
  unsigned char* out = nullptr;
  int len = i2d_PUBKEY(key, &out);
  Bytes der(out, out + (len > 0 ? len : 0));
  OPENSSL_free(out);
  return der;
}

UniquePtr<EVP_PKEY> OpensslParse(ByteView spki) {
  const unsigned char* p = spki.data();
  return UniquePtr<EVP_PKEY>(d2i_PUBKEY(nullptr, &p, static_cast<long>(spki.size())));
}

class EcSpkiTest : public ::testing::TestWithParam<KeyAlg> {};

TEST_P(EcSpkiTest, WritesAndReadsWhatOpensslDoes) {
  for (int i = 0; i < 40; ++i) {
    auto key = PrivateKey::Generate(GetParam());
    ASSERT_OK(key);
    auto pub = key->Public();
    ASSERT_OK(pub);
    Bytes ours = pub->ToDer();
    ASSERT_EQ(HexEncode(ours), HexEncode(OpensslSpki(pub->get())));

    auto ec = ParseEcSpki(ours);
    ASSERT_TRUE(ec.has_value());
    EXPECT_EQ(ec->type, pub->type());
    EXPECT_EQ(Bytes(ec->point.begin(), ec->point.end()), *pub->EcPoint());

    auto back = PublicKey::FromDer(ours);
    ASSERT_OK(back);
    EXPECT_EQ(back->type(), pub->type());
    EXPECT_TRUE(back->Equals(*pub));
    auto theirs = OpensslParse(ours);
    ASSERT_NE(theirs, nullptr);
    EXPECT_EQ(EVP_PKEY_eq(back->get(), theirs.get()), 1);
    // Typed as OpenSSL's decoder types it, so SM2 keys use SM2, not ECDSA.
    EXPECT_EQ(EVP_PKEY_is_a(back->get(), "SM2"), EVP_PKEY_is_a(theirs.get(), "SM2"));
  }
}

// A compressed point is not the common shape: read by OpenSSL, written back
// in the form the key holds, as OpenSSL writes it.
TEST_P(EcSpkiTest, CompressedPointGoesThroughOpenssl) {
  auto key = PrivateKey::Generate(GetParam());
  Bytes point = *key->Public()->EcPoint();
  Bytes compressed(point.begin(), point.begin() + 33);
  compressed[0] = static_cast<uint8_t>(0x02 | (point.back() & 1));
  Bytes spki = EncodeEcSpki(key->type(), compressed);
  auto pub = PublicKey::FromDer(spki);
  ASSERT_OK(pub);
  EXPECT_TRUE(pub->Equals(*key->Public()));
  EXPECT_EQ(HexEncode(pub->ToDer()), HexEncode(OpensslSpki(pub->get())));
}

TEST_P(EcSpkiTest, BadKeysAreRefusedAsBefore) {
  auto key = PrivateKey::Generate(GetParam());
  Bytes point = *key->Public()->EcPoint();
  Bytes off_curve = point;
  off_curve.back() ^= 0x01;
  Bytes trailing = key->Public()->ToDer();
  trailing.push_back(0x00);
  const Bytes cases[] = {EncodeEcSpki(key->type(), off_curve), trailing,
                         EncodeEcSpki(key->type(), ByteView(point).first(64))};
  for (const Bytes& bad : cases) {
    auto r = PublicKey::FromDer(bad);
    ASSERT_FALSE(r) << HexEncode(bad);
    EXPECT_EQ(r.error().code, ErrorCode::kMalformed) << r.error().ToString();
    EXPECT_EQ(r.error().field, "public_key");
    // OpenSSL refuses the key too (d2i_PUBKEY itself ignores trailing bytes;
    // FromDer checks them).
    if (&bad != &cases[1]) EXPECT_EQ(OpensslParse(bad), nullptr) << "OpenSSL accepts it";
  }
  // Not EC at all: no shape.
  auto rsa = PrivateKey::Generate(KeyAlg::kRsa2048);
  EXPECT_FALSE(ParseEcSpki(rsa->Public()->ToDer()).has_value());
}

INSTANTIATE_TEST_SUITE_P(Curves, EcSpkiTest, ::testing::Values(KeyAlg::kSm2, KeyAlg::kEcP256),
                         [](const auto& info) { return std::string(KeyAlgToken(info.param)); });

std::vector<NameEntry> Subject() { return *ParseDistinguishedName("/C=CN/O=测试单位/CN=张三"); }

// A request made and signed by OpenSSL with `md`, optionally with a
// challengePassword attribute.
Bytes OpensslCsr(const PrivateKey& key, const EVP_MD* md, bool attribute) {
  UniquePtr<X509_REQ> req(X509_REQ_new());
  X509_REQ_set_version(req.get(), 0);
  X509_NAME* name = X509_REQ_get_subject_name(req.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>("OpenSSL"), -1, -1, 0);
  X509_REQ_set_pubkey(req.get(), key.get());
  if (attribute) {
    X509_REQ_add1_attr_by_NID(req.get(), NID_pkcs9_challengePassword, MBSTRING_ASC,
                              reinterpret_cast<const unsigned char*>("secret"), -1);
  }
  EXPECT_GT(X509_REQ_sign(req.get(), key.get(), md), 0);
  unsigned char* out = nullptr;
  int len = i2d_X509_REQ(req.get(), &out);
  Bytes der(out, out + (len > 0 ? len : 0));
  OPENSSL_free(out);
  return der;
}

std::string Pem(ByteView der, const char* label = "CERTIFICATE REQUEST") {
  std::string b64 = Base64Encode(der), out = std::string("-----BEGIN ") + label + "-----\n";
  for (size_t i = 0; i < b64.size(); i += 64) out += b64.substr(i, 64) + "\n";
  return out + "-----END " + label + "-----\n";
}

class CsrShapeTest : public ::testing::TestWithParam<KeyAlg> {};

TEST_P(CsrShapeTest, EveryFormVerifiesToTheSameKeyAndSubject) {
  auto key = PrivateKey::Generate(GetParam());
  auto csr = BuildCsr(*key, Subject());
  ASSERT_OK(csr);
  auto bytes = [](const std::string& text) { return Bytes(text.begin(), text.end()); };
  std::vector<std::pair<std::string, Bytes>> forms = {
      {"DER", *csr},
      {"PEM", bytes(Pem(*csr))},
      {"old PEM label", bytes(Pem(*csr, "NEW CERTIFICATE REQUEST"))},
      {"PEM with text before", bytes("subject=张三\r\n" + Pem(*csr))},
  };
  for (const auto& [what, data] : forms) {
    SCOPED_TRACE(what);
    auto info = VerifyCsr(data);
    ASSERT_OK(info);
    EXPECT_EQ(info->subject, Subject());
    EXPECT_TRUE(info->public_key.Equals(*key->Public()));
    EXPECT_EQ(info->public_key.type(), key->type());
  }
}

TEST_P(CsrShapeTest, TamperingIsCaughtWhereverItIs) {
  auto key = PrivateKey::Generate(GetParam());
  Bytes csr = *BuildCsr(*key, Subject());
  Bytes bad_sig = csr;
  bad_sig[bad_sig.size() - 3] ^= 0x01;  // inside s of the signature
  Bytes bad_name = csr;
  size_t at = std::string_view(AsChars(csr)).find("CN");  // the C=CN value
  ASSERT_NE(at, std::string::npos);
  bad_name[at] = 'D';
  for (const Bytes& bad : {bad_sig, bad_name}) {
    auto r = VerifyCsr(bad);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::kVerifyFailed) << r.error().ToString();
    EXPECT_EQ(r.error().field, "csr");
    EXPECT_NE(r.error().message.find("no proof of possession"), std::string::npos);
  }
  // Another key's request with this key put in: the signature is not this key's.
  auto other = PrivateKey::Generate(GetParam());
  Bytes swapped = *BuildCsr(*other, Subject());
  Bytes mine = key->Public()->ToDer(), theirs = other->Public()->ToDer();
  auto pos = std::search(swapped.begin(), swapped.end(), theirs.begin(), theirs.end());
  ASSERT_NE(pos, swapped.end());
  std::copy(mine.begin(), mine.end(), pos);
  EXPECT_ERROR_CODE(VerifyCsr(swapped), ErrorCode::kVerifyFailed);

  Bytes trailing = csr;
  trailing.push_back(0);
  auto r = VerifyCsr(trailing);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kMalformed);
  EXPECT_NE(r.error().message.find("trailing data"), std::string::npos);
  EXPECT_ERROR_CODE(VerifyCsr(ByteView(csr).first(csr.size() - 10)), ErrorCode::kMalformed);
}

INSTANTIATE_TEST_SUITE_P(Curves, CsrShapeTest, ::testing::Values(KeyAlg::kSm2, KeyAlg::kEcP256),
                         [](const auto& info) { return std::string(KeyAlgToken(info.param)); });

// Shapes the fast reader leaves to OpenSSL: attributes, other digests, RSA.
TEST(CsrShapeTest, OpensslMadeRequestsOfOtherShapesStillVerify) {
  auto p256 = PrivateKey::Generate(KeyAlg::kEcP256);
  auto rsa = PrivateKey::Generate(KeyAlg::kRsa2048);
  struct Case {
    const char* what;
    const PrivateKey* key;
    const EVP_MD* md;
    bool attribute;
  } cases[] = {{"P-256, SHA-256, challengePassword", &*p256, EVP_sha256(), true},
               {"P-256, SHA-384", &*p256, EVP_sha384(), false},
               {"RSA, SHA-256", &*rsa, EVP_sha256(), false}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    Bytes der = OpensslCsr(*c.key, c.md, c.attribute);
    auto info = VerifyCsr(der);
    ASSERT_OK(info);
    EXPECT_TRUE(info->public_key.Equals(*c.key->Public()));
    EXPECT_EQ(FormatName(info->subject), "CN=OpenSSL");
    der[der.size() - 3] ^= 0x01;
    EXPECT_ERROR_CODE(VerifyCsr(der), ErrorCode::kVerifyFailed);
  }
}

}  // namespace
}  // namespace sealkey::crypto
