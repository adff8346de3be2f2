#include "crypto/key.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "crypto/ec_group.h"
#include "crypto/ec_spki.h"
#include "crypto/ossl_error.h"
#include "crypto/sm2.h"

namespace sealkey::crypto {
namespace {

constexpr int kMinRsaPrivateBits = 2048;
constexpr int kMinRsaPublicBits = 1024;

UniquePtr<BIO> MemBio(std::string_view text) {
  return UniquePtr<BIO>(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

std::string BioToString(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(len));
}

// Builds an SM2/EC EVP_PKEY from parameters (public point, optional scalar).
Result<UniquePtr<EVP_PKEY>> FromParams(KeyType type, ByteView point, const BIGNUM* priv) {
  UniquePtr<OSSL_PARAM_BLD> bld(OSSL_PARAM_BLD_new());
  if (!bld ||
      !OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME,
                                       GroupName(type), 0) ||
      !OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                        point.size()) ||
      (priv && !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, priv))) {
    return Fail(OpensslError(ErrorCode::kCrypto, "building key parameters failed"));
  }
  UniquePtr<OSSL_PARAM> params(OSSL_PARAM_BLD_to_param(bld.get()));
  UniquePtr<EVP_PKEY_CTX> ctx(
      EVP_PKEY_CTX_new_from_name(nullptr, type == KeyType::kSm2 ? "SM2" : "EC", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, priv ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY,
                        params.get()) != 1) {
    return Fail(OpensslError(ErrorCode::kCrypto, "importing key parameters failed"));
  }
  return UniquePtr<EVP_PKEY>(raw);
}

// An EC key on the SM2 curve must be typed "SM2" for OpenSSL to use SM2
// (not ECDSA) with it. OpenSSL 3's decoders already do this; keys built
// elsewhere are normalised here.
Result<UniquePtr<EVP_PKEY>> NormaliseSm2(UniquePtr<EVP_PKEY> pkey, bool is_private) {
  if (EVP_PKEY_is_a(pkey.get(), "SM2")) return pkey;
  OSSL_PARAM* raw = nullptr;
  if (EVP_PKEY_todata(pkey.get(), is_private ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY,
                      &raw) != 1) {
    return Fail(OpensslError(ErrorCode::kCrypto, "exporting key parameters failed"));
  }
  UniquePtr<OSSL_PARAM> params(raw);
  UniquePtr<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_name(nullptr, "SM2", nullptr));
  EVP_PKEY* out = nullptr;
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &out, is_private ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY,
                        params.get()) != 1) {
    return Fail(OpensslError(ErrorCode::kCrypto, "converting key to SM2 failed"));
  }
  return UniquePtr<EVP_PKEY>(out);
}

// The public point of an EC key as 04||X||Y; the stored form may be
// compressed, so it is decoded and re-encoded.
Result<Bytes> UncompressedPoint(const EVP_PKEY* pkey, KeyType type) {
  uint8_t buf[133];
  size_t len = 0;
  if (EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_PUB_KEY, buf, sizeof buf, &len) !=
      1) {
    return Fail(OpensslError(ErrorCode::kCrypto, "reading the public point failed"));
  }
  const EC_GROUP* group = GroupFor(type);
  UniquePtr<EC_POINT> point(EC_POINT_new(group));
  if (!point || EC_POINT_oct2point(group, point.get(), buf, len, nullptr) != 1) {
    return Fail(OpensslError(ErrorCode::kCrypto, "decoding the public point failed"));
  }
  return EncodePoint(type, point.get());
}

}  // namespace

std::string_view KeyTypeName(KeyType type) {
  switch (type) {
    case KeyType::kSm2: return "SM2";
    case KeyType::kEcP256: return "ECDSA P-256";
    case KeyType::kRsa: return "RSA";
  }
  return "?";
}

std::string_view KeyAlgToken(KeyAlg alg) {
  switch (alg) {
    case KeyAlg::kSm2: return "sm2";
    case KeyAlg::kEcP256: return "p256";
    case KeyAlg::kRsa2048: return "rsa2048";
    case KeyAlg::kRsa3072: return "rsa3072";
  }
  return "?";
}

Result<KeyAlg> ParseKeyAlg(std::string_view token) {
  std::string t;
  for (char c : token) {
    if (c != '-' && c != '_') t.push_back(static_cast<char>(std::tolower(c)));
  }
  if (t == "sm2") return KeyAlg::kSm2;
  if (t == "p256" || t == "ecdsap256" || t == "prime256v1" || t == "secp256r1") {
    return KeyAlg::kEcP256;
  }
  if (t == "rsa2048" || t == "rsa") return KeyAlg::kRsa2048;
  if (t == "rsa3072") return KeyAlg::kRsa3072;
  return Fail(ErrorCode::kInvalidArgument,
              "unknown key algorithm '" + std::string(token) +
                  "' (expected sm2, p256, rsa2048 or rsa3072)",
              "alg");
}

Result<KeyType> ClassifyKey(const EVP_PKEY* pkey) {
  if (EVP_PKEY_is_a(pkey, "SM2")) return KeyType::kSm2;
  if (EVP_PKEY_is_a(pkey, "RSA")) return KeyType::kRsa;
  if (EVP_PKEY_is_a(pkey, "EC")) {
    char group[64] = {0};
    size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                       &len) == 1) {
      if (std::strcmp(group, "SM2") == 0) return KeyType::kSm2;
      if (std::strcmp(group, "prime256v1") == 0) return KeyType::kEcP256;
      ClearOpensslErrors();
      return Fail(ErrorCode::kUnsupported,
                  std::string("unsupported elliptic curve ") + group, "key");
    }
    ClearOpensslErrors();
    return Fail(ErrorCode::kUnsupported, "EC key with explicit or unknown curve", "key");
  }
  return Fail(ErrorCode::kUnsupported, "unsupported key type (expected SM2, EC P-256 or RSA)",
              "key");
}

// ---- PublicKey ----

Result<PublicKey> PublicKey::Adopt(UniquePtr<EVP_PKEY> pkey) {
  if (!pkey) return Fail(ErrorCode::kInvalidArgument, "no key", "key");
  auto type = ClassifyKey(pkey.get());
  if (!type) return Fail(type.error());
  if (*type == KeyType::kRsa && EVP_PKEY_get_bits(pkey.get()) < kMinRsaPublicBits) {
    return Fail(ErrorCode::kUnsupported, "RSA keys below 1024 bits are not supported", "key");
  }
  if (*type == KeyType::kSm2) {
    auto norm = NormaliseSm2(std::move(pkey), false);
    if (!norm) return Fail(norm.error());
    pkey = std::move(*norm);
  }
  return PublicKey(std::move(pkey), *type);
}

Result<PublicKey> PublicKey::FromDer(ByteView spki) {
  // SM2 and P-256 keys with an uncompressed point: our own reader and a
  // parameter import, several times faster than OpenSSL 3.0's decoder chain
  // (ec_spki.h). The point is checked to be on the curve either way.
  // Anything else, or a point that fails the check, goes to OpenSSL, so
  // errors read as they always have.
  if (auto ec = ParseEcSpki(spki);
      ec && ec->point.size() == 1 + 2 * kEcFieldSize && ec->point[0] == 0x04) {
    if (auto key = FromEcPoint(ec->type, ec->point)) return key;
  }
  const unsigned char* p = spki.data();
  UniquePtr<EVP_PKEY> pkey(d2i_PUBKEY(nullptr, &p, static_cast<long>(spki.size())));
  if (!pkey) {
    return Fail(OpensslError(ErrorCode::kMalformed, "not a DER SubjectPublicKeyInfo",
                             "public_key"));
  }
  if (p != spki.data() + spki.size()) {
    return Fail(ErrorCode::kMalformed, "trailing data after SubjectPublicKeyInfo", "public_key");
  }
  return Adopt(std::move(pkey));
}

Result<PublicKey> PublicKey::FromPem(std::string_view pem) {
  auto bio = MemBio(pem);
  UniquePtr<EVP_PKEY> pkey(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (!pkey) {
    return Fail(OpensslError(ErrorCode::kMalformed, "not a PEM public key", "public_key"));
  }
  return Adopt(std::move(pkey));
}

Result<PublicKey> PublicKey::FromEcPoint(KeyType type, ByteView point) {
  auto decoded = DecodePoint(type, point, "public_key");
  if (!decoded) return Fail(decoded.error());
  auto pkey = FromParams(type, point, nullptr);
  if (!pkey) return Fail(pkey.error());
  return PublicKey(std::move(*pkey), type);
}

int PublicKey::bits() const { return EVP_PKEY_get_bits(pkey_.get()); }

Bytes PublicKey::ToDer() const {
  if (type_ != KeyType::kRsa) {
    // The point as the key holds it (the form OpenSSL's encoder would write).
    uint8_t point[133];
    size_t len = 0;
    if (EVP_PKEY_get_octet_string_param(pkey_.get(), OSSL_PKEY_PARAM_PUB_KEY, point,
                                        sizeof point, &len) == 1) {
      return EncodeEcSpki(type_, ByteView(point, len));
    }
    ClearOpensslErrors();
  }
  unsigned char* out = nullptr;
  int len = i2d_PUBKEY(pkey_.get(), &out);
  Bytes der;
  if (len > 0) der.assign(out, out + len);
  OPENSSL_free(out);
  return der;
}

std::string PublicKey::ToPem() const {
  UniquePtr<BIO> bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PUBKEY(bio.get(), pkey_.get());
  return BioToString(bio.get());
}

Result<Bytes> PublicKey::EcPoint() const {
  if (type_ == KeyType::kRsa) return Fail(ErrorCode::kUnsupported, "RSA key has no EC point");
  return UncompressedPoint(pkey_.get(), type_);
}

bool PublicKey::Equals(const PublicKey& other) const {
  return EVP_PKEY_eq(pkey_.get(), other.pkey_.get()) == 1;
}

// ---- PrivateKey ----

PrivateKey::PrivateKey(UniquePtr<EVP_PKEY> pkey, KeyType type)
    : pkey_(std::move(pkey)), type_(type) {
  if (type_ != KeyType::kSm2) return;
  // Left empty if the point cannot be read: Sm2Sign then fails with the
  // reason instead of the key failing to load.
  auto point = UncompressedPoint(pkey_.get(), type_);
  if (!point) return;
  auto z = Sm2ComputeZ(*point);
  if (!z) return;
  sm2_point_ = std::move(*point);
  sm2_default_z_ = std::move(*z);
}

Result<PrivateKey> PrivateKey::Adopt(UniquePtr<EVP_PKEY> pkey) {
  if (!pkey) return Fail(ErrorCode::kInvalidArgument, "no key", "key");
  auto type = ClassifyKey(pkey.get());
  if (!type) return Fail(type.error());
  if (*type == KeyType::kRsa && EVP_PKEY_get_bits(pkey.get()) < kMinRsaPrivateBits) {
    return Fail(ErrorCode::kUnsupported, "RSA private keys must be at least 2048 bits", "key");
  }
  if (*type == KeyType::kSm2) {
    auto norm = NormaliseSm2(std::move(pkey), true);
    if (!norm) return Fail(norm.error());
    pkey = std::move(*norm);
  }
  return PrivateKey(std::move(pkey), *type);
}

Result<PrivateKey> PrivateKey::Generate(KeyAlg alg) {
  EVP_PKEY* raw = nullptr;
  switch (alg) {
    case KeyAlg::kSm2: raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "SM2"); break;
    case KeyAlg::kEcP256: raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"); break;
    case KeyAlg::kRsa2048: raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048}); break;
    case KeyAlg::kRsa3072: raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{3072}); break;
  }
  if (raw == nullptr) return Fail(OpensslError(ErrorCode::kCrypto, "key generation failed"));
  return Adopt(UniquePtr<EVP_PKEY>(raw));
}

Result<PrivateKey> PrivateKey::FromPkcs8Der(ByteView der) {
  const unsigned char* p = der.data();
  UniquePtr<EVP_PKEY> pkey(d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(der.size())));
  if (!pkey) {
    return Fail(OpensslError(ErrorCode::kMalformed, "not a DER private key", "private_key"));
  }
  if (p != der.data() + der.size()) {
    return Fail(ErrorCode::kMalformed, "trailing data after private key", "private_key");
  }
  return Adopt(std::move(pkey));
}

Result<PrivateKey> PrivateKey::FromPem(std::string_view pem) {
  auto bio = MemBio(pem);
  UniquePtr<EVP_PKEY> pkey(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!pkey) {
    return Fail(OpensslError(ErrorCode::kMalformed,
                             "not an unencrypted PEM private key", "private_key"));
  }
  return Adopt(std::move(pkey));
}

Result<PrivateKey> PrivateKey::FromScalar(KeyType type, ByteView d) {
  if (type == KeyType::kRsa) return Fail(ErrorCode::kUnsupported, "not an EC key type", "key");
  if (d.size() != kEcFieldSize) {
    return Fail(ErrorCode::kInvalidArgument, "private scalar must be 32 bytes", "private_key");
  }
  const EC_GROUP* group = GroupFor(type);
  UniquePtr<BIGNUM> k(BN_bin2bn(d.data(), static_cast<int>(d.size()), nullptr));
  UniquePtr<BIGNUM> limit(BN_dup(EC_GROUP_get0_order(group)));
  // SM2 needs (1 + d) invertible mod n, so d = n - 1 is excluded too.
  if (!k || !limit || !BN_sub_word(limit.get(), type == KeyType::kSm2 ? 1 : 0)) {
    return Fail(OpensslError(ErrorCode::kCrypto, "bignum allocation failed"));
  }
  if (BN_is_zero(k.get()) || BN_cmp(k.get(), limit.get()) >= 0) {
    return Fail(ErrorCode::kOutOfRange, "private scalar is out of range", "private_key");
  }
  BN_set_flags(k.get(), BN_FLG_CONSTTIME);
  UniquePtr<EC_POINT> pub(EC_POINT_new(group));
  UniquePtr<BN_CTX> bn(BN_CTX_new());
  if (!pub || EC_POINT_mul(group, pub.get(), k.get(), nullptr, nullptr, bn.get()) != 1) {
    return Fail(OpensslError(ErrorCode::kCrypto, "deriving the public key failed"));
  }
  auto point = EncodePoint(type, pub.get());
  if (!point) return Fail(point.error());
  auto pkey = FromParams(type, *point, k.get());
  if (!pkey) return Fail(pkey.error());
  return PrivateKey(std::move(*pkey), type);
}

int PrivateKey::bits() const { return EVP_PKEY_get_bits(pkey_.get()); }

Result<SecureBuffer> PrivateKey::ToPkcs8Der() const {
  PKCS8_PRIV_KEY_INFO* p8 = EVP_PKEY2PKCS8(pkey_.get());
  if (p8 == nullptr) return Fail(OpensslError(ErrorCode::kCrypto, "PKCS#8 encoding failed"));
  int len = i2d_PKCS8_PRIV_KEY_INFO(p8, nullptr);
  SecureBuffer out(len > 0 ? static_cast<size_t>(len) : 0);
  unsigned char* w = out.data();
  int written = len > 0 ? i2d_PKCS8_PRIV_KEY_INFO(p8, &w) : -1;
  PKCS8_PRIV_KEY_INFO_free(p8);
  if (written != len || len <= 0) {
    return Fail(OpensslError(ErrorCode::kCrypto, "PKCS#8 encoding failed"));
  }
  return out;
}

Result<PublicKey> PrivateKey::Public() const {
  unsigned char* out = nullptr;
  int len = i2d_PUBKEY(pkey_.get(), &out);
  if (len <= 0) return Fail(OpensslError(ErrorCode::kCrypto, "public key export failed"));
  Bytes der(out, out + len);
  OPENSSL_free(out);
  return PublicKey::FromDer(der);
}

}  // namespace sealkey::crypto
