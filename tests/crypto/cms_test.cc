// Detached CMS SignedData (RFC 5652) built and verified by sealkey: round
// trips per algorithm, tampering, malformed input, attribute encoding.
#include "crypto/cms.h"

#include <algorithm>
#include <map>
#include <string>

#include <gtest/gtest.h>
#include <openssl/objects.h>

#include "base/der.h"
#include "base/encoding.h"
#include "crypto/cms_oids.h"
#include "crypto/ossl.h"
#include "crypto/x509_build.h"
#include "testutil/testutil.h"

namespace sealkey::crypto {
namespace {

constexpr int64_t kStart = 1'800'000'000;
const std::string kContent = "国密 CMS 分离式签名 / detached content\n";

struct Identity {
  PrivateKey key;
  Certificate cert;
};

Identity MakeIdentity(KeyAlg alg, const char* subject, const Identity* issuer = nullptr,
                      bool is_ca = false) {
  PrivateKey key = PrivateKey::Generate(alg).value();
  CertificateTemplate t;
  t.subject = ParseDistinguishedName(subject).value();
  t.not_before = kStart;
  t.not_after = kStart + 365 * 86400;
  t.is_ca = is_ca;
  Certificate cert = issuer ? IssueCertificate(t, key.Public().value(), issuer->key, &issuer->cert)
                                  .value()
                            : SelfSign(key, t).value();
  return Identity{std::move(key), std::move(cert)};
}

// One self-signed identity per algorithm, generated once (RSA is slow).
const Identity& IdentityFor(KeyAlg alg) {
  static std::map<KeyAlg, Identity> cache;
  auto it = cache.find(alg);
  if (it == cache.end()) {
    it = cache.emplace(alg, MakeIdentity(alg, "/C=CN/O=测试单位/CN=签名者")).first;
  }
  return it->second;
}

Bytes Sign(const Identity& id, std::string_view content, const CmsSignParams& params = {}) {
  KeySigner signer(id.key);
  return CmsSignDetached(signer, id.cert, AsBytes(content), params).value();
}

// Views into a sealkey CMS (which must outlive them), split along RFC 5652
// section 5: the SignedData fields and the one SignerInfo's.
struct Layout {
  ByteView content_type, version, digest_algorithms, encap, certificates, signer_infos;
  ByteView digest_algorithm, signed_attrs, signature_algorithm, signature;
};

Layout Split(ByteView cms) {
  Layout l;
  der::Reader top(cms);
  der::Reader ci = top.ReadSequence().value();
  l.content_type = ci.ReadRaw(der::kOid).value();
  der::Reader wrapper(ci.Read(0xa0).value());
  der::Reader sd = wrapper.ReadSequence().value();
  l.version = sd.ReadRaw(der::kInteger).value();
  l.digest_algorithms = sd.ReadRaw(der::kSet).value();
  l.encap = sd.ReadRaw(der::kSequence).value();
  l.certificates = sd.ReadRaw(0xa0).value();
  l.signer_infos = sd.ReadRaw(der::kSet).value();
  EXPECT_TRUE(sd.AtEnd());
  der::Reader infos(der::Reader(l.signer_infos).Read(der::kSet).value());
  der::Reader si = infos.ReadSequence().value();
  si.Read(der::kInteger).value();
  si.Read(der::kSequence).value();
  l.digest_algorithm = si.ReadRaw(der::kSequence).value();
  l.signed_attrs = si.ReadRaw(0xa0).value();
  l.signature_algorithm = si.ReadRaw(der::kSequence).value();
  l.signature = si.Read(der::kOctetString).value();
  EXPECT_TRUE(si.AtEnd());
  return l;
}

// The CMS with its certificates field replaced by `certificates` (a whole
// [0] TLV, or empty to drop the field).
Bytes WithCertificates(ByteView cms, ByteView certificates) {
  Layout l = Split(cms);
  Bytes sd = der::Sequence({l.version, l.digest_algorithms, l.encap, certificates,
                            l.signer_infos});
  return der::Sequence({l.content_type, der::Tlv(0xa0, sd)});
}

// The elements of a DER SET (or [0] IMPLICIT SET) TLV.
std::vector<Bytes> SetElements(ByteView set_tlv) {
  der::Reader outer(set_tlv);
  der::Reader r(outer.Read(set_tlv[0]).value());
  std::vector<Bytes> out;
  while (!r.AtEnd()) {
    ByteView e = r.ReadRaw(der::kSequence).value();
    out.emplace_back(e.begin(), e.end());
  }
  return out;
}

bool Contains(ByteView haystack, ByteView needle) {
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) !=
         haystack.end();
}

struct AlgCase {
  KeyAlg alg;
  HashAlg digest;
  const char* digest_oid;     // dotted
  const char* signature_oid;  // dotted
};

void PrintTo(const AlgCase& c, std::ostream* os) { *os << KeyAlgToken(c.alg); }

class CmsTest : public ::testing::TestWithParam<AlgCase> {
 protected:
  const Identity& id() { return IdentityFor(GetParam().alg); }
};

TEST_P(CmsTest, RoundTrip) {
  Bytes cms = Sign(id(), kContent);
  auto r = CmsVerifyDetached(cms, AsBytes(kContent));
  ASSERT_OK(r);
  EXPECT_EQ(r->signer.Der(), id().cert.Der());
  ASSERT_EQ(r->certificates.size(), 1u);
  EXPECT_EQ(r->certificates[0].Der(), id().cert.Der());
  EXPECT_EQ(r->digest, GetParam().digest);
  EXPECT_FALSE(r->signing_time.has_value());
  // Detached: the content itself is nowhere in the CMS.
  EXPECT_FALSE(Contains(cms, AsBytes(kContent)));
}

// Next to RSA both AlgorithmIdentifiers carry NULL parameters; otherwise none.
TEST_P(CmsTest, AlgorithmIdentifiersAreTheDocumentedOnes) {
  Bytes cms = Sign(id(), kContent);
  Layout l = Split(cms);
  const bool null_params = GetParam().alg == KeyAlg::kRsa2048;
  for (auto [tlv, dotted] : {std::pair{l.digest_algorithm, GetParam().digest_oid},
                             std::pair{l.signature_algorithm, GetParam().signature_oid}}) {
    der::Reader alg(tlv);
    der::Reader seq = alg.ReadSequence().value();
    EXPECT_EQ(cms::OidText(seq.Read(der::kOid).value()), dotted);
    if (null_params) {
      EXPECT_EQ(HexEncode(seq.ReadRaw(der::kNull).value()), "0500");
    }
    EXPECT_TRUE(seq.AtEnd()) << dotted;
  }
  // digestAlgorithms in SignedData lists the SignerInfo's digestAlgorithm.
  EXPECT_EQ(HexEncode(l.digest_algorithms), HexEncode(der::Tlv(der::kSet, l.digest_algorithm)));
}

TEST_P(CmsTest, TamperedContentFailsNamingTheContent) {
  Bytes cms = Sign(id(), kContent);
  auto r = CmsVerifyDetached(cms, AsBytes(kContent + " "));
  EXPECT_ERROR_CODE(r, ErrorCode::kVerifyFailed);
  EXPECT_EQ(r.error().message, "content does not match the signature");
  EXPECT_EQ(r.error().field, "signature");
}

TEST_P(CmsTest, FlippedSignatureByteFails) {
  Bytes cms = Sign(id(), kContent);
  cms.back() ^= 0x01;  // the last byte of the signature value
  auto r = CmsVerifyDetached(cms, AsBytes(kContent));
  EXPECT_ERROR_CODE(r, ErrorCode::kVerifyFailed);
  EXPECT_EQ(r.error().message, "signature does not verify");
}

// Section 5.4: the signature covers the signed attributes re-tagged as SET,
// checked here with the plain verifier rather than with CmsVerifyDetached.
TEST_P(CmsTest, SignatureCoversAttributesTaggedAsSet) {
  Bytes cms = Sign(id(), kContent);
  Layout l = Split(cms);
  ASSERT_EQ(l.signed_attrs[0], 0xa0);
  Bytes as_set(l.signed_attrs.begin(), l.signed_attrs.end());
  as_set[0] = der::kSet;
  SignOptions options;
  options.hash = GetParam().digest;
  EXPECT_OK(VerifyMessage(*id().cert.PublicKeyOf(), as_set, l.signature, options));
  EXPECT_ERROR_CODE(VerifyMessage(*id().cert.PublicKeyOf(), l.signed_attrs, l.signature, options),
                    ErrorCode::kVerifyFailed);
}

TEST_P(CmsTest, EveryBitFlipInTheSignerInfoIsRejected) {
  Bytes cms = Sign(id(), kContent);
  Bytes cert_der = id().cert.Der();
  auto cert_at = std::search(cms.begin(), cms.end(), cert_der.begin(), cert_der.end());
  ASSERT_NE(cert_at, cms.end());
  size_t signer_info_start = static_cast<size_t>(cert_at - cms.begin()) + cert_der.size();
  for (size_t i = 0; i < cms.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      if (i < signer_info_start && bit > 0) continue;  // headers and certificate: one bit
      Bytes bad = cms;
      bad[i] ^= static_cast<uint8_t>(1 << bit);
      auto r = CmsVerifyDetached(bad, AsBytes(kContent));
      // Flips inside the certificate's own signature (not checked: no chain
      // validation here) may verify; nothing after the certificate may.
      if (i >= signer_info_start) {
        EXPECT_FALSE(r.has_value()) << "byte " << i << " bit " << bit;
      }
    }
  }
}

TEST_P(CmsTest, CertificateListedTwiceIsEmbeddedOnce) {
  CmsSignParams params;
  params.extra_certs = {&id().cert};
  Bytes cms = Sign(id(), kContent, params);
  EXPECT_EQ(SetElements(Split(cms).certificates).size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(
    Algorithms, CmsTest,
    ::testing::Values(AlgCase{KeyAlg::kSm2, HashAlg::kSm3, "1.2.156.10197.1.401",
                              "1.2.156.10197.1.501"},
                      AlgCase{KeyAlg::kEcP256, HashAlg::kSha256, "2.16.840.1.101.3.4.2.1",
                              "1.2.840.10045.4.3.2"},
                      AlgCase{KeyAlg::kRsa2048, HashAlg::kSha256, "2.16.840.1.101.3.4.2.1",
                              "1.2.840.113549.1.1.1"}),
    [](const auto& info) { return std::string(KeyAlgToken(info.param.alg)); });

// Every hard-coded OID encodes the dotted value beside it, as OpenSSL's own
// encoder writes it.
TEST(CmsOidTest, EncodingsMatchOpenssl) {
  struct Oid { ByteView bytes; const char* dotted; };
  for (Oid o : {Oid{cms::kOidData, "1.2.840.113549.1.7.1"},
                Oid{cms::kOidSignedData, "1.2.840.113549.1.7.2"},
                Oid{cms::kOidContentType, "1.2.840.113549.1.9.3"},
                Oid{cms::kOidMessageDigest, "1.2.840.113549.1.9.4"},
                Oid{cms::kOidSigningTime, "1.2.840.113549.1.9.5"},
                Oid{cms::kOidSm3, "1.2.156.10197.1.401"},
                Oid{cms::kOidSha256, "2.16.840.1.101.3.4.2.1"},
                Oid{cms::kOidSha384, "2.16.840.1.101.3.4.2.2"},
                Oid{cms::kOidSha512, "2.16.840.1.101.3.4.2.3"},
                Oid{cms::kOidSm3WithSm2, "1.2.156.10197.1.501"},
                Oid{cms::kOidSm2Sign, "1.2.156.10197.1.301.1"},
                Oid{cms::kOidEcdsaSha256, "1.2.840.10045.4.3.2"},
                Oid{cms::kOidEcdsaSha384, "1.2.840.10045.4.3.3"},
                Oid{cms::kOidEcdsaSha512, "1.2.840.10045.4.3.4"},
                Oid{cms::kOidRsaEncryption, "1.2.840.113549.1.1.1"},
                Oid{cms::kOidSha256WithRsa, "1.2.840.113549.1.1.11"},
                Oid{cms::kOidSha384WithRsa, "1.2.840.113549.1.1.12"},
                Oid{cms::kOidSha512WithRsa, "1.2.840.113549.1.1.13"}}) {
    SCOPED_TRACE(o.dotted);
    EXPECT_EQ(cms::OidText(o.bytes), o.dotted);
    UniquePtr<ASN1_OBJECT> obj(OBJ_txt2obj(o.dotted, 1));
    ASSERT_NE(obj, nullptr);
    unsigned char* der = nullptr;
    int len = i2d_ASN1_OBJECT(obj.get(), &der);
    ASSERT_GT(len, 0);
    EXPECT_EQ(HexEncode(ByteView(der, static_cast<size_t>(len))), HexEncode(cms::Oid(o.bytes)));
    OPENSSL_free(der);
  }
}

TEST(CmsSm2Test, IdMustMatchBetweenSignAndVerify) {
  const Identity& id = IdentityFor(KeyAlg::kSm2);
  CmsSignParams params;
  params.options.sm2_id = "ALICE123@YAHOO.COM";
  Bytes cms = Sign(id, kContent, params);
  EXPECT_OK(CmsVerifyDetached(cms, AsBytes(kContent), params.options));
  auto r = CmsVerifyDetached(cms, AsBytes(kContent));  // default ID
  EXPECT_ERROR_CODE(r, ErrorCode::kVerifyFailed);
  EXPECT_EQ(r.error().message, "signature does not verify");
}

TEST(CmsHashTest, EcdsaAndRsaFollowOptionsHash) {
  for (KeyAlg alg : {KeyAlg::kEcP256, KeyAlg::kRsa2048}) {
    for (HashAlg hash : {HashAlg::kSha384, HashAlg::kSha512}) {
      SCOPED_TRACE(std::string(KeyAlgToken(alg)) + " " + std::string(HashName(hash)));
      CmsSignParams params;
      params.options.hash = hash;
      Bytes cms = Sign(IdentityFor(alg), kContent, params);
      auto r = CmsVerifyDetached(cms, AsBytes(kContent));
      ASSERT_OK(r);
      EXPECT_EQ(r->digest, hash);
    }
  }
}

TEST(CmsHashTest, RejectsWeakHashesAndPss) {
  KeySigner signer(IdentityFor(KeyAlg::kEcP256).key);
  CmsSignParams params;
  params.options.hash = HashAlg::kSha1;
  auto r = CmsSignDetached(signer, IdentityFor(KeyAlg::kEcP256).cert, AsBytes(kContent), params);
  EXPECT_ERROR_CODE(r, ErrorCode::kUnsupported);
  EXPECT_EQ(r.error().field, "hash");

  KeySigner rsa(IdentityFor(KeyAlg::kRsa2048).key);
  CmsSignParams pss;
  pss.options.rsa_pss = true;
  EXPECT_ERROR_CODE(
      CmsSignDetached(rsa, IdentityFor(KeyAlg::kRsa2048).cert, AsBytes(kContent), pss),
      ErrorCode::kUnsupported);
}

TEST(CmsSignTest, KeyThatDoesNotMatchTheCertificateIsRejected) {
  PrivateKey other = PrivateKey::Generate(KeyAlg::kEcP256).value();
  KeySigner signer(other);
  auto r = CmsSignDetached(signer, IdentityFor(KeyAlg::kEcP256).cert, AsBytes(kContent));
  EXPECT_ERROR_CODE(r, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().field, "certificate");

  KeySigner sm2(IdentityFor(KeyAlg::kSm2).key);
  EXPECT_ERROR_CODE(CmsSignDetached(sm2, IdentityFor(KeyAlg::kEcP256).cert, AsBytes(kContent)),
                    ErrorCode::kInvalidArgument);
}

// A token that refuses to sign (PIN locked ...): its error comes back as is.
class RefusingSigner final : public Signer {
 public:
  KeyType key_type() const override { return KeyType::kSm2; }
  Result<Bytes> Sign(ByteView, const SignOptions&) override {
    return Fail(ErrorCode::kPinLocked, "PIN is locked", "pin");
  }
};

TEST(CmsSignTest, SignerErrorsPropagate) {
  RefusingSigner signer;
  auto r = CmsSignDetached(signer, IdentityFor(KeyAlg::kSm2).cert, AsBytes(kContent));
  EXPECT_ERROR_CODE(r, ErrorCode::kPinLocked);
}

TEST(CmsSigningTimeTest, RoundTripsAcrossTheUtcTimeBoundary) {
  struct Case { int64_t t; uint8_t tag; const char* text; };
  for (Case c : {Case{1'700'000'000, der::kUtcTime, "231114221320Z"},
                 Case{2'524'607'999, der::kUtcTime, "491231235959Z"},
                 Case{2'524'608'000, der::kGeneralizedTime, "20500101000000Z"},
                 Case{-631'152'000, der::kUtcTime, "500101000000Z"},
                 Case{-631'152'001, der::kGeneralizedTime, "19491231235959Z"}}) {
    SCOPED_TRACE(c.text);
    CmsSignParams params;
    params.signing_time = c.t;
    Bytes cms = Sign(IdentityFor(KeyAlg::kEcP256), kContent, params);
    EXPECT_TRUE(Contains(cms, der::Tlv(c.tag, AsBytes(c.text))));
    auto r = CmsVerifyDetached(cms, AsBytes(kContent));
    ASSERT_OK(r);
    EXPECT_EQ(r->signing_time, c.t);
  }
}

// X.690 section 11.6: SET OF elements sorted by encoding. The attributes'
// encodings sort contentType < signingTime < messageDigest by length, which
// is not their OID order (9.3, 9.5, 9.4).
TEST(CmsEncodingTest, SignedAttributesAreSortedByEncoding) {
  CmsSignParams params;
  params.signing_time = 1'700'000'000;
  Bytes cms = Sign(IdentityFor(KeyAlg::kSm2), kContent, params);
  std::vector<Bytes> attrs = SetElements(Split(cms).signed_attrs);
  ASSERT_EQ(attrs.size(), 3u);
  EXPECT_TRUE(std::is_sorted(attrs.begin(), attrs.end()));
  const uint8_t pkcs9[] = {0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09};
  for (size_t i = 0; i < attrs.size(); ++i) {
    ASSERT_TRUE(std::equal(std::begin(pkcs9), std::end(pkcs9), attrs[i].begin() + 2));
  }
  EXPECT_EQ(attrs[0][12], 0x03);  // contentType
  EXPECT_EQ(attrs[1][12], 0x05);  // signingTime
  EXPECT_EQ(attrs[2][12], 0x04);  // messageDigest
  EXPECT_TRUE(Contains(attrs[2], der::OctetString(Hash(HashAlg::kSm3, AsBytes(kContent)))));

  EXPECT_EQ(SetElements(Split(Sign(IdentityFor(KeyAlg::kSm2), kContent)).signed_attrs).size(),
            2u);
}

TEST(CmsChainTest, ExtraCertificatesAreEmbeddedSortedAndReturned) {
  Identity ca = MakeIdentity(KeyAlg::kEcP256, "/C=CN/O=测试单位/CN=根 CA", nullptr, true);
  Identity leaf = MakeIdentity(KeyAlg::kEcP256, "/C=CN/O=测试单位/CN=张三", &ca);
  CmsSignParams params;
  params.extra_certs = {&ca.cert};
  Bytes cms = Sign(leaf, kContent, params);

  std::vector<Bytes> embedded = SetElements(Split(cms).certificates);
  ASSERT_EQ(embedded.size(), 2u);
  EXPECT_TRUE(std::is_sorted(embedded.begin(), embedded.end()));

  auto r = CmsVerifyDetached(cms, AsBytes(kContent));
  ASSERT_OK(r);
  EXPECT_EQ(r->signer.Der(), leaf.cert.Der());
  ASSERT_EQ(r->certificates.size(), 2u);
  std::vector<Bytes> returned = {r->certificates[0].Der(), r->certificates[1].Der()};
  std::vector<Bytes> expected = {leaf.cert.Der(), ca.cert.Der()};
  std::sort(returned.begin(), returned.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(returned, expected);
}

TEST(CmsVerifyTest, MissingSignerCertificateIsNotFound) {
  const Identity& signer = IdentityFor(KeyAlg::kEcP256);
  const Identity& other = IdentityFor(KeyAlg::kSm2);
  Bytes cms = Sign(signer, kContent);

  auto r = CmsVerifyDetached(WithCertificates(cms, der::Tlv(0xa0, other.cert.Der())),
                             AsBytes(kContent));
  EXPECT_ERROR_CODE(r, ErrorCode::kNotFound);
  EXPECT_EQ(r.error().message, "the signer's certificate is not in the CMS");

  EXPECT_ERROR_CODE(CmsVerifyDetached(WithCertificates(cms, {}), AsBytes(kContent)),
                    ErrorCode::kNotFound);
  // The surgery itself keeps a valid CMS when the certificate is put back.
  EXPECT_OK(CmsVerifyDetached(WithCertificates(cms, der::Tlv(0xa0, signer.cert.Der())),
                              AsBytes(kContent)));
}

TEST(CmsVerifyTest, TruncationsAreMalformed) {
  Bytes cms = Sign(IdentityFor(KeyAlg::kSm2), kContent);
  for (size_t n = 0; n < cms.size(); ++n) {
    auto r = CmsVerifyDetached(ByteView(cms).first(n), AsBytes(kContent));
    ASSERT_FALSE(r.has_value()) << n;
    EXPECT_EQ(r.error().code, ErrorCode::kMalformed) << n << ": " << r.error().ToString();
    EXPECT_EQ(r.error().field, "signature") << n;
  }
  Bytes trailing = cms;
  trailing.push_back(0);
  EXPECT_ERROR_CODE(CmsVerifyDetached(trailing, AsBytes(kContent)), ErrorCode::kMalformed);
}

TEST(CmsVerifyTest, GarbageIsMalformed) {
  for (std::string garbage : {std::string("hello"), std::string(1, '\x30'),
                              std::string("\x30\x80\x00\x00", 4),  // BER indefinite length
                              std::string("-----BEGIN CMS-----\n!!!\n-----END CMS-----\n"),
                              std::string("-----BEGIN CERTIFICATE-----\nAAAA\n-----END "
                                          "CERTIFICATE-----\n")}) {
    auto r = CmsVerifyDetached(AsBytes(garbage), AsBytes(kContent));
    ASSERT_FALSE(r.has_value()) << garbage;
    EXPECT_EQ(r.error().code, ErrorCode::kMalformed) << r.error().ToString();
  }
  // A certificate is DER but not a ContentInfo for SignedData.
  EXPECT_ERROR_CODE(CmsVerifyDetached(IdentityFor(KeyAlg::kSm2).cert.Der(), AsBytes(kContent)),
                    ErrorCode::kMalformed);
}

TEST(CmsVerifyTest, AcceptsPemWithCmsAndPkcs7Labels) {
  Bytes cms = Sign(IdentityFor(KeyAlg::kEcP256), kContent);
  for (std::string label : {"CMS", "PKCS7"}) {
    std::string b64 = Base64Encode(cms), pem = "-----BEGIN " + label + "-----\n";
    for (size_t i = 0; i < b64.size(); i += 64) pem += b64.substr(i, 64) + "\n";
    pem += "-----END " + label + "-----\n";
    EXPECT_OK(CmsVerifyDetached(AsBytes(pem), AsBytes(kContent)));
    EXPECT_ERROR_CODE(CmsVerifyDetached(AsBytes(pem), AsBytes("other")),
                      ErrorCode::kVerifyFailed);
  }
}

}  // namespace
}  // namespace sealkey::crypto
