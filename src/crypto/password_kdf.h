// Slow key derivation from PINs and passwords, with parameters stored beside
// what they protect so they can be raised later:
//   Argon2id (libsodium crypto_pwhash; default: ops 2, 64 MiB, its
//   "interactive" level) or PBKDF2-HMAC-SM3 (default 200,000 iterations).
#pragma once

#include <cstdint>
#include <string>

#include "base/bytes.h"
#include "base/error.h"
#include "base/secure_buffer.h"

namespace sealkey::crypto {

struct KdfParams {
  enum class Alg { kArgon2id, kPbkdf2Sm3 };
  Alg alg = Alg::kArgon2id;
  uint64_t ops = 2;                  // Argon2id passes
  uint64_t mem = 64ull << 20;        // Argon2id memory, bytes
  uint32_t iterations = 200'000;     // PBKDF2
};

inline constexpr size_t kKdfSaltSize = 16;

std::string KdfAlgToken(KdfParams::Alg alg);  // "argon2id", "pbkdf2-sm3"
Result<KdfParams::Alg> ParseKdfAlg(std::string_view token);

// Checks the parameters against sane bounds (field "kdf").
Status ValidateKdfParams(const KdfParams& params);

Result<SecureBuffer> DeriveKeyFromPassword(const KdfParams& params, ByteView password,
                                           ByteView salt, size_t out_len);

}  // namespace sealkey::crypto
