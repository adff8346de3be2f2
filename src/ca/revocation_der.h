// Internal to sealkey::ca: the DER pieces shared by the CRL and OCSP
// encoders (OIDs, times, extensions), what they need from the CA certificate,
// and signing a to-be-signed structure through a Signer.
#pragma once

#include <cstdint>
#include <string>
#include <optional>
#include <string_view>

#include "base/bytes.h"
#include "base/error.h"
#include "crypto/digest.h"
#include "crypto/key.h"
#include "crypto/sign.h"
#include "crypto/signer.h"
#include "crypto/x509.h"

namespace sealkey::ca::detail {

inline constexpr std::string_view kOidSha1 = "1.3.14.3.2.26";
inline constexpr std::string_view kOidSha256 = "2.16.840.1.101.3.4.2.1";
inline constexpr std::string_view kOidSm3 = "1.2.156.10197.1.401";
inline constexpr std::string_view kOidSm3WithSm2 = "1.2.156.10197.1.501";
inline constexpr std::string_view kOidEcdsaWithSha256 = "1.2.840.10045.4.3.2";
inline constexpr std::string_view kOidSha256WithRsa = "1.2.840.113549.1.1.11";
inline constexpr std::string_view kOidReasonCode = "2.5.29.21";
inline constexpr std::string_view kOidCrlNumber = "2.5.29.20";
inline constexpr std::string_view kOidAuthorityKeyId = "2.5.29.35";
inline constexpr std::string_view kOidOcspBasic = "1.3.6.1.5.5.7.48.1.1";
inline constexpr std::string_view kOidOcspNonce = "1.3.6.1.5.5.7.48.1.2";

inline constexpr uint8_t kTagBoolean = 0x01;
inline constexpr uint8_t kTagEnumerated = 0x0a;

// OCSP CertID hash algorithms: the OcspCertId::hash_alg names "sha1",
// "sha256" and "sm3" for their OIDs; any other OID is kept as dotted text.
std::string CertIdHashName(std::string_view dotted_oid);
// The dotted OID for a name above (or the dotted text itself).
std::string CertIdHashOid(std::string_view name);
// The hash to compute for a name above; nullopt for other algorithms.
std::optional<crypto::HashAlg> CertIdHash(std::string_view name);

// Whether `code` is a CRLReason sealkey issues (0..6 and 9).
bool KnownReasonCode(int code);

// The OBJECT IDENTIFIER TLV for dotted text; kInvalidArgument naming `field`
// unless it has at least two arcs, the first 0..2 (the second < 40 under 0
// and 1) and no arc above 2^63.
Result<Bytes> EncodeOid(std::string_view dotted, std::string_view field);
// The same for a compile-time constant (throws std::logic_error if invalid).
Bytes Oid(std::string_view dotted);
// Dotted text of an OBJECT IDENTIFIER's contents; kMalformed naming `field`.
Result<std::string> DecodeOid(ByteView contents, std::string_view field);

// RFC 5280 4.1.2.5 Time: UTCTime for 1950..2049, GeneralizedTime otherwise
// (both to the second, "Z"). kOutOfRange naming `field` before 1970 or after
// 9999.
Result<Bytes> X509Time(int64_t unix_seconds, std::string_view field);
// GeneralizedTime YYYYMMDDHHMMSSZ (OCSP uses it throughout).
Result<Bytes> GeneralizedTime(int64_t unix_seconds, std::string_view field);

// ENUMERATED with a small non-negative value (0..127).
Bytes Enumerated(int value);
// [n] EXPLICIT (constructed context-specific tag n) around `inner`.
Bytes Explicit(int n, ByteView inner);
// Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue
// OCTET STRING } with `value` as the OCTET STRING's contents.
Bytes Extension(std::string_view oid, bool critical, ByteView value);

// What the CRL and OCSP encoders need from the CA certificate.
struct CaInfo {
  crypto::PublicKey key;
  Bytes subject_der;  // the subject Name, DER as encoded in the certificate
  Bytes key_bits;     // subjectPublicKey BIT STRING value (no unused-bits octet)
  Bytes key_id;       // the SKI extension, or SHA-1 of key_bits without one
};
Result<CaInfo> ReadCa(const crypto::Certificate& ca_cert);

// The AlgorithmIdentifier sealkey signs CRLs and OCSP responses with:
// SM3withSM2 (no parameters), ecdsa-with-SHA256 (no parameters),
// sha256WithRSAEncryption (NULL parameters).
Bytes SignatureAlgorithm(crypto::KeyType type);
// The matching SignOptions (SHA-256, PKCS#1 v1.5, the default SM2 ID).
crypto::SignOptions CaSignOptions();

// Signs `tbs` through `signer` and checks the result against the CA's public
// key, so a signer holding another key (a wrong HSM object) is caught here
// instead of by relying parties: kInvalidArgument naming "key".
Result<Bytes> SignTbs(crypto::Signer& signer, const CaInfo& ca, ByteView tbs);

}  // namespace sealkey::ca::detail
