// CRLs and OCSP responses built by sealkey, checked with the real openssl CLI
// (OpenSSL 3.0): `openssl crl -CAfile`, `openssl verify -crl_check` and
// `openssl ocsp`. SM2 signatures are checked with sealkey itself; what
// OpenSSL 3.0 says about them is printed (see Sm2*).
#include <ctime>
#include <iostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <openssl/x509v3.h>

#include "base/der.h"
#include "base/encoding.h"
#include "ca/crl_ocsp.h"
#include "crl_ocsp_fixture.h"
#include "crypto/signed_der.h"
#include "testutil/testutil.h"

namespace sealkey::ca {
namespace {

using crypto::KeyAlg;

TEST(RevocationReason, TokensRoundTrip) {
  for (auto r : {RevocationReason::kUnspecified, RevocationReason::kKeyCompromise,
                 RevocationReason::kCaCompromise, RevocationReason::kAffiliationChanged,
                 RevocationReason::kSuperseded, RevocationReason::kCessationOfOperation,
                 RevocationReason::kCertificateHold, RevocationReason::kPrivilegeWithdrawn}) {
    auto parsed = ParseReason(ReasonToken(r));
    ASSERT_OK(parsed);
    EXPECT_EQ(*parsed, r);
  }
  EXPECT_EQ(ReasonToken(RevocationReason::kCaCompromise), "cACompromise");
  EXPECT_EQ(ParseReason("key_compromise").value(), RevocationReason::kKeyCompromise);
  EXPECT_ERROR_CODE(ParseReason("removeFromCRL"), ErrorCode::kInvalidArgument);
  EXPECT_EQ(ParseReason("").error().field, "reason");
}

class Revocation : public RevocationFixture,
                   public ::testing::WithParamInterface<KeyAlg> {
 protected:
  void SetUp() override { UsePki(GetParam()); }
};

TEST_P(Revocation, EmptyCrlVerifiesWithOpenssl) {
  auto crl = BuildCrl(pki().ca, *signer_, now_ - 60, now_ + 86400, 7, {});
  ASSERT_OK(crl);
  Write("crl.der", *crl);
  auto r = Openssl({"crl", "-in", F("crl.der"), "-inform", "DER", "-CAfile", F("ca.pem"),
                    "-noout", "-text"});
  EXPECT_EQ(r.exit_code, 0) << r.all;
  EXPECT_NE(r.all.find("verify OK"), std::string::npos) << r.all;
  EXPECT_NE(r.all.find("Version 2"), std::string::npos) << r.all;
  EXPECT_NE(r.all.find("No Revoked Certificates"), std::string::npos) << r.all;
  EXPECT_NE(r.all.find("X509v3 CRL Number"), std::string::npos) << r.all;
  EXPECT_NE(r.all.find("X509v3 Authority Key Identifier"), std::string::npos) << r.all;
  EXPECT_NE(r.all.find(CaSkiHex()), std::string::npos) << "AKI = SKI " << CaSkiHex();

  ToPem("crl.der", "crl.pem");
  auto ok = VerifyWithCrl("leaf2.pem");
  EXPECT_EQ(ok.exit_code, 0) << ok.all;
  EXPECT_NE(ok.all.find(": OK"), std::string::npos) << ok.all;

  // The check can fail: one flipped signature bit.
  Bytes bad = *crl;
  bad.back() ^= 1;
  Write("bad.der", bad);
  auto r2 = Openssl({"crl", "-in", F("bad.der"), "-inform", "DER", "-CAfile", F("ca.pem"),
                     "-noout"});
  EXPECT_EQ(r2.all.find("verify OK"), std::string::npos) << r2.all;
  EXPECT_NE(r2.all.find("verify failure"), std::string::npos) << r2.all;
}

TEST_P(Revocation, CrlWithTwoEntriesRevokesThoseLeaves) {
  std::vector<RevokedCert> revoked = {
      {Serial(0), now_ - 3600, RevocationReason::kKeyCompromise},
      {Serial(1), now_ - 1800, RevocationReason::kUnspecified},
  };
  auto crl = BuildCrl(pki().ca, *signer_, now_ - 60, now_ + 86400, 8, revoked);
  ASSERT_OK(crl);
  Write("crl.der", *crl);
  auto r = Openssl({"crl", "-in", F("crl.der"), "-inform", "DER", "-CAfile", F("ca.pem"),
                    "-noout", "-text"});
  EXPECT_EQ(r.exit_code, 0) << r.all;
  EXPECT_NE(r.all.find("verify OK"), std::string::npos) << r.all;
  EXPECT_NE(r.all.find("Serial Number: " + HexEncodeUpper(Serial(0))), std::string::npos)
      << r.all;
  EXPECT_NE(r.all.find("Serial Number: " + HexEncodeUpper(Serial(1))), std::string::npos)
      << r.all;
  EXPECT_NE(r.all.find("Key Compromise"), std::string::npos) << r.all;
  // reasonCode only on the first entry (omitted for unspecified).
  EXPECT_EQ(Count(r.all, "CRL Reason Code"), 1u) << r.all;

  ToPem("crl.der", "crl.pem");
  for (const char* leaf : {"leaf0.pem", "leaf1.pem"}) {
    auto v = VerifyWithCrl(leaf);
    EXPECT_NE(v.exit_code, 0) << leaf;
    EXPECT_NE(v.all.find("certificate revoked"), std::string::npos) << leaf << ": " << v.all;
  }
  auto ok = VerifyWithCrl("leaf2.pem");
  EXPECT_EQ(ok.exit_code, 0) << ok.all;
  EXPECT_NE(ok.all.find(": OK"), std::string::npos) << ok.all;
}

TEST_P(Revocation, OpensslRequestsParse) {
  struct Case {
    std::vector<std::string> flags;
    std::string hash;
    bool nonce;
  };
  for (const Case& c : {Case{{}, "sha1", true}, Case{{"-no_nonce"}, "sha1", false},
                        Case{{"-sha256"}, "sha256", true},
                        Case{{"-sm3", "-no_nonce"}, "sm3", false}}) {
    SCOPED_TRACE(c.hash);
    auto req = MakeRequest({"leaf0.pem"}, c.flags);
    ASSERT_OK(req);
    ASSERT_EQ(req->ids.size(), 1u);
    const OcspCertId& id = req->ids[0];
    EXPECT_EQ(id.hash_alg, c.hash);
    EXPECT_EQ(id.serial, Serial(0));
    EXPECT_TRUE(IssuedBy(id, pki().ca));
    EXPECT_FALSE(IssuedBy(id, other().ca));
    ASSERT_EQ(req->nonce.has_value(), c.nonce);
    // OpenSSL's nonce: an OCTET STRING around 16 random bytes.
    if (c.nonce) {
      EXPECT_EQ(req->nonce->size(), 18u);
    }
  }
  // Two certificates, and a signed request (its signature is not checked).
  auto two = MakeRequest({"leaf0.pem", "leaf2.pem"}, {});
  ASSERT_OK(two);
  ASSERT_EQ(two->ids.size(), 2u);
  EXPECT_EQ(two->ids[1].serial, Serial(2));
  auto signed_req = MakeRequest({"leaf1.pem"}, {"-signer", F("leaf0.pem"), "-signkey",
                                               F("leaf.key")});
  ASSERT_OK(signed_req);
  EXPECT_EQ(signed_req->ids.at(0).serial, Serial(1));
}

TEST_P(Revocation, OcspResponsesVerifyWithOpenssl) {
  struct Case {
    CertStatus status;
    std::string summary;
  };
  for (const Case& c : {Case{CertStatus::kGood, "leaf0.pem: good"},
                        Case{CertStatus::kRevoked, "leaf0.pem: revoked"},
                        Case{CertStatus::kUnknown, "leaf0.pem: unknown"}}) {
    SCOPED_TRACE(c.summary);
    auto req = MakeRequest({"leaf0.pem"}, {"-no_nonce"});
    ASSERT_OK(req);
    OcspAnswer a = Answer(req->ids[0], c.status);
    auto resp = BuildOcspResponse(pki().ca, *signer_, {a}, std::nullopt, now_);
    ASSERT_OK(resp);
    Write("resp.der", *resp);
    auto r = CheckResponse({"leaf0.pem"}, {});
    EXPECT_EQ(r.exit_code, 0) << r.all;
    EXPECT_NE(r.all.find("Response verify OK"), std::string::npos) << r.all;
    EXPECT_EQ(r.all.find("WARNING"), std::string::npos) << r.all;
    EXPECT_NE(r.all.find(c.summary), std::string::npos) << r.all;
    EXPECT_NE(r.all.find("Responder Id: " + KeyHashHex()), std::string::npos) << r.all;
    EXPECT_NE(r.all.find("Next Update:"), std::string::npos) << r.all;
    if (c.status == CertStatus::kRevoked) {
      EXPECT_NE(r.all.find("Reason: keyCompromise"), std::string::npos) << r.all;
    }

    // The check can fail: the same response with a tampered producedAt.
    Bytes bad = *resp;
    ASSERT_TRUE(TamperProducedAt(bad));
    Write("resp.der", bad);
    auto r2 = CheckResponse({"leaf0.pem"}, {});
    EXPECT_NE(r2.exit_code, 0);
    EXPECT_EQ(r2.all.find("Response verify OK"), std::string::npos) << r2.all;
  }
}

TEST_P(Revocation, OcspSha256AndSeveralCertIds) {
  auto req = MakeRequest({"leaf0.pem", "leaf2.pem"}, {"-sha256", "-no_nonce"});
  ASSERT_OK(req);
  ASSERT_EQ(req->ids.size(), 2u);
  std::vector<OcspAnswer> answers = {Answer(req->ids[0], CertStatus::kRevoked),
                                     Answer(req->ids[1], CertStatus::kGood)};
  answers[0].reason = RevocationReason::kSuperseded;
  auto resp = BuildOcspResponse(pki().ca, *signer_, answers, std::nullopt, now_);
  ASSERT_OK(resp);
  Write("resp.der", *resp);
  auto r = CheckResponse({"leaf0.pem", "leaf2.pem"}, {"-sha256"});
  EXPECT_EQ(r.exit_code, 0) << r.all;
  EXPECT_NE(r.all.find("Response verify OK"), std::string::npos) << r.all;
  EXPECT_NE(r.all.find("leaf0.pem: revoked"), std::string::npos) << r.all;
  EXPECT_NE(r.all.find("Reason: superseded"), std::string::npos) << r.all;
  EXPECT_NE(r.all.find("leaf2.pem: good"), std::string::npos) << r.all;
}

TEST_P(Revocation, OcspNonceIsEchoed) {
  auto req = MakeRequest({"leaf0.pem"}, {});
  ASSERT_OK(req);
  ASSERT_TRUE(req->nonce.has_value());
  OcspAnswer a = Answer(req->ids[0], CertStatus::kGood);
  auto check = [&](const std::optional<Bytes>& nonce) {
    auto resp = BuildOcspResponse(pki().ca, *signer_, {a}, nonce, now_);
    EXPECT_TRUE(resp.has_value());
    Write("resp.der", resp.value_or(Bytes{}));
    return Openssl({"ocsp", "-reqin", F("req.der"), "-respin", F("resp.der"), "-CAfile",
                    F("ca.pem")});
  };
  auto echoed = check(req->nonce);
  EXPECT_EQ(echoed.exit_code, 0) << echoed.all;
  EXPECT_NE(echoed.all.find("Response verify OK"), std::string::npos) << echoed.all;
  EXPECT_EQ(echoed.all.find("once"), std::string::npos) << echoed.all;

  Bytes other = *req->nonce;
  other.back() ^= 0x55;
  auto wrong = check(other);
  EXPECT_NE(wrong.exit_code, 0);
  EXPECT_NE(wrong.all.find("Nonce Verify error"), std::string::npos) << wrong.all;

  auto missing = check(std::nullopt);
  EXPECT_NE(missing.all.find("WARNING: no nonce in response"), std::string::npos)
      << missing.all;
}

TEST_P(Revocation, OtherCertIdHashesAreEchoedAsUnknown) {
  auto req = MakeRequest({"leaf0.pem"}, {"-sha512", "-no_nonce"});
  ASSERT_OK(req);
  EXPECT_EQ(req->ids.at(0).hash_alg, "2.16.840.1.101.3.4.2.3");  // kept as its OID
  EXPECT_FALSE(IssuedBy(req->ids[0], pki().ca));
  auto resp = BuildOcspResponse(pki().ca, *signer_, {Answer(req->ids[0], CertStatus::kUnknown)},
                                std::nullopt, now_);
  ASSERT_OK(resp);
  Write("resp.der", *resp);
  auto r = CheckResponse({"leaf0.pem"}, {"-sha512"});
  EXPECT_NE(r.all.find("Response verify OK"), std::string::npos) << r.all;
  EXPECT_NE(r.all.find("leaf0.pem: unknown"), std::string::npos) << r.all;
}

TEST_P(Revocation, SignerMustHoldTheCaKey) {
  crypto::KeySigner wrong(other().ca_key);
  auto crl = BuildCrl(pki().ca, wrong, now_, now_ + 60, 1, {});
  EXPECT_ERROR_CODE(crl, ErrorCode::kInvalidArgument);
  EXPECT_EQ(crl.error().field, "key");
  auto req = MakeRequest({"leaf0.pem"}, {"-no_nonce"});
  ASSERT_OK(req);
  auto resp = BuildOcspResponse(pki().ca, wrong, {Answer(req->ids[0], CertStatus::kGood)},
                                std::nullopt, now_);
  EXPECT_ERROR_CODE(resp, ErrorCode::kInvalidArgument);
}

class Sm2Revocation : public RevocationFixture {
 protected:
  void SetUp() override { UsePki(KeyAlg::kSm2); }
};

TEST_F(Sm2Revocation, CrlSignatureVerifiesWithSealkey) {
  std::vector<RevokedCert> revoked = {
      {Serial(0), now_ - 3600, RevocationReason::kKeyCompromise},
      {Serial(1), now_ - 1800, RevocationReason::kCessationOfOperation}};
  auto crl = BuildCrl(pki().ca, *signer_, now_ - 60, now_ + 86400, 3, revoked);
  ASSERT_OK(crl);
  auto key = pki().ca.PublicKeyOf();
  ASSERT_OK(key);
  EXPECT_OK(crypto::VerifySignedDer(*crl, *key, {}, "crl"));
  Bytes bad = *crl;
  bad[bad.size() - 10] ^= 1;
  EXPECT_ERROR_CODE(crypto::VerifySignedDer(bad, *key, {}, "crl"), ErrorCode::kVerifyFailed);
  // Other SM2 IDs do not verify: the default ID was used.
  crypto::SignOptions empty_id;
  empty_id.sm2_id = "";
  EXPECT_FALSE(crypto::VerifySignedDer(*crl, *key, empty_id, "crl").has_value());

  // OpenSSL verifies the raw signature when given the default ID.
  auto parts = SplitSigned(*crl);
  ASSERT_OK(parts);
  auto raw = PkeyutlVerifySm2(*parts);
  EXPECT_NE(raw.all.find("Signature Verified Successfully"), std::string::npos) << raw.all;

  // What `openssl crl` makes of it (reported, not asserted beyond parsing).
  Write("crl.der", *crl);
  auto r = Openssl({"crl", "-in", F("crl.der"), "-inform", "DER", "-CAfile", F("ca.pem"),
                    "-noout", "-text"});
  EXPECT_NE(r.all.find("SM2-with-SM3"), std::string::npos) << r.all;
  EXPECT_NE(r.all.find("Key Compromise"), std::string::npos) << r.all;
  std::cout << "[openssl crl -CAfile, SM2 CRL] exit " << r.exit_code << ": "
            << (r.all.find("verify OK") != std::string::npos ? "verify OK" : "NOT verified")
            << "\n";
  ToPem("crl.der", "crl.pem");
  auto v = VerifyWithCrl("leaf0.pem");
  std::cout << "[openssl verify -crl_check, SM2, revoked leaf] exit " << v.exit_code << ": "
            << (v.all.find("CRL signature failure") != std::string::npos ? "CRL signature failure"
                                                                        : v.all)
            << "\n";
}

TEST_F(Sm2Revocation, OcspResponseSignatureVerifiesWithSealkey) {
  auto req = MakeRequest({"leaf0.pem"}, {"-sm3"});
  ASSERT_OK(req);
  EXPECT_EQ(req->ids.at(0).hash_alg, "sm3");
  EXPECT_TRUE(IssuedBy(req->ids[0], pki().ca));
  auto resp = BuildOcspResponse(pki().ca, *signer_, {Answer(req->ids[0], CertStatus::kRevoked)},
                                req->nonce, now_);
  ASSERT_OK(resp);
  auto key = pki().ca.PublicKeyOf();
  ASSERT_OK(key);
  auto basic = BasicResponseOf(*resp);
  ASSERT_OK(basic);
  auto parts = SplitSigned(*basic);
  ASSERT_OK(parts);
  EXPECT_OK(crypto::VerifyMessage(*key, parts->tbs, parts->sig, {}));
  Bytes bad_tbs = parts->tbs;
  ASSERT_TRUE(TamperProducedAt(bad_tbs));
  EXPECT_ERROR_CODE(crypto::VerifyMessage(*key, bad_tbs, parts->sig, {}),
                    ErrorCode::kVerifyFailed);
  auto raw = PkeyutlVerifySm2(*parts);
  EXPECT_NE(raw.all.find("Signature Verified Successfully"), std::string::npos) << raw.all;

  // What `openssl ocsp` makes of it (reported).
  Write("resp.der", *resp);
  auto r = CheckResponse({"leaf0.pem"}, {"-sm3"});
  EXPECT_NE(r.all.find("leaf0.pem: revoked"), std::string::npos) << r.all;
  std::cout << "[openssl ocsp -respin, SM2 response] exit " << r.exit_code << ": "
            << (r.all.find("Response verify OK") != std::string::npos ? "Response verify OK"
                                                                      : "NOT verified")
            << "\n";
}

TEST(CrlTimes, UtcTimeBefore2050GeneralizedTimeFrom2050) {
  Pki pki = MakePki(KeyAlg::kEcP256, "时间 CA");
  crypto::KeySigner signer(pki.ca_key);
  auto crl = BuildCrl(pki.ca, signer, 2524521600 /* 2049-12-31 */, 2524694400 /* 2050-01-02 */,
                      1, {{LeafSerial(0), 2524608000 /* 2050-01-01 */,
                           RevocationReason::kSuperseded}});
  ASSERT_OK(crl);
  der::Reader top(*crl);
  auto tbs = top.ReadSequence()->ReadSequence();
  ASSERT_OK(tbs);
  for (uint8_t tag : {der::kInteger, der::kSequence, der::kSequence}) ASSERT_OK(tbs->Read(tag));
  EXPECT_EQ(AsChars(tbs->Read(der::kUtcTime).value()), "491231000000Z");
  EXPECT_EQ(AsChars(tbs->Read(der::kGeneralizedTime).value()), "20500102000000Z");
  auto entries = tbs->ReadSequence();
  ASSERT_OK(entries);
  auto entry = entries->ReadSequence();
  ASSERT_OK(entry);
  ASSERT_OK(entry->ReadUnsignedInteger());
  EXPECT_EQ(AsChars(entry->Read(der::kGeneralizedTime).value()), "20500101000000Z");
  EXPECT_ERROR_CODE(BuildCrl(pki.ca, signer, 100, 50, 1, {}), ErrorCode::kInvalidArgument);
}

TEST(OcspRequest, MalformedRequestsAreRejected) {
  testing::TempDir dir;
  Pki pki = MakePki(KeyAlg::kEcP256, "请求 CA");
  testing::WriteFile(dir.File("ca.pem"), AsBytes(pki.ca.Pem()));
  testing::WriteFile(dir.File("leaf.pem"), AsBytes(pki.leaves[0].Pem()));
  auto r = testing::RunCommand({"openssl", "ocsp", "-issuer", dir.File("ca.pem"), "-cert",
                                dir.File("leaf.pem"), "-reqout", dir.File("req.der")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Bytes good = testing::ReadFileOrDie(dir.File("req.der"));
  ASSERT_OK(ParseOcspRequest(good));

  Bytes truncated(good.begin(), good.end() - 1);
  Bytes trailing = good;
  trailing.push_back(0);
  Bytes wrong_tag = good;
  wrong_tag[0] = der::kSet;
  const Bytes no_ids = {0x30, 0x04, 0x30, 0x02, 0x30, 0x00};
  for (const Bytes& bad : {truncated, trailing, wrong_tag, no_ids, Bytes{}}) {
    auto parsed = ParseOcspRequest(bad);
    EXPECT_ERROR_CODE(parsed, ErrorCode::kMalformed);
    EXPECT_EQ(parsed.error().field, "request");
  }

  // Every proper prefix fails; flipped bytes never crash (run under ASan too).
  for (size_t n = 0; n < good.size(); ++n) {
    EXPECT_FALSE(ParseOcspRequest(ByteView(good).first(n)).has_value()) << n;
  }
  for (size_t i = 0; i < good.size(); ++i) {
    for (uint8_t flip : {0x01, 0x80, 0xff}) {
      Bytes m = good;
      m[i] ^= flip;
      (void)ParseOcspRequest(m);
    }
  }

  Bytes err = OcspErrorResponse(1);
  EXPECT_EQ(err, (Bytes{0x30, 0x03, 0x0a, 0x01, 0x01}));
  testing::WriteFile(dir.File("err.der"), err);
  auto e = testing::RunCommand({"openssl", "ocsp", "-respin", dir.File("err.der"), "-resp_text"});
  EXPECT_NE((e.out + e.err).find("Responder Error: malformedrequest (1)"), std::string::npos)
      << e.out << e.err;
}

INSTANTIATE_TEST_SUITE_P(Algs, Revocation, ::testing::Values(KeyAlg::kEcP256, KeyAlg::kRsa2048),
                         [](const auto& info) { return std::string(info.param == KeyAlg::kEcP256
                                                                       ? "P256" : "RSA"); });

}  // namespace
}  // namespace sealkey::ca
