// Export macro for the C_* entry points: the only symbols the shared library
// exports (with -fvisibility=hidden and exports.map).
#pragma once

#include "pkcs11/ck.h"

#define SEALKEY_P11_API extern "C" __attribute__((visibility("default"))) CK_RV

namespace sealkey::p11 {
// The function list (api_misc.cc).
extern CK_FUNCTION_LIST kFunctionList;
}  // namespace sealkey::p11
