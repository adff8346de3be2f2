// One-time SMS codes (B1, B3): 6 digits, valid 5 minutes, single use, at
// most 5 wrong attempts, resend no sooner than 60 s, at most 10 per number
// and 50 per client address per day. Stored only as HMAC-SM3 under a server
// key, compared in constant time. Thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "base/clock.h"
#include "base/secure_buffer.h"
#include "server/notify/sms_gateway.h"
#include "store/database.h"

namespace sealkey::server {

struct SmsCodeLimits {
  int64_t valid_seconds = 300;
  int64_t resend_seconds = 60;
  int max_attempts = 5;
  int per_number_per_day = 10;
  int per_client_per_day = 50;
};

class SmsCodes {
 public:
  SmsCodes(store::Database& db, SmsGateway& gateway, const Clock& clock, SecureBuffer key,
           SmsCodeLimits limits = {})
      : db_(db), gateway_(gateway), clock_(clock), key_(std::move(key)), limits_(limits) {}

  // Sends a new code to `phone` (E.164) for `purpose`.
  Status Send(const std::string& phone, const std::string& purpose, const std::string& client);
  // Checks `code`; consumes it on success. A wrong code spends an attempt
  // (committed even though the call fails). Field of errors: "code".
  Status Verify(const std::string& phone, const std::string& purpose, const std::string& code);

  const SmsCodeLimits& limits() const { return limits_; }

 private:
  std::string Mac(const std::string& phone, const std::string& purpose,
                  const std::string& code) const;

  store::Database& db_;
  SmsGateway& gateway_;
  const Clock& clock_;
  SecureBuffer key_;
  SmsCodeLimits limits_;
};

}  // namespace sealkey::server
