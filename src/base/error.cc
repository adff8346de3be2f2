#include "base/error.h"

namespace sealkey {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "invalid_argument";
    case ErrorCode::kMalformed: return "malformed";
    case ErrorCode::kOutOfRange: return "out_of_range";
    case ErrorCode::kVerifyFailed: return "verify_failed";
    case ErrorCode::kUnsupported: return "unsupported";
    case ErrorCode::kNotFound: return "not_found";
    case ErrorCode::kAlreadyExists: return "already_exists";
    case ErrorCode::kPermissionDenied: return "permission_denied";
    case ErrorCode::kPinIncorrect: return "pin_incorrect";
    case ErrorCode::kPinLocked: return "pin_locked";
    case ErrorCode::kIo: return "io_error";
    case ErrorCode::kCrypto: return "crypto_error";
    case ErrorCode::kInternal: return "internal";
  }
  return "internal";
}

std::string Error::ToString() const {
  if (field.empty()) return message;
  return field + ": " + message;
}

}  // namespace sealkey
