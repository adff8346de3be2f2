// Outgoing e-mail (notices, signed documents as attachments). The default
// gateway writes each message as one JSON line to DIR/outbox/mail.jsonl (and
// logs its subject), the same way the SMS outbox does; a production
// deployment posts to a provider instead (webhook_gateway.h).
//
// Outbox line: {"time", "to", "subject", "text", "attachments": [{"name",
// "mime", "size", "base64"}]}. Attachments are stored inline, standard
// base64 with padding, so one line is one complete message and a reader
// needs nothing beside mail.jsonl.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"
#include "server/notify/jsonl_outbox.h"

namespace sealkey::server {

struct MailAttachment {
  std::string name;  // file name shown to the recipient, e.g. "contract.pdf"
  std::string mime;  // e.g. "application/pdf"
  Bytes bytes;
};

struct MailMessage {
  std::string to;  // one address
  std::string subject;
  std::string text;  // plain-text body (UTF-8)
  std::vector<MailAttachment> attachments;
  int64_t time = 0;
};

class MailGateway {
 public:
  virtual ~MailGateway() = default;
  virtual Status Send(const MailMessage& message) = 0;
};

// The message as the outbox carries it (see above), serialised; a non-empty
// `type` adds {"type": type} (the webhook's body). Invalid UTF-8 in the
// strings becomes U+FFFD.
std::string MailMessageJson(const MailMessage& message, const std::string& type = {});

// Appends to `outbox_dir`/mail.jsonl (see jsonl_outbox.h) and logs recipient
// and subject on stderr. Thread-safe.
class OutboxMailGateway final : public MailGateway {
 public:
  explicit OutboxMailGateway(std::string outbox_dir)
      : outbox_(std::move(outbox_dir), "mail.jsonl", "mail outbox") {}
  Status Send(const MailMessage& message) override;
  std::string path() const { return outbox_.path(); }

 private:
  JsonlOutbox outbox_;
};

}  // namespace sealkey::server
