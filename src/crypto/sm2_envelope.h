// GM/T 0009 SM2EnvelopedKey: how a KMC hands an escrowed SM2 encryption key
// pair to the container that holds the subscriber's signing key
// (STANDARDS.md 3).
//
//   SM2EnvelopedKey ::= SEQUENCE {
//     symAlgID               AlgorithmIdentifier,  -- SM4-ECB (1.2.156.10197.1.104.1)
//     symEncryptedKey        SM2Cipher,            -- the SM4 key, SM2-encrypted to the
//                                                  -- signing public key (ASN.1 form)
//     sm2PublicKey           BIT STRING,           -- 04 || X || Y of the encryption key
//     sm2EncryptedPrivateKey BIT STRING }          -- d (32 bytes) under SM4-ECB
//
// Opening happens where the signing private key is (inside the medium): the
// SM4 key is decrypted with it, d is decrypted, and [d]G must equal the
// enclosed public key (and the encryption certificate's key, when given).
#pragma once

#include "base/bytes.h"
#include "base/error.h"
#include "base/secure_buffer.h"
#include "crypto/key.h"

namespace sealkey::crypto {

// Envelopes `encryption_key` (SM2) to `signing_public_key` (SM2) with a
// fresh random SM4 key. DER.
Result<Bytes> BuildSm2EnvelopedKey(const PrivateKey& encryption_key,
                                   const PublicKey& signing_public_key);

// Opens an envelope with the signing private key. kMalformed (field
// "envelope") for bad DER or lengths, kVerifyFailed when the SM2 cipher's
// hash does not check (wrong recipient or tampering) or [d]G does not equal
// the enclosed public key; with `expected` set, also when the key is not
// that one (field "certificate").
Result<PrivateKey> OpenSm2EnvelopedKey(ByteView der, const PrivateKey& signing_key,
                                       const PublicKey* expected = nullptr);

}  // namespace sealkey::crypto
