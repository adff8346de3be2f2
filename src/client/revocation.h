// Revocation status of a certificate over OCSP (RFC 6960), asked before
// `sealkey sign` signs (issue 6).
//
// The request asks about one certificate (CertID with SHA-1, as OpenSSL and
// every responder understand) and carries a fresh 16-byte nonce (RFC 8954).
// It is POSTed (application/ocsp-request) to the certificate's AIA OCSP URL,
// which for sealkeyd certificates is <public url>/ocsp. http is fine here,
// also off this machine: the answer is signed; environment proxies are
// ignored for loopback hosts.
//
// An answer is believed only when all of these hold, otherwise it is an
// error (never a status):
//  - it is a successful OCSPResponse with a BasicOCSPResponse in strict DER;
//  - its signature over the exact DER of tbsResponseData verifies with the
//    issuer's key (SM3withSM2 with the default ID 1234567812345678, ECDSA or
//    RSA PKCS#1 v1.5 with SHA-256/384/512 — not through OCSP_basic_verify,
//    which in OpenSSL 3.0 does not apply the SM2 ID), or with the key of a
//    delegated responder certificate from the response that the issuer
//    signed, that has extendedKeyUsage OCSPSigning and is valid now;
//  - one SingleResponse names exactly our CertID (hash, issuer name and key
//    hashes, serial);
//  - a nonce in the response equals ours (a response without one is taken
//    as pre-produced, RFC 5019, and must then carry a nextUpdate or have a
//    thisUpdate less than an hour old);
//  - thisUpdate is not more than 5 minutes in the future and nextUpdate,
//    when present, has not passed by more than 5 minutes;
//  - no unknown critical response extension.
//
// What a caller does with the outcome is its policy; `sealkey sign`
// (cli/key_sign_commands.cc) refuses on a verified kRevoked only, and on
// kUnknown or any error warns and signs unless --require-status is given.
//
// revocation.cc: URL, issuer lookup, HTTP; revocation_der.cc: the DER.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/error.h"
#include "crypto/x509.h"

namespace sealkey::client {

enum class CertState { kGood, kRevoked, kUnknown };

struct RevocationStatus {
  CertState state = CertState::kUnknown;
  int64_t revoked_at = 0;  // kRevoked: revocationTime (Unix seconds)
  std::string reason;      // kRevoked: RFC 5280 CRLReason name; "unspecified" when absent
  int64_t this_update = 0;
  int64_t next_update = 0;  // 0: the response has none
  std::string responder;    // the URL asked (CheckOcsp)
};

// "good", "revoked" or "unknown".
std::string_view CertStateToken(CertState state);

// The first AIA OCSP URL (id-ad-ocsp) of `cert`; empty when it names none,
// in which case there is nobody to ask and no check is made.
std::string OcspUrl(const crypto::Certificate& cert);

// Among `candidates`, the CA certificate that issued `cert`: its subject is
// cert's issuer and its key verifies cert's signature. nullptr if none.
const crypto::Certificate* FindIssuer(const crypto::Certificate& cert,
                                      const std::vector<crypto::Certificate>& candidates);

// The DER OCSPRequest for `cert` issued by `issuer`, with `nonce` (the raw
// random bytes; sent as an OCTET STRING in the nonce extension's extnValue).
Result<Bytes> BuildOcspRequest(const crypto::Certificate& cert, const crypto::Certificate& issuer,
                               ByteView nonce);

// Checks a DER OCSPResponse as described above, at `now` (Unix seconds).
// Errors name the field "ocsp": kMalformed for what does not decode,
// kVerifyFailed for a bad signature, another certificate, a wrong nonce or
// stale/future times, kUnsupported for other response types or signature
// algorithms, kIo for a non-successful responseStatus (tryLater ...).
Result<RevocationStatus> VerifyOcspResponse(ByteView response, const crypto::Certificate& cert,
                                            const crypto::Certificate& issuer, ByteView nonce,
                                            int64_t now);

// Asks cert's OCSP responder (OcspUrl) within `timeout` and verifies the
// answer. kNotFound when the certificate names no responder; kIo when the
// responder cannot be reached or answers other than HTTP 200; otherwise
// VerifyOcspResponse's result. All errors name the field "ocsp".
Result<RevocationStatus> CheckOcsp(const crypto::Certificate& cert,
                                   const crypto::Certificate& issuer,
                                   std::chrono::milliseconds timeout,
                                   const Clock& clock = SystemClock::Instance());

}  // namespace sealkey::client
