// Algorithm-independent signing for whole messages: SM2 with SM3 (Z over the
// signer's key and the given ID), ECDSA P-256 and RSA (PKCS#1 v1.5 or PSS).
// Signatures are DER for SM2/ECDSA and the raw block for RSA.
//
// Also hands out prepared EVP_MD_CTX contexts for code that signs through
// OpenSSL structures (X.509, CSR, CMS), so the SM2 ID and RSA padding are
// set in exactly one place.
#pragma once

#include <string>

#include "base/bytes.h"
#include "base/error.h"
#include "crypto/digest.h"
#include "crypto/key.h"
#include "crypto/ossl.h"
#include "crypto/sm2.h"

namespace sealkey::crypto {

struct SignOptions {
  HashAlg hash = HashAlg::kSha256;  // ignored for SM2, which always uses SM3
  bool rsa_pss = false;             // RSA only: PSS, MGF1 with `hash`, salt = hash size
  std::string sm2_id = std::string(kSm2DefaultId);
};

// The hash a key type signs with under `options` (SM3 for SM2).
HashAlg EffectiveHash(KeyType type, const SignOptions& options);

Result<Bytes> SignMessage(const PrivateKey& key, ByteView msg, const SignOptions& options = {});
// kVerifyFailed if the signature does not verify; kMalformed/kOutOfRange if
// it is not well-formed.
Status VerifyMessage(const PublicKey& key, ByteView msg, ByteView sig,
                     const SignOptions& options = {});

// An EVP_MD_CTX initialised for DigestSign/DigestVerify with `key`. The
// context owns its EVP_PKEY_CTX.
Result<UniquePtr<EVP_MD_CTX>> NewSignContext(const PrivateKey& key,
                                             const SignOptions& options = {});
Result<UniquePtr<EVP_MD_CTX>> NewVerifyContext(const PublicKey& key,
                                               const SignOptions& options = {});

}  // namespace sealkey::crypto
