#include "crypto/password_kdf.h"

#include <sodium.h>

#include "crypto/mac.h"

namespace sealkey::crypto {

std::string KdfAlgToken(KdfParams::Alg alg) {
  return alg == KdfParams::Alg::kArgon2id ? "argon2id" : "pbkdf2-sm3";
}

Result<KdfParams::Alg> ParseKdfAlg(std::string_view token) {
  if (token == "argon2id") return KdfParams::Alg::kArgon2id;
  if (token == "pbkdf2-sm3") return KdfParams::Alg::kPbkdf2Sm3;
  return Fail(ErrorCode::kInvalidArgument,
              "unknown KDF '" + std::string(token) + "' (argon2id or pbkdf2-sm3)", "kdf");
}

Status ValidateKdfParams(const KdfParams& p) {
  if (p.alg == KdfParams::Alg::kArgon2id) {
    if (p.ops < crypto_pwhash_OPSLIMIT_MIN || p.ops > 64) {
      return Fail(ErrorCode::kOutOfRange, "Argon2id passes must be between 1 and 64", "kdf");
    }
    if (p.mem < (8ull << 20) || p.mem > (4ull << 30)) {
      return Fail(ErrorCode::kOutOfRange, "Argon2id memory must be between 8 MiB and 4 GiB",
                  "kdf");
    }
  } else if (p.iterations < 1000 || p.iterations > 100'000'000) {
    return Fail(ErrorCode::kOutOfRange, "PBKDF2 iterations must be between 1,000 and 10^8",
                "kdf");
  }
  return Ok();
}

Result<SecureBuffer> DeriveKeyFromPassword(const KdfParams& p, ByteView password, ByteView salt,
                                           size_t out_len) {
  SEALKEY_RETURN_IF_ERROR(ValidateKdfParams(p));
  if (salt.size() != kKdfSaltSize) {
    return Fail(ErrorCode::kInvalidArgument, "salt must be 16 bytes", "salt");
  }
  if (p.alg == KdfParams::Alg::kPbkdf2Sm3) {
    return Pbkdf2(HashAlg::kSm3, password, salt, p.iterations, out_len);
  }
  static const bool ready = sodium_init() >= 0;
  if (!ready) return Fail(ErrorCode::kCrypto, "libsodium failed to initialise");
  SecureBuffer out(out_len);
  if (crypto_pwhash(out.data(), out_len, reinterpret_cast<const char*>(password.data()),
                    password.size(), salt.data(), p.ops, static_cast<size_t>(p.mem),
                    crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Fail(ErrorCode::kCrypto, "Argon2id failed (out of memory?)", "kdf");
  }
  return out;
}

}  // namespace sealkey::crypto
