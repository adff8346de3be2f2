// Provider adapters: SMS and e-mail POSTed as JSON to an HTTP(S) endpoint of
// the deployment's choice (a provider's API or a relay in front of it).
//
//   POST <url>
//   Content-Type: application/json
//   X-Sealkey-Timestamp: <unix seconds>                  (with a secret)
//   X-Sealkey-Signature: sha256=<hex>                    (with a secret)
//
//   SMS:  {"type":"sms", "time", "to", "purpose", "text"}   (no separate code)
//   mail: {"type":"mail", "time", "to", "subject", "text",
//          "attachments":[{"name","mime","size","base64"}]}
//
// The signature is HMAC-SHA256 under the shared secret over
// "<timestamp>.<body>" (the exact bytes sent), lower-case hex: the receiver
// recomputes it, compares in constant time and rejects stale timestamps to
// stop replays. Only a 2xx answer counts as sent; any other status, a
// connection failure or the timeout (10 s by default) fails Send with
// kIo (HTTP 503 to the API caller), naming the status. Redirects are not
// followed. Each Send logs one line without the message text.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "base/error.h"
#include "base/secure_buffer.h"
#include "server/notify/mail_gateway.h"
#include "server/notify/sms_gateway.h"

namespace sealkey::server {

struct WebhookOptions {
  std::string url;
  SecureBuffer secret;  // empty: no signature headers
  std::chrono::milliseconds timeout{10000};
  std::string field;  // the option that gave the URL, for errors ("--sms-webhook")
};

// http(s)://HOST[:PORT][/PATH][?QUERY], without user info or fragment; plain
// http only to this machine (127.0.0.1, localhost, ::1). kInvalidArgument
// naming `field` otherwise.
Status CheckWebhookUrl(const std::string& url, const std::string& field);

// Posts JSON bodies to one URL. Thread-safe: one curl handle per call.
class WebhookClient {
 public:
  // `kind` is "sms" or "mail" (logs and errors).
  static Result<WebhookClient> Create(WebhookOptions options, std::string kind);
  // Ok when the endpoint answered 2xx. `to` is for the log line only.
  Status Post(const std::string& body, const std::string& to) const;
  const std::string& url() const { return options_.url; }

 private:
  WebhookClient(WebhookOptions options, std::string kind)
      : options_(std::move(options)), kind_(std::move(kind)) {}
  WebhookOptions options_;
  std::string kind_;
};

class WebhookSmsGateway final : public SmsGateway {
 public:
  static Result<std::unique_ptr<WebhookSmsGateway>> Create(WebhookOptions options);
  Status Send(const SmsMessage& message) override;

 private:
  explicit WebhookSmsGateway(WebhookClient client) : client_(std::move(client)) {}
  WebhookClient client_;
};

class WebhookMailGateway final : public MailGateway {
 public:
  static Result<std::unique_ptr<WebhookMailGateway>> Create(WebhookOptions options);
  Status Send(const MailMessage& message) override;

 private:
  explicit WebhookMailGateway(WebhookClient client) : client_(std::move(client)) {}
  WebhookClient client_;
};

}  // namespace sealkey::server
