#include "crypto/cms.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <string>

#include "base/der.h"
#include "crypto/cms_oids.h"

namespace sealkey::crypto {
namespace {

constexpr uint8_t kVersion1[] = {0x01};
// id-aa-signingCertificateV2, 1.2.840.113549.1.9.16.2.47 (RFC 5035 section 3).
constexpr uint8_t kOidSigningCertificateV2[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d,
                                                0x01, 0x09, 0x10, 0x02, 0x2f};
// GeneralName directoryName: [4] EXPLICIT Name (RFC 5280 section 4.2.1.6).
constexpr uint8_t kDirectoryName = 0xa4;

// X.690 section 11.6: the elements of a DER SET OF appear in ascending order
// of their encodings, compared as octet strings with the shorter one padded
// at its end with zero octets.
bool DerSetOfLess(const Bytes& a, const Bytes& b) {
  size_t common = std::min(a.size(), b.size());
  auto [ia, ib] = std::mismatch(a.begin(), a.begin() + common, b.begin());
  if (ia != a.begin() + common) return *ia < *ib;
  if (b.size() <= a.size()) return false;
  return std::any_of(b.begin() + common, b.end(), [](uint8_t c) { return c != 0; });
}

Bytes DerSetOf(uint8_t tag, std::vector<Bytes> elements) {
  std::stable_sort(elements.begin(), elements.end(), DerSetOfLess);
  Bytes body;
  for (const Bytes& e : elements) body.insert(body.end(), e.begin(), e.end());
  return der::Tlv(tag, body);
}

// Attribute ::= SEQUENCE { attrType OID, attrValues SET OF AttributeValue }
// with the single value RFC 5652 section 11 requires of the three below.
Bytes Attribute(ByteView oid, ByteView value) {
  return der::Sequence({cms::Oid(oid), der::Tlv(der::kSet, value)});
}

// RFC 5652 section 11.3: UTCTime for 1950 through 2049, GeneralizedTime
// otherwise; both in UTC with seconds and no fraction (RFC 5280 4.1.2.5).
Result<Bytes> EncodeSigningTime(int64_t unix_seconds) {
  time_t t = static_cast<time_t>(unix_seconds);
  struct tm tm {};
  if (gmtime_r(&t, &tm) == nullptr || tm.tm_year + 1900 < 0 || tm.tm_year + 1900 > 9999) {
    return Fail(ErrorCode::kInvalidArgument, "signing time is out of range", "signing_time");
  }
  int year = tm.tm_year + 1900;
  char buf[32];
  if (year >= 1950 && year < 2050) {
    std::snprintf(buf, sizeof buf, "%02d%02d%02d%02d%02d%02dZ", year % 100, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return der::Tlv(der::kUtcTime, AsBytes(buf));
  }
  std::snprintf(buf, sizeof buf, "%04d%02d%02d%02d%02d%02dZ", year, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec);
  return der::Tlv(der::kGeneralizedTime, AsBytes(buf));
}

// The digest for `type` under `options`: SM3 for SM2, SHA-2 otherwise.
Result<HashAlg> CmsHash(KeyType type, const SignOptions& options) {
  if (options.rsa_pss) {
    return Fail(ErrorCode::kUnsupported, "RSA-PSS is not supported in CMS signatures",
                "padding");
  }
  HashAlg hash = EffectiveHash(type, options);
  if (type != KeyType::kSm2 && hash != HashAlg::kSha256 && hash != HashAlg::kSha384 &&
      hash != HashAlg::kSha512) {
    return Fail(ErrorCode::kUnsupported,
                std::string(HashName(hash)) +
                    " is not supported in CMS signatures (use SHA-256, SHA-384 or SHA-512)",
                "hash");
  }
  return hash;
}

// RFC 5754 section 2 and RFC 3370 section 2: SHA-2 and SM3 identifiers
// without parameters, except next to RSA where NULL is what most
// verifiers (and older ones only) expect.
Bytes DigestAlgorithmId(KeyType type, HashAlg hash) {
  for (const auto& d : cms::kDigestAlgorithms) {
    if (d.hash == hash) return cms::AlgorithmId(d.oid, type == KeyType::kRsa);
  }
  return {};  // unreachable: CmsHash admits only tabulated hashes
}

// SM3withSM2 and ecdsa-with-SHA* take no parameters (RFC 5753 section 7.2);
// rsaEncryption takes NULL (RFC 3370 section 3.2).
Bytes SignatureAlgorithmId(KeyType type, HashAlg hash) {
  for (const auto& s : cms::kSignatureAlgorithms) {
    if (s.key != type) continue;
    if (type == KeyType::kRsa && !s.hash) return cms::AlgorithmId(s.oid, true);
    if (type == KeyType::kSm2) return cms::AlgorithmId(s.oid, false);
    if (type == KeyType::kEcP256 && s.hash == hash) return cms::AlgorithmId(s.oid, false);
  }
  return {};  // unreachable: every (type, hash) CmsHash admits is tabulated
}

// RFC 5035 section 3 (ASN.1 in its section 6):
//   SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }
//   ESSCertIDv2 ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier DEFAULT
//     {algorithm id-sha256}, certHash OCTET STRING, issuerSerial IssuerSerial }
//   IssuerSerial ::= SEQUENCE { issuer GeneralNames, serialNumber INTEGER }
// DER omits a DEFAULT value, so SHA-256 leaves hashAlgorithm out.
Bytes SigningCertificateV2(HashAlg hash, ByteView cert_der, const cms::IssuerAndSerial& ids) {
  std::vector<Bytes> fields;
  if (hash != HashAlg::kSha256) {
    for (const auto& d : cms::kDigestAlgorithms) {
      if (d.hash == hash) fields.push_back(cms::AlgorithmId(d.oid, false));
    }
  }
  fields.push_back(der::OctetString(Hash(hash, cert_der)));
  const Bytes general_names = der::Sequence({der::Tlv(kDirectoryName, ids.issuer)});
  fields.push_back(der::Sequence({general_names, ids.serial}));
  Bytes cert_id;
  for (const Bytes& f : fields) cert_id.insert(cert_id.end(), f.begin(), f.end());
  return der::Sequence({der::Sequence({der::Tlv(der::kSequence, cert_id)})});
}

}  // namespace

Result<Bytes> CmsSignDetached(Signer& signer, const Certificate& signer_cert, ByteView content,
                              const CmsSignParams& params) {
  auto public_key = signer_cert.PublicKeyOf();
  if (!public_key) return Fail(public_key.error());
  const KeyType type = signer.key_type();
  if (public_key->type() != type) {
    return Fail(ErrorCode::kInvalidArgument,
                "the signer holds an " + std::string(KeyTypeName(type)) +
                    " key but the certificate an " + std::string(KeyTypeName(public_key->type())) +
                    " key",
                "certificate");
  }
  auto hash = CmsHash(type, params.options);
  if (!hash) return Fail(hash.error());

  const Bytes cert_der = signer_cert.Der();
  auto issuer_serial = cms::ReadIssuerAndSerial(cert_der);
  if (!issuer_serial) return Fail(issuer_serial.error());

  // RFC 5652 section 5.3: with signed attributes, contentType and
  // messageDigest are mandatory; signingTime is section 11.3.
  std::vector<Bytes> attrs;
  attrs.push_back(Attribute(cms::kOidContentType, cms::Oid(cms::kOidData)));
  attrs.push_back(Attribute(cms::kOidMessageDigest, der::OctetString(Hash(*hash, content))));
  if (params.signing_time != 0) {
    auto time = EncodeSigningTime(params.signing_time);
    if (!time) return Fail(time.error());
    attrs.push_back(Attribute(cms::kOidSigningTime, *time));
  }
  if (params.signing_certificate_v2) {
    attrs.push_back(Attribute(kOidSigningCertificateV2,
                              SigningCertificateV2(*hash, cert_der, *issuer_serial)));
  }
  Bytes signed_attrs = DerSetOf(der::kSet, std::move(attrs));

  // Section 5.4: the signature covers the DER of SignedAttributes with its
  // own SET OF tag, not the [0] IMPLICIT tag it carries inside SignerInfo.
  SignOptions options = params.options;
  options.hash = *hash;
  auto signature = signer.Sign(signed_attrs, options);
  if (!signature) return Fail(signature.error());
  if (Status own = VerifyMessage(*public_key, signed_attrs, *signature, options); !own) {
    return Fail(ErrorCode::kInvalidArgument,
                "the signer's signature does not verify with the certificate's public key "
                "(wrong certificate for this key?): " + own.error().message,
                "certificate");
  }
  signed_attrs[0] = cms::kContext0;

  const Bytes digest_algorithm = DigestAlgorithmId(type, *hash);
  // Section 5.3: SignerInfo, version 1 because sid is IssuerAndSerialNumber.
  const Bytes signer_info = der::Sequence({
      der::UnsignedInteger(kVersion1),
      der::Sequence({issuer_serial->issuer, issuer_serial->serial}),
      digest_algorithm,
      signed_attrs,
      SignatureAlgorithmId(type, *hash),
      der::OctetString(*signature),
  });

  std::vector<Bytes> certs = {cert_der};
  for (const Certificate* extra : params.extra_certs) {
    if (extra == nullptr) {
      return Fail(ErrorCode::kInvalidArgument, "null certificate", "extra_certs");
    }
    Bytes der = extra->Der();
    if (std::find(certs.begin(), certs.end(), der) == certs.end()) certs.push_back(std::move(der));
  }

  // Section 5.1: version 1 (only X.509 certificates, id-data, version 1
  // SignerInfo). Section 5.2: no eContent, so the signature is detached.
  const Bytes signed_data = der::Sequence({
      der::UnsignedInteger(kVersion1),
      der::Tlv(der::kSet, digest_algorithm),
      der::Sequence({cms::Oid(cms::kOidData)}),
      DerSetOf(cms::kContext0, std::move(certs)),
      der::Tlv(der::kSet, signer_info),
  });
  // Section 3: ContentInfo.
  return der::Sequence(
      {cms::Oid(cms::kOidSignedData), der::Tlv(cms::kContext0, signed_data)});
}

}  // namespace sealkey::crypto
