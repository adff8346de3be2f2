#include "crypto/ec_group.h"

#include <cstdio>
#include <cstdlib>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>

#include "crypto/ossl_error.h"

namespace sealkey::crypto {

const char* GroupName(KeyType type) {
  return type == KeyType::kSm2 ? "SM2" : "prime256v1";
}

const EC_GROUP* GroupFor(KeyType type) {
  // Owned by statics, so they are freed when the program or module unloads.
  static const UniquePtr<EC_GROUP> sm2(EC_GROUP_new_by_curve_name(NID_sm2));
  static const UniquePtr<EC_GROUP> p256(EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1));
  const EC_GROUP* g = type == KeyType::kSm2 ? sm2.get() : p256.get();
  if (g == nullptr || type == KeyType::kRsa) {
    std::fputs("sealkey: fatal: EC group unavailable\n", stderr);
    std::abort();
  }
  return g;
}

Bytes GroupOrder(KeyType type) {
  Bytes out(kEcFieldSize);
  BN_bn2binpad(EC_GROUP_get0_order(GroupFor(type)), out.data(), kEcFieldSize);
  return out;
}

Result<UniquePtr<EC_POINT>> DecodePoint(KeyType type, ByteView point, const char* field) {
  if (type == KeyType::kRsa) return Fail(ErrorCode::kUnsupported, "not an EC key", field);
  if (point.size() != 1 + 2 * kEcFieldSize || point[0] != 0x04) {
    return Fail(ErrorCode::kMalformed,
                "expected a 65-byte uncompressed point (04||X||Y)", field);
  }
  const EC_GROUP* group = GroupFor(type);
  UniquePtr<EC_POINT> p(EC_POINT_new(group));
  UniquePtr<BN_CTX> bn(BN_CTX_new());
  // oct2point rejects coordinates >= p and points not on the curve.
  if (!p || !bn || EC_POINT_oct2point(group, p.get(), point.data(), point.size(), bn.get()) != 1) {
    ClearOpensslErrors();
    return Fail(ErrorCode::kOutOfRange, "point is not on the curve", field);
  }
  if (EC_POINT_is_at_infinity(group, p.get())) {
    return Fail(ErrorCode::kOutOfRange, "point is the point at infinity", field);
  }
  return p;
}

Result<Bytes> EncodePoint(KeyType type, const EC_POINT* point) {
  const EC_GROUP* group = GroupFor(type);
  if (EC_POINT_is_at_infinity(group, point)) {
    return Fail(ErrorCode::kOutOfRange, "point is the point at infinity");
  }
  Bytes out(1 + 2 * kEcFieldSize);
  UniquePtr<BN_CTX> bn(BN_CTX_new());
  if (EC_POINT_point2oct(group, point, POINT_CONVERSION_UNCOMPRESSED, out.data(), out.size(),
                         bn.get()) != out.size()) {
    return Fail(OpensslError(ErrorCode::kCrypto, "point encoding failed"));
  }
  return out;
}

}  // namespace sealkey::crypto
