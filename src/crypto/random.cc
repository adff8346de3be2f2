#include "crypto/random.h"

#include <cstdio>
#include <cstdlib>

#include <openssl/rand.h>

namespace sealkey::crypto {

void RandomFill(std::span<uint8_t> out) {
  if (out.empty()) return;
  if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) {
    std::fputs("sealkey: fatal: the random number generator failed\n", stderr);
    std::abort();
  }
}

Bytes RandomBytes(size_t n) {
  Bytes out(n);
  RandomFill(out);
  return out;
}

SecureBuffer RandomSecret(size_t n) {
  SecureBuffer out(n);
  RandomFill(out.mutable_span());
  return out;
}

}  // namespace sealkey::crypto
