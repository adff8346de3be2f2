// SM2 (GB/T 32918 / GM/T 0003) signatures and public-key encryption.
//
// Signatures: e = SM3(Z || M) with Z = SM3(ENTL || ID || a || b || xG || yG
// || xA || yA) over the signer's public key; the ID is always explicit and
// defaults to "1234567812345678" (GM/T 0009). Signatures are DER; convert
// with ec_signature.h for SKF/PKCS#11 raw form.
//
// Encryption: the ciphertext is C1 || C3 || C2 (current standard), the old
// C1 || C2 || C3, or the GM/T 0009 ASN.1 SM2Cipher structure.
#pragma once

#include <string_view>

#include "base/bytes.h"
#include "base/error.h"
#include "base/secure_buffer.h"
#include "crypto/key.h"

namespace sealkey::crypto {

inline constexpr std::string_view kSm2DefaultId = "1234567812345678";
inline constexpr size_t kSm2MaxIdBytes = 8191;  // ENTL is a 16-bit bit count

// Z_A for `key` (must be SM2) and `id`.
Result<Bytes> Sm2ComputeZ(const PublicKey& key, std::string_view id = kSm2DefaultId);
// Z_A over an uncompressed point 04||xA||yA (65 bytes, else kInvalidArgument
// "point"). The point is hashed as given, not checked to be on the curve:
// pass only points taken from a validated key.
Result<Bytes> Sm2ComputeZ(ByteView point, std::string_view id = kSm2DefaultId);
// e = SM3(Z_A || msg).
Result<Bytes> Sm2ComputeE(const PublicKey& key, ByteView msg,
                          std::string_view id = kSm2DefaultId);

// Signs `msg` (Z over the key's own public key: PrivateKey caches the point
// and the default-ID Z, so only another ID costs a hash per signature).
Result<Bytes> Sm2Sign(const PrivateKey& key, ByteView msg, std::string_view id = kSm2DefaultId);
// Signs a precomputed 32-byte e (the SKF/PKCS#11 "sign the hash" form).
Result<Bytes> Sm2SignDigest(const PrivateKey& key, ByteView e);

// kVerifyFailed when the signature does not verify; kMalformed/kOutOfRange
// when it is not a well-formed SM2 signature.
Status Sm2Verify(const PublicKey& key, ByteView msg, ByteView der_sig,
                 std::string_view id = kSm2DefaultId);
Status Sm2VerifyDigest(const PublicKey& key, ByteView e, ByteView der_sig);

enum class Sm2CipherFormat { kAsn1, kC1C3C2, kC1C2C3 };

Result<Bytes> Sm2Encrypt(const PublicKey& key, ByteView plain,
                         Sm2CipherFormat format = Sm2CipherFormat::kC1C3C2);
Result<SecureBuffer> Sm2Decrypt(const PrivateKey& key, ByteView cipher,
                                Sm2CipherFormat format = Sm2CipherFormat::kC1C3C2);

// Converts between the three ciphertext forms, validating C1 on the curve.
Result<Bytes> Sm2CipherConvert(ByteView cipher, Sm2CipherFormat from, Sm2CipherFormat to);

}  // namespace sealkey::crypto
