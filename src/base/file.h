// Whole-file reads with specific errors (missing, not a regular file,
// unreadable, too large). Crash-safe writes arrive with the file device.
#pragma once

#include <string>

#include "base/bytes.h"
#include "base/error.h"

namespace sealkey {

inline constexpr size_t kDefaultMaxFileSize = 64 * 1024 * 1024;

// `field` names the input in errors (e.g. "file").
Result<Bytes> ReadFile(const std::string& path, std::string field = "file",
                       size_t max_size = kDefaultMaxFileSize);

}  // namespace sealkey
