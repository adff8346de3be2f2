// The mechanisms libsealkey-pkcs11.so offers and their implementations over
// sealkey's crypto. Vendor SM mechanism ids: src/token/pkcs11/vendor_mechanisms.h.
//
//   mechanism                 keys      operations
//   CKM_EC_KEY_PAIR_GEN       P-256     generate (SM2 curve params also accepted)
//   CKM_RSA_PKCS_KEY_PAIR_GEN RSA       generate 2048/3072, e = 65537
//   CKM_ECDSA                 P-256     sign/verify a hash; raw r||s
//   CKM_ECDSA_SHA256          P-256     sign/verify a message; raw r||s
//   CKM_ECDSA_SHA1            P-256     the same with SHA-1 (legacy; pkcs11-tool --test-ec)
//   CKM_RSA_PKCS              RSA       sign/verify (DigestInfo supplied), encrypt/decrypt
//   CKM_SHA256_RSA_PKCS       RSA       sign/verify a message
//   CKM_RSA_PKCS_PSS          RSA       sign/verify a hash (CK_RSA_PKCS_PSS_PARAMS)
//   CKM_SHA256_RSA_PKCS_PSS   RSA       sign/verify a message
//   CKM_SHA_1, CKM_SHA256     -         digest
//   SM2 key pair gen (+0x8001) SM2      generate
//   SM3 with SM2 (+0x101)     SM2       sign/verify a message, Z with the default ID; DER
//   SM2 sign (+0x104/+0x105)  SM2       sign/verify a 32-byte e; DER / raw r||s
//   SM2 raw (+0x200)          SM2       encrypt/decrypt; C1||C3||C2
//   SM3 (+0x9000)             -         digest
#pragma once

#include "pkcs11/ck.h"
#include "pkcs11/module.h"

namespace sealkey::p11 {

CK_RV MechanismList(CK_MECHANISM_TYPE_PTR list, CK_ULONG_PTR count);
CK_RV MechanismInfo(CK_MECHANISM_TYPE type, CK_MECHANISM_INFO_PTR info);

enum class KeyOp { kSign, kVerify, kEncrypt, kDecrypt };
// Validates `mechanism` (and its parameter) for `op` with a key of `type`;
// fills `out->mechanism` and parameters.
CK_RV PrepareOperation(CK_MECHANISM_PTR mechanism, KeyOp op, crypto::KeyType type,
                       KeyOperation* out);

// Upper bound of the output of `op`, for length queries.
size_t OutputBound(const KeyOperation& op, KeyOp kind, size_t input_size);

CK_RV Sign(const KeyOperation& op, ByteView data, Bytes* signature);
CK_RV Verify(const KeyOperation& op, ByteView data, ByteView signature);
CK_RV Encrypt(const KeyOperation& op, ByteView data, Bytes* out);
CK_RV Decrypt(const KeyOperation& op, ByteView data, Bytes* out);

// Whether the mechanism hashes its input itself (C_SignUpdate allowed).
bool IsMultipart(CK_MECHANISM_TYPE mechanism);
// The digest behind a digest mechanism.
CK_RV DigestAlg(CK_MECHANISM_TYPE mechanism, crypto::HashAlg* alg);

}  // namespace sealkey::p11
