// Runs a media operation (client/operations.h) for a CLI command: through the
// agent when one is running (asking for the PIN only if it has none cached),
// otherwise directly in this process, which caches nothing.
#pragma once

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "cli/command.h"
#include "client/profile.h"

namespace sealkey::cli {

Result<nlohmann::json> CallMedia(const GlobalOptions& global, nlohmann::json request);

// The profile for this invocation ($SEALKEY_HOME).
Result<client::Profile> OpenProfile();

// Prints `value` as JSON (for --json).
void PrintJson(const nlohmann::json& value);

}  // namespace sealkey::cli
