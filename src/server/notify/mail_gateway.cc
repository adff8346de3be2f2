#include "server/notify/mail_gateway.h"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "base/encoding.h"

namespace sealkey::server {
namespace {

nlohmann::json MessageJson(const MailMessage& m) {
  nlohmann::json attachments = nlohmann::json::array();
  for (const auto& a : m.attachments) {
    attachments.push_back({{"name", a.name},
                           {"mime", a.mime},
                           {"size", a.bytes.size()},
                           {"base64", Base64Encode(a.bytes)}});
  }
  return {{"time", m.time},
          {"to", m.to},
          {"subject", m.subject},
          {"text", m.text},
          {"attachments", std::move(attachments)}};
}

}  // namespace

std::string MailMessageJson(const MailMessage& message, const std::string& type) {
  nlohmann::json j = MessageJson(message);
  if (!type.empty()) j["type"] = type;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Status OutboxMailGateway::Send(const MailMessage& m) {
  SEALKEY_RETURN_IF_ERROR(outbox_.Append(MailMessageJson(m)));
  std::fprintf(stderr, "sealkeyd: mail to %s: %s (%zu attachment(s))\n", m.to.c_str(),
               m.subject.c_str(), m.attachments.size());
  return Ok();
}

}  // namespace sealkey::server
