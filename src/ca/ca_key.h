// Where a CA's private key lives, and a Signer over it.
//
//  - An encrypted key file: the PKCS#8 key sealed with crypto/aead.h
//    (sm4-ctr-hmac-sm3) under a 32-byte key-encryption key that sealkeyd
//    keeps in DATA/secrets/ca.kek (0600). The file is PEM-like text with a
//    header naming the AEAD, so it can be backed up; without the KEK it is
//    useless.
//  - A PKCS#11 token (an HSM; SoftHSM in tests): module path, token label,
//    key label, and the user PIN read from a file (never from argv).
//
// Encrypted key file format (text, LF line ends, 0600):
//   -----BEGIN SEALKEY ENCRYPTED CA KEY-----
//   AEAD: sm4-ctr-hmac-sm3
//   <base64 of AeadSeal(alg, KEK, aad, PKCS#8 PrivateKeyInfo DER), 64 per line>
//   -----END SEALKEY ENCRYPTED CA KEY-----
// with aad = "sealkey-ca-key-v1:" || the AEAD token, so the header cannot be
// changed without the tag failing. Readers accept CRLF and any AEAD of
// crypto/aead.h; writers use sm4-ctr-hmac-sm3.
#pragma once

#include <memory>
#include <string>

#include "base/error.h"
#include "base/secure_buffer.h"
#include "crypto/key.h"
#include "crypto/signer.h"

namespace sealkey::ca {

struct CaKeyLocation {
  std::string kind;         // "file" or "pkcs11"
  std::string path;         // file: the key file; pkcs11: the module (.so)
  std::string token_label;  // pkcs11
  std::string key_label;    // pkcs11: CKA_LABEL of the private key
  std::string pin_file;     // pkcs11: file holding the user PIN
};

// Writes `key` sealed under `kek` (32 bytes) to `path` (0600, atomically).
Status WriteEncryptedKey(const std::string& path, const crypto::PrivateKey& key,
                         const SecureBuffer& kek);
// Reads a key written by WriteEncryptedKey; kVerifyFailed (field
// "key_file") when the KEK is wrong or the sealed bytes were altered,
// kMalformed when the envelope is broken, kInvalidArgument ("kek") when the
// KEK is not 32 bytes.
Result<crypto::PrivateKey> ReadEncryptedKey(const std::string& path, const SecureBuffer& kek);

// A Signer for the CA key at `where`. For "file" the key is decrypted into
// memory (and wiped with the signer); for "pkcs11" the token session stays
// open for the signer's lifetime. `expected` is the CA certificate's public
// key: a key that does not match it is refused (kVerifyFailed, field "key").
// The match is proved, not assumed: the public keys are compared where the
// medium shows one, and the new Signer must make a test signature over a
// fresh message that verifies under `expected`.
//
// "file": `kek` opens the key file at `path`. "pkcs11": `kek` is unused; the
// PIN file holds the PIN on one line (a trailing line break is dropped) and
// must not be readable by group or others (kPermissionDenied "pin_file");
// the key is found as token/pkcs11/labelled_key.h describes. Missing fields
// are kInvalidArgument naming them; an unknown kind is kInvalidArgument
// "kind".
Result<std::unique_ptr<crypto::Signer>> OpenCaSigner(const CaKeyLocation& where,
                                                     const SecureBuffer& kek,
                                                     const crypto::PublicKey& expected);

// True only when `signer` is a key-file Signer returned by OpenCaSigner (the
// key decrypted into this process's memory, where it cannot change, and
// proved there to be the private key of its `expected` key) and `ca_key` is
// that key. Issuance then need not verify each signature it makes
// (IssueEndEntity). False for PKCS#11 signers, wrappers around them, and any
// other Signer: a token is outside the process, so what it signs is checked
// every time. Cheap: a type check and a public-key comparison.
bool IsProvenKeyFileSigner(const crypto::Signer* signer, const crypto::PublicKey& ca_key);

}  // namespace sealkey::ca
