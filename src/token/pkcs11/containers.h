// Creating containers on a token: key pairs generated inside it and
// certificates joined to them (see objects.h for the container model).
//
// Both run on an R/W session with the user logged in, and leave the token
// as they found it when they fail.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <p11-kit/pkcs11.h>

#include "base/bytes.h"
#include "base/error.h"
#include "crypto/key.h"
#include "token/device.h"
#include "token/pkcs11/session.h"

namespace sealkey::token::pkcs11 {

// The mechanism that generates `alg` key pairs among the token's
// `mechanisms`: CKM_EC_KEY_PAIR_GEN, CKM_RSA_PKCS_KEY_PAIR_GEN, or for SM2
// the vendor CKM_SM2_KEY_PAIR_GEN. kUnsupported (field "alg") when absent.
Result<CK_MECHANISM_TYPE> KeyGenMechanism(const std::vector<CK_MECHANISM_TYPE>& mechanisms,
                                          crypto::KeyAlg alg);

// C_GenerateKeyPair with `mechanism` (from KeyGenMechanism) into a new
// container: CKA_ID is 16 random bytes, CKA_LABEL is `container` (the hex
// CKA_ID when empty). The private key is CKA_TOKEN, CKA_PRIVATE,
// CKA_SENSITIVE and not CKA_EXTRACTABLE; `usage` decides CKA_SIGN/CKA_VERIFY
// versus CKA_DECRYPT/CKA_ENCRYPT/CKA_UNWRAP/CKA_WRAP (RSA) or CKA_DERIVE
// (EC). A container holds one key pair per usage: kAlreadyExists (field
// "container") when it already has one for `usage`.
Result<GeneratedKey> GenerateContainer(Session& session, CK_MECHANISM_TYPE mechanism,
                                       crypto::KeyAlg alg, KeyUsage usage,
                                       std::string_view container);

// C_CreateObject of a CKO_CERTIFICATE / CKC_X_509 with CKA_VALUE,
// CKA_SUBJECT, CKA_ISSUER and CKA_SERIAL_NUMBER. It joins the container of
// the private key whose public key it certifies (that key's CKA_ID and
// CKA_LABEL); otherwise it is stored stand-alone with CKA_ID = SHA-1 of the
// subjectPublicKey bits (RFC 5280 4.2.1.2 method 1) and its subject CN as
// CKA_LABEL. Returns the new ref. kAlreadyExists (field "certificate") when
// the certificate, or another one for the same container or key, is there.
Result<std::string> ImportCertificateObject(Session& session, ByteView der);

}  // namespace sealkey::token::pkcs11
