#include "crypto/sm2.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include "base/der.h"
#include "crypto/digest.h"
#include "crypto/ec_group.h"
#include "crypto/ec_signature.h"
#include "crypto/ossl_error.h"

namespace sealkey::crypto {
namespace {

constexpr size_t kC1Size = 1 + 2 * kEcFieldSize;
constexpr size_t kC3Size = 32;

Status RequireSm2(KeyType type) {
  if (type != KeyType::kSm2) return Fail(ErrorCode::kInvalidArgument, "not an SM2 key", "key");
  return Ok();
}

// The curve part of Z: a || b || xG || yG, computed once.
const Bytes& CurveBytes() {
  static const Bytes bytes = [] {
    const EC_GROUP* g = GroupFor(KeyType::kSm2);
    UniquePtr<BIGNUM> p(BN_new()), a(BN_new()), b(BN_new()), x(BN_new()), y(BN_new());
    EC_GROUP_get_curve(g, p.get(), a.get(), b.get(), nullptr);
    EC_POINT_get_affine_coordinates(g, EC_GROUP_get0_generator(g), x.get(), y.get(), nullptr);
    Bytes out(4 * kEcFieldSize);
    BN_bn2binpad(a.get(), out.data(), kEcFieldSize);
    BN_bn2binpad(b.get(), out.data() + kEcFieldSize, kEcFieldSize);
    BN_bn2binpad(x.get(), out.data() + 2 * kEcFieldSize, kEcFieldSize);
    BN_bn2binpad(y.get(), out.data() + 3 * kEcFieldSize, kEcFieldSize);
    return out;
  }();
  return bytes;
}

struct Sm2CipherParts {
  Bytes c1;  // 04||x||y
  Bytes c3;  // 32 bytes
  Bytes c2;
};

Result<Sm2CipherParts> SplitCipher(ByteView in, Sm2CipherFormat format) {
  Sm2CipherParts parts;
  if (format == Sm2CipherFormat::kAsn1) {
    der::Reader outer(in, "ciphertext");
    auto seq = outer.ReadSequence();
    if (!seq) return Fail(seq.error());
    SEALKEY_RETURN_IF_ERROR(outer.ExpectEnd());
    auto x = seq->ReadUnsignedInteger();
    if (!x) return Fail(x.error());
    auto y = seq->ReadUnsignedInteger();
    if (!y) return Fail(y.error());
    auto c3 = seq->Read(der::kOctetString);
    if (!c3) return Fail(c3.error());
    auto c2 = seq->Read(der::kOctetString);
    if (!c2) return Fail(c2.error());
    SEALKEY_RETURN_IF_ERROR(seq->ExpectEnd());
    auto x32 = der::FixedWidth(*x, kEcFieldSize, "ciphertext");
    if (!x32) return Fail(x32.error());
    auto y32 = der::FixedWidth(*y, kEcFieldSize, "ciphertext");
    if (!y32) return Fail(y32.error());
    parts.c1 = Concat({Bytes{0x04}, *x32, *y32});
    parts.c3.assign(c3->begin(), c3->end());
    parts.c2.assign(c2->begin(), c2->end());
  } else {
    if (in.size() <= kC1Size + kC3Size || in[0] != 0x04) {
      return Fail(ErrorCode::kMalformed,
                  "expected 04||x||y followed by a 32-byte hash and at least one byte",
                  "ciphertext");
    }
    parts.c1.assign(in.begin(), in.begin() + kC1Size);
    ByteView rest = in.subspan(kC1Size);
    if (format == Sm2CipherFormat::kC1C3C2) {
      parts.c3.assign(rest.begin(), rest.begin() + kC3Size);
      parts.c2.assign(rest.begin() + kC3Size, rest.end());
    } else {
      parts.c2.assign(rest.begin(), rest.end() - kC3Size);
      parts.c3.assign(rest.end() - kC3Size, rest.end());
    }
  }
  if (parts.c3.size() != kC3Size) {
    return Fail(ErrorCode::kMalformed, "C3 must be a 32-byte SM3 hash", "ciphertext");
  }
  if (parts.c2.empty()) return Fail(ErrorCode::kMalformed, "C2 is empty", "ciphertext");
  auto point = DecodePoint(KeyType::kSm2, parts.c1, "ciphertext");
  if (!point) return Fail(point.error());
  return parts;
}

Bytes JoinCipher(const Sm2CipherParts& parts, Sm2CipherFormat format) {
  switch (format) {
    case Sm2CipherFormat::kAsn1: {
      ByteView c1(parts.c1);
      return der::Sequence({der::UnsignedInteger(c1.subspan(1, kEcFieldSize)),
                            der::UnsignedInteger(c1.subspan(1 + kEcFieldSize)),
                            der::OctetString(parts.c3), der::OctetString(parts.c2)});
    }
    case Sm2CipherFormat::kC1C3C2: return Concat({parts.c1, parts.c3, parts.c2});
    case Sm2CipherFormat::kC1C2C3: return Concat({parts.c1, parts.c2, parts.c3});
  }
  return {};
}

}  // namespace

Result<Bytes> Sm2ComputeZ(ByteView point, std::string_view id) {
  if (point.size() != 1 + 2 * kEcFieldSize || point[0] != 0x04) {
    return Fail(ErrorCode::kInvalidArgument, "expected an uncompressed point 04||x||y", "point");
  }
  if (id.size() > kSm2MaxIdBytes) {
    return Fail(ErrorCode::kInvalidArgument, "SM2 ID is longer than 8191 bytes", "id");
  }
  uint16_t entl = static_cast<uint16_t>(id.size() * 8);
  uint8_t entl_bytes[2] = {static_cast<uint8_t>(entl >> 8), static_cast<uint8_t>(entl)};
  Hasher h(HashAlg::kSm3);
  h.Update(entl_bytes);
  h.Update(AsBytes(id));
  h.Update(CurveBytes());
  h.Update(point.subspan(1));  // xA || yA
  return h.Final();
}

Result<Bytes> Sm2ComputeZ(const PublicKey& key, std::string_view id) {
  SEALKEY_RETURN_IF_ERROR(RequireSm2(key.type()));
  auto point = key.EcPoint();
  if (!point) return Fail(point.error());
  return Sm2ComputeZ(ByteView(*point), id);
}

Result<Bytes> Sm2ComputeE(const PublicKey& key, ByteView msg, std::string_view id) {
  auto z = Sm2ComputeZ(key, id);
  if (!z) return Fail(z.error());
  Hasher h(HashAlg::kSm3);
  h.Update(*z);
  h.Update(msg);
  return h.Final();
}

Result<Bytes> Sm2SignDigest(const PrivateKey& key, ByteView e) {
  SEALKEY_RETURN_IF_ERROR(RequireSm2(key.type()));
  if (e.size() != 32) return Fail(ErrorCode::kInvalidArgument, "e must be 32 bytes", "digest");
  UniquePtr<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  Bytes sig(80);
  size_t len = sig.size();
  if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1 ||
      EVP_PKEY_sign(ctx.get(), sig.data(), &len, e.data(), e.size()) != 1) {
    return Fail(OpensslError(ErrorCode::kCrypto, "SM2 signing failed"));
  }
  sig.resize(len);
  return sig;
}

Result<Bytes> Sm2Sign(const PrivateKey& key, ByteView msg, std::string_view id) {
  SEALKEY_RETURN_IF_ERROR(RequireSm2(key.type()));
  if (key.sm2_point().empty()) {
    return Fail(ErrorCode::kCrypto, "the SM2 key's public point could not be read", "key");
  }
  // Z over the public point the key object computed when it was made; before
  // that cache, exporting the public key took about a third of a signature.
  Bytes z;
  if (id == kSm2DefaultId) {
    z.assign(key.sm2_default_z().begin(), key.sm2_default_z().end());
  } else {
    auto computed = Sm2ComputeZ(key.sm2_point(), id);
    if (!computed) return Fail(computed.error());
    z = std::move(*computed);
  }
  Hasher h(HashAlg::kSm3);
  h.Update(z);
  h.Update(msg);
  return Sm2SignDigest(key, h.Final());
}

Status Sm2VerifyDigest(const PublicKey& key, ByteView e, ByteView der_sig) {
  SEALKEY_RETURN_IF_ERROR(RequireSm2(key.type()));
  if (e.size() != 32) return Fail(ErrorCode::kInvalidArgument, "e must be 32 bytes", "digest");
  auto parsed = ParseEcSignatureDer(KeyType::kSm2, der_sig);
  if (!parsed) return Fail(parsed.error());
  UniquePtr<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1) {
    return Fail(OpensslError(ErrorCode::kCrypto, "SM2 verification setup failed"));
  }
  int rc = EVP_PKEY_verify(ctx.get(), der_sig.data(), der_sig.size(), e.data(), e.size());
  ClearOpensslErrors();
  if (rc != 1) return Fail(ErrorCode::kVerifyFailed, "SM2 signature does not verify", "signature");
  return Ok();
}

Status Sm2Verify(const PublicKey& key, ByteView msg, ByteView der_sig, std::string_view id) {
  auto e = Sm2ComputeE(key, msg, id);
  if (!e) return Fail(e.error());
  return Sm2VerifyDigest(key, *e, der_sig);
}

Result<Bytes> Sm2Encrypt(const PublicKey& key, ByteView plain, Sm2CipherFormat format) {
  SEALKEY_RETURN_IF_ERROR(RequireSm2(key.type()));
  if (plain.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "must not be empty", "plaintext");
  }
  UniquePtr<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  size_t len = 0;
  if (!ctx || EVP_PKEY_encrypt_init(ctx.get()) != 1 ||
      EVP_PKEY_encrypt(ctx.get(), nullptr, &len, plain.data(), plain.size()) != 1) {
    return Fail(OpensslError(ErrorCode::kCrypto, "SM2 encryption setup failed"));
  }
  Bytes asn1(len);
  if (EVP_PKEY_encrypt(ctx.get(), asn1.data(), &len, plain.data(), plain.size()) != 1) {
    return Fail(OpensslError(ErrorCode::kCrypto, "SM2 encryption failed"));
  }
  asn1.resize(len);
  if (format == Sm2CipherFormat::kAsn1) return asn1;
  return Sm2CipherConvert(asn1, Sm2CipherFormat::kAsn1, format);
}

Result<SecureBuffer> Sm2Decrypt(const PrivateKey& key, ByteView cipher, Sm2CipherFormat format) {
  SEALKEY_RETURN_IF_ERROR(RequireSm2(key.type()));
  auto parts = SplitCipher(cipher, format);
  if (!parts) return Fail(parts.error());
  Bytes asn1 = JoinCipher(*parts, Sm2CipherFormat::kAsn1);
  UniquePtr<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  size_t len = 0;
  if (!ctx || EVP_PKEY_decrypt_init(ctx.get()) != 1 ||
      EVP_PKEY_decrypt(ctx.get(), nullptr, &len, asn1.data(), asn1.size()) != 1) {
    return Fail(OpensslError(ErrorCode::kCrypto, "SM2 decryption setup failed"));
  }
  SecureBuffer out(len);
  if (EVP_PKEY_decrypt(ctx.get(), out.data(), &len, asn1.data(), asn1.size()) != 1) {
    ClearOpensslErrors();
    return Fail(ErrorCode::kVerifyFailed,
                "SM2 decryption failed: C3 does not match (wrong key or altered ciphertext)",
                "ciphertext");
  }
  out.Truncate(len);
  return out;
}

Result<Bytes> Sm2CipherConvert(ByteView cipher, Sm2CipherFormat from, Sm2CipherFormat to) {
  auto parts = SplitCipher(cipher, from);
  if (!parts) return Fail(parts.error());
  return JoinCipher(*parts, to);
}

}  // namespace sealkey::crypto
