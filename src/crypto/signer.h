// Signer: something that signs with a private key it need not expose (a key
// in memory, a file device, an external PKCS#11 token, later a cloud key).
// CMS and other formats are built on this seam, so they work with any medium.
#pragma once

#include "base/bytes.h"
#include "base/error.h"
#include "crypto/key.h"
#include "crypto/sign.h"

namespace sealkey::crypto {

class Signer {
 public:
  virtual ~Signer() = default;
  virtual KeyType key_type() const = 0;
  // Signs a whole message: SM2 -> SM3withSM2 over Z(options.sm2_id) || msg,
  // DER; ECDSA -> DER over options.hash; RSA -> PKCS#1 v1.5 (or PSS) block.
  virtual Result<Bytes> Sign(ByteView msg, const SignOptions& options) = 0;
};

// A Signer over a PrivateKey the caller keeps alive.
class KeySigner final : public Signer {
 public:
  explicit KeySigner(const PrivateKey& key) : key_(key) {}
  KeyType key_type() const override { return key_.type(); }
  Result<Bytes> Sign(ByteView msg, const SignOptions& options) override {
    return SignMessage(key_, msg, options);
  }

 private:
  const PrivateKey& key_;
};

}  // namespace sealkey::crypto
