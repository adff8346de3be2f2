#include "crypto/aead.h"

#include <string>

#include "crypto/cipher.h"
#include "crypto/mac.h"
#include "crypto/random.h"

#include <openssl/crypto.h>

namespace sealkey::crypto {

namespace {

void Wipe(Bytes& b) {
  if (!b.empty()) OPENSSL_cleanse(b.data(), b.size());
}

constexpr size_t kIvSize = 16;
constexpr size_t kTagSize = 32;

struct Sm4Keys {
  SecureBuffer enc;  // 16 bytes
  SecureBuffer mac;  // 32 bytes
};

Sm4Keys DeriveSm4Keys(ByteView key) {
  Bytes enc = Hmac(HashAlg::kSm3, key, AsBytes("sealkey/aead/sm4-ctr/enc"));
  Bytes mac = Hmac(HashAlg::kSm3, key, AsBytes("sealkey/aead/hmac-sm3/mac"));
  Sm4Keys keys{SecureBuffer(ByteView(enc).first(kSm4KeySize)), SecureBuffer(mac)};
  Wipe(enc);
  Wipe(mac);
  return keys;
}

Bytes MacInput(ByteView aad, ByteView iv, ByteView ct) {
  uint8_t len[8];
  uint64_t n = aad.size();
  for (int i = 7; i >= 0; --i, n >>= 8) len[i] = static_cast<uint8_t>(n);
  return Concat({ByteView(len, 8), aad, iv, ct});
}

}  // namespace

std::string_view AeadToken(AeadAlg alg) {
  return alg == AeadAlg::kSm4CtrHmacSm3 ? "sm4-ctr-hmac-sm3" : "aes-256-gcm";
}

Result<AeadAlg> ParseAeadAlg(std::string_view token) {
  if (token == "sm4-ctr-hmac-sm3" || token == "sm4") return AeadAlg::kSm4CtrHmacSm3;
  if (token == "aes-256-gcm" || token == "aes") return AeadAlg::kAes256Gcm;
  return Fail(ErrorCode::kInvalidArgument,
              "unknown cipher '" + std::string(token) + "' (sm4-ctr-hmac-sm3 or aes-256-gcm)",
              "cipher");
}

Result<Bytes> AeadSeal(AeadAlg alg, ByteView key, ByteView aad, ByteView plain) {
  if (key.size() != kAeadKeySize) {
    return Fail(ErrorCode::kInvalidArgument, "must be 32 bytes", "key");
  }
  if (alg == AeadAlg::kAes256Gcm) {
    Bytes nonce = RandomBytes(kGcmNonceSize);
    auto sealed = Aes256GcmSeal(key, nonce, aad, plain);
    if (!sealed) return Fail(sealed.error());
    return Concat({nonce, *sealed});
  }
  Sm4Keys keys = DeriveSm4Keys(key);
  Bytes iv = RandomBytes(kIvSize);
  auto ct = Sm4Ctr(keys.enc.span(), iv, plain);
  if (!ct) return Fail(ct.error());
  Bytes tag = Hmac(HashAlg::kSm3, keys.mac.span(), MacInput(aad, iv, *ct));
  return Concat({iv, *ct, tag});
}

Result<SecureBuffer> AeadOpen(AeadAlg alg, ByteView key, ByteView aad, ByteView sealed) {
  if (key.size() != kAeadKeySize) {
    return Fail(ErrorCode::kInvalidArgument, "must be 32 bytes", "key");
  }
  if (alg == AeadAlg::kAes256Gcm) {
    if (sealed.size() < kGcmNonceSize + kGcmTagSize) {
      return Fail(ErrorCode::kMalformed, "too short", "ciphertext");
    }
    return Aes256GcmOpen(key, sealed.first(kGcmNonceSize), aad, sealed.subspan(kGcmNonceSize));
  }
  if (sealed.size() < kIvSize + kTagSize) {
    return Fail(ErrorCode::kMalformed, "too short", "ciphertext");
  }
  ByteView iv = sealed.first(kIvSize);
  ByteView ct = sealed.subspan(kIvSize, sealed.size() - kIvSize - kTagSize);
  ByteView tag = sealed.last(kTagSize);
  Sm4Keys keys = DeriveSm4Keys(key);
  if (!HmacVerify(HashAlg::kSm3, keys.mac.span(), MacInput(aad, iv, ct), tag)) {
    return Fail(ErrorCode::kVerifyFailed, "authentication tag does not match", "ciphertext");
  }
  auto plain = Sm4Ctr(keys.enc.span(), iv, ct);
  if (!plain) return Fail(plain.error());
  SecureBuffer out(*plain);
  Wipe(*plain);
  return out;
}

}  // namespace sealkey::crypto
