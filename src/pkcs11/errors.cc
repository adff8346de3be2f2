#include "pkcs11/errors.h"

namespace sealkey::p11 {

CK_RV ToCkr(const Error& e, bool pin_context) {
  switch (e.code) {
    case ErrorCode::kPinIncorrect: return CKR_PIN_INCORRECT;
    case ErrorCode::kPinLocked: return CKR_PIN_LOCKED;
    case ErrorCode::kPinRequired:
    case ErrorCode::kUnauthenticated: return CKR_USER_NOT_LOGGED_IN;
    case ErrorCode::kRateLimited: return CKR_FUNCTION_FAILED;
    case ErrorCode::kInvalidArgument:
      if (pin_context) return e.message.find("repeated") != std::string::npos
                                  ? CKR_PIN_INVALID
                                  : CKR_PIN_LEN_RANGE;
      return CKR_ATTRIBUTE_VALUE_INVALID;
    case ErrorCode::kNotFound:
      return pin_context ? CKR_USER_PIN_NOT_INITIALIZED : CKR_OBJECT_HANDLE_INVALID;
    case ErrorCode::kAlreadyExists: return CKR_ATTRIBUTE_VALUE_INVALID;
    case ErrorCode::kFailedPrecondition: return CKR_FUNCTION_FAILED;
    case ErrorCode::kOutOfRange:
      return e.field == "device" ? CKR_DEVICE_MEMORY : CKR_ATTRIBUTE_VALUE_INVALID;
    case ErrorCode::kUnsupported: return CKR_MECHANISM_INVALID;
    case ErrorCode::kVerifyFailed: return CKR_SIGNATURE_INVALID;
    case ErrorCode::kMalformed: return e.field == "device" ? CKR_DEVICE_ERROR : CKR_DATA_INVALID;
    case ErrorCode::kPermissionDenied: return CKR_USER_NOT_LOGGED_IN;
    case ErrorCode::kIo: return CKR_DEVICE_ERROR;
    case ErrorCode::kCrypto:
    case ErrorCode::kInternal: return CKR_FUNCTION_FAILED;
  }
  return CKR_GENERAL_ERROR;
}

}  // namespace sealkey::p11
