// Asymmetric keys: SM2 (GB/T 32918, curve sm2p256v1), ECDSA P-256, RSA.
//
// PublicKey and PrivateKey own an EVP_PKEY. They are move-only; share a key
// by passing references. Every constructor validates what it is given: EC
// points must lie on the curve and not be the point at infinity, scalars must
// be in range, RSA private keys must be at least 2048 bits (public keys of
// older certificates may be 1024 bits, for display).
#pragma once

#include <string>
#include <string_view>

#include <openssl/types.h>

#include "base/bytes.h"
#include "base/error.h"
#include "base/secure_buffer.h"
#include "crypto/ossl.h"

namespace sealkey::crypto {

// What a key is.
enum class KeyType { kSm2, kEcP256, kRsa };
// What the user may ask to generate.
enum class KeyAlg { kSm2, kEcP256, kRsa2048, kRsa3072 };

std::string_view KeyTypeName(KeyType type);  // "SM2", "ECDSA P-256", "RSA"
std::string_view KeyAlgToken(KeyAlg alg);    // "sm2", "p256", "rsa2048", "rsa3072"
// Accepts the tokens above (case-insensitive; also "ecdsa-p256", "rsa-2048" ...).
Result<KeyAlg> ParseKeyAlg(std::string_view token);

class PublicKey {
 public:
  // DER SubjectPublicKeyInfo.
  static Result<PublicKey> FromDer(ByteView spki);
  static Result<PublicKey> FromPem(std::string_view pem);
  // Uncompressed point 04||X||Y on the SM2 or P-256 curve.
  static Result<PublicKey> FromEcPoint(KeyType type, ByteView point);
  // Takes ownership of an EVP_PKEY (from X.509, CSR ...); classifies it.
  static Result<PublicKey> Adopt(UniquePtr<EVP_PKEY> pkey);

  PublicKey(PublicKey&&) noexcept = default;
  PublicKey& operator=(PublicKey&&) noexcept = default;

  KeyType type() const { return type_; }
  int bits() const;
  Bytes ToDer() const;
  std::string ToPem() const;
  // 04||X||Y; kUnsupported for RSA.
  Result<Bytes> EcPoint() const;
  bool Equals(const PublicKey& other) const;

  EVP_PKEY* get() const { return pkey_.get(); }

 private:
  PublicKey(UniquePtr<EVP_PKEY> pkey, KeyType type) : pkey_(std::move(pkey)), type_(type) {}
  UniquePtr<EVP_PKEY> pkey_;
  KeyType type_;
};

class PrivateKey {
 public:
  static Result<PrivateKey> Generate(KeyAlg alg);
  // Unencrypted PKCS#8 PrivateKeyInfo (DER).
  static Result<PrivateKey> FromPkcs8Der(ByteView der);
  // Unencrypted PEM ("PRIVATE KEY", "EC PRIVATE KEY", "RSA PRIVATE KEY").
  static Result<PrivateKey> FromPem(std::string_view pem);
  // An SM2 or P-256 key from its 32-byte private scalar d (1 <= d <= n-2 for
  // SM2, 1 <= d <= n-1 for P-256); the public key is derived.
  static Result<PrivateKey> FromScalar(KeyType type, ByteView d);
  static Result<PrivateKey> Adopt(UniquePtr<EVP_PKEY> pkey);

  PrivateKey(PrivateKey&&) noexcept = default;
  PrivateKey& operator=(PrivateKey&&) noexcept = default;

  KeyType type() const { return type_; }
  int bits() const;
  Result<SecureBuffer> ToPkcs8Der() const;
  Result<PublicKey> Public() const;

  // SM2 keys only (empty for others): the public point 04||xA||yA and Z_A
  // for the default ID (sm2.h), computed once when the object is made, as
  // every SM2 signature hashes Z_A. Immutable afterwards, so safe to read
  // from several threads.
  ByteView sm2_point() const { return sm2_point_; }
  ByteView sm2_default_z() const { return sm2_default_z_; }

  EVP_PKEY* get() const { return pkey_.get(); }

 private:
  PrivateKey(UniquePtr<EVP_PKEY> pkey, KeyType type);
  UniquePtr<EVP_PKEY> pkey_;
  KeyType type_;
  Bytes sm2_point_;
  Bytes sm2_default_z_;
};

// Classifies an EVP_PKEY; kUnsupported for other curves and key types.
Result<KeyType> ClassifyKey(const EVP_PKEY* pkey);

}  // namespace sealkey::crypto
