// Message digests: SM3 (GB/T 32905), SHA-1, SHA-2, MD5 (MD5 only for
// thumbprints that users compare with other tools; never for security).
#pragma once

#include <memory>
#include <string_view>

#include <openssl/types.h>

#include "base/bytes.h"
#include "base/error.h"

namespace sealkey::crypto {

enum class HashAlg { kSm3, kSha1, kSha256, kSha384, kSha512, kMd5 };

// Display name: "SM3", "SHA-1", "SHA-256", ...
std::string_view HashName(HashAlg alg);
// Lower-case token used by the CLI: "sm3", "sha1", "sha256", ...
std::string_view HashToken(HashAlg alg);
// Accepts "sm3", "sha1", "SHA-1", "sha256", "SHA-256", ... (case-insensitive).
Result<HashAlg> ParseHashAlg(std::string_view name);
size_t HashSize(HashAlg alg);

// The fetched EVP_MD for `alg`, fetched once per process and never freed.
const EVP_MD* EvpMd(HashAlg alg);

Bytes Hash(HashAlg alg, ByteView data);

// Incremental hashing. Move-only.
class Hasher {
 public:
  explicit Hasher(HashAlg alg);
  Hasher(Hasher&&) noexcept;
  Hasher& operator=(Hasher&&) noexcept;
  ~Hasher();

  void Update(ByteView data);
  // Returns the digest; the Hasher is then reset for reuse.
  Bytes Final();
  HashAlg alg() const { return alg_; }

 private:
  HashAlg alg_;
  EVP_MD_CTX* ctx_;
};

}  // namespace sealkey::crypto
