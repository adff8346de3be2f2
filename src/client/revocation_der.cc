// The DER side of the OCSP client (revocation.h): BuildOcspRequest and
// VerifyOcspResponse. The response is parsed with the strict DER reader, so
// the signature is checked over the exact tbsResponseData bytes received:
//
//   OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED,
//                               responseBytes [0] EXPLICIT SEQUENCE { OID, OCTET STRING } }
//   BasicOCSPResponse ::= SEQUENCE { tbsResponseData, signatureAlgorithm, signature BIT STRING,
//                                    certs [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL }
//   ResponseData ::= SEQUENCE { version [0] EXPLICIT DEFAULT v1, responderID [1] | [2],
//                               producedAt GeneralizedTime, responses SEQUENCE OF SingleResponse,
//                               responseExtensions [1] EXPLICIT Extensions OPTIONAL }
//   SingleResponse ::= SEQUENCE { certID, certStatus, thisUpdate GeneralizedTime,
//                                 nextUpdate [0] EXPLICIT OPTIONAL, singleExtensions [1] OPTIONAL }
//   certStatus: good [0] IMPLICIT NULL | revoked [1] IMPLICIT SEQUENCE { revocationTime,
//               revocationReason [0] EXPLICIT ENUMERATED OPTIONAL } | unknown [2] IMPLICIT NULL
#include "client/revocation.h"

#include <algorithm>
#include <optional>

#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "base/der.h"
#include "crypto/digest.h"
#include "crypto/sign.h"

// `auto var = (expr);`, returning its error from the enclosing function.
#define OCSP_TRY(var, expr) \
  auto var = (expr);        \
  if (!var) return ::sealkey::Fail(std::move(var.error()))

namespace sealkey::client {
namespace {

constexpr const char* kField = "ocsp";
constexpr int64_t kSkew = 300;            // seconds of clock difference tolerated
constexpr int64_t kMaxAgeNoNonce = 3600;  // for a nonce-less answer without nextUpdate

constexpr const char* kOidSha1 = "1.3.14.3.2.26";
constexpr const char* kOidNonce = "1.3.6.1.5.5.7.48.1.2";
constexpr const char* kOidBasic = "1.3.6.1.5.5.7.48.1.1";

tl::unexpected<Error> Bad(const std::string& what) {
  return Fail(ErrorCode::kMalformed, "bad " + what, kField);
}
tl::unexpected<Error> Refuse(std::string message) {
  return Fail(ErrorCode::kVerifyFailed, std::move(message), kField);
}

// The contents octets of an OBJECT IDENTIFIER given as dotted text.
Bytes OidContents(const char* dotted) {
  crypto::UniquePtr<ASN1_OBJECT> obj(OBJ_txt2obj(dotted, 1));
  if (!obj) return {};
  const unsigned char* data = OBJ_get0_data(obj.get());
  return Bytes(data, data + OBJ_length(obj.get()));
}
bool IsOid(ByteView contents, const char* dotted) {
  return std::ranges::equal(contents, OidContents(dotted));
}

Bytes StripZeros(ByteView magnitude) {
  auto first = std::find_if(magnitude.begin(), magnitude.end(), [](uint8_t b) { return b != 0; });
  return Bytes(first, magnitude.end());
}

// The single TLV with `tag` that an EXPLICIT wrapper's contents must be.
Result<ByteView> Inner(ByteView explicit_contents, uint8_t tag) {
  der::Reader r(explicit_contents, kField);
  OCSP_TRY(v, r.Read(tag));
  SEALKEY_RETURN_IF_ERROR(r.ExpectEnd());
  return *v;
}

// AlgorithmIdentifier with absent or NULL parameters: the OID's contents.
Result<ByteView> AlgorithmOid(der::Reader& r) {
  OCSP_TRY(alg, r.ReadSequence());
  OCSP_TRY(oid, alg->Read(der::kOid));
  if (!alg->AtEnd()) {
    OCSP_TRY(null, alg->Read(der::kNull));
    if (!null->empty()) return Bad("algorithm parameters (NULL with contents)");
  }
  SEALKEY_RETURN_IF_ERROR(alg->ExpectEnd());
  return *oid;
}

// What a CertID (SHA-1) for cert/issuer holds.
struct CertIdParts {
  Bytes name_hash, key_hash, serial;
};
Result<CertIdParts> MakeCertId(const crypto::Certificate& cert, const crypto::Certificate& issuer) {
  unsigned char* name = nullptr;
  int name_len = i2d_X509_NAME(X509_get_subject_name(issuer.get()), &name);
  const ASN1_BIT_STRING* key = X509_get0_pubkey_bitstr(issuer.get());
  const ASN1_INTEGER* serial = X509_get0_serialNumber(cert.get());
  CertIdParts id;
  if (name_len > 0 && key && serial && ASN1_STRING_type(serial) != V_ASN1_NEG_INTEGER) {
    id.name_hash = crypto::Hash(crypto::HashAlg::kSha1, ByteView(name, name_len));
    id.key_hash = crypto::Hash(crypto::HashAlg::kSha1,
                               ByteView(ASN1_STRING_get0_data(key), ASN1_STRING_length(key)));
    id.serial = StripZeros(ByteView(ASN1_STRING_get0_data(serial), ASN1_STRING_length(serial)));
  }
  OPENSSL_free(name);
  if (id.name_hash.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "cannot name the certificate in an OCSP request",
                "certificate");
  }
  return id;
}

// GeneralizedTime YYYYMMDDHHMMSS[.f+]Z to Unix seconds.
Result<int64_t> ParseTime(ByteView contents) {
  std::string_view s = AsChars(contents);
  auto num = [&](size_t at, size_t n) {
    int v = 0;
    for (size_t i = at; i < at + n && v >= 0; ++i) {
      v = s[i] >= '0' && s[i] <= '9' ? v * 10 + (s[i] - '0') : -1;
    }
    return v;
  };
  if (s.size() < 15 || s.back() != 'Z' ||
      (s.size() > 15 && (s.size() < 17 || s[14] != '.' || num(15, s.size() - 16) < 0))) {
    return Bad("time (not GeneralizedTime in UTC)");
  }
  int h = num(8, 2), mi = num(10, 2), sec = num(12, 2);
  std::chrono::year_month_day day{std::chrono::year(num(0, 4)),
                                  std::chrono::month(static_cast<unsigned>(num(4, 2))),
                                  std::chrono::day(static_cast<unsigned>(num(6, 2)))};
  if (num(0, 4) < 0 || !day.ok() || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59) {
    return Bad("time (not a valid date)");
  }
  return std::chrono::sys_days(day).time_since_epoch() / std::chrono::seconds(1) + h * 3600 +
         mi * 60 + sec;
}

std::string ReasonName(int code) {
  static const char* const kNames[] = {"unspecified", "keyCompromise", "cACompromise",
                                       "affiliationChanged", "superseded", "cessationOfOperation",
                                       "certificateHold", "reason7", "removeFromCRL",
                                       "privilegeWithdrawn", "aACompromise"};
  return code >= 0 && code <= 10 ? kNames[code] : "reason" + std::to_string(code);
}

// Verifies `sig` over `tbs` with `key` under the algorithm `alg_oid`, which
// must fit the key's type.
Status VerifyTbs(const crypto::PublicKey& key, ByteView alg_oid, ByteView tbs, ByteView sig) {
  struct Alg {
    const char* oid;
    crypto::KeyType type;
    crypto::HashAlg hash;
  };
  static const Alg kAlgs[] = {
      {"1.2.156.10197.1.501", crypto::KeyType::kSm2, crypto::HashAlg::kSm3},
      {"1.2.840.10045.4.3.2", crypto::KeyType::kEcP256, crypto::HashAlg::kSha256},
      {"1.2.840.10045.4.3.3", crypto::KeyType::kEcP256, crypto::HashAlg::kSha384},
      {"1.2.840.10045.4.3.4", crypto::KeyType::kEcP256, crypto::HashAlg::kSha512},
      {"1.2.840.113549.1.1.11", crypto::KeyType::kRsa, crypto::HashAlg::kSha256},
      {"1.2.840.113549.1.1.12", crypto::KeyType::kRsa, crypto::HashAlg::kSha384},
      {"1.2.840.113549.1.1.13", crypto::KeyType::kRsa, crypto::HashAlg::kSha512},
  };
  for (const Alg& a : kAlgs) {
    if (!IsOid(alg_oid, a.oid)) continue;
    if (key.type() != a.type) return Refuse("the response is signed with another kind of key");
    crypto::SignOptions options;  // SM2: SM3 and the default ID
    options.hash = a.hash;
    if (!crypto::VerifyMessage(key, tbs, sig, options)) {
      return Refuse("the response's signature does not verify with the issuing CA's key");
    }
    return Ok();
  }
  return Fail(ErrorCode::kUnsupported, "the response is signed with an unsupported algorithm",
              kField);
}

// The issuer's own key, or a delegated responder's (RFC 6960 4.2.2.2).
Status VerifySigner(const crypto::Certificate& issuer, ByteView alg_oid, ByteView tbs,
                    ByteView sig, const std::vector<ByteView>& certs, int64_t now) {
  OCSP_TRY(issuer_key, issuer.PublicKeyOf());
  Status direct = VerifyTbs(*issuer_key, alg_oid, tbs, sig);
  if (direct) return direct;
  for (ByteView der : certs) {
    auto responder = crypto::Certificate::FromDer(der);
    if (!responder || !responder->VerifySignature(*issuer_key)) continue;
    crypto::CertificateInfo info = responder->Info();
    bool ocsp_signing = (X509_get_extended_key_usage(responder->get()) & XKU_OCSP_SIGN) != 0;
    if (!ocsp_signing || now < info.not_before || now >= info.not_after) continue;
    auto key = responder->PublicKeyOf();
    if (key && VerifyTbs(*key, alg_oid, tbs, sig)) return Ok();
  }
  return direct;
}

// One SingleResponse; `ours` says whether its CertID is `want`.
Result<RevocationStatus> ParseSingle(der::Reader& list, const CertIdParts& want, bool* ours) {
  OCSP_TRY(single, list.ReadSequence());
  OCSP_TRY(id, single->ReadSequence());
  OCSP_TRY(oid, AlgorithmOid(*id));
  OCSP_TRY(name_hash, id->Read(der::kOctetString));
  OCSP_TRY(key_hash, id->Read(der::kOctetString));
  OCSP_TRY(serial, id->ReadUnsignedInteger());
  SEALKEY_RETURN_IF_ERROR(id->ExpectEnd());
  *ours = IsOid(*oid, kOidSha1) && std::ranges::equal(*name_hash, want.name_hash) &&
          std::ranges::equal(*key_hash, want.key_hash) && StripZeros(*serial) == want.serial;

  RevocationStatus s;
  OCSP_TRY(tag, single->PeekTag());
  OCSP_TRY(status, single->Read(*tag));
  if (*tag == 0x80 || *tag == 0x82) {
    if (!status->empty()) return Bad("certStatus (NULL with contents)");
    s.state = *tag == 0x80 ? CertState::kGood : CertState::kUnknown;
  } else if (*tag == 0xa1) {
    der::Reader info(*status, kField);
    OCSP_TRY(when, info.Read(der::kGeneralizedTime));
    OCSP_TRY(revoked_at, ParseTime(*when));
    s.state = CertState::kRevoked;
    s.revoked_at = *revoked_at;
    s.reason = "unspecified";
    if (!info.AtEnd()) {
      OCSP_TRY(wrapped, info.Read(0xa0));
      OCSP_TRY(code, Inner(*wrapped, 0x0a));
      if (code->size() != 1 || (*code)[0] > 127) return Bad("revocationReason");
      s.reason = ReasonName((*code)[0]);
    }
    SEALKEY_RETURN_IF_ERROR(info.ExpectEnd());
  } else {
    return Bad("certStatus");
  }
  OCSP_TRY(this_update, single->Read(der::kGeneralizedTime));
  OCSP_TRY(tu, ParseTime(*this_update));
  s.this_update = *tu;
  if (single->PeekTag() == uint8_t{0xa0}) {
    OCSP_TRY(wrapped, single->Read(0xa0));
    OCSP_TRY(next, Inner(*wrapped, der::kGeneralizedTime));
    OCSP_TRY(nu, ParseTime(*next));
    s.next_update = *nu;
  }
  if (!single->AtEnd() && !single->Read(0xa1)) return Bad("singleExtensions");
  SEALKEY_RETURN_IF_ERROR(single->ExpectEnd());
  return s;
}

// responseExtensions: the nonce's extnValue contents, if any.
Result<std::optional<Bytes>> ParseExtensions(ByteView explicit_contents) {
  OCSP_TRY(seq, Inner(explicit_contents, der::kSequence));
  der::Reader list(*seq, kField);
  std::optional<Bytes> nonce;
  while (!list.AtEnd()) {
    OCSP_TRY(ext, list.ReadSequence());
    OCSP_TRY(oid, ext->Read(der::kOid));
    bool critical = false;
    if (ext->PeekTag() == uint8_t{0x01}) {
      OCSP_TRY(flag, ext->Read(0x01));
      critical = flag->size() == 1 && (*flag)[0] != 0;
    }
    OCSP_TRY(value, ext->Read(der::kOctetString));
    SEALKEY_RETURN_IF_ERROR(ext->ExpectEnd());
    if (IsOid(*oid, kOidNonce)) {
      if (nonce) return Bad("response extensions (two nonces)");
      nonce.emplace(value->begin(), value->end());
    } else if (critical) {
      return Refuse("the response has a critical extension sealkey does not know");
    }
  }
  return nonce;
}

Result<RevocationStatus> Verify(ByteView response, const CertIdParts& want,
                                const crypto::Certificate& issuer, ByteView nonce, int64_t now) {
  der::Reader top(response, kField);
  OCSP_TRY(outer, top.ReadSequence());
  SEALKEY_RETURN_IF_ERROR(top.ExpectEnd());
  OCSP_TRY(status, outer->Read(0x0a));
  if (status->size() != 1) return Bad("responseStatus");
  if (int code = (*status)[0]; code != 0) {
    static const char* const kNames[] = {"", "malformedRequest", "internalError", "tryLater",
                                         "status 4", "sigRequired", "unauthorized"};
    return Fail(ErrorCode::kIo, std::string("the responder answered ") +
                                    (code < 7 ? kNames[code] : "an unknown error"), kField);
  }
  OCSP_TRY(wrapped, outer->Read(0xa0));
  SEALKEY_RETURN_IF_ERROR(outer->ExpectEnd());
  OCSP_TRY(bytes_seq, Inner(*wrapped, der::kSequence));
  der::Reader bytes(*bytes_seq, kField);
  OCSP_TRY(type, bytes.Read(der::kOid));
  if (!IsOid(*type, kOidBasic)) {
    return Fail(ErrorCode::kUnsupported, "not a basic OCSP response", kField);
  }
  OCSP_TRY(basic_der, bytes.Read(der::kOctetString));
  SEALKEY_RETURN_IF_ERROR(bytes.ExpectEnd());
  OCSP_TRY(basic_seq, Inner(*basic_der, der::kSequence));
  der::Reader basic(*basic_seq, kField);
  OCSP_TRY(tbs_raw, basic.ReadRaw(der::kSequence));
  OCSP_TRY(alg_oid, AlgorithmOid(basic));
  OCSP_TRY(sig, basic.ReadBitStringBytes());
  std::vector<ByteView> certs;
  if (!basic.AtEnd()) {
    OCSP_TRY(certs_wrapped, basic.Read(0xa0));
    OCSP_TRY(certs_seq, Inner(*certs_wrapped, der::kSequence));
    der::Reader list(*certs_seq, kField);
    while (!list.AtEnd()) {
      OCSP_TRY(c, list.ReadRaw(der::kSequence));
      certs.push_back(*c);
    }
  }
  SEALKEY_RETURN_IF_ERROR(basic.ExpectEnd());
  SEALKEY_RETURN_IF_ERROR(VerifySigner(issuer, *alg_oid, *tbs_raw, *sig, certs, now));

  // From here on the bytes are the responder's.
  OCSP_TRY(tbs_seq, Inner(*tbs_raw, der::kSequence));
  der::Reader tbs(*tbs_seq, kField);
  if (tbs.PeekTag() == uint8_t{0xa0} && !tbs.Read(0xa0)) return Bad("version");
  OCSP_TRY(responder_tag, tbs.PeekTag());
  if ((*responder_tag != 0xa1 && *responder_tag != 0xa2) || !tbs.Read(*responder_tag)) {
    return Bad("responderID");
  }
  if (!tbs.Read(der::kGeneralizedTime)) return Bad("producedAt");
  OCSP_TRY(list, tbs.ReadSequence());
  std::optional<RevocationStatus> found;
  while (!list->AtEnd()) {
    bool ours = false;
    OCSP_TRY(single, ParseSingle(*list, want, &ours));
    if (ours && !found) found = std::move(*single);
  }
  std::optional<Bytes> echoed;
  if (!tbs.AtEnd()) {
    OCSP_TRY(ext, tbs.Read(0xa1));
    OCSP_TRY(parsed, ParseExtensions(*ext));
    echoed = std::move(*parsed);
  }
  SEALKEY_RETURN_IF_ERROR(tbs.ExpectEnd());

  if (!found) return Refuse("the response does not answer about this certificate");
  if (echoed && *echoed != der::OctetString(nonce)) {
    return Refuse("the response's nonce is not the request's (a replayed answer?)");
  }
  if (found->this_update > now + kSkew) return Refuse("the response is dated in the future");
  if (found->next_update != 0 && found->next_update + kSkew < now) {
    return Refuse("the response is out of date (its nextUpdate has passed)");
  }
  if (!echoed && found->next_update == 0 && found->this_update + kMaxAgeNoNonce < now) {
    return Refuse("the response has no nonce, no nextUpdate and is over an hour old");
  }
  return *found;
}

}  // namespace

Result<Bytes> BuildOcspRequest(const crypto::Certificate& cert, const crypto::Certificate& issuer,
                               ByteView nonce) {
  OCSP_TRY(id, MakeCertId(cert, issuer));
  Bytes cert_id = der::Sequence(
      {der::Sequence({der::Tlv(der::kOid, OidContents(kOidSha1)), der::Tlv(der::kNull, {})}),
       der::OctetString(id->name_hash), der::OctetString(id->key_hash),
       der::UnsignedInteger(id->serial)});
  Bytes nonce_ext = der::Sequence(
      {der::Tlv(der::kOid, OidContents(kOidNonce)), der::OctetString(der::OctetString(nonce))});
  Bytes tbs = der::Sequence({der::Sequence({der::Sequence({cert_id})}),
                             der::Tlv(0xa2, der::Sequence({nonce_ext}))});
  return der::Sequence({tbs});
}

Result<RevocationStatus> VerifyOcspResponse(ByteView response, const crypto::Certificate& cert,
                                            const crypto::Certificate& issuer, ByteView nonce,
                                            int64_t now) {
  OCSP_TRY(want, MakeCertId(cert, issuer));
  auto status = Verify(response, *want, issuer, nonce, now);
  if (!status && status.error().code == ErrorCode::kMalformed) {
    status.error().message = "not a valid OCSP response: " + status.error().message;
    status.error().field = kField;
  }
  return status;
}

}  // namespace sealkey::client

#undef OCSP_TRY
