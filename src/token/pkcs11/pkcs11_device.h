// External PKCS#11 tokens as sealkey media: each initialised token in a slot
// of a dlopen'd PKCS#11 module (SoftHSM, OpenSC ...) is a token::Device
// with the contract of token/device.h, as far as the module allows.
//
// device.h on PKCS#11 (STANDARDS.md section 4):
//   Info()             C_GetTokenInfo; id "pkcs11:<module file stem>:<serial>"
//   PinStatus          token flags CKF_USER_PIN_* / CKF_SO_PIN_*; PKCS#11 has
//                      no counter, so tries_left is 1 on FINAL_TRY, 0 when
//                      LOCKED, else -1
//   VerifyPin          C_Login(CKU_USER) + C_Logout
//   ChangePin          C_Login(CKU_USER) + C_SetPIN, R/W session
//   Unblock            C_Login(CKU_SO) + C_InitPIN, R/W session
//   DeleteCertificate  C_DestroyObject of the certificate (keys stay)
//   DeleteKeyPair      C_DestroyObject of the certificate, public and private
//                      key sharing the pair's CKA_ID
//   ImportCertificate  C_CreateObject (containers.h)
//   GenerateKeyPair    C_GenerateKeyPair (containers.h)
//   OpenSigner         C_SignInit/C_Sign (pkcs11_signer.h)
//   container          objects sharing one CKA_ID, named by their CKA_LABEL
//   ref                CKA_ID in hex (objects.h)
// PIN lengths are checked against ulMinPinLen/ulMaxPinLen before the module
// sees them (kInvalidArgument naming "pin", "new_pin" or "so_pin"), so a
// malformed PIN costs no try.
//
// Limits:
// - ListCertificates runs without login, when private keys are normally
//   hidden (CKA_PRIVATE). has_private_key is therefore true when a public
//   key object, or a visible private key, shares the certificate's CKA_ID:
//   a key pair whose public key object was deleted shows false. container
//   and usage are reported only for such certificates.
// - How many tries remain is said only as far as the token flags tell.
//   SoftHSM v2 has no retry counter: after a wrong PIN it sets
//   CKF_USER_PIN_COUNT_LOW (kCountLow) and it never locks.
// - SM2 only through the vendor mechanisms of vendor_mechanisms.h.
// - The other optional capabilities of device.h (PKCS#12 import, seals,
//   signing with a key that has no certificate) return kUnsupported.
// - DeleteKeyPair is not atomic: PKCS#11 has no transactions. It destroys
//   the certificate first and the private key last.
// - Tokens with a protected authentication path (PIN pad) still get the PIN
//   through C_Login.
//
// Login: a Signer from OpenSigner keeps the user logged in until destroyed.
// PKCS#11 shares one login among all sessions of the process, so an
// operation on the Device while a Signer is open logs out and in again to
// check its PIN: a wrong PIN, or Unblock (an SO login), ends the Signer's
// login and its next Sign fails with kPermissionDenied.
//
// Thread-safety: a Device is used from one thread at a time. Devices and
// Signers of one module may be used from different threads: the module runs
// with CKF_OS_LOCKING_OK and sealkey serialises logins per module.
// Ownership: Devices and Signers share the loaded module; the last one to go
// calls C_Finalize and dlclose. A Signer must not outlive its Device.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/error.h"
#include "token/device.h"

namespace sealkey::token {

// One Device per slot holding an initialised token; slots whose token lacks
// CKF_TOKEN_INITIALIZED (such as SoftHSM's spare slot) are skipped. Loading
// a module that is already loaded shares it. Fails with kNotFound or
// kInvalidArgument (field "module", message naming `module_path`) when the
// module cannot be loaded, or with the mapped CK_RV of C_Initialize,
// C_GetSlotList or C_GetTokenInfo.
Result<std::vector<std::unique_ptr<Device>>> OpenPkcs11Devices(const std::string& module_path);

}  // namespace sealkey::token
