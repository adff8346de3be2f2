// The end-entity TBSCertificate sealkey writes (ca/tbs_der.cc) must be byte
// for byte what OpenSSL's X509 builder and X509V3_EXT_conf_nid make from the
// same request: the reference below is how sealkey built certificates before
// (sessions 1-3), kept here as the oracle.
#include "ca/ca_fixture.h"

#include <openssl/bn.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "base/der.h"

namespace sealkey::ca {
namespace {

using crypto::UniquePtr;

void AddExt(X509* x, X509V3_CTX* ctx, int nid, const std::string& value) {
  UniquePtr<X509_EXTENSION> ext(X509V3_EXT_conf_nid(nullptr, ctx, nid, value.c_str()));
  ASSERT_NE(ext, nullptr) << OBJ_nid2sn(nid);
  ASSERT_EQ(X509_add_ext(x, ext.get(), -1), 1);
}

Bytes OpensslTbs(const CaContext& ca, const IssueRequest& r, ByteView serial) {
  UniquePtr<X509> x(X509_new());
  UniquePtr<BIGNUM> bn(BN_bin2bn(serial.data(), static_cast<int>(serial.size()), nullptr));
  UniquePtr<X509_NAME> subject(X509_NAME_new());
  for (const auto& e : r.subject) {
    X509_NAME_add_entry_by_txt(subject.get(), e.type.c_str(), MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(e.value.data()),
                               static_cast<int>(e.value.size()), -1, 0);
  }
  X509_set_version(x.get(), X509_VERSION_3);
  BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(x.get()));
  ASN1_TIME_set(X509_getm_notBefore(x.get()), static_cast<time_t>(r.not_before));
  ASN1_TIME_set(X509_getm_notAfter(x.get()), static_cast<time_t>(r.not_after));
  X509_set_subject_name(x.get(), subject.get());
  X509_set_issuer_name(x.get(), X509_get_subject_name(ca.cert.get()));
  X509_set_pubkey(x.get(), r.subject_key->get());
  crypto::KeyType ca_type = ca.signer->key_type();
  int sig_nid = ca_type == crypto::KeyType::kSm2     ? NID_SM2_with_SM3
                : ca_type == crypto::KeyType::kEcP256 ? NID_ecdsa_with_SHA256
                                                       : NID_sha256WithRSAEncryption;
  X509_ALGOR* alg = const_cast<X509_ALGOR*>(X509_get0_tbs_sigalg(x.get()));
  X509_ALGOR_set0(alg, OBJ_nid2obj(sig_nid),
                  ca_type == crypto::KeyType::kRsa ? V_ASN1_NULL : V_ASN1_UNDEF, nullptr);
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, ca.cert.get(), x.get(), nullptr, nullptr, 0);
  bool rsa = r.subject_key->type() == crypto::KeyType::kRsa;
  AddExt(x.get(), &ctx, NID_basic_constraints, "critical,CA:FALSE");
  AddExt(x.get(), &ctx, NID_key_usage,
         r.usage == CertUsage::kSigning ? "critical,digitalSignature,nonRepudiation"
         : rsa ? "critical,keyEncipherment,dataEncipherment"
               : "critical,keyEncipherment,dataEncipherment,keyAgreement");
  AddExt(x.get(), &ctx, NID_ext_key_usage, "clientAuth,emailProtection");
  AddExt(x.get(), &ctx, NID_subject_key_identifier, "hash");
  AddExt(x.get(), &ctx, NID_authority_key_identifier, "keyid:always");
  if (!ca.crl_url.empty()) AddExt(x.get(), &ctx, NID_crl_distribution_points, "URI:" + ca.crl_url);
  if (!ca.ocsp_url.empty()) AddExt(x.get(), &ctx, NID_info_access, "OCSP;URI:" + ca.ocsp_url);
  unsigned char* out = nullptr;
  int len = i2d_re_X509_tbs(x.get(), &out);
  Bytes tbs(out, out + (len > 0 ? len : 0));
  OPENSSL_free(out);
  return tbs;
}

// The TBSCertificate inside a signed certificate's DER.
Bytes TbsOf(ByteView cert) {
  der::Reader outer(cert, "certificate");
  auto seq = outer.ReadSequence();
  EXPECT_TRUE(seq.has_value());
  auto tbs = seq->ReadRaw(der::kSequence);
  EXPECT_TRUE(tbs.has_value());
  return Bytes(tbs->begin(), tbs->end());
}

class TbsDerTest : public ::testing::TestWithParam<KeyAlg> {};

TEST_P(TbsDerTest, SameBytesAsOpensslForEveryProfileUsageKeyAndUrlChoice) {
  const TestCa& base = CaFor(GetParam());
  for (KeyAlg leaf : {KeyAlg::kSm2, KeyAlg::kEcP256, KeyAlg::kRsa2048}) {
    auto pub = PublicOf(KeyFor(leaf));
    if (!CaMayIssue(base.signer->key_type(), pub.type())) continue;
    for (int urls = 0; urls < 4; ++urls) {
      CaContext ca{base.ctx.id, base.ctx.cert.Clone(), {}, base.ctx.signer,
                   urls & 1 ? base.ctx.crl_url : "", urls & 2 ? base.ctx.ocsp_url : ""};
      for (Profile profile : {Profile::kPersonal, Profile::kOrganisation, Profile::kEmployee}) {
        for (CertUsage usage : {CertUsage::kSigning, CertUsage::kEncryption}) {
          SCOPED_TRACE(std::string(crypto::KeyAlgToken(leaf)) + " " +
                       std::string(ProfileToken(profile)) + " " +
                       std::string(crypto::CertUsageToken(usage)) + " urls=" +
                       std::to_string(urls));
          IssueRequest r = Request(pub, profile, usage);
          r.serial = NewSerial();
          auto issued = IssueEndEntityDer(ca, r);
          ASSERT_OK(issued);
          ASSERT_EQ(HexEncode(TbsOf(issued->der)), HexEncode(OpensslTbs(ca, r, r.serial)));
        }
      }
    }
  }
}

// RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050, as
// ASN1_TIME_set writes them. A CA made in 2045 can issue across the change.
TEST_P(TbsDerTest, ValidityAcross2050) {
  constexpr int64_t k2045 = 2'366'841'600, k2050 = 2'524'608'000;
  auto h = CreateHierarchy(GetParam(), "sealkey 测试", k2045);
  ASSERT_OK(h);
  crypto::KeySigner signer(h->issuing_key);
  CaContext ca{"late", h->issuing.Clone(), {}, &signer, "", "http://ca.example.cn/ocsp"};
  auto pub = PublicOf(KeyFor(GetParam() == KeyAlg::kSm2 ? KeyAlg::kSm2 : KeyAlg::kEcP256));
  for (auto [nb, na] : {std::pair{k2050 - 86400, k2050 - 1}, std::pair{k2050 - 86400, k2050},
                        std::pair{k2050, k2050 + 86400}}) {
    IssueRequest r = Request(pub, Profile::kPersonal, CertUsage::kSigning);
    r.not_before = nb;
    r.not_after = na;
    r.serial = NewSerial();
    auto issued = IssueEndEntityDer(ca, r);
    ASSERT_OK(issued);
    EXPECT_EQ(HexEncode(TbsOf(issued->der)), HexEncode(OpensslTbs(ca, r, r.serial)));
    auto cert = crypto::Certificate::FromDer(issued->der);
    ASSERT_OK(cert);
    EXPECT_EQ(cert->Info().not_before, nb);
    EXPECT_EQ(cert->Info().not_after, na);
  }
}

INSTANTIATE_TEST_SUITE_P(Algs, TbsDerTest,
                         ::testing::Values(KeyAlg::kSm2, KeyAlg::kEcP256, KeyAlg::kRsa2048),
                         [](const auto& info) {
                           return std::string(crypto::KeyAlgToken(info.param));
                         });

}  // namespace
}  // namespace sealkey::ca
