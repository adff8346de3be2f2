// Outgoing SMS. The default gateway writes each message as one JSON line to
// DIR/outbox/sms.jsonl (and logs it), so development and tests read codes
// there; a production deployment plugs a provider adapter in behind the same
// interface (webhook_gateway.h posts to an HTTP endpoint).
#pragma once

#include <cstdint>
#include <string>

#include "base/error.h"
#include "server/notify/jsonl_outbox.h"

namespace sealkey::server {

struct SmsMessage {
  std::string to;       // E.164
  std::string purpose;  // login, reset_password, change_password
  std::string code;     // the one-time code (outbox only; a provider gets `text`)
  std::string text;     // what the user receives
  int64_t time = 0;
};

class SmsGateway {
 public:
  virtual ~SmsGateway() = default;
  virtual Status Send(const SmsMessage& message) = 0;
};

// Appends {"time","to","purpose","code","text"} to `outbox_dir`/sms.jsonl
// (see jsonl_outbox.h) and logs the text on stderr. Thread-safe.
class OutboxSmsGateway final : public SmsGateway {
 public:
  explicit OutboxSmsGateway(std::string outbox_dir)
      : outbox_(std::move(outbox_dir), "sms.jsonl", "SMS outbox") {}
  Status Send(const SmsMessage& message) override;
  std::string path() const { return outbox_.path(); }

 private:
  JsonlOutbox outbox_;
};

}  // namespace sealkey::server
