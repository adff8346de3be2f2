// A crypto::Signer over a private key that stays inside a PKCS#11 token.
//
// Mechanisms, chosen from the token's C_GetMechanismList:
//   ECDSA P-256  hash with options.hash in sealkey, CKM_ECDSA, raw r||s -> DER
//   RSA          CKM_SHA{1,256,384,512}_RSA_PKCS, else CKM_RSA_PKCS over a
//                DigestInfo (RFC 8017 9.2); with options.rsa_pss
//                CKM_SHA*_RSA_PKCS_PSS, else CKM_RSA_PKCS_PSS over the hash
//                (MGF1 with the same hash, salt length = hash length)
//   SM2          vendor mechanisms only (vendor_mechanisms.h): CKM_SM2_SIGN /
//                CKM_SM2_SIGN_RAW over e = SM3(Z || M) computed in sealkey
//                with options.sm2_id, else CKM_SM3_SM2 over M when the ID is
//                the default one (the token computes Z itself)
// Sign fails with kUnsupported when the token lacks the mechanism, with
// kPermissionDenied when the login has ended (see pkcs11_device.h), and with
// kNotFound when the private key is gone.
//
// Thread-safety: one thread at a time; Sign serialises with the module's
// other logins.
#pragma once

#include <memory>
#include <vector>

#include <p11-kit/pkcs11.h>

#include "base/bytes.h"
#include "base/error.h"
#include "crypto/key.h"
#include "crypto/signer.h"
#include "token/pkcs11/session.h"

namespace sealkey::token::pkcs11 {

// Takes over `session`, which has the user logged in and KeepLogin() called;
// the login ends when the Signer is destroyed. The private key is the
// CKO_PRIVATE_KEY with CKA_ID `key_id`, looked up on every Sign because
// modules may renumber private objects when the login is renewed (SoftHSM
// does). `public_key` is the key pair's public key (its type decides the
// algorithm; SM2 needs it for Z). kUnsupported when `mechanisms` has nothing
// to sign with for that type.
Result<std::unique_ptr<crypto::Signer>> NewPkcs11Signer(Session session, Bytes key_id,
                                                        crypto::PublicKey public_key,
                                                        std::vector<CK_MECHANISM_TYPE> mechanisms);

}  // namespace sealkey::token::pkcs11
