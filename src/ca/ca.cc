// Issuance (ca.h): serials, the algorithm policy, CSR checks, and end-entity
// certificates signed through a Signer, so the CA key may live in an HSM.
//
// The TBSCertificate is written by tbs_der.cc, signed by the Signer, and the
// final
//   Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signature }
// written here (IssueEndEntity parses it back for callers that want a
// Certificate). The signature is then verified with the CA certificate's
// key, except for a key-file signer that OpenCaSigner proved to hold that key
// (ca_key.h).
#include "ca/ca.h"

#include <ctime>

#include <openssl/asn1.h>
#include <openssl/crypto.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "base/der.h"
#include "ca/ca_key.h"
#include "ca/revocation_der.h"
#include "ca/tbs_der.h"
#include "crypto/ossl_error.h"
#include "crypto/random.h"
#include "crypto/signed_der.h"

namespace sealkey::ca {
namespace {

using crypto::CertUsage;
using crypto::KeyType;
using crypto::UniquePtr;

// RFC 5280 4.1.2.2: at most 20 octets.
constexpr size_t kMaxSerialBytes = 20;

bool HasAttribute(const std::vector<crypto::NameEntry>& name, std::string_view type) {
  for (const auto& e : name) {
    if (e.type == type) return true;
  }
  return false;
}

Status CheckContext(const CaContext& ca, const crypto::PublicKey& ca_key) {
  if (ca.signer == nullptr) {
    return Fail(ErrorCode::kFailedPrecondition, "the CA has no signer", "ca");
  }
  if (ca.signer->key_type() != ca_key.type()) {
    return Fail(ErrorCode::kFailedPrecondition,
                "the CA signer's key type does not match the CA certificate", "ca");
  }
  if (X509_check_ca(ca.cert.get()) == 0) {
    return Fail(ErrorCode::kFailedPrecondition, "the issuing certificate is not a CA", "ca");
  }
  return Ok();
}

Status CheckRequest(const IssueRequest& r, const crypto::Certificate& ca_cert,
                    const crypto::PublicKey& ca_key) {
  if (r.subject_key == nullptr) {
    return Fail(ErrorCode::kInvalidArgument, "the subject public key is missing", "key");
  }
  if (!CaMayIssue(ca_key.type(), r.subject_key->type())) {
    return Fail(ErrorCode::kUnsupported,
                "a " + std::string(crypto::KeyTypeName(ca_key.type())) + " CA does not issue " +
                    std::string(crypto::KeyTypeName(r.subject_key->type())) + " keys",
                "key");
  }
  if (r.subject_key->type() == KeyType::kRsa && r.subject_key->bits() < 2048) {
    return Fail(ErrorCode::kUnsupported, "RSA keys must have at least 2048 bits", "key");
  }
  if (r.usage != CertUsage::kSigning && r.usage != CertUsage::kEncryption) {
    return Fail(ErrorCode::kInvalidArgument, "usage must be signing or encryption", "usage");
  }
  if (r.not_after <= r.not_before) {
    return Fail(ErrorCode::kInvalidArgument, "not_after must be later than not_before",
                "validity");
  }
  if (ASN1_TIME_cmp_time_t(X509_get0_notAfter(ca_cert.get()),
                           static_cast<time_t>(r.not_after)) < 0) {
    return Fail(ErrorCode::kOutOfRange, "the certificate would outlive its CA certificate",
                "not_after");
  }
  if (!HasAttribute(r.subject, "CN")) {
    return Fail(ErrorCode::kInvalidArgument, "the subject needs a CN", "subject");
  }
  if (r.profile != Profile::kPersonal && !HasAttribute(r.subject, "O")) {
    return Fail(ErrorCode::kInvalidArgument,
                "the subject of an " + std::string(ProfileToken(r.profile)) +
                    " certificate needs an O",
                "subject");
  }
  if (!r.serial.empty()) {
    size_t first = 0;
    while (first < r.serial.size() && r.serial[first] == 0) ++first;
    size_t len = r.serial.size() - first;
    // A set top bit costs a 0x00 sign byte in the DER INTEGER.
    bool sign_byte = len > 0 && (r.serial[first] & 0x80) != 0;
    if (len == 0 || len + (sign_byte ? 1 : 0) > kMaxSerialBytes) {
      return Fail(ErrorCode::kOutOfRange, "the serial must be a positive integer of 1..20 bytes",
                  "serial");
    }
  }
  return Ok();
}

}  // namespace

Bytes NewSerial() {
  Bytes serial = crypto::RandomBytes(kMaxSerialBytes);
  // Rejection sampling keeps the first byte uniform over 0x01..0x7f: positive,
  // never zero, and always a full 20-byte INTEGER.
  while (serial[0] == 0 || serial[0] > 0x7f) {
    uint8_t b = 0;
    crypto::RandomFill({&b, 1});
    serial[0] = b;
  }
  return serial;
}

Result<crypto::KeyAlg> KeyAlgOf(const crypto::PublicKey& key) {
  switch (key.type()) {
    case KeyType::kSm2: return crypto::KeyAlg::kSm2;
    case KeyType::kEcP256: return crypto::KeyAlg::kEcP256;
    case KeyType::kRsa:
      if (key.bits() == 2048) return crypto::KeyAlg::kRsa2048;
      if (key.bits() == 3072) return crypto::KeyAlg::kRsa3072;
      return Fail(ErrorCode::kUnsupported,
                  "RSA keys of " + std::to_string(key.bits()) + " bits are not supported "
                  "(2048 or 3072)",
                  "key");
  }
  return Fail(ErrorCode::kUnsupported, "unsupported key type", "key");
}

bool CaMayIssue(KeyType ca_key, KeyType subject_key) {
  if (ca_key == KeyType::kSm2) return subject_key == KeyType::kSm2;
  return subject_key != KeyType::kSm2;
}

Result<crypto::CsrInfo> CheckCsr(ByteView pem_or_der, const std::set<crypto::KeyAlg>& allowed) {
  auto info = crypto::VerifyCsr(pem_or_der);
  if (!info) return Fail(info.error());
  auto alg = KeyAlgOf(info->public_key);
  if (!alg || !allowed.contains(*alg)) {
    return Fail(ErrorCode::kUnsupported,
                "the request's key (" +
                    std::string(crypto::KeyTypeName(info->public_key.type())) + ", " +
                    std::to_string(info->public_key.bits()) + " bits) is not accepted here",
                "csr");
  }
  return info;
}

Result<IssuedDer> IssueEndEntityDer(const CaContext& ca, const IssueRequest& request) {
  auto ca_key = ca.cert.PublicKeyOf();
  if (!ca_key) return Fail(ca_key.error());
  SEALKEY_RETURN_IF_ERROR(CheckContext(ca, *ca_key));
  SEALKEY_RETURN_IF_ERROR(CheckRequest(request, ca.cert, *ca_key));
  Bytes serial = request.serial.empty() ? NewSerial() : request.serial;

  auto tbs_bytes = detail::EndEntityTbs(ca, request, serial, ca_key->type());
  if (!tbs_bytes) return Fail(tbs_bytes.error());
  Bytes alg = detail::SignatureAlgorithm(ca_key->type());

  // SHA-256 for ECDSA and RSA (PKCS#1 v1.5); SM2 always SM3 with the default ID.
  auto sig = ca.signer->Sign(*tbs_bytes, crypto::SignOptions{});
  if (!sig) return Fail(sig.error());
  IssuedDer out{der::Sequence({*tbs_bytes, alg, der::BitString(*sig)}), std::move(serial)};
  // A key-file signer was proved to hold this key when the CA was loaded and
  // signs in this process; anything else (an HSM) is checked every time.
  if (IsProvenKeyFileSigner(ca.signer, *ca_key)) return out;
  if (auto ok = crypto::VerifySignedDer(out.der, *ca_key, crypto::SignOptions{}, "certificate");
      !ok) {
    return Fail(ErrorCode::kVerifyFailed,
                "the CA signer produced a signature the CA certificate's key does not verify "
                "(wrong key?): " + ok.error().message,
                "key");
  }
  return out;
}

Result<crypto::Certificate> IssueEndEntity(const CaContext& ca, const IssueRequest& request) {
  auto issued = IssueEndEntityDer(ca, request);
  if (!issued) return Fail(issued.error());
  return crypto::Certificate::FromDer(issued->der);
}

}  // namespace sealkey::ca
