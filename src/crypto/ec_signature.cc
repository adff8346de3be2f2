#include "crypto/ec_signature.h"

#include <openssl/bn.h>
#include <openssl/ec.h>

#include "base/der.h"
#include "crypto/ec_group.h"
#include "crypto/ossl.h"

namespace sealkey::crypto {
namespace {

Status CheckRange(KeyType type, const EcSignature& sig) {
  if (type == KeyType::kRsa) return Fail(ErrorCode::kUnsupported, "not an EC key type");
  const BIGNUM* n = EC_GROUP_get0_order(GroupFor(type));
  UniquePtr<BIGNUM> r(BN_bin2bn(sig.r.data(), static_cast<int>(sig.r.size()), nullptr));
  UniquePtr<BIGNUM> s(BN_bin2bn(sig.s.data(), static_cast<int>(sig.s.size()), nullptr));
  if (!r || !s) return Fail(ErrorCode::kCrypto, "bignum allocation failed");
  if (BN_is_zero(r.get()) || BN_cmp(r.get(), n) >= 0) {
    return Fail(ErrorCode::kOutOfRange, "r is not in [1, n-1]", "signature");
  }
  if (BN_is_zero(s.get()) || BN_cmp(s.get(), n) >= 0) {
    return Fail(ErrorCode::kOutOfRange, "s is not in [1, n-1]", "signature");
  }
  if (type == KeyType::kSm2) {
    UniquePtr<BIGNUM> sum(BN_new());
    if (!sum || !BN_add(sum.get(), r.get(), s.get())) {
      return Fail(ErrorCode::kCrypto, "bignum addition failed");
    }
    if (BN_cmp(sum.get(), n) == 0) {
      return Fail(ErrorCode::kOutOfRange, "r + s = n is not a valid SM2 signature", "signature");
    }
  }
  return Ok();
}

}  // namespace

Result<EcSignature> ParseEcSignatureDer(KeyType type, ByteView der) {
  der::Reader outer(der, "signature");
  auto seq = outer.ReadSequence();
  if (!seq) return Fail(seq.error());
  SEALKEY_RETURN_IF_ERROR(outer.ExpectEnd());
  auto r = seq->ReadUnsignedInteger();
  if (!r) return Fail(r.error());
  auto s = seq->ReadUnsignedInteger();
  if (!s) return Fail(s.error());
  SEALKEY_RETURN_IF_ERROR(seq->ExpectEnd());
  auto r32 = der::FixedWidth(*r, kEcFieldSize, "signature");
  if (!r32) return Fail(ErrorCode::kOutOfRange, "r is not in [1, n-1]", "signature");
  auto s32 = der::FixedWidth(*s, kEcFieldSize, "signature");
  if (!s32) return Fail(ErrorCode::kOutOfRange, "s is not in [1, n-1]", "signature");
  EcSignature sig{std::move(*r32), std::move(*s32)};
  SEALKEY_RETURN_IF_ERROR(CheckRange(type, sig));
  return sig;
}

Result<EcSignature> ParseEcSignatureRaw(KeyType type, ByteView raw) {
  if (raw.size() != 2 * kEcFieldSize) {
    return Fail(ErrorCode::kMalformed, "raw signature must be 64 bytes (r||s)", "signature");
  }
  EcSignature sig{Bytes(raw.begin(), raw.begin() + kEcFieldSize),
                  Bytes(raw.begin() + kEcFieldSize, raw.end())};
  SEALKEY_RETURN_IF_ERROR(CheckRange(type, sig));
  return sig;
}

Bytes EncodeEcSignatureDer(const EcSignature& sig) {
  return der::Sequence({der::UnsignedInteger(sig.r), der::UnsignedInteger(sig.s)});
}

Bytes EncodeEcSignatureRaw(const EcSignature& sig) { return Concat({sig.r, sig.s}); }

Result<Bytes> EcSignatureDerToRaw(KeyType type, ByteView der) {
  auto sig = ParseEcSignatureDer(type, der);
  if (!sig) return Fail(sig.error());
  return EncodeEcSignatureRaw(*sig);
}

Result<Bytes> EcSignatureRawToDer(KeyType type, ByteView raw) {
  auto sig = ParseEcSignatureRaw(type, raw);
  if (!sig) return Fail(sig.error());
  return EncodeEcSignatureDer(*sig);
}

}  // namespace sealkey::crypto
