// The module's one error edge: sealkey Errors become CK_RV here and nowhere
// else.
#pragma once

#include <p11-kit/pkcs11.h>

#include "base/error.h"

namespace sealkey::p11 {

// `pin_context`: the error came from checking a PIN (lengths map to
// CKR_PIN_LEN_RANGE, "not set" to CKR_USER_PIN_NOT_INITIALIZED).
CK_RV ToCkr(const Error& error, bool pin_context = false);

}  // namespace sealkey::p11
