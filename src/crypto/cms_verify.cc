#include "crypto/cms.h"

#include <ctime>
#include <string>
#include <string_view>

#include <openssl/x509v3.h>

#include "base/der.h"
#include "base/encoding.h"
#include "crypto/cms_oids.h"

namespace sealkey::crypto {
namespace {

constexpr char kField[] = "signature";

Error Malformed(std::string message) {
  return Error{ErrorCode::kMalformed, kField, std::move(message)};
}
Error Unsupported(std::string message) {
  return Error{ErrorCode::kUnsupported, kField, std::move(message)};
}

bool NextIs(const der::Reader& r, uint8_t tag) {
  auto next = r.PeekTag();
  return next && *next == tag;
}

// DER as given (a ContentInfo starts with a SEQUENCE tag), or the body of a
// PEM "CMS" (RFC 7468 section 9) or "PKCS7" block decoded into `storage`.
Result<ByteView> Unarmor(ByteView input, Bytes& storage) {
  std::string_view text = AsChars(input);
  if (input.empty() || input[0] == der::kSequence ||
      text.find("-----BEGIN ") == std::string_view::npos) {
    return input;
  }
  for (std::string_view label : {"CMS", "PKCS7"}) {
    auto der = PemDecode(text, label);
    if (!der && der.error().code == ErrorCode::kNotFound) continue;
    if (!der) return Fail(Malformed(der.error().message));
    storage = std::move(*der);
    return ByteView(storage);
  }
  return Fail(Malformed("expected a PEM CMS or PKCS7 block"));
}

bool IsLeapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// SigningTime ::= UTCTime / GeneralizedTime (RFC 5652 section 11.3), in the
// DER forms of RFC 5280 section 4.1.2.5: YYMMDDHHMMSSZ (YY < 50 is 20YY)
// and YYYYMMDDHHMMSSZ.
Result<int64_t> ParseSigningTime(uint8_t tag, ByteView value) {
  std::string_view s = AsChars(value);
  const size_t year_digits = tag == der::kUtcTime ? 2 : 4;
  if (s.size() != year_digits + 11 || s.back() != 'Z') {
    return Fail(Malformed("signingTime is not in DER form"));
  }
  for (char c : s.substr(0, s.size() - 1)) {
    if (c < '0' || c > '9') return Fail(Malformed("signingTime is not in DER form"));
  }
  size_t pos = 0;
  auto next = [&](size_t digits) {
    int v = 0;
    for (size_t i = 0; i < digits; ++i) v = v * 10 + (s[pos++] - '0');
    return v;
  };
  int year = next(year_digits);
  if (tag == der::kUtcTime) year += year < 50 ? 2000 : 1900;
  struct tm tm {};
  tm.tm_mon = next(2) - 1;
  tm.tm_mday = next(2);
  tm.tm_hour = next(2);
  tm.tm_min = next(2);
  tm.tm_sec = next(2);
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 ||
      tm.tm_mday > kDays[tm.tm_mon] + (tm.tm_mon == 1 && IsLeapYear(year)) || tm.tm_hour > 23 ||
      tm.tm_min > 59 || tm.tm_sec > 59) {
    return Fail(Malformed("signingTime is not a valid date"));
  }
  tm.tm_year = year - 1900;
  return static_cast<int64_t>(timegm(&tm));
}

struct SignedAttributes {
  ByteView content_type;    // OID contents
  ByteView message_digest;  // OCTET STRING contents
  std::optional<int64_t> signing_time;
};

// SignedAttributes ::= SET SIZE (1..MAX) OF Attribute (RFC 5652 section
// 5.3). contentType and messageDigest must be present; those two and
// signingTime appear once with one value (section 11). Others are ignored.
Result<SignedAttributes> ParseSignedAttributes(ByteView body) {
  SignedAttributes out;
  enum Kind { kContentType, kMessageDigest, kSigningTime };
  static constexpr const char* kNames[] = {"contentType", "messageDigest", "signingTime"};
  bool seen[3] = {false, false, false};
  der::Reader r(body, kField);
  while (!r.AtEnd()) {
    auto attr = r.ReadSequence();
    if (!attr) return Fail(attr.error());
    auto type = attr->Read(der::kOid);
    if (!type) return Fail(type.error());
    auto values = attr->Read(der::kSet);
    if (!values) return Fail(values.error());
    SEALKEY_RETURN_IF_ERROR(attr->ExpectEnd());

    Kind kind;
    if (cms::SameBytes(*type, cms::kOidContentType)) {
      kind = kContentType;
    } else if (cms::SameBytes(*type, cms::kOidMessageDigest)) {
      kind = kMessageDigest;
    } else if (cms::SameBytes(*type, cms::kOidSigningTime)) {
      kind = kSigningTime;
    } else {
      continue;
    }
    const std::string name = kNames[kind];
    if (seen[kind]) return Fail(Malformed("duplicate " + name + " attribute"));
    seen[kind] = true;
    der::Reader value(*values, kField);
    auto tag = value.PeekTag();
    if (!tag) return Fail(Malformed(name + " attribute has no value"));
    if (kind == kContentType) {
      auto oid = value.Read(der::kOid);
      if (!oid) return Fail(oid.error());
      out.content_type = *oid;
    } else if (kind == kMessageDigest) {
      auto digest = value.Read(der::kOctetString);
      if (!digest) return Fail(digest.error());
      out.message_digest = *digest;
    } else {
      if (*tag != der::kUtcTime && *tag != der::kGeneralizedTime) {
        return Fail(Malformed("signingTime is neither UTCTime nor GeneralizedTime"));
      }
      auto time = value.Read(*tag);
      if (!time) return Fail(time.error());
      auto parsed = ParseSigningTime(*tag, *time);
      if (!parsed) return Fail(parsed.error());
      out.signing_time = *parsed;
    }
    if (!value.AtEnd()) return Fail(Malformed(name + " attribute has more than one value"));
  }
  if (!seen[kContentType]) return Fail(Malformed("signed attributes lack contentType"));
  if (!seen[kMessageDigest]) return Fail(Malformed("signed attributes lack messageDigest"));
  return out;
}

struct SignerInfo {
  std::optional<cms::IssuerAndSerial> issuer_serial;
  ByteView subject_key_id;
  cms::ParsedAlgorithmId digest_algorithm;
  ByteView signed_attrs;  // the whole [0] IMPLICIT TLV; empty when absent
  cms::ParsedAlgorithmId signature_algorithm;
  ByteView signature;
};

// RFC 5652 section 5.3:
//   SignerInfo ::= SEQUENCE { version, sid, digestAlgorithm,
//     signedAttrs [0] IMPLICIT OPTIONAL, signatureAlgorithm, signature,
//     unsignedAttrs [1] IMPLICIT OPTIONAL }
//   SignerIdentifier ::= CHOICE { issuerAndSerialNumber,
//     subjectKeyIdentifier [0] SubjectKeyIdentifier }
Result<SignerInfo> ParseSignerInfo(der::Reader& r) {
  SignerInfo si;
  auto version = r.Read(der::kInteger);
  if (!version) return Fail(version.error());
  // Version 1 goes with issuerAndSerialNumber, 3 with subjectKeyIdentifier.
  const bool by_issuer = NextIs(r, der::kSequence);
  const uint8_t expected_version = by_issuer ? 1 : 3;
  if (version->size() != 1 || (*version)[0] != expected_version) {
    return Fail(Malformed("SignerInfo version does not match its sid"));
  }
  if (by_issuer) {
    auto sid = r.ReadSequence();
    if (!sid) return Fail(sid.error());
    auto issuer = sid->ReadRaw(der::kSequence);
    if (!issuer) return Fail(issuer.error());
    auto serial = sid->ReadRaw(der::kInteger);
    if (!serial) return Fail(serial.error());
    SEALKEY_RETURN_IF_ERROR(sid->ExpectEnd());
    si.issuer_serial = cms::IssuerAndSerial{*issuer, *serial};
  } else {
    auto ski = r.Read(cms::kContext0Primitive);
    if (!ski) return Fail(ski.error());
    si.subject_key_id = *ski;
  }
  auto digest = cms::ReadAlgorithmId(r);
  if (!digest) return Fail(digest.error());
  si.digest_algorithm = *digest;
  if (NextIs(r, cms::kContext0)) {
    auto attrs = r.ReadRaw(cms::kContext0);
    if (!attrs) return Fail(attrs.error());
    si.signed_attrs = *attrs;
  }
  auto signature_algorithm = cms::ReadAlgorithmId(r);
  if (!signature_algorithm) return Fail(signature_algorithm.error());
  si.signature_algorithm = *signature_algorithm;
  auto signature = r.Read(der::kOctetString);
  if (!signature) return Fail(signature.error());
  si.signature = *signature;
  if (NextIs(r, cms::kContext1)) {
    auto unsigned_attrs = r.Read(cms::kContext1);
    if (!unsigned_attrs) return Fail(unsigned_attrs.error());
  }
  SEALKEY_RETURN_IF_ERROR(r.ExpectEnd());
  return si;
}

bool IsSigner(const SignerInfo& si, const Certificate& cert, ByteView cert_der) {
  if (si.issuer_serial) {
    auto id = cms::ReadIssuerAndSerial(cert_der);
    return id && cms::SameBytes(id->issuer, si.issuer_serial->issuer) &&
           cms::SameBytes(id->serial, si.issuer_serial->serial);
  }
  const ASN1_OCTET_STRING* ski = X509_get0_subject_key_id(cert.get());
  return ski != nullptr &&
         cms::SameBytes(ByteView(ASN1_STRING_get0_data(ski),
                                 static_cast<size_t>(ASN1_STRING_length(ski))),
                        si.subject_key_id);
}

struct ParsedSignedData {
  std::vector<Certificate> certificates;
  std::vector<ByteView> certificate_ders;  // as embedded, same order
  SignerInfo signer_info;
};

// ContentInfo holding a detached id-data SignedData with one SignerInfo.
// The result borrows `input`.
Result<ParsedSignedData> ParseSignedData(ByteView input) {
  // RFC 5652 section 3: ContentInfo ::= SEQUENCE { contentType,
  //   content [0] EXPLICIT ANY DEFINED BY contentType }
  der::Reader top(input, kField);
  auto content_info = top.ReadSequence();
  if (!content_info) return Fail(content_info.error());
  SEALKEY_RETURN_IF_ERROR(top.ExpectEnd());
  auto content_type = content_info->Read(der::kOid);
  if (!content_type) return Fail(content_type.error());
  if (!cms::SameBytes(*content_type, cms::kOidSignedData)) {
    return Fail(
        Malformed("not a SignedData (content type " + cms::OidText(*content_type) + ")"));
  }
  auto explicit_content = content_info->Read(cms::kContext0);
  if (!explicit_content) return Fail(explicit_content.error());
  SEALKEY_RETURN_IF_ERROR(content_info->ExpectEnd());

  // Section 5.1: SignedData ::= SEQUENCE { version, digestAlgorithms SET,
  //   encapContentInfo, certificates [0] IMPLICIT OPTIONAL,
  //   crls [1] IMPLICIT OPTIONAL, signerInfos SET }
  der::Reader wrapper(*explicit_content, kField);
  auto signed_data = wrapper.ReadSequence();
  if (!signed_data) return Fail(signed_data.error());
  SEALKEY_RETURN_IF_ERROR(wrapper.ExpectEnd());
  auto version = signed_data->Read(der::kInteger);
  if (!version) return Fail(version.error());
  if (version->size() != 1 || ((*version)[0] != 1 && ((*version)[0] < 3 || (*version)[0] > 5))) {
    return Fail(Unsupported("SignedData version other than 1, 3, 4 or 5"));
  }
  auto digest_algorithms = signed_data->Read(der::kSet);
  if (!digest_algorithms) return Fail(digest_algorithms.error());

  // Section 5.2: EncapsulatedContentInfo ::= SEQUENCE { eContentType,
  //   eContent [0] EXPLICIT OCTET STRING OPTIONAL }; absent when detached.
  auto encap = signed_data->ReadSequence();
  if (!encap) return Fail(encap.error());
  auto econtent_type = encap->Read(der::kOid);
  if (!econtent_type) return Fail(econtent_type.error());
  if (!cms::SameBytes(*econtent_type, cms::kOidData)) {
    return Fail(Unsupported("encapsulated content type " + cms::OidText(*econtent_type) +
                            " (only id-data)"));
  }
  if (!encap->AtEnd()) return Fail(Unsupported("the CMS carries its content (not detached)"));

  ParsedSignedData out;
  if (NextIs(*signed_data, cms::kContext0)) {
    auto set = signed_data->Read(cms::kContext0);
    if (!set) return Fail(set.error());
    // CertificateChoices other than Certificate (attribute certificates,
    // tags [0]..[3]) are skipped.
    der::Reader certs(*set, kField);
    while (!certs.AtEnd()) {
      auto tag = certs.PeekTag();
      if (!tag) return Fail(tag.error());
      if (*tag != der::kSequence) {
        auto skipped = certs.Read(*tag);
        if (!skipped) return Fail(skipped.error());
        continue;
      }
      auto raw = certs.ReadRaw(der::kSequence);
      if (!raw) return Fail(raw.error());
      auto cert = Certificate::FromDer(*raw);
      if (!cert) return Fail(Malformed("embedded certificate: " + cert.error().message));
      out.certificates.push_back(std::move(*cert));
      out.certificate_ders.push_back(*raw);
    }
  }
  if (NextIs(*signed_data, cms::kContext1)) {
    auto crls = signed_data->Read(cms::kContext1);
    if (!crls) return Fail(crls.error());
  }
  auto signer_infos = signed_data->Read(der::kSet);
  if (!signer_infos) return Fail(signer_infos.error());
  SEALKEY_RETURN_IF_ERROR(signed_data->ExpectEnd());

  der::Reader infos(*signer_infos, kField);
  if (infos.AtEnd()) return Fail(Malformed("SignedData has no SignerInfo"));
  auto info_reader = infos.ReadSequence();
  if (!info_reader) return Fail(info_reader.error());
  if (!infos.AtEnd()) return Fail(Unsupported("more than one SignerInfo"));
  auto si = ParseSignerInfo(*info_reader);
  if (!si) return Fail(si.error());
  out.signer_info = *si;
  return out;
}

}  // namespace

Result<CmsVerifyResult> CmsVerifyDetached(ByteView cms, ByteView content,
                                          const SignOptions& options) {
  Bytes storage;  // `parsed` borrows `encoded`, which may point here
  auto encoded = Unarmor(cms, storage);
  if (!encoded) return Fail(encoded.error());
  auto parsed = ParseSignedData(*encoded);
  if (!parsed) return Fail(parsed.error());
  std::vector<Certificate>& certificates = parsed->certificates;
  const SignerInfo* si = &parsed->signer_info;

  const cms::DigestAlgorithm* digest = cms::FindDigestAlgorithm(si->digest_algorithm.oid);
  if (digest == nullptr) {
    return Fail(Unsupported("digest algorithm " + cms::OidText(si->digest_algorithm.oid)));
  }
  const cms::SignatureAlgorithm* algorithm =
      cms::FindSignatureAlgorithm(si->signature_algorithm.oid);
  if (algorithm == nullptr) {
    return Fail(
        Unsupported("signature algorithm " + cms::OidText(si->signature_algorithm.oid)));
  }
  std::optional<SignedAttributes> attrs;
  if (!si->signed_attrs.empty()) {
    der::Reader outer(si->signed_attrs, kField);
    auto body = outer.Read(cms::kContext0);
    if (!body) return Fail(body.error());
    auto parsed = ParseSignedAttributes(*body);
    if (!parsed) return Fail(parsed.error());
    attrs = *parsed;
  }

  size_t signer_index = certificates.size();
  for (size_t i = 0; i < certificates.size() && signer_index == certificates.size(); ++i) {
    if (IsSigner(*si, certificates[i], parsed->certificate_ders[i])) signer_index = i;
  }
  if (signer_index == certificates.size()) {
    return Fail(ErrorCode::kNotFound, "the signer's certificate is not in the CMS", kField);
  }
  auto key = certificates[signer_index].PublicKeyOf();
  if (!key) return Fail(key.error());
  if (key->type() != algorithm->key) {
    return Fail(ErrorCode::kVerifyFailed,
                "signature algorithm is for " + std::string(KeyTypeName(algorithm->key)) +
                    " but the signer's certificate holds an " +
                    std::string(KeyTypeName(key->type())) + " key",
                kField);
  }

  // Section 5.4: with signed attributes the signature covers their DER with
  // the SET OF tag in place of [0]; the bytes are taken from the input as
  // they are, never re-encoded. Without them it covers the content itself.
  SignOptions verify_options = options;
  verify_options.hash = algorithm->hash.value_or(digest->hash);
  verify_options.rsa_pss = false;
  Bytes signed_bytes;
  if (attrs) {
    signed_bytes.assign(si->signed_attrs.begin(), si->signed_attrs.end());
    signed_bytes[0] = der::kSet;
  }
  Status verified = VerifyMessage(*key, attrs ? ByteView(signed_bytes) : content,
                                  si->signature, verify_options);
  if (!verified) {
    const Error& e = verified.error();
    if (e.code == ErrorCode::kVerifyFailed) {
      return Fail(ErrorCode::kVerifyFailed, "signature does not verify", kField);
    }
    if (e.code == ErrorCode::kMalformed || e.code == ErrorCode::kOutOfRange) {
      return Fail(e.code, "signature value: " + e.message, kField);
    }
    return Fail(e);
  }

  // Section 5.6 and 11.2: contentType must equal eContentType, and
  // messageDigest the digest of the (detached) content.
  if (attrs) {
    if (!cms::SameBytes(attrs->content_type, cms::kOidData)) {
      return Fail(ErrorCode::kVerifyFailed, "contentType attribute is not id-data", kField);
    }
    if (!cms::SameBytes(attrs->message_digest, Hash(digest->hash, content))) {
      return Fail(ErrorCode::kVerifyFailed, "content does not match the signature", kField);
    }
  }
  return CmsVerifyResult{certificates[signer_index].Clone(), std::move(certificates),
                         attrs ? attrs->signing_time : std::nullopt, digest->hash};
}

}  // namespace sealkey::crypto
