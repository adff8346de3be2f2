#include "seal/ses_seal.h"

#include <algorithm>
#include <cctype>
#include <climits>

#include "base/der.h"
#include "crypto/sign.h"
#include "seal/ses_der.h"
#include "seal/text.h"

namespace sealkey::seal {
namespace {

using detail::AtField;

constexpr int64_t kMaxTime = 253402300799;  // 9999-12-31T23:59:59Z
constexpr uint8_t kPngMagic[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

// Assigns the value of a Result-returning reader call to `var`, or returns
// its error with `field` attached.
#define SEAL_READ(var, expr, field) \
  auto var = (expr);                \
  if (!var) return Fail(AtField(std::move(var.error()), field))

// The limits of ses_seal.h; `code` is kInvalidArgument when building and
// kMalformed when parsing. Fields are named as in SealInfo.
Status CheckInfo(const SealInfo& info, ErrorCode code) {
  auto fail = [code](std::string message, const char* field) {
    return Fail(code, std::move(message), field);
  };
  auto recode = [code](Error e) {
    e.code = code;
    return Fail(std::move(e));
  };
  if (auto s = detail::CheckPrintableAscii(info.es_id, kMaxEsIdChars, "es_id"); !s) {
    return recode(s.error());
  }
  if (info.type < 1) return fail("must be a positive seal type code", "type");
  if (auto s = detail::SplitChars(info.name, kMaxSealNameChars, "name"); !s) {
    return recode(s.error());
  }
  if (info.bound_certs.empty() || info.bound_certs.size() > kMaxBoundCerts) {
    return fail("must hold 1 to " + std::to_string(kMaxBoundCerts) + " certificates",
                "bound_certs");
  }
  for (size_t i = 0; i < info.bound_certs.size(); ++i) {
    if (!crypto::Certificate::FromDer(info.bound_certs[i])) {
      return fail("entry " + std::to_string(i) + " is not a DER X.509 certificate", "bound_certs");
    }
  }
  for (auto [t, field] :
       {std::pair{info.created, "created"}, std::pair{info.valid_start, "valid_start"},
        std::pair{info.valid_end, "valid_end"}}) {
    if (t < 0 || t > kMaxTime) return fail("must lie between 1970 and 9999", field);
  }
  if (info.valid_start >= info.valid_end) return fail("must be after valid_start", "valid_end");
  if (info.created > info.valid_end) return fail("must not be after valid_end", "created");
  if (info.png.size() < sizeof kPngMagic ||
      !std::equal(kPngMagic, kPngMagic + sizeof kPngMagic, info.png.begin())) {
    return fail("is not a PNG image", "png");
  }
  if (info.png.size() > kMaxPictureBytes) return fail("is larger than 1 MiB", "png");
  for (auto [mm, field] :
       {std::pair{info.width_mm, "width_mm"}, std::pair{info.height_mm, "height_mm"}}) {
    if (mm < 1 || mm > kMaxPictureMm) {
      return fail("must be 1 to " + std::to_string(kMaxPictureMm) + " mm", field);
    }
  }
  return Ok();
}

// The OID that `type` signs with (see ses_seal.h).
ByteView SignAlgFor(crypto::KeyType type) {
  switch (type) {
    case crypto::KeyType::kSm2:
      return detail::kOidSm3WithSm2;
    case crypto::KeyType::kEcP256:
      return detail::kOidEcdsaWithSha256;
    case crypto::KeyType::kRsa:
      break;
  }
  return detail::kOidSha256WithRsa;
}

Result<Bytes> EncodeSealInfo(const SealInfo& info) {
  auto created = detail::GeneralizedTime(info.created, "created");
  if (!created) return Fail(created.error());
  auto start = detail::GeneralizedTime(info.valid_start, "valid_start");
  if (!start) return Fail(start.error());
  auto end = detail::GeneralizedTime(info.valid_end, "valid_end");
  if (!end) return Fail(end.error());
  Bytes certs;
  for (const Bytes& c : info.bound_certs) {
    Bytes octets = der::OctetString(c);
    certs.insert(certs.end(), octets.begin(), octets.end());
  }
  const Bytes header =
      der::Sequence({detail::Ia5String("ES"), detail::Integer(4), detail::Ia5String(kVendorId)});
  const Bytes property =
      der::Sequence({detail::Integer(info.type), detail::Utf8String(info.name), detail::Integer(1),
                     der::Tlv(der::kSequence, certs), *created, *start, *end});
  const Bytes picture =
      der::Sequence({detail::Ia5String("PNG"), der::OctetString(info.png),
                     detail::Integer(info.width_mm), detail::Integer(info.height_mm)});
  return der::Sequence({header, detail::Ia5String(info.es_id), property, picture});
}

// ExtensionDatas: each ExtData is read; a critical one is refused because
// sealkey understands none.
Status ReadExtensions(der::Reader& seal_info) {
  SEAL_READ(list, seal_info.ReadSequence(), "extDatas");
  for (size_t i = 0; !list->AtEnd(); ++i) {
    const std::string field = "extDatas[" + std::to_string(i) + "]";
    SEAL_READ(ext, list->ReadSequence(), field);
    SEAL_READ(oid, ext->Read(der::kOid), field);
    if (!ext->AtEnd() && ext->PeekTag().value() == detail::kTagBoolean) {
      SEAL_READ(critical, ext->Read(detail::kTagBoolean), field);
      // DER: DEFAULT FALSE is omitted, so a present BOOLEAN must be TRUE.
      if (critical->size() != 1 || (*critical)[0] != 0xff) {
        return Fail(ErrorCode::kMalformed, "critical must be TRUE (0xff) when present", field);
      }
      return Fail(ErrorCode::kUnsupported, "critical extension not understood", field);
    }
    SEAL_READ(value, ext->Read(der::kOctetString), field);
    SEAL_READ(end, ext->ExpectEnd(), field);
  }
  return Ok();
}

struct DecodedInfo {
  SealInfo info;
  std::string vendor_id;
};

Result<DecodedInfo> DecodeSealInfo(ByteView raw) {
  DecodedInfo out;
  SealInfo& info = out.info;
  der::Reader outer(raw, "eSealInfo");
  SEAL_READ(r, outer.ReadSequence(), "eSealInfo");

  SEAL_READ(header, r->ReadSequence(), "header");
  SEAL_READ(id, detail::ReadIa5String(*header, "header.ID"), "header.ID");
  if (*id != "ES") return Fail(ErrorCode::kMalformed, "is not \"ES\"", "header.ID");
  SEAL_READ(version, detail::ReadInteger(*header, INT32_MAX, "header.version"), "header.version");
  if (*version != 4) {
    return Fail(ErrorCode::kUnsupported,
                "version " + std::to_string(*version) + " is not supported (only 4)",
                "header.version");
  }
  SEAL_READ(vid, detail::ReadIa5String(*header, "header.Vid"), "header.Vid");
  out.vendor_id = std::move(*vid);
  SEAL_READ(header_end, header->ExpectEnd(), "header");

  SEAL_READ(es_id, detail::ReadIa5String(*r, "esID"), "esID");
  info.es_id = std::move(*es_id);

  SEAL_READ(p, r->ReadSequence(), "property");
  SEAL_READ(type, detail::ReadInteger(*p, INT32_MAX, "property.type"), "property.type");
  info.type = static_cast<int>(*type);
  SEAL_READ(name, detail::ReadUtf8String(*p, "property.name"), "property.name");
  info.name = std::move(*name);
  SEAL_READ(list_type, detail::ReadInteger(*p, INT32_MAX, "property.certListType"),
            "property.certListType");
  if (*list_type != 1) {
    return Fail(*list_type == 2 ? ErrorCode::kUnsupported : ErrorCode::kMalformed,
                *list_type == 2 ? "certificate digests (2) are not supported"
                                : "is neither 1 (certificates) nor 2 (digests)",
                "property.certListType");
  }
  SEAL_READ(certs, p->ReadSequence(), "property.certList");
  while (!certs->AtEnd()) {
    const std::string field = "property.certList[" + std::to_string(info.bound_certs.size()) + "]";
    if (info.bound_certs.size() == kMaxBoundCerts) {
      return Fail(ErrorCode::kOutOfRange, "too many certificates", "property.certList");
    }
    SEAL_READ(cert, certs->Read(der::kOctetString), field);
    info.bound_certs.emplace_back(cert->begin(), cert->end());
  }
  SEAL_READ(created, detail::ReadGeneralizedTime(*p, "property.createDate"), "property.createDate");
  SEAL_READ(start, detail::ReadGeneralizedTime(*p, "property.validStart"), "property.validStart");
  SEAL_READ(end, detail::ReadGeneralizedTime(*p, "property.validEnd"), "property.validEnd");
  info.created = *created;
  info.valid_start = *start;
  info.valid_end = *end;
  SEAL_READ(property_end, p->ExpectEnd(), "property");

  SEAL_READ(q, r->ReadSequence(), "picture");
  SEAL_READ(pic_type, detail::ReadIa5String(*q, "picture.type"), "picture.type");
  std::string upper = *pic_type;
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (upper != "PNG") {
    return Fail(ErrorCode::kUnsupported, "picture type \"" + *pic_type + "\" is not supported",
                "picture.type");
  }
  SEAL_READ(data, q->Read(der::kOctetString), "picture.data");
  info.png.assign(data->begin(), data->end());
  SEAL_READ(width, detail::ReadInteger(*q, kMaxPictureMm, "picture.width"), "picture.width");
  SEAL_READ(height, detail::ReadInteger(*q, kMaxPictureMm, "picture.height"), "picture.height");
  info.width_mm = static_cast<int>(*width);
  info.height_mm = static_cast<int>(*height);
  SEAL_READ(picture_end, q->ExpectEnd(), "picture");

  if (!r->AtEnd()) SEALKEY_RETURN_IF_ERROR(ReadExtensions(*r));
  SEAL_READ(info_end, r->ExpectEnd(), "eSealInfo");
  SEAL_READ(outer_end, outer.ExpectEnd(), "eSealInfo");
  return out;
}

}  // namespace

Result<Bytes> BuildSeal(const SealInfo& info, const crypto::Certificate& maker_cert,
                        crypto::Signer& maker) {
  SEALKEY_RETURN_IF_ERROR(CheckInfo(info, ErrorCode::kInvalidArgument));
  if (maker_cert.get() == nullptr) {
    return Fail(ErrorCode::kInvalidArgument, "no maker certificate", "maker_cert");
  }
  auto maker_key = maker_cert.PublicKeyOf();
  if (!maker_key) return Fail(AtField(std::move(maker_key.error()), "maker_cert"));
  if (maker_key->type() != maker.key_type()) {
    return Fail(ErrorCode::kInvalidArgument, "is not for the signing key's algorithm",
                "maker_cert");
  }
  auto seal_info = EncodeSealInfo(info);
  if (!seal_info) return Fail(seal_info.error());
  auto signature = maker.Sign(*seal_info, crypto::SignOptions{});
  if (!signature) return Fail(signature.error());
  if (!crypto::VerifyMessage(*maker_key, *seal_info, *signature, crypto::SignOptions{})) {
    return Fail(ErrorCode::kInvalidArgument, "does not hold the signing key's public key",
                "maker_cert");
  }
  return der::Sequence({*seal_info, der::OctetString(maker_cert.Der()),
                        der::Tlv(der::kOid, SignAlgFor(maker.key_type())),
                        der::BitString(*signature)});
}

Result<ParsedSeal> ParseAndVerifySeal(ByteView der) {
  der::Reader top(der, "SESeal");
  SEAL_READ(seal, top.ReadSequence(), "SESeal");
  SEAL_READ(top_end, top.ExpectEnd(), "SESeal");
  SEAL_READ(seal_info, seal->ReadRaw(der::kSequence), "eSealInfo");
  SEAL_READ(cert_der, seal->Read(der::kOctetString), "cert");
  SEAL_READ(alg, seal->Read(der::kOid), "signAlgID");
  SEAL_READ(signature, seal->ReadBitStringBytes(), "signedValue");
  SEAL_READ(seal_end, seal->ExpectEnd(), "SESeal");

  // The signature first: nothing inside eSealInfo is looked at before it is
  // known to come from the maker.
  SEAL_READ(maker_cert, crypto::Certificate::FromDer(*cert_der), "cert");
  SEAL_READ(maker_key, maker_cert->PublicKeyOf(), "cert");
  auto is = [&](ByteView oid) { return std::ranges::equal(*alg, oid); };
  if (!is(detail::kOidSm3WithSm2) && !is(detail::kOidEcdsaWithSha256) &&
      !is(detail::kOidSha256WithRsa)) {
    return Fail(ErrorCode::kUnsupported, "signature algorithm is not supported", "signAlgID");
  }
  if (!is(SignAlgFor(maker_key->type()))) {
    return Fail(ErrorCode::kVerifyFailed, "does not fit the maker certificate's key", "signAlgID");
  }
  if (auto v = crypto::VerifyMessage(*maker_key, *seal_info, *signature, crypto::SignOptions{});
      !v) {
    // An r or s out of range is a malformed signature value, not a number
    // the caller supplied.
    Error e = AtField(std::move(v.error()), "signedValue");
    if (e.code == ErrorCode::kOutOfRange) e.code = ErrorCode::kMalformed;
    return Fail(std::move(e));
  }

  auto decoded = DecodeSealInfo(*seal_info);
  if (!decoded) return Fail(decoded.error());
  SEALKEY_RETURN_IF_ERROR(CheckInfo(decoded->info, ErrorCode::kMalformed));
  return ParsedSeal{std::move(decoded->info), std::move(decoded->vendor_id), std::move(*maker_cert),
                    Bytes(seal_info->begin(), seal_info->end())};
}

}  // namespace sealkey::seal
