// The electronic seal of GB/T 38540-2020 (SESeal, version 4): a seal image
// and its properties, bound to the certificates of the people or
// organisations allowed to use it, signed by the seal maker (制章人).
//
//   SESeal ::= SEQUENCE {
//     eSealInfo    SES_SealInfo,
//     cert         OCTET STRING,            -- the maker's certificate (DER)
//     signAlgID    OBJECT IDENTIFIER,
//     signedValue  BIT STRING }             -- signature over DER(eSealInfo)
//   SES_SealInfo ::= SEQUENCE {
//     header    SES_Header,                 -- { ID IA5String "ES", version INTEGER 4,
//                                           --   Vid IA5String (vendor) }
//     esID      IA5String,
//     property  SES_ESPropertyInfo,
//     picture   SES_ESPictureInfo,
//     extDatas  ExtensionDatas OPTIONAL }
//   SES_ESPropertyInfo ::= SEQUENCE {
//     type INTEGER, name UTF8String, certListType INTEGER,
//     certList SES_CertList,                -- certListType 1: SEQUENCE OF OCTET STRING
//     createDate GeneralizedTime, validStart GeneralizedTime, validEnd GeneralizedTime }
//   SES_ESPictureInfo ::= SEQUENCE {
//     type IA5String, data OCTET STRING, width INTEGER, height INTEGER }  -- mm
//   ExtensionDatas ::= SEQUENCE OF ExtData
//   ExtData ::= SEQUENCE { extnID OBJECT IDENTIFIER, critical BOOLEAN DEFAULT FALSE,
//                          extnValue OCTET STRING }
//
// Field order as in ofdrw's org.ofdrw.gm.ses.v4, which also signs the DER of
// eSealInfo alone. The signature is SM3withSM2 (default ID
// "1234567812345678") for an SM2 maker, ecdsa-with-SHA256 for P-256 and
// sha256WithRSAEncryption (PKCS#1 v1.5) for RSA.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"
#include "crypto/signer.h"
#include "crypto/x509.h"

namespace sealkey::seal {

// SES_ESPropertyInfo.type (GM/T 0031 and GB/T 38540 name these two; other
// positive codes are carried through unchanged).
inline constexpr int kSealTypeOrganisation = 1;  // 单位印章
inline constexpr int kSealTypePersonal = 2;      // 个人印章
// SES_Header.Vid written by sealkey.
inline constexpr std::string_view kVendorId = "sealkey";

// Limits checked when building and parsing.
inline constexpr size_t kMaxEsIdChars = 128;      // printable ASCII
inline constexpr size_t kMaxSealNameChars = 100;  // UTF-8 characters
inline constexpr size_t kMaxBoundCerts = 32;
inline constexpr size_t kMaxPictureBytes = 1 << 20;
inline constexpr int kMaxPictureMm = 300;

struct SealInfo {
  std::string es_id;                 // esID: printable ASCII, 1..128
  int type = kSealTypeOrganisation;  // 1..2^31-1
  std::string name;                  // UTF-8, 1..100 characters, no control characters
  std::vector<Bytes> bound_certs;    // DER certificates of the seal's users, 1..32
  int64_t created = 0;               // Unix seconds; created <= valid_end
  int64_t valid_start = 0;           // valid_start < valid_end
  int64_t valid_end = 0;
  Bytes png;         // the image (picture type "PNG"), at most 1 MiB
  int width_mm = 0;  // displayed size, 1..300 mm
  int height_mm = 0;
  bool operator==(const SealInfo&) const = default;
};

// Encodes `info`, signs DER(eSealInfo) through `maker` and returns the DER
// SESeal. `maker_cert` must hold the public key of `maker`'s private key: the
// signature is checked with it before the seal is returned.
// Errors: kInvalidArgument naming the SealInfo field ("es_id", "type",
// "name", "bound_certs", "created", "valid_start", "valid_end", "png",
// "width_mm", "height_mm") or "maker_cert"; the signer's errors as they are.
Result<Bytes> BuildSeal(const SealInfo& info, const crypto::Certificate& maker_cert,
                        crypto::Signer& maker);

struct ParsedSeal {
  SealInfo info;
  std::string vendor_id;  // SES_Header.Vid
  crypto::Certificate maker_cert;
  Bytes seal_info_der;  // the exact bytes the maker signed
};

// Parses a DER SESeal strictly and verifies the maker's signature with the
// key of the embedded maker certificate before it decodes anything inside
// eSealInfo; then checks that eSealInfo is canonical DER with version 4, ID
// "ES", certListType 1, picture type PNG, no critical extension, every field
// within the limits above, valid_start < valid_end and created <= valid_end.
// It does not decide whether the maker certificate is trusted (chain,
// revocation, usage) or whether the seal is valid now: callers check both.
// Errors: kMalformed naming the ASN.1 element at fault ("signAlgID",
// "header.ID", "property.createDate" ...; a badly encoded signature value is
// "signedValue") or, for values outside the limits, the SealInfo field
// ("name", "valid_end" ...); kOutOfRange for a well-formed number beyond its
// limit (picture.width above 300, a time before 1970, more than 32
// certificates); kUnsupported for an unknown signature algorithm,
// another version, certificate digests (certListType 2), another picture type
// or a critical extension; kVerifyFailed when the signature does not verify
// or its algorithm does not fit the maker's key.
Result<ParsedSeal> ParseAndVerifySeal(ByteView der);

}  // namespace sealkey::seal
