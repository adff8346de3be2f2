// Building and parsing certificates and requests (D4 details, thumbprints).
#include <gtest/gtest.h>

#include "base/encoding.h"
#include "crypto/x509.h"
#include "crypto/x509_build.h"
#include "testutil/testutil.h"

namespace sealkey::crypto {
namespace {

constexpr int64_t kStart = 1'800'000'000;

CertificateTemplate Template(const char* subject, CertUsage usage = CertUsage::kSigning) {
  CertificateTemplate t;
  t.subject = *ParseDistinguishedName(subject);
  t.not_before = kStart;
  t.not_after = kStart + 365 * 86400;
  t.usage = usage;
  return t;
}

TEST(DistinguishedNameTest, ParsesBothForms) {
  auto slash = ParseDistinguishedName("/C=CN/O=测试单位/CN=张三");
  ASSERT_OK(slash);
  ASSERT_EQ(slash->size(), 3u);
  EXPECT_EQ((*slash)[1], (NameEntry{"O", "测试单位"}));
  auto comma = ParseDistinguishedName("CN=张三, O=Acme\\, Inc., C=CN");
  ASSERT_OK(comma);
  EXPECT_EQ((*comma)[1].value, "Acme, Inc.");
}

TEST(DistinguishedNameTest, RejectsBadInputNamingTheField) {
  for (const char* bad : {"", "CN", "XX=1", "CN=", "C=China", "/"}) {
    auto r = ParseDistinguishedName(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().field, "subject") << bad;
  }
}

struct CertCase {
  KeyAlg alg;
  const char* public_key_algorithm;
  const char* signature_algorithm;
};

void PrintTo(const CertCase& c, std::ostream* os) { *os << KeyAlgToken(c.alg); }

class X509Test : public ::testing::TestWithParam<CertCase> {};

TEST_P(X509Test, SelfSignedCertificateRoundTrip) {
  auto key = PrivateKey::Generate(GetParam().alg);
  ASSERT_OK(key);
  auto cert = SelfSign(*key, Template("/C=CN/O=测试单位/OU=信息部/CN=张三"));
  ASSERT_OK(cert);
  EXPECT_OK(cert->VerifySignature(*key->Public()));

  auto parsed = Certificate::Parse(cert->Der());
  ASSERT_OK(parsed);
  CertificateInfo info = parsed->Info();
  EXPECT_EQ(info.version, 3);
  EXPECT_EQ(FormatName(info.subject), "C=CN, O=测试单位, OU=信息部, CN=张三");
  EXPECT_EQ(info.issuer, info.subject);
  EXPECT_EQ(info.not_before, kStart);
  EXPECT_EQ(info.not_after, kStart + 365 * 86400);
  EXPECT_EQ(info.public_key_algorithm, GetParam().public_key_algorithm);
  EXPECT_EQ(info.signature_algorithm, GetParam().signature_algorithm);
  EXPECT_EQ(info.usage, CertUsage::kSigning);
  EXPECT_EQ(info.key_usage, (std::vector<std::string>{"digitalSignature", "nonRepudiation"}));
  EXPECT_FALSE(info.is_ca);
  EXPECT_EQ(info.serial.size(), 32u);  // 16 bytes, top bit clear, second bit set
  EXPECT_EQ(parsed->Thumbprint(HashAlg::kSm3), Hash(HashAlg::kSm3, cert->Der()));

  // PEM and bare base64 parse to the same certificate.
  auto from_pem = Certificate::Parse(AsBytes(cert->Pem()));
  ASSERT_OK(from_pem);
  EXPECT_EQ(from_pem->Der(), cert->Der());
  auto from_b64 = Certificate::Parse(AsBytes(Base64Encode(cert->Der())));
  ASSERT_OK(from_b64);
  EXPECT_EQ(from_b64->Der(), cert->Der());

  // Another key does not verify it.
  auto other = PrivateKey::Generate(GetParam().alg);
  EXPECT_ERROR_CODE(cert->VerifySignature(*other->Public()), ErrorCode::kVerifyFailed);
}

TEST_P(X509Test, CsrCarriesSubjectAndProofOfPossession) {
  auto key = PrivateKey::Generate(GetParam().alg);
  ASSERT_OK(key);
  auto csr = BuildCsr(*key, *ParseDistinguishedName("/C=CN/O=测试单位/CN=李四"));
  ASSERT_OK(csr);
  auto info = VerifyCsr(*csr);
  ASSERT_OK(info);
  EXPECT_EQ(FormatName(info->subject), "C=CN, O=测试单位, CN=李四");
  EXPECT_TRUE(info->public_key.Equals(*key->Public()));
  // Flip a byte of the signature (the last byte of the DER): no proof of possession.
  Bytes bad = *csr;
  bad.back() ^= 0x01;
  auto r = VerifyCsr(bad);
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().code == ErrorCode::kVerifyFailed || r.error().code == ErrorCode::kMalformed)
      << r.error().ToString();
  EXPECT_ERROR_CODE(VerifyCsr(ByteView(*csr).first(csr->size() - 10)), ErrorCode::kMalformed);
}

INSTANTIATE_TEST_SUITE_P(Algorithms, X509Test,
                         ::testing::Values(CertCase{KeyAlg::kSm2, "SM2", "SM3withSM2"},
                                           CertCase{KeyAlg::kEcP256, "ECDSA P-256", "SHA256withECDSA"},
                                           CertCase{KeyAlg::kRsa2048, "RSA", "SHA256withRSA"}),
                         [](const auto& info) { return std::string(KeyAlgToken(info.param.alg)); });

TEST(X509IssueTest, CaIssuesEncryptionCertificate) {
  auto ca_key = PrivateKey::Generate(KeyAlg::kSm2);
  CertificateTemplate ca_t = Template("/C=CN/O=sealkey/CN=sealkey Test CA");
  ca_t.is_ca = true;
  ca_t.path_length = 0;
  auto ca = SelfSign(*ca_key, ca_t);
  ASSERT_OK(ca);
  EXPECT_TRUE(ca->Info().is_ca);

  auto user_key = PrivateKey::Generate(KeyAlg::kSm2);
  auto cert = IssueCertificate(Template("/C=CN/CN=王五", CertUsage::kEncryption),
                               *user_key->Public(), *ca_key, &*ca);
  ASSERT_OK(cert);
  CertificateInfo info = cert->Info();
  EXPECT_EQ(info.usage, CertUsage::kEncryption);
  EXPECT_EQ(FormatName(info.issuer), "C=CN, O=sealkey, CN=sealkey Test CA");
  EXPECT_OK(cert->VerifySignature(*ca_key->Public()));
  EXPECT_ERROR_CODE(cert->VerifySignature(*user_key->Public()), ErrorCode::kVerifyFailed);
}

TEST(X509IssueTest, RejectsInvertedValidity) {
  auto key = PrivateKey::Generate(KeyAlg::kEcP256);
  CertificateTemplate t = Template("/CN=x");
  t.not_after = t.not_before;
  auto r = SelfSign(*key, t);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "validity");
}

TEST(X509ParseTest, GarbageAndTruncationGiveClearErrors) {
  EXPECT_ERROR_CODE(Certificate::Parse(AsBytes("hello world")), ErrorCode::kMalformed);
  EXPECT_ERROR_CODE(Certificate::Parse(AsBytes("-----BEGIN CERTIFICATE-----\nAAAA\n")),
                    ErrorCode::kMalformed);
  auto key = PrivateKey::Generate(KeyAlg::kEcP256);
  auto cert = SelfSign(*key, Template("/CN=x"));
  Bytes der = cert->Der();
  for (size_t len : {size_t{0}, size_t{1}, size_t{4}, der.size() / 2, der.size() - 1}) {
    auto r = Certificate::Parse(ByteView(der).first(len));
    ASSERT_FALSE(r) << len;
    EXPECT_EQ(r.error().field, "certificate");
  }
  der.push_back(0);
  EXPECT_ERROR_CODE(Certificate::Parse(der), ErrorCode::kMalformed);
}

}  // namespace
}  // namespace sealkey::crypto
