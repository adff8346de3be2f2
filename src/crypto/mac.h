// HMAC (HMAC-SM3 first) and PBKDF2 (RFC 8018) over any HashAlg.
#pragma once

#include <cstdint>

#include "base/bytes.h"
#include "base/error.h"
#include "base/secure_buffer.h"
#include "crypto/digest.h"

namespace sealkey::crypto {

Bytes Hmac(HashAlg alg, ByteView key, ByteView data);
// Constant-time check of an HMAC tag; kVerifyFailed on mismatch.
Status HmacVerify(HashAlg alg, ByteView key, ByteView data, ByteView tag);

// PBKDF2-HMAC-<alg>. iterations >= 1, 1 <= out_len <= 1024.
Result<SecureBuffer> Pbkdf2(HashAlg alg, ByteView password, ByteView salt,
                            uint32_t iterations, size_t out_len);

}  // namespace sealkey::crypto
