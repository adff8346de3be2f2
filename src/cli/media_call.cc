#include "cli/media_call.h"

#include <iostream>

#include "base/clock.h"
#include "base/encoding.h"
#include "cli/secrets.h"
#include "client/agent_channel.h"
#include "client/operations.h"

namespace sealkey::cli {

using nlohmann::json;

Result<client::Profile> OpenProfile() { return client::Profile::Open(); }

void PrintJson(const json& value) { std::cout << value.dump(2) << "\n"; }

namespace {

Status AddPin(const GlobalOptions& global, json& request) {
  auto pin = ReadSecret({"PIN", "SEALKEY_PIN", "pin"}, global.pin_stdin);
  if (!pin) return Fail(pin.error());
  request["pin"] = HexEncode(pin->span());
  return Ok();
}

}  // namespace

Result<json> CallMedia(const GlobalOptions& global, json request) {
  auto profile = OpenProfile();
  if (!profile) return Fail(profile.error());
  std::string op = request.value("op", "");

  auto via_agent = client::CallAgent(*profile, request);
  if (via_agent) {
    auto result = client::ResultOf(*via_agent);
    if (result || result.error().code != ErrorCode::kPinRequired) return result;
    SEALKEY_RETURN_IF_ERROR(AddPin(global, request));
    auto again = client::CallAgent(*profile, request);
    if (!again) return Fail(again.error());
    return client::ResultOf(*again);
  }
  if (via_agent.error().code != ErrorCode::kNotFound) return Fail(via_agent.error());

  if (client::OpNeedsPin(op)) SEALKEY_RETURN_IF_ERROR(AddPin(global, request));
  client::ExecContext ctx{*profile, nullptr, SystemClock::Instance()};
  return client::ResultOf(client::Execute(ctx, request));
}

}  // namespace sealkey::cli
