// Outgoing SMS. The default gateway writes each message as one JSON line to
// DIR/outbox/sms.jsonl (and logs it), so development and tests read codes
// there; a production deployment plugs a provider adapter in behind the same
// interface.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>

#include "base/error.h"

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

// Appends to `outbox_dir`/sms.jsonl (created 0700/0600). Thread-safe.
class OutboxSmsGateway final : public SmsGateway {
 public:
  explicit OutboxSmsGateway(std::string outbox_dir) : dir_(std::move(outbox_dir)) {}
  Status Send(const SmsMessage& message) override;
  std::string path() const { return dir_ + "/sms.jsonl"; }

 private:
  std::string dir_;
  std::mutex mu_;
};

}  // namespace sealkey::server
