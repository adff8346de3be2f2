// Issuance (ca.h): serials, the algorithm policy, CSR checks, and end-entity
// certificates signed through a Signer, so the CA key may live in an HSM.
//
// The certificate is assembled with OpenSSL's X509 (names, validity, key,
// extensions), its TBSCertificate taken with i2d_re_X509_tbs, signed by the
// Signer, and the final
//   Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signature }
// written here (IssueEndEntity parses it back, so what it returns is exactly
// what was signed).
// The signature is then verified with the CA certificate's key, except for a
// key-file signer that OpenCaSigner proved to hold that key (ca_key.h).
#include "ca/ca.h"

#include <ctime>

#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "base/der.h"
#include "ca/ca_key.h"
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

// AlgorithmIdentifier of the CA's certificate signatures: SM3withSM2 (GM/T
// 0015) and ecdsa-with-SHA256 (RFC 5758 3.2) have absent parameters,
// sha256WithRSAEncryption NULL (RFC 4055 5).
int SignatureNid(KeyType ca_key) {
  switch (ca_key) {
    case KeyType::kSm2: return NID_SM2_with_SM3;
    case KeyType::kEcP256: return NID_ecdsa_with_SHA256;
    case KeyType::kRsa: return NID_sha256WithRSAEncryption;
  }
  return NID_undef;
}

std::string KeyUsageValue(CertUsage usage, KeyType key) {
  if (usage == CertUsage::kSigning) return "critical,digitalSignature,nonRepudiation";
  // EC encryption keys (SM2 dual certificates) also agree keys (SM2 key
  // exchange, ECDH); RSA encryption keys do not.
  return key == KeyType::kRsa ? "critical,keyEncipherment,dataEncipherment"
                              : "critical,keyEncipherment,dataEncipherment,keyAgreement";
}

Status AddExtension(X509* cert, X509V3_CTX* ctx, int nid, const std::string& value) {
  UniquePtr<X509_EXTENSION> ext(X509V3_EXT_conf_nid(nullptr, ctx, nid, value.c_str()));
  if (!ext || !X509_add_ext(cert, ext.get(), -1)) {
    return Fail(crypto::OpensslError(ErrorCode::kCrypto, std::string("adding extension ") +
                                                             OBJ_nid2sn(nid) + " failed"));
  }
  return Ok();
}

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

Result<Bytes> Encode(int (*i2d)(const X509_ALGOR*, unsigned char**), const X509_ALGOR* alg) {
  unsigned char* out = nullptr;
  int len = i2d(alg, &out);
  if (len <= 0) return Fail(crypto::OpensslError(ErrorCode::kCrypto, "DER encoding failed"));
  Bytes der(out, out + len);
  OPENSSL_free(out);
  return der;
}

// Puts the subject key into the certificate. EC keys (SM2, P-256) are
// written as their SubjectPublicKeyInfo (RFC 5480 2: id-ecPublicKey, the
// named curve, the uncompressed point) directly: X509_set_pubkey would run
// the key through OpenSSL 3's encoder and decoder, which cost more than an
// ECDSA signature. The certificate under construction then holds no
// EVP_PKEY, which nothing before signing needs (the SKI hashes the bit
// string); the certificate returned is parsed from the signed DER and has
// one. RSA keys take the general path.
Status SetSubjectKey(X509* x, const crypto::PublicKey& key) {
  if (key.type() == KeyType::kRsa) {
    if (!X509_set_pubkey(x, key.get())) {
      return Fail(crypto::OpensslError(ErrorCode::kCrypto, "setting the public key failed"));
    }
    return Ok();
  }
  auto point = key.EcPoint();
  if (!point) return Fail(point.error());
  int curve = key.type() == KeyType::kSm2 ? NID_sm2 : NID_X9_62_prime256v1;
  auto* bits = static_cast<unsigned char*>(OPENSSL_memdup(point->data(), point->size()));
  if (bits == nullptr ||
      !X509_PUBKEY_set0_param(X509_get_X509_PUBKEY(x), OBJ_nid2obj(NID_X9_62_id_ecPublicKey),
                              V_ASN1_OBJECT, OBJ_nid2obj(curve), bits,
                              static_cast<int>(point->size()))) {
    OPENSSL_free(bits);
    return Fail(crypto::OpensslError(ErrorCode::kCrypto, "setting the public key failed"));
  }
  return Ok();
}

// Fields and extensions of the certificate, not yet signed.
Result<UniquePtr<X509>> BuildTbs(const CaContext& ca, const IssueRequest& r, ByteView serial,
                                 KeyType ca_type) {
  UniquePtr<X509> x(X509_new());
  UniquePtr<BIGNUM> bn(BN_bin2bn(serial.data(), static_cast<int>(serial.size()), nullptr));
  UniquePtr<X509_NAME> subject(X509_NAME_new());
  if (!x || !bn || !subject) return Fail(crypto::OpensslError(ErrorCode::kCrypto, "out of memory"));
  for (const auto& e : r.subject) {
    if (!X509_NAME_add_entry_by_txt(subject.get(), e.type.c_str(), MBSTRING_UTF8,
                                    reinterpret_cast<const unsigned char*>(e.value.data()),
                                    static_cast<int>(e.value.size()), -1, 0)) {
      return Fail(crypto::OpensslError(ErrorCode::kInvalidArgument,
                                       "cannot encode " + e.type + "=" + e.value, "subject"));
    }
  }
  if (!X509_set_version(x.get(), X509_VERSION_3) ||
      !BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(x.get())) ||
      !ASN1_TIME_set(X509_getm_notBefore(x.get()), static_cast<time_t>(r.not_before)) ||
      !ASN1_TIME_set(X509_getm_notAfter(x.get()), static_cast<time_t>(r.not_after)) ||
      !X509_set_subject_name(x.get(), subject.get()) ||
      !X509_set_issuer_name(x.get(), X509_get_subject_name(ca.cert.get()))) {
    return Fail(crypto::OpensslError(ErrorCode::kCrypto, "building the certificate failed"));
  }
  SEALKEY_RETURN_IF_ERROR(SetSubjectKey(x.get(), *r.subject_key));
  // OpenSSL 3.0 has no setter for a certificate's TBS signature algorithm
  // (X509_sign sets it while signing with a key it holds, which an HSM key is
  // not); the pointer it returns points into the X509 this function owns.
  X509_ALGOR* tbs_alg = const_cast<X509_ALGOR*>(X509_get0_tbs_sigalg(x.get()));
  X509_ALGOR_set0(tbs_alg, OBJ_nid2obj(SignatureNid(ca_type)),
                  ca_type == KeyType::kRsa ? V_ASN1_NULL : V_ASN1_UNDEF, nullptr);

  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, ca.cert.get(), x.get(), nullptr, nullptr, 0);
  X509* c = x.get();
  SEALKEY_RETURN_IF_ERROR(AddExtension(c, &ctx, NID_basic_constraints, "critical,CA:FALSE"));
  SEALKEY_RETURN_IF_ERROR(
      AddExtension(c, &ctx, NID_key_usage, KeyUsageValue(r.usage, r.subject_key->type())));
  SEALKEY_RETURN_IF_ERROR(AddExtension(c, &ctx, NID_ext_key_usage, "clientAuth,emailProtection"));
  // "hash": SHA-1 of the subjectPublicKey BIT STRING (RFC 5280 4.2.1.2 (1));
  // "keyid:always": the CA certificate's own SKI.
  SEALKEY_RETURN_IF_ERROR(AddExtension(c, &ctx, NID_subject_key_identifier, "hash"));
  SEALKEY_RETURN_IF_ERROR(AddExtension(c, &ctx, NID_authority_key_identifier, "keyid:always"));
  if (!ca.crl_url.empty()) {
    SEALKEY_RETURN_IF_ERROR(
        AddExtension(c, &ctx, NID_crl_distribution_points, "URI:" + ca.crl_url));
  }
  if (!ca.ocsp_url.empty()) {
    SEALKEY_RETURN_IF_ERROR(AddExtension(c, &ctx, NID_info_access, "OCSP;URI:" + ca.ocsp_url));
  }
  return x;
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

  auto x = BuildTbs(ca, request, serial, ca_key->type());
  if (!x) return Fail(x.error());
  unsigned char* tbs = nullptr;
  int tbs_len = i2d_re_X509_tbs(x->get(), &tbs);
  if (tbs_len <= 0) {
    return Fail(crypto::OpensslError(ErrorCode::kCrypto, "encoding the certificate failed"));
  }
  Bytes tbs_bytes(tbs, tbs + tbs_len);
  OPENSSL_free(tbs);
  auto alg = Encode(i2d_X509_ALGOR, X509_get0_tbs_sigalg(x->get()));
  if (!alg) return Fail(alg.error());

  // SHA-256 for ECDSA and RSA (PKCS#1 v1.5); SM2 always SM3 with the default ID.
  auto sig = ca.signer->Sign(tbs_bytes, crypto::SignOptions{});
  if (!sig) return Fail(sig.error());
  IssuedDer out{der::Sequence({tbs_bytes, *alg, der::BitString(*sig)}), std::move(serial)};
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
