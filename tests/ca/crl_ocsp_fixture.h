// Test PKIs and openssl CLI helpers for crl_ocsp_test.cc.
#pragma once

#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <openssl/x509v3.h>

#include "base/der.h"
#include "base/encoding.h"
#include "ca/crl_ocsp.h"
#include "crypto/digest.h"
#include "crypto/x509_build.h"
#include "testutil/testutil.h"

namespace sealkey::ca {

// A CA with an SKI and three leaves with serials 1001, 1002, 1003 (one key).
struct Pki {
  crypto::PrivateKey ca_key;
  crypto::Certificate ca;
  crypto::PrivateKey leaf_key;
  std::vector<crypto::Certificate> leaves;
};

inline Bytes LeafSerial(int i) { return {0x10, static_cast<uint8_t>(0x01 + i)}; }

inline Pki MakePki(crypto::KeyAlg alg, const std::string& ca_name) {
  using namespace crypto;
  int64_t now = std::time(nullptr);
  CertificateTemplate t;
  t.not_before = now - 86400;
  t.not_after = now + 30 * 86400;
  t.subject = ParseDistinguishedName("/C=CN/O=测试单位/CN=" + ca_name).value();
  t.is_ca = true;
  PrivateKey ca_key = PrivateKey::Generate(alg).value();
  Certificate ca = SelfSign(ca_key, t).value();
  PrivateKey leaf_key = PrivateKey::Generate(alg).value();
  std::vector<Certificate> leaves;
  t.is_ca = false;
  for (int i = 0; i < 3; ++i) {
    t.subject = ParseDistinguishedName("/C=CN/O=测试单位/CN=张三 " + std::to_string(i)).value();
    t.serial = LeafSerial(i);
    leaves.push_back(IssueCertificate(t, leaf_key.Public().value(), ca_key, &ca).value());
  }
  return Pki{std::move(ca_key), std::move(ca), std::move(leaf_key), std::move(leaves)};
}

inline std::string PemWrap(const std::string& label, ByteView der) {
  std::string b64 = Base64Encode(der), out = "-----BEGIN " + label + "-----\n";
  for (size_t i = 0; i < b64.size(); i += 64) out += b64.substr(i, 64) + "\n";
  return out + "-----END " + label + "-----\n";
}

inline size_t Count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t p = haystack.find(needle); p != std::string::npos;
       p = haystack.find(needle, p + 1)) {
    ++n;
  }
  return n;
}

// The to-be-signed bytes and signature of SEQUENCE { tbs, AlgorithmIdentifier,
// BIT STRING, ... } (a CRL, a BasicOCSPResponse).
struct SignedParts {
  Bytes tbs;
  Bytes sig;
};
inline Result<SignedParts> SplitSigned(ByteView der) {
  der::Reader top(der, "signed");
  auto seq = top.ReadSequence();
  if (!seq) return Fail(seq.error());
  auto tbs = seq->ReadRaw(der::kSequence);
  if (!tbs) return Fail(tbs.error());
  SEALKEY_RETURN_IF_ERROR(seq->Read(der::kSequence));
  auto sig = seq->ReadBitStringBytes();
  if (!sig) return Fail(sig.error());
  return SignedParts{Bytes(tbs->begin(), tbs->end()), Bytes(sig->begin(), sig->end())};
}

// The BasicOCSPResponse DER inside a successful OCSPResponse.
inline Result<Bytes> BasicResponseOf(ByteView resp) {
  der::Reader top(resp, "response");
  auto outer = top.ReadSequence();
  if (!outer) return Fail(outer.error());
  auto status = outer->Read(0x0a);
  if (!status) return Fail(status.error());
  auto bytes = outer->Read(0xa0);
  if (!bytes) return Fail(bytes.error());
  der::Reader rb_reader(*bytes, "response");
  auto rb = rb_reader.ReadSequence();
  if (!rb) return Fail(rb.error());
  SEALKEY_RETURN_IF_ERROR(rb->Read(der::kOid));
  auto basic = rb->Read(der::kOctetString);
  if (!basic) return Fail(basic.error());
  return Bytes(basic->begin(), basic->end());
}

class RevocationFixture : public ::testing::Test {
 protected:
  struct Out {
    int exit_code = -1;
    std::string all;  // stdout + stderr
  };

  // Makes the PKI (and a second, unrelated CA) and writes ca.pem,
  // leaf0..2.pem and leaf.key.
  void UsePki(crypto::KeyAlg alg) {
    pki_.emplace(MakePki(alg, "测试根 CA"));
    other_.emplace(MakePki(alg, "其他 CA"));
    signer_ = std::make_unique<crypto::KeySigner>(pki_->ca_key);
    WriteText("ca.pem", pki_->ca.Pem());
    for (size_t i = 0; i < pki_->leaves.size(); ++i) {
      WriteText("leaf" + std::to_string(i) + ".pem", pki_->leaves[i].Pem());
    }
    WriteText("leaf.key", PemWrap("PRIVATE KEY", pki_->leaf_key.ToPkcs8Der()->span()));
  }
  const Pki& pki() const { return *pki_; }
  const Pki& other() const { return *other_; }
  Bytes Serial(int i) const { return LeafSerial(i); }

  std::string F(const std::string& name) const { return dir_.File(name); }
  void Write(const std::string& name, ByteView data) { testing::WriteFile(F(name), data); }
  void WriteText(const std::string& name, const std::string& s) { Write(name, AsBytes(s)); }

  Out Openssl(std::vector<std::string> args) {
    args.insert(args.begin(), "openssl");
    auto r = testing::RunCommand(args);
    return Out{r.exit_code, r.out + r.err};
  }
  void ToPem(const std::string& der, const std::string& pem) {
    auto r = Openssl({"crl", "-inform", "DER", "-in", F(der), "-out", F(pem)});
    ASSERT_EQ(r.exit_code, 0) << r.all;
  }
  Out VerifyWithCrl(const std::string& leaf) {
    return Openssl({"verify", "-crl_check", "-CRLfile", F("crl.pem"), "-CAfile", F("ca.pem"),
                    F(leaf)});
  }

  // `openssl ocsp -issuer ca.pem -cert <leaf>... -reqout req.der`, parsed.
  Result<OcspRequest> MakeRequest(const std::vector<std::string>& leaves,
                                  const std::vector<std::string>& flags) {
    std::vector<std::string> args = {"ocsp"};
    args.insert(args.end(), flags.begin(), flags.end());  // digests before -cert
    args.insert(args.end(), {"-issuer", F("ca.pem")});
    for (const auto& l : leaves) args.insert(args.end(), {"-cert", F(l)});
    args.insert(args.end(), {"-reqout", F("req.der")});
    auto r = Openssl(args);
    if (r.exit_code != 0) return Fail(ErrorCode::kInternal, "openssl ocsp: " + r.all);
    return ParseOcspRequest(testing::ReadFileOrDie(F("req.der")));
  }
  // `openssl ocsp -respin resp.der -issuer ca.pem -CAfile ca.pem -cert ... -resp_text`
  // (prints "<leaf>: good|revoked|unknown" and "Response verify OK").
  Out CheckResponse(const std::vector<std::string>& leaves,
                    const std::vector<std::string>& flags) {
    // -no_nonce: the request openssl makes from -cert would carry a nonce of
    // its own, which no response can echo.
    std::vector<std::string> args = {"ocsp", "-respin", F("resp.der"), "-CAfile", F("ca.pem"),
                                     "-no_nonce"};
    args.insert(args.end(), flags.begin(), flags.end());
    args.insert(args.end(), {"-issuer", F("ca.pem")});
    for (const auto& l : leaves) args.insert(args.end(), {"-cert", F(l)});
    args.push_back("-resp_text");
    return Openssl(args);
  }

  // `openssl pkeyutl -verify` of an SM2 signature with the CA's key and the
  // default ID (what sealkey signs with).
  Out PkeyutlVerifySm2(const SignedParts& parts) {
    WriteText("ca_pub.pem", pki_->ca.PublicKeyOf().value().ToPem());
    Write("tbs.bin", parts.tbs);
    Write("sig.bin", parts.sig);
    return Openssl({"pkeyutl", "-verify", "-pubin", "-inkey", F("ca_pub.pem"), "-rawin",
                    "-digest", "sm3", "-pkeyopt", "distid:1234567812345678", "-in", F("tbs.bin"),
                    "-sigfile", F("sig.bin")});
  }

  OcspAnswer Answer(const OcspCertId& id, CertStatus status) const {
    OcspAnswer a;
    a.id = id;
    a.status = status;
    a.this_update = now_ - 60;
    a.next_update = now_ + 3600;
    if (status == CertStatus::kRevoked) {
      a.revoked_at = now_ - 7200;
      a.reason = RevocationReason::kKeyCompromise;
    }
    return a;
  }

  // "AB:CD:..." as openssl prints a key identifier.
  std::string CaSkiHex() const {
    const ASN1_OCTET_STRING* ski = X509_get0_subject_key_id(pki_->ca.get());
    if (ski == nullptr) return "(no SKI)";
    return HexEncodeUpper(ByteView(ASN1_STRING_get0_data(ski),
                                   static_cast<size_t>(ASN1_STRING_length(ski))), ":");
  }
  // SHA-1 of the CA key's BIT STRING value, as openssl prints "Responder Id".
  std::string KeyHashHex() const {
    const ASN1_BIT_STRING* bits = X509_get0_pubkey_bitstr(pki_->ca.get());
    return HexEncodeUpper(crypto::Hash(crypto::HashAlg::kSha1,
                                       ByteView(ASN1_STRING_get0_data(bits),
                                                static_cast<size_t>(ASN1_STRING_length(bits)))));
  }

  // Changes the seconds digit of producedAt (a signed field) in place.
  bool TamperProducedAt(Bytes& der) const {
    char buf[32];
    time_t t = static_cast<time_t>(now_);
    std::strftime(buf, sizeof buf, "%Y%m%d%H%M%SZ", std::gmtime(&t));
    std::string text(buf);
    std::string s(der.begin(), der.end());
    size_t p = s.find(text);
    if (p == std::string::npos) return false;
    size_t digit = p + text.size() - 2;
    der[digit] = der[digit] == '0' ? '1' : '0';
    return true;
  }

  int64_t now_ = std::time(nullptr);
  std::optional<Pki> pki_, other_;
  std::unique_ptr<crypto::KeySigner> signer_;
  testing::TempDir dir_;
};

}  // namespace sealkey::ca
