// The CSPRNG (OpenSSL's DRBG). Never fails in practice; if the DRBG cannot
// be seeded the process aborts rather than return predictable bytes.
#pragma once

#include <cstddef>
#include <span>

#include "base/bytes.h"
#include "base/secure_buffer.h"

namespace sealkey::crypto {

void RandomFill(std::span<uint8_t> out);
Bytes RandomBytes(size_t n);
SecureBuffer RandomSecret(size_t n);

}  // namespace sealkey::crypto
