// ECDSA / SM2 signature values in their two wire forms:
//   DER  SEQUENCE { r INTEGER, s INTEGER }  (X.509, CMS, OpenSSL; 70-72 bytes)
//   raw  r || s, 32 bytes each            (SKF, vendor PKCS#11, CKM_ECDSA)
//
// Parsing is strict (GM/T 0003 and STANDARDS.md 2): canonical DER only,
// 1 <= r, s <= n-1, and for SM2 also r + s != n. Each rejection says which.
#pragma once

#include "base/bytes.h"
#include "base/error.h"
#include "crypto/key.h"

namespace sealkey::crypto {

struct EcSignature {
  Bytes r;  // 32-byte big-endian
  Bytes s;  // 32-byte big-endian
};

Result<EcSignature> ParseEcSignatureDer(KeyType type, ByteView der);
Result<EcSignature> ParseEcSignatureRaw(KeyType type, ByteView raw);
Bytes EncodeEcSignatureDer(const EcSignature& sig);
Bytes EncodeEcSignatureRaw(const EcSignature& sig);

// Convenience conversions; both validate.
Result<Bytes> EcSignatureDerToRaw(KeyType type, ByteView der);
Result<Bytes> EcSignatureRawToDer(KeyType type, ByteView raw);

}  // namespace sealkey::crypto
