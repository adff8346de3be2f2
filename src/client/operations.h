// Media operations as JSON requests, executed the same way by the CLI
// (directly, no cache) and by the agent (with its PIN cache). Keeping one
// executor means "the CLI sends operations to the agent" is not a second
// implementation of every command.
//
// Request:  {"op": "...", "device": "...", ... , "pin": "<hex>"}
// Response: {"ok": true, "result": {...}} or
//           {"ok": false, "error": {"code", "field", "message"}}
// Operations needing the user PIN take it from "pin" or, in the agent, from
// the cache; without either they fail with code "pin_required". A PIN given
// in a request is wiped from the request as soon as it is read.
#pragma once

#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "base/clock.h"
#include "base/error.h"
#include "client/pin_cache.h"
#include "client/profile.h"

namespace sealkey::client {

struct ExecContext {
  const Profile& profile;
  PinCache* cache = nullptr;  // the agent's; null when the CLI runs directly
  const Clock& clock;
};

// Never throws; malformed requests get an error response.
nlohmann::json Execute(const ExecContext& ctx, nlohmann::json& request);

nlohmann::json ErrorResponse(const Error& error);
// Unpacks a response into its result or its error.
Result<nlohmann::json> ResultOf(const nlohmann::json& response);

// Whether `op` needs the user PIN.
bool OpNeedsPin(std::string_view op);

}  // namespace sealkey::client
