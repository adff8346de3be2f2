// Symmetric ciphers: SM4 (GB/T 32907) in ECB, CBC and CTR modes, and
// AES-256-GCM. OpenSSL 3.0 has no SM4-GCM; where SM4 must be authenticated
// use SM4-CTR + HMAC-SM3, encrypt-then-MAC.
//
// Keys and IVs are length-checked with an error naming the field. Decryption
// results are SecureBuffers because they usually hold secrets.
#pragma once

#include "base/bytes.h"
#include "base/error.h"
#include "base/secure_buffer.h"

namespace sealkey::crypto {

inline constexpr size_t kSm4KeySize = 16;
inline constexpr size_t kSm4BlockSize = 16;
inline constexpr size_t kAes256KeySize = 32;
inline constexpr size_t kGcmNonceSize = 12;
inline constexpr size_t kGcmTagSize = 16;

// SM4-ECB without padding; input must be a whole number of blocks. Only for
// formats that mandate it (GM/T 0009 enveloped keys) and known-answer tests.
Result<Bytes> Sm4EcbEncrypt(ByteView key, ByteView plain);
Result<SecureBuffer> Sm4EcbDecrypt(ByteView key, ByteView cipher);

// SM4-CBC with PKCS#7 padding.
Result<Bytes> Sm4CbcEncrypt(ByteView key, ByteView iv, ByteView plain);
Result<SecureBuffer> Sm4CbcDecrypt(ByteView key, ByteView iv, ByteView cipher);

// SM4-CTR with a 128-bit big-endian counter block; encryption == decryption.
Result<Bytes> Sm4Ctr(ByteView key, ByteView iv, ByteView in);

// AES-256-GCM; output is ciphertext || 16-byte tag.
Result<Bytes> Aes256GcmSeal(ByteView key, ByteView nonce, ByteView aad, ByteView plain);
// kVerifyFailed when the tag does not match (nothing is returned then).
Result<SecureBuffer> Aes256GcmOpen(ByteView key, ByteView nonce, ByteView aad,
                                   ByteView sealed);

}  // namespace sealkey::crypto
