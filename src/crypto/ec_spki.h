// SubjectPublicKeyInfo of named-curve EC keys (SM2, P-256), read and written
// with sealkey's DER code. OpenSSL 3.0 decodes and encodes every public key
// through a provider decoder/encoder chain that it builds anew on each call
// (d2i_PUBKEY about 80 us, i2d_PUBKEY about 50 us for a P-256 key); the CA
// handles several keys per certificate, so the common shape is done here.
// Internal to sealkey::crypto.
//
// The shape (RFC 5480 section 2, GM/T 0006 for the SM2 curve OID):
//   SEQUENCE { SEQUENCE { id-ecPublicKey, namedCurve OID }, BIT STRING point }
#pragma once

#include <optional>

#include "base/bytes.h"
#include "crypto/key.h"

namespace sealkey::crypto {

struct EcSpki {
  KeyType type;    // kSm2 or kEcP256
  ByteView point;  // the BIT STRING payload, as encoded (not yet validated)
};

// The curve and point of `spki` when it is exactly one DER SEQUENCE of the
// shape above with the SM2 or P-256 curve and no unused bits; nullopt for
// anything else (other algorithms, explicit parameters, trailing bytes),
// which callers hand to OpenSSL.
std::optional<EcSpki> ParseEcSpki(ByteView spki);

// The DER of the shape above for `point` (as OpenSSL would write it: the
// point is copied as given). `type` must be kSm2 or kEcP256.
Bytes EncodeEcSpki(KeyType type, ByteView point);

}  // namespace sealkey::crypto
