#include "crypto/mac.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "crypto/ossl_error.h"

namespace sealkey::crypto {

Bytes Hmac(HashAlg alg, ByteView key, ByteView data) {
  Bytes out(HashSize(alg));
  unsigned int len = 0;
  // An empty key is legal in HMAC; OpenSSL wants a non-null pointer for it.
  static const uint8_t kEmpty = 0;
  if (HMAC(EvpMd(alg), key.empty() ? &kEmpty : key.data(), static_cast<int>(key.size()),
           data.data(), data.size(), out.data(), &len) == nullptr) {
    ClearOpensslErrors();
    out.clear();
  }
  return out;
}

Status HmacVerify(HashAlg alg, ByteView key, ByteView data, ByteView tag) {
  Bytes expect = Hmac(alg, key, data);
  if (expect.empty() || tag.size() != expect.size() ||
      CRYPTO_memcmp(expect.data(), tag.data(), tag.size()) != 0) {
    return Fail(ErrorCode::kVerifyFailed, "MAC does not verify", "mac");
  }
  return Ok();
}

Result<SecureBuffer> Pbkdf2(HashAlg alg, ByteView password, ByteView salt,
                            uint32_t iterations, size_t out_len) {
  if (iterations == 0) {
    return Fail(ErrorCode::kInvalidArgument, "must be at least 1", "iterations");
  }
  if (out_len == 0 || out_len > 1024) {
    return Fail(ErrorCode::kInvalidArgument, "must be between 1 and 1024 bytes", "length");
  }
  SecureBuffer out(out_len);
  if (PKCS5_PBKDF2_HMAC(reinterpret_cast<const char*>(password.data()),
                        static_cast<int>(password.size()), salt.data(),
                        static_cast<int>(salt.size()), static_cast<int>(iterations),
                        EvpMd(alg), static_cast<int>(out_len), out.data()) != 1) {
    return Fail(OpensslError(ErrorCode::kCrypto, "PBKDF2 failed"));
  }
  return out;
}

}  // namespace sealkey::crypto
