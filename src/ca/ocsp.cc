// RFC 6960 OCSP responses (section 4.2.1), signed by the CA itself:
//
//   OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED,
//                               responseBytes [0] EXPLICIT ResponseBytes OPTIONAL }
//   ResponseBytes ::= SEQUENCE { responseType OID (id-pkix-ocsp-basic), response OCTET STRING }
//   BasicOCSPResponse ::= SEQUENCE { tbsResponseData ResponseData, signatureAlgorithm,
//                                    signature BIT STRING, certs [0] EXPLICIT SEQUENCE OF
//                                    Certificate OPTIONAL }
//   ResponseData ::= SEQUENCE { version [0] DEFAULT v1 (omitted), responderID byKey [2],
//                               producedAt GeneralizedTime, responses SEQUENCE OF
//                               SingleResponse, responseExtensions [1] EXPLICIT OPTIONAL }
//   SingleResponse ::= SEQUENCE { certID, certStatus, thisUpdate GeneralizedTime,
//                                 nextUpdate [0] EXPLICIT GeneralizedTime OPTIONAL }
#include <string>

#include "base/der.h"
#include "ca/crl_ocsp.h"
#include "ca/revocation_der.h"
#include "crypto/digest.h"

namespace sealkey::ca {
namespace {

Result<Bytes> EncodeCertId(const OcspCertId& id) {
  if (id.serial.empty() || id.issuer_name_hash.empty() || id.issuer_key_hash.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "incomplete CertID", "answers");
  }
  auto oid = detail::EncodeOid(detail::CertIdHashOid(id.hash_alg), "answers");
  if (!oid) return Fail(oid.error());
  // OpenSSL and most clients send NULL parameters; the OID is what matches.
  return der::Sequence({der::Sequence({*oid, der::Tlv(der::kNull, {})}),
                        der::OctetString(id.issuer_name_hash),
                        der::OctetString(id.issuer_key_hash), der::UnsignedInteger(id.serial)});
}

Result<Bytes> EncodeStatus(const OcspAnswer& a) {
  switch (a.status) {
    case CertStatus::kGood:
      return der::Tlv(0x80, {});  // good [0] IMPLICIT NULL
    case CertStatus::kUnknown:
      return der::Tlv(0x82, {});  // unknown [2] IMPLICIT NULL
    case CertStatus::kRevoked:
      break;
  }
  // revoked [1] IMPLICIT RevokedInfo { revocationTime GeneralizedTime,
  //                                    revocationReason [0] EXPLICIT CRLReason OPTIONAL }
  if (!detail::KnownReasonCode(static_cast<int>(a.reason))) {
    return Fail(ErrorCode::kInvalidArgument,
                "unknown revocation reason " + std::to_string(static_cast<int>(a.reason)),
                "reason");
  }
  auto when = detail::GeneralizedTime(a.revoked_at, "revoked_at");
  if (!when) return Fail(when.error());
  Bytes reason;  // omitted for unspecified, as in the CRL
  if (a.reason != RevocationReason::kUnspecified) {
    reason = detail::Explicit(0, detail::Enumerated(static_cast<int>(a.reason)));
  }
  return der::Tlv(0xa1, Concat({*when, reason}));
}

Result<Bytes> EncodeSingleResponse(const OcspAnswer& a) {
  auto cert_id = EncodeCertId(a.id);
  if (!cert_id) return Fail(cert_id.error());
  auto status = EncodeStatus(a);
  if (!status) return Fail(status.error());
  auto this_update = detail::GeneralizedTime(a.this_update, "this_update");
  if (!this_update) return Fail(this_update.error());
  Bytes next;
  if (a.next_update != 0) {
    if (a.next_update <= a.this_update) {
      return Fail(ErrorCode::kInvalidArgument, "nextUpdate must be later than thisUpdate",
                  "next_update");
    }
    auto t = detail::GeneralizedTime(a.next_update, "next_update");
    if (!t) return Fail(t.error());
    next = detail::Explicit(0, *t);
  }
  return der::Sequence({*cert_id, *status, *this_update, next});
}

}  // namespace

bool IssuedBy(const OcspCertId& id, const crypto::Certificate& ca_cert) {
  auto alg = detail::CertIdHash(id.hash_alg);
  if (!alg) return false;
  auto ca = detail::ReadCa(ca_cert);
  if (!ca) return false;
  return crypto::Hash(*alg, ca->subject_der) == id.issuer_name_hash &&
         crypto::Hash(*alg, ca->key_bits) == id.issuer_key_hash;
}

Result<Bytes> BuildOcspResponse(const crypto::Certificate& ca_cert, crypto::Signer& signer,
                                const std::vector<OcspAnswer>& answers,
                                const std::optional<Bytes>& nonce, int64_t produced_at) {
  if (answers.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "a response answers at least one CertID",
                "answers");
  }
  auto ca = detail::ReadCa(ca_cert);
  if (!ca) return Fail(ca.error());
  auto produced = detail::GeneralizedTime(produced_at, "produced_at");
  if (!produced) return Fail(produced.error());

  Bytes responses;
  for (const OcspAnswer& a : answers) {
    auto single = EncodeSingleResponse(a);
    if (!single) return Fail(single.error());
    responses.insert(responses.end(), single->begin(), single->end());
  }
  Bytes extensions;
  if (nonce) {
    // The extnValue exactly as the client sent it (normally an OCTET STRING
    // around the random bytes): OpenSSL compares the whole extnValue.
    extensions = detail::Explicit(
        1, der::Sequence({detail::Extension(detail::kOidOcspNonce, false, *nonce)}));
  }
  // ResponderID byKey [2] EXPLICIT KeyHash: SHA-1 of the key's BIT STRING value.
  Bytes responder_id =
      detail::Explicit(2, der::OctetString(crypto::Hash(crypto::HashAlg::kSha1, ca->key_bits)));
  Bytes tbs = der::Sequence(
      {responder_id, *produced, der::Tlv(der::kSequence, responses), extensions});

  auto sig = detail::SignTbs(signer, *ca, tbs);
  if (!sig) return Fail(sig.error());
  Bytes basic = der::Sequence({tbs, detail::SignatureAlgorithm(ca->key.type()),
                               der::BitString(*sig),
                               detail::Explicit(0, der::Sequence({ca_cert.Der()}))});
  Bytes response_bytes =
      der::Sequence({detail::Oid(detail::kOidOcspBasic), der::OctetString(basic)});
  return der::Sequence({detail::Enumerated(0), detail::Explicit(0, response_bytes)});
}

Bytes OcspErrorResponse(int status) {
  // malformedRequest (1), internalError (2), tryLater (3), sigRequired (5),
  // unauthorized (6); anything else (successful needs a body) is an internal error.
  if (status != 1 && status != 2 && status != 3 && status != 5 && status != 6) status = 2;
  return der::Sequence({detail::Enumerated(status)});
}

}  // namespace sealkey::ca
