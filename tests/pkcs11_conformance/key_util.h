// Turning what a token returns into sealkey crypto objects, so signatures
// made inside a module are checked by an independent implementation.
#pragma once

#include "base/bytes.h"
#include "base/error.h"
#include "crypto/key.h"

namespace sealkey::pkcs11_conformance {

// The point inside a CKA_EC_POINT value: a DER OCTET STRING holding 04||X||Y
// (65 bytes for P-256 and SM2). kMalformed for anything else, including the
// bare point some modules return.
Result<Bytes> EcPointFromAttribute(ByteView ec_point_attribute);
Result<crypto::PublicKey> EcPublicKey(crypto::KeyType type, ByteView ec_point_attribute);

// An RSA public key from CKA_MODULUS and CKA_PUBLIC_EXPONENT.
Result<crypto::PublicKey> RsaPublicKey(ByteView modulus, ByteView public_exponent);

// DigestInfo (PKCS#1 v2.2 section 9.2) of a SHA-256 hash, as CKM_RSA_PKCS signs it.
Bytes Sha256DigestInfo(ByteView hash);

}  // namespace sealkey::pkcs11_conformance
