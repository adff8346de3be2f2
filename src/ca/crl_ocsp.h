// Revocation status: X.509 v2 CRLs (RFC 5280 5) and OCSP responses (RFC
// 6960), both built by sealkey as DER and signed through a Signer, so SM2
// (SM3withSM2 with the default ID), ECDSA P-256 and RSA CAs all work.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"
#include "crypto/signer.h"
#include "crypto/x509.h"

namespace sealkey::ca {

// RFC 5280 CRLReason values.
enum class RevocationReason {
  kUnspecified = 0, kKeyCompromise = 1, kCaCompromise = 2, kAffiliationChanged = 3,
  kSuperseded = 4, kCessationOfOperation = 5, kCertificateHold = 6, kPrivilegeWithdrawn = 9,
};
// The RFC 5280 name: "unspecified", "keyCompromise", "cACompromise", ...
std::string_view ReasonToken(RevocationReason r);
// Accepts those names ignoring case, '-', '_' and spaces ("key_compromise",
// "CACompromise"); kInvalidArgument naming "reason" otherwise.
Result<RevocationReason> ParseReason(std::string_view token);

struct RevokedCert {
  Bytes serial;  // big-endian magnitude, as in the certificate
  int64_t revoked_at = 0;
  RevocationReason reason = RevocationReason::kUnspecified;
};

// A CRL issued by `ca_cert` (whose key `signer` holds): version 2,
// thisUpdate/nextUpdate, the entries with their reason codes, and the
// extensions cRLNumber and authorityKeyIdentifier (the CA's SKI).
// Signed SM3withSM2 (default ID) / ecdsa-with-SHA256 / sha256WithRSAEncryption.
// Times are UTCTime before 2050 and GeneralizedTime from 2050 (RFC 5280
// 5.1.2.4); the entries keep the given order; reasonCode is omitted for
// kUnspecified. kInvalidArgument for next_update <= this_update, a negative
// crl_number, an empty or over-20-octet serial, or a signer whose key does
// not match ca_cert (field "key"); kOutOfRange for times outside 1970..9999.
Result<Bytes> BuildCrl(const crypto::Certificate& ca_cert, crypto::Signer& signer,
                       int64_t this_update, int64_t next_update, int64_t crl_number,
                       const std::vector<RevokedCert>& revoked);

// One CertID of an OCSP request.
struct OcspCertId {
  // "sha1", "sha256" or "sm3" (what the client used); another algorithm is
  // kept as its dotted OID (IssuedBy is then false: answer kUnknown).
  std::string hash_alg;
  Bytes issuer_name_hash;
  Bytes issuer_key_hash;
  Bytes serial;
};
struct OcspRequest {
  std::vector<OcspCertId> ids;
  // The id-pkix-ocsp-nonce extension's extnValue contents as received (for
  // OpenSSL and RFC 8954 clients an OCTET STRING around the random bytes);
  // BuildOcspResponse echoes it byte for byte.
  std::optional<Bytes> nonce;
};
// Parses a DER OCSPRequest (signed requests are accepted; their signature is
// not checked: RFC 6960 makes it optional). requestorName and extensions
// other than the nonce are ignored. kMalformed naming "request" for anything
// that is not one strict-DER OCSPRequest (truncated, trailing bytes, wrong
// tags, no CertID, hashes of the wrong length); kOutOfRange naming "request"
// for more than 100 CertIDs.
Result<OcspRequest> ParseOcspRequest(ByteView der);

enum class CertStatus { kGood, kRevoked, kUnknown };
struct OcspAnswer {
  OcspCertId id;  // echoed as asked
  CertStatus status = CertStatus::kUnknown;
  int64_t revoked_at = 0;
  RevocationReason reason = RevocationReason::kUnspecified;
  int64_t this_update = 0;
  int64_t next_update = 0;  // 0: omitted
};
// Whether `id` names a certificate issued by `ca_cert` (name and key hash
// computed with id.hash_alg).
bool IssuedBy(const OcspCertId& id, const crypto::Certificate& ca_cert);

// A successful OCSPResponse with a BasicOCSPResponse signed by the CA itself
// (responderID byKey, the CA certificate included), echoing the nonce. All
// times are GeneralizedTime; revocationReason is omitted for kUnspecified.
// kInvalidArgument for no answers, an incomplete CertID, next_update <=
// this_update, or a signer whose key does not match ca_cert (field "key").
Result<Bytes> BuildOcspResponse(const crypto::Certificate& ca_cert, crypto::Signer& signer,
                                const std::vector<OcspAnswer>& answers,
                                const std::optional<Bytes>& nonce, int64_t produced_at);
// An OCSPResponse without a body: malformedRequest (1), internalError (2),
// tryLater (3), sigRequired (5), unauthorized (6); any other value gives
// internalError.
Bytes OcspErrorResponse(int status);

}  // namespace sealkey::ca
