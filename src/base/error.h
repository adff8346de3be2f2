// Error values for expected failures (wrong PIN, bad signature, malformed
// input ...). Exceptions are reserved for programming errors; everything a
// user or a peer can cause travels as Result<T>.
//
// An Error carries a stable machine code (its name is part of the CLI's JSON
// output and, later, of the server's problem JSON), the input field at fault
// when there is one, and a human message.
#pragma once

#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace sealkey {

enum class ErrorCode {
  kInvalidArgument,   // input fails a syntactic or policy check
  kMalformed,         // encoded data (DER, PEM, base64 ...) cannot be decoded
  kOutOfRange,        // a value decodes but lies outside its allowed range
  kVerifyFailed,      // a signature, MAC or checksum does not verify
  kUnsupported,       // a known but unsupported algorithm or option
  kNotFound,
  kAlreadyExists,
  kFailedPrecondition,  // the object is not in a state that allows this (e.g. already decided)
  kPermissionDenied,
  kPinIncorrect,
  kPinLocked,
  kPinRequired,       // the operation needs a PIN and none was given or cached
  kUnauthenticated,   // no valid session / credentials
  kRateLimited,       // too many requests; try again later
  kIo,
  kCrypto,            // the crypto library failed for a reason not above
  kInternal,
};

// Stable snake_case name of a code, e.g. "verify_failed".
std::string_view ErrorCodeName(ErrorCode code);

struct Error;
template <typename T>
using Result = tl::expected<T, Error>;

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string field;    // offending input field, empty when none
  std::string message;  // human-readable, no secrets (English)
  std::string message_zh;  // the same in Simplified Chinese, when the edge shows it

  // "field: message" or just "message".
  std::string ToString() const;
};

using Status = Result<void>;

// The inverse of ErrorCodeName (for errors that crossed a process boundary).
Result<ErrorCode> ErrorCodeFromName(std::string_view name);

// Builds the failing side of a Result: `return Fail(ErrorCode::kMalformed, "...", "signature");`
inline tl::unexpected<Error> Fail(ErrorCode code, std::string message,
                                  std::string field = {}) {
  return tl::unexpected<Error>(Error{code, std::move(field), std::move(message)});
}
inline tl::unexpected<Error> Fail(Error error) {
  return tl::unexpected<Error>(std::move(error));
}

inline Status Ok() { return {}; }

}  // namespace sealkey

// Propagates the error of a Result-returning expression.
#define SEALKEY_RETURN_IF_ERROR(expr)                         \
  do {                                                        \
    auto sealkey_status_ = (expr);                            \
    if (!sealkey_status_) return ::sealkey::Fail(std::move(sealkey_status_.error())); \
  } while (0)
