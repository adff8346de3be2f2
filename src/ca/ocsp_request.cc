// Parsing RFC 6960 OCSPRequests (section 4.1.1) with the strict DER reader.
//
//   OCSPRequest ::= SEQUENCE { tbsRequest TBSRequest,
//                              optionalSignature [0] EXPLICIT Signature OPTIONAL }
//   TBSRequest  ::= SEQUENCE { version [0] EXPLICIT Version DEFAULT v1,
//                              requestorName [1] EXPLICIT GeneralName OPTIONAL,
//                              requestList SEQUENCE OF Request,
//                              requestExtensions [2] EXPLICIT Extensions OPTIONAL }
//   Request     ::= SEQUENCE { reqCert CertID,
//                              singleRequestExtensions [0] EXPLICIT Extensions OPTIONAL }
//   CertID      ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier, issuerNameHash OCTET STRING,
//                              issuerKeyHash OCTET STRING, serialNumber CertificateSerialNumber }
#include <set>
#include <string>

#include "base/der.h"
#include "ca/crl_ocsp.h"
#include "ca/revocation_der.h"

namespace sealkey::ca {
namespace {

constexpr const char* kField = "request";
// More CertIDs than this in one request is refused (each costs a lookup and
// the response grows with them); OpenSSL and browsers ask about one.
constexpr size_t kMaxIds = 100;

tl::unexpected<Error> Bad(const std::string& message) {
  return Fail(ErrorCode::kMalformed, message, kField);
}

Result<OcspCertId> ParseCertId(der::Reader& request) {
  auto cert_id = request.ReadSequence();
  if (!cert_id) return Fail(cert_id.error());
  auto alg = cert_id->ReadSequence();
  if (!alg) return Fail(alg.error());
  auto oid = alg->Read(der::kOid);
  if (!oid) return Fail(oid.error());
  auto dotted = detail::DecodeOid(*oid, kField);
  if (!dotted) return Fail(dotted.error());
  if (!alg->AtEnd()) {  // parameters: absent or NULL
    auto null = alg->Read(der::kNull);
    if (!null) return Fail(null.error());
    if (!null->empty()) return Bad("NULL with contents in the CertID hash algorithm");
  }
  SEALKEY_RETURN_IF_ERROR(alg->ExpectEnd());

  OcspCertId id;
  id.hash_alg = detail::CertIdHashName(*dotted);
  auto name_hash = cert_id->Read(der::kOctetString);
  if (!name_hash) return Fail(name_hash.error());
  auto key_hash = cert_id->Read(der::kOctetString);
  if (!key_hash) return Fail(key_hash.error());
  auto serial = cert_id->ReadUnsignedInteger();
  if (!serial) return Fail(serial.error());
  SEALKEY_RETURN_IF_ERROR(cert_id->ExpectEnd());
  if (auto hash = detail::CertIdHash(id.hash_alg)) {
    size_t want = crypto::HashSize(*hash);
    if (name_hash->size() != want || key_hash->size() != want) {
      return Bad("CertID hashes are not " + std::to_string(want) + " bytes long for " +
                 id.hash_alg);
    }
  }
  id.issuer_name_hash.assign(name_hash->begin(), name_hash->end());
  id.issuer_key_hash.assign(key_hash->begin(), key_hash->end());
  id.serial.assign(serial->begin(), serial->end());
  return id;
}

// Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension; returns the nonce's
// extnValue contents if there is one. Other extensions are ignored (none is
// defined that would change the answer).
Result<std::optional<Bytes>> ParseExtensions(ByteView explicit_contents) {
  der::Reader outer(explicit_contents, kField);
  auto list = outer.ReadSequence();
  if (!list) return Fail(list.error());
  SEALKEY_RETURN_IF_ERROR(outer.ExpectEnd());
  if (list->AtEnd()) return Bad("empty request extensions");
  std::set<std::string> seen;
  std::optional<Bytes> nonce;
  while (!list->AtEnd()) {
    auto ext = list->ReadSequence();
    if (!ext) return Fail(ext.error());
    auto oid = ext->Read(der::kOid);
    if (!oid) return Fail(oid.error());
    auto dotted = detail::DecodeOid(*oid, kField);
    if (!dotted) return Fail(dotted.error());
    if (!seen.insert(*dotted).second) return Bad("extension " + *dotted + " appears twice");
    auto tag = ext->PeekTag();
    if (!tag) return Fail(tag.error());
    if (*tag == detail::kTagBoolean) {
      auto critical = ext->Read(detail::kTagBoolean);
      if (!critical) return Fail(critical.error());
      if (critical->size() != 1 || ((*critical)[0] != 0 && (*critical)[0] != 0xff)) {
        return Bad("invalid BOOLEAN in extension " + *dotted);
      }
    }
    auto value = ext->Read(der::kOctetString);
    if (!value) return Fail(value.error());
    SEALKEY_RETURN_IF_ERROR(ext->ExpectEnd());
    if (*dotted == detail::kOidOcspNonce) nonce.emplace(value->begin(), value->end());
  }
  return nonce;
}

Result<OcspRequest> Parse(ByteView bytes) {
  der::Reader top(bytes, kField);
  auto request = top.ReadSequence();
  if (!request) return Fail(request.error());
  SEALKEY_RETURN_IF_ERROR(top.ExpectEnd());
  auto tbs = request->ReadSequence();
  if (!tbs) return Fail(tbs.error());
  if (!request->AtEnd()) {
    // optionalSignature: accepted, not checked (RFC 6960 4.1.2).
    auto signature = request->Read(0xa0);
    if (!signature) return Fail(signature.error());
  }
  SEALKEY_RETURN_IF_ERROR(request->ExpectEnd());

  auto tag = tbs->PeekTag();
  if (!tag) return Fail(tag.error());
  if (*tag == 0xa0) {
    auto version = tbs->Read(0xa0);
    if (!version) return Fail(version.error());
    der::Reader v(*version, kField);
    auto n = v.ReadUnsignedInteger();
    if (!n) return Fail(n.error());
    SEALKEY_RETURN_IF_ERROR(v.ExpectEnd());
    if (n->size() != 1 || (*n)[0] != 0) return Bad("unsupported request version");
    tag = tbs->PeekTag();
    if (!tag) return Fail(tag.error());
  }
  if (*tag == 0xa1) {  // requestorName: informational only
    auto requestor = tbs->Read(0xa1);
    if (!requestor) return Fail(requestor.error());
  }
  auto list = tbs->ReadSequence();
  if (!list) return Fail(list.error());
  OcspRequest out;
  if (!tbs->AtEnd()) {
    auto extensions = tbs->Read(0xa2);
    if (!extensions) return Fail(extensions.error());
    auto nonce = ParseExtensions(*extensions);
    if (!nonce) return Fail(nonce.error());
    out.nonce = std::move(*nonce);
  }
  SEALKEY_RETURN_IF_ERROR(tbs->ExpectEnd());

  while (!list->AtEnd()) {
    if (out.ids.size() == kMaxIds) {
      return Fail(ErrorCode::kOutOfRange,
                  "more than " + std::to_string(kMaxIds) + " certificates in one request",
                  kField);
    }
    auto req = list->ReadSequence();
    if (!req) return Fail(req.error());
    auto id = ParseCertId(*req);
    if (!id) return Fail(id.error());
    if (!req->AtEnd()) {  // singleRequestExtensions: none defined that matter
      auto single = req->Read(0xa0);
      if (!single) return Fail(single.error());
    }
    SEALKEY_RETURN_IF_ERROR(req->ExpectEnd());
    out.ids.push_back(std::move(*id));
  }
  if (out.ids.empty()) return Bad("the request asks about no certificate");
  return out;
}

}  // namespace

Result<OcspRequest> ParseOcspRequest(ByteView der) {
  auto parsed = Parse(der);
  if (!parsed) {
    Error e = std::move(parsed.error());
    e.field = kField;
    if (e.code == ErrorCode::kMalformed) e.message = "not a DER OCSPRequest: " + e.message;
    return Fail(std::move(e));
  }
  return parsed;
}

}  // namespace sealkey::ca
