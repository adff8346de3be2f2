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
    case ErrorCode::kFailedPrecondition: return "failed_precondition";
    case ErrorCode::kPermissionDenied: return "permission_denied";
    case ErrorCode::kPinIncorrect: return "pin_incorrect";
    case ErrorCode::kPinLocked: return "pin_locked";
    case ErrorCode::kPinRequired: return "pin_required";
    case ErrorCode::kUnauthenticated: return "unauthenticated";
    case ErrorCode::kRateLimited: return "rate_limited";
    case ErrorCode::kIo: return "io_error";
    case ErrorCode::kCrypto: return "crypto_error";
    case ErrorCode::kInternal: return "internal";
  }
  return "internal";
}

Result<ErrorCode> ErrorCodeFromName(std::string_view name) {
  for (int i = 0; i <= static_cast<int>(ErrorCode::kInternal); ++i) {
    if (ErrorCodeName(static_cast<ErrorCode>(i)) == name) return static_cast<ErrorCode>(i);
  }
  return Fail(ErrorCode::kInvalidArgument, "unknown error code " + std::string(name));
}

std::string Error::ToString() const {
  if (field.empty()) return message;
  return field + ": " + message;
}

}  // namespace sealkey
