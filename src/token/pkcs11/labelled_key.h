// A Signer for a private key named by labels (module, token label, key
// CKA_LABEL) rather than by a certificate on the token: how a service finds
// a key it owns in an HSM, such as a CA key (src/ca/ca_key.h).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "base/error.h"
#include "base/secure_buffer.h"
#include "crypto/key.h"
#include "crypto/signer.h"

namespace sealkey::token {

// Loads (or shares) the PKCS#11 module at `module_path`, picks the
// initialised token whose CK_TOKEN_INFO label is `token_label`, logs the user
// in with `pin`, and takes the one CKO_PRIVATE_KEY whose CKA_LABEL is
// `key_label`. The Signer keeps the login for its lifetime and signs as
// pkcs11_signer.h describes.
//
// `expected` is the public key the caller believes the pair has. When the
// token shows the pair's public key (on the private key, or on the
// CKO_PUBLIC_KEY with the same CKA_ID) a different one fails with
// kVerifyFailed (field "key"); when it does not, `expected` is taken for the
// key's type and SM2's Z, and the caller must prove the pair with a test
// signature (a private key that is not `expected`'s then fails to verify).
//
// Errors: module loading as OpenPkcs11Devices; kNotFound naming
// "token_label" or "key_label" when nothing matches; kInvalidArgument naming
// them when several do; kUnsupported ("key_label") for a key without CKA_ID
// (the Signer finds its key by CKA_ID on every Sign); PIN errors as
// pkcs11_device.h (field "pin").
Result<std::unique_ptr<crypto::Signer>> OpenPkcs11KeyByLabel(const std::string& module_path,
                                                             std::string_view token_label,
                                                             std::string_view key_label,
                                                             const SecureBuffer& pin,
                                                             const crypto::PublicKey& expected);

}  // namespace sealkey::token
