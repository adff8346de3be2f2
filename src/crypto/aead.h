// Authenticated encryption of stored secrets with a 32-byte key:
//   kSm4CtrHmacSm3 (default, 国密): SM4-CTR then HMAC-SM3 over
//     len(aad) || aad || iv || ciphertext (encrypt-then-MAC); the SM4 key and
//     the MAC key are derived from the 32-byte key with HMAC-SM3 and labels.
//     Output: iv(16) || ciphertext || tag(32).
//   kAes256Gcm: output nonce(12) || ciphertext || tag(16).
// The nonce/IV is random per call. Opening checks the tag before decrypting
// and fails with kVerifyFailed on any change to the output or the AAD.
#pragma once

#include <string_view>

#include "base/bytes.h"
#include "base/error.h"
#include "base/secure_buffer.h"

namespace sealkey::crypto {

enum class AeadAlg { kSm4CtrHmacSm3, kAes256Gcm };
inline constexpr size_t kAeadKeySize = 32;

std::string_view AeadToken(AeadAlg alg);  // "sm4-ctr-hmac-sm3", "aes-256-gcm"
Result<AeadAlg> ParseAeadAlg(std::string_view token);

Result<Bytes> AeadSeal(AeadAlg alg, ByteView key, ByteView aad, ByteView plain);
Result<SecureBuffer> AeadOpen(AeadAlg alg, ByteView key, ByteView aad, ByteView sealed);

}  // namespace sealkey::crypto
