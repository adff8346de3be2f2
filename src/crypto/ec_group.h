// Curve constants and point validation shared by SM2, ECDSA and (later)
// the two-party SM2 protocol. Internal to sealkey::crypto and cosign.
#pragma once

#include "base/bytes.h"
#include "base/error.h"
#include "crypto/key.h"
#include "crypto/ossl.h"

namespace sealkey::crypto {

inline constexpr size_t kEcFieldSize = 32;  // both curves are 256-bit

// The group for an EC key type (SM2 or P-256); shared, never freed.
const EC_GROUP* GroupFor(KeyType type);
// OpenSSL group name: "SM2" or "prime256v1".
const char* GroupName(KeyType type);
// Big-endian 32-byte group order n.
Bytes GroupOrder(KeyType type);

// Decodes an uncompressed point and checks that it is on the curve and not
// the point at infinity. `field` names the input in errors.
Result<UniquePtr<EC_POINT>> DecodePoint(KeyType type, ByteView point, const char* field);
// 04||X||Y.
Result<Bytes> EncodePoint(KeyType type, const EC_POINT* point);

}  // namespace sealkey::crypto
