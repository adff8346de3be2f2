// Internal to sealkey::crypto (cms_sign.cc, cms_verify.cc, csr_verify.cc):
// the object identifiers CMS (RFC 5652) needs, the AlgorithmIdentifiers sealkey writes and accepts, and
// IssuerAndSerialNumber taken verbatim from a certificate's DER.
//
// OIDs are kept as the contents octets of their DER encoding (no tag or
// length), so they compare byte for byte with what der::Reader returns.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>

#include "base/bytes.h"
#include "base/der.h"
#include "base/error.h"
#include "crypto/digest.h"
#include "crypto/key.h"

namespace sealkey::crypto::cms {

// Context-specific constructed tags: [0] and [1].
inline constexpr uint8_t kContext0 = 0xa0;
inline constexpr uint8_t kContext1 = 0xa1;
// [0] IMPLICIT OCTET STRING: SignerIdentifier subjectKeyIdentifier.
inline constexpr uint8_t kContext0Primitive = 0x80;

// RFC 5652 section 3 (content types) and 11 (attributes).
inline constexpr uint8_t kOidData[] =  // 1.2.840.113549.1.7.1
    {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01};
inline constexpr uint8_t kOidSignedData[] =  // 1.2.840.113549.1.7.2
    {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02};
inline constexpr uint8_t kOidContentType[] =  // 1.2.840.113549.1.9.3
    {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x03};
inline constexpr uint8_t kOidMessageDigest[] =  // 1.2.840.113549.1.9.4
    {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x04};
inline constexpr uint8_t kOidSigningTime[] =  // 1.2.840.113549.1.9.5
    {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x05};

// Digests: SM3 (GM/T 0006), SHA-2 (RFC 5754 section 2).
inline constexpr uint8_t kOidSm3[] =  // 1.2.156.10197.1.401
    {0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x83, 0x11};
inline constexpr uint8_t kOidSha256[] =  // 2.16.840.1.101.3.4.2.1
    {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01};
inline constexpr uint8_t kOidSha384[] =  // 2.16.840.1.101.3.4.2.2
    {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02};
inline constexpr uint8_t kOidSha512[] =  // 2.16.840.1.101.3.4.2.3
    {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03};

// Signatures: SM3withSM2 and sm2-1 (GM/T 0006; GM/T 0010 writes the latter),
// ecdsa-with-SHA2 (RFC 5753 section 7.2), rsaEncryption and
// shaNNNWithRSAEncryption (RFC 3370 section 3.2, RFC 5754 section 3.2).
inline constexpr uint8_t kOidSm3WithSm2[] =  // 1.2.156.10197.1.501
    {0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x83, 0x75};
inline constexpr uint8_t kOidSm2Sign[] =  // 1.2.156.10197.1.301.1
    {0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x82, 0x2d, 0x01};
inline constexpr uint8_t kOidEcdsaSha256[] =  // 1.2.840.10045.4.3.2
    {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02};
inline constexpr uint8_t kOidEcdsaSha384[] =  // 1.2.840.10045.4.3.3
    {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03};
inline constexpr uint8_t kOidEcdsaSha512[] =  // 1.2.840.10045.4.3.4
    {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x04};
inline constexpr uint8_t kOidRsaEncryption[] =  // 1.2.840.113549.1.1.1
    {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01};
inline constexpr uint8_t kOidSha256WithRsa[] =  // 1.2.840.113549.1.1.11
    {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b};
inline constexpr uint8_t kOidSha384WithRsa[] =  // 1.2.840.113549.1.1.12
    {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0c};
inline constexpr uint8_t kOidSha512WithRsa[] =  // 1.2.840.113549.1.1.13
    {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0d};

inline constexpr uint8_t kDerNull[] = {der::kNull, 0x00};

struct DigestAlgorithm {
  HashAlg hash;
  ByteView oid;
};
inline constexpr DigestAlgorithm kDigestAlgorithms[] = {
    {HashAlg::kSm3, kOidSm3},
    {HashAlg::kSha256, kOidSha256},
    {HashAlg::kSha384, kOidSha384},
    {HashAlg::kSha512, kOidSha512},
};

struct SignatureAlgorithm {
  ByteView oid;
  KeyType key;
  // The hash the algorithm names; nullopt for rsaEncryption, which signs
  // with the SignerInfo's digestAlgorithm (RFC 3370 section 3.2).
  std::optional<HashAlg> hash;
};
inline constexpr SignatureAlgorithm kSignatureAlgorithms[] = {
    {kOidSm3WithSm2, KeyType::kSm2, HashAlg::kSm3},
    {kOidSm2Sign, KeyType::kSm2, HashAlg::kSm3},
    {kOidEcdsaSha256, KeyType::kEcP256, HashAlg::kSha256},
    {kOidEcdsaSha384, KeyType::kEcP256, HashAlg::kSha384},
    {kOidEcdsaSha512, KeyType::kEcP256, HashAlg::kSha512},
    {kOidRsaEncryption, KeyType::kRsa, std::nullopt},
    {kOidSha256WithRsa, KeyType::kRsa, HashAlg::kSha256},
    {kOidSha384WithRsa, KeyType::kRsa, HashAlg::kSha384},
    {kOidSha512WithRsa, KeyType::kRsa, HashAlg::kSha512},
};

inline bool SameBytes(ByteView a, ByteView b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

// The table entry for an OID, or null.
inline const DigestAlgorithm* FindDigestAlgorithm(ByteView oid) {
  for (const auto& d : kDigestAlgorithms) {
    if (SameBytes(d.oid, oid)) return &d;
  }
  return nullptr;
}
inline const SignatureAlgorithm* FindSignatureAlgorithm(ByteView oid) {
  for (const auto& s : kSignatureAlgorithms) {
    if (SameBytes(s.oid, oid)) return &s;
  }
  return nullptr;
}

// Dotted form of OID contents, for error messages.
inline std::string OidText(ByteView oid) {
  std::string out;
  uint64_t arc = 0;
  for (uint8_t b : oid) {
    if (arc > (UINT64_MAX >> 7)) return "(invalid OID)";
    arc = arc << 7 | (b & 0x7f);
    if (b & 0x80) continue;
    if (out.empty()) {
      uint64_t first = arc < 80 ? arc / 40 : 2;
      out = std::to_string(first) + "." + std::to_string(arc - first * 40);
    } else {
      out += "." + std::to_string(arc);
    }
    arc = 0;
  }
  return out.empty() ? "(empty OID)" : out;
}

inline Bytes Oid(ByteView contents) { return der::Tlv(der::kOid, contents); }

// AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL }
inline Bytes AlgorithmId(ByteView oid, bool null_params) {
  Bytes id = Oid(oid);
  if (null_params) return der::Sequence({id, kDerNull});
  return der::Sequence({id});
}

struct ParsedAlgorithmId {
  ByteView oid;
  ByteView params;  // the whole parameters TLV; empty when absent
};

// Reads an AlgorithmIdentifier SEQUENCE from `r`. None of the algorithms
// above takes parameters other than NULL, so anything else is kUnsupported.
inline Result<ParsedAlgorithmId> ReadAlgorithmId(der::Reader& r) {
  auto seq = r.ReadSequence();
  if (!seq) return Fail(seq.error());
  ParsedAlgorithmId id;
  auto oid = seq->Read(der::kOid);
  if (!oid) return Fail(oid.error());
  id.oid = *oid;
  if (!seq->AtEnd()) {
    auto params = seq->ReadRaw(der::kNull);
    if (!params || !SameBytes(*params, kDerNull)) {
      return Fail(ErrorCode::kUnsupported, "algorithm parameters other than NULL",
                  "signature");
    }
    id.params = *params;
  }
  SEALKEY_RETURN_IF_ERROR(seq->ExpectEnd());
  return id;
}

// IssuerAndSerialNumber ::= SEQUENCE { issuer Name, serialNumber INTEGER }
// (RFC 5652 section 10.2.4), both TLVs exactly as they appear in the
// certificate's TBSCertificate (RFC 5280 section 4.1).
struct IssuerAndSerial {
  ByteView issuer;  // Name TLV
  ByteView serial;  // INTEGER TLV
};

// Borrows `cert_der`. kMalformed if it is not a certificate.
inline Result<IssuerAndSerial> ReadIssuerAndSerial(ByteView cert_der) {
  der::Reader outer(cert_der, "certificate");
  auto cert = outer.ReadSequence();
  if (!cert) return Fail(cert.error());
  auto tbs = cert->ReadSequence();
  if (!tbs) return Fail(tbs.error());
  auto tag = tbs->PeekTag();
  if (!tag) return Fail(tag.error());
  if (*tag == kContext0) {
    auto version = tbs->Read(kContext0);
    if (!version) return Fail(version.error());
  }
  IssuerAndSerial out;
  auto serial = tbs->ReadRaw(der::kInteger);
  if (!serial) return Fail(serial.error());
  out.serial = *serial;
  auto signature = tbs->Read(der::kSequence);
  if (!signature) return Fail(signature.error());
  auto issuer = tbs->ReadRaw(der::kSequence);
  if (!issuer) return Fail(issuer.error());
  out.issuer = *issuer;
  return out;
}

}  // namespace sealkey::crypto::cms
