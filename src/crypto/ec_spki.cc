#include "crypto/ec_spki.h"

#include <algorithm>

#include "base/der.h"

namespace sealkey::crypto {
namespace {

// OID contents octets (no tag or length).
constexpr uint8_t kOidEcPublicKey[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01};  // 1.2.840.10045.2.1
constexpr uint8_t kOidPrime256v1[] = {0x2a, 0x86, 0x48, 0xce,
                                      0x3d, 0x03, 0x01, 0x07};  // 1.2.840.10045.3.1.7
constexpr uint8_t kOidSm2Curve[] = {0x2a, 0x81, 0x1c, 0xcf,
                                    0x55, 0x01, 0x82, 0x2d};  // 1.2.156.10197.1.301

}  // namespace

std::optional<EcSpki> ParseEcSpki(ByteView spki) {
  der::Reader outer(spki, "public_key");
  auto seq = outer.ReadSequence();
  if (!seq || !outer.AtEnd()) return std::nullopt;
  auto alg = seq->ReadSequence();
  if (!alg) return std::nullopt;
  auto alg_oid = alg->Read(der::kOid);
  if (!alg_oid || !std::ranges::equal(*alg_oid, kOidEcPublicKey)) return std::nullopt;
  auto curve = alg->Read(der::kOid);
  if (!curve || !alg->AtEnd()) return std::nullopt;
  KeyType type;
  if (std::ranges::equal(*curve, kOidSm2Curve)) {
    type = KeyType::kSm2;
  } else if (std::ranges::equal(*curve, kOidPrime256v1)) {
    type = KeyType::kEcP256;
  } else {
    return std::nullopt;
  }
  auto point = seq->ReadBitStringBytes();
  if (!point || !seq->AtEnd()) return std::nullopt;
  return EcSpki{type, *point};
}

Bytes EncodeEcSpki(KeyType type, ByteView point) {
  ByteView curve = type == KeyType::kSm2 ? ByteView(kOidSm2Curve) : ByteView(kOidPrime256v1);
  Bytes alg_oid = der::Tlv(der::kOid, kOidEcPublicKey);
  Bytes curve_oid = der::Tlv(der::kOid, curve);
  return der::Sequence({der::Sequence({alg_oid, curve_oid}), der::BitString(point)});
}

}  // namespace sealkey::crypto
