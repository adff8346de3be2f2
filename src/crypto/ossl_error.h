// Turns OpenSSL's thread-local error queue into one Error value. Callers test
// OpenSSL return values, then call OpensslError(); the queue is always
// drained so a stale entry never leaks into a later, unrelated failure.
#pragma once

#include <string>
#include <string_view>

#include "base/error.h"

namespace sealkey::crypto {

// message = `what` + ": " + the first reason in the queue (if any).
Error OpensslError(ErrorCode code, std::string_view what, std::string field = {});

// Discards whatever is queued.
void ClearOpensslErrors();

}  // namespace sealkey::crypto
