#include "server/notify/sms_gateway.h"

#include <cstdio>

#include <nlohmann/json.hpp>

namespace sealkey::server {

Status OutboxSmsGateway::Send(const SmsMessage& m) {
  nlohmann::json j = {
      {"time", m.time}, {"to", m.to}, {"purpose", m.purpose}, {"code", m.code}, {"text", m.text}};
  SEALKEY_RETURN_IF_ERROR(outbox_.Append(j.dump()));
  std::fprintf(stderr, "sealkeyd: sms to %s (%s): %s\n", m.to.c_str(), m.purpose.c_str(),
               m.text.c_str());
  return Ok();
}

}  // namespace sealkey::server
