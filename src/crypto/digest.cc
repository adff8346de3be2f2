#include "crypto/digest.h"
#include "crypto/ossl.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <openssl/evp.h>

namespace sealkey::crypto {
namespace {

struct HashEntry {
  HashAlg alg;
  const char* name;       // display
  const char* token;      // CLI
  const char* ossl_name;  // EVP_MD_fetch
  size_t size;
};

constexpr std::array<HashEntry, 6> kHashes = {{
    {HashAlg::kSm3, "SM3", "sm3", "SM3", 32},
    {HashAlg::kSha1, "SHA-1", "sha1", "SHA1", 20},
    {HashAlg::kSha256, "SHA-256", "sha256", "SHA256", 32},
    {HashAlg::kSha384, "SHA-384", "sha384", "SHA384", 48},
    {HashAlg::kSha512, "SHA-512", "sha512", "SHA512", 64},
    {HashAlg::kMd5, "MD5", "md5", "MD5", 16},
}};

const HashEntry& Entry(HashAlg alg) {
  return *std::find_if(kHashes.begin(), kHashes.end(),
                       [alg](const HashEntry& e) { return e.alg == alg; });
}

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "sealkey: fatal: %s\n", what);
  std::abort();
}

}  // namespace

std::string_view HashName(HashAlg alg) { return Entry(alg).name; }
std::string_view HashToken(HashAlg alg) { return Entry(alg).token; }
size_t HashSize(HashAlg alg) { return Entry(alg).size; }

Result<HashAlg> ParseHashAlg(std::string_view name) {
  std::string norm;
  for (char c : name) {
    if (c != '-' && c != '_') norm.push_back(static_cast<char>(std::tolower(c)));
  }
  for (const auto& e : kHashes) {
    if (norm == e.token) return e.alg;
  }
  return Fail(ErrorCode::kInvalidArgument,
              "unknown hash algorithm '" + std::string(name) +
                  "' (expected one of sm3, sha1, sha256, sha384, sha512, md5)",
              "algorithm");
}

const EVP_MD* EvpMd(HashAlg alg) {
  // Explicit fetches are much cheaper than the implicit fetch EVP_sha256()
  // does on every use in OpenSSL 3. Fetched once and owned by a static, so
  // they are freed when the program (or the PKCS#11 module) is unloaded.
  static const std::array<UniquePtr<EVP_MD>, kHashes.size()> fetched = [] {
    std::array<UniquePtr<EVP_MD>, kHashes.size()> mds;
    for (size_t i = 0; i < kHashes.size(); ++i) {
      mds[i].reset(EVP_MD_fetch(nullptr, kHashes[i].ossl_name, nullptr));
    }
    return mds;
  }();
  size_t i = static_cast<size_t>(&Entry(alg) - kHashes.data());
  if (!fetched[i]) Die("digest unavailable in the OpenSSL default provider");
  return fetched[i].get();
}

Bytes Hash(HashAlg alg, ByteView data) {
  Bytes out(HashSize(alg));
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, EvpMd(alg), nullptr) != 1) {
    Die("EVP_Digest failed");
  }
  return out;
}

Hasher::Hasher(HashAlg alg) : alg_(alg), ctx_(EVP_MD_CTX_new()) {
  if (ctx_ == nullptr || EVP_DigestInit_ex(ctx_, EvpMd(alg), nullptr) != 1) {
    Die("EVP_DigestInit_ex failed");
  }
}

Hasher::Hasher(Hasher&& other) noexcept : alg_(other.alg_), ctx_(other.ctx_) {
  other.ctx_ = nullptr;
}

Hasher& Hasher::operator=(Hasher&& other) noexcept {
  if (this != &other) {
    EVP_MD_CTX_free(ctx_);
    alg_ = other.alg_;
    ctx_ = other.ctx_;
    other.ctx_ = nullptr;
  }
  return *this;
}

Hasher::~Hasher() { EVP_MD_CTX_free(ctx_); }

void Hasher::Update(ByteView data) {
  if (EVP_DigestUpdate(ctx_, data.data(), data.size()) != 1) Die("EVP_DigestUpdate failed");
}

Bytes Hasher::Final() {
  Bytes out(HashSize(alg_));
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx_, out.data(), &len) != 1 ||
      EVP_DigestInit_ex(ctx_, EvpMd(alg_), nullptr) != 1) {
    Die("EVP_DigestFinal_ex failed");
  }
  return out;
}

}  // namespace sealkey::crypto
