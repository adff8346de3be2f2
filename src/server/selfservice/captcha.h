// Image captchas (D8): the self-service business query asks for one before
// an SMS code is sent, so a script cannot make the platform text numbers.
// Five characters from an alphabet without look-alikes (no 0/O, 1/I, 2/Z,
// 5/S, 8/B), each turned and shifted, over noise lines and dots; valid five
// minutes; one guess per image (a wrong answer uses it up); answers stored
// only as HMAC-SM3 under a server key, compared in constant time.
// Thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/error.h"
#include "base/secure_buffer.h"
#include "server/notify/jsonl_outbox.h"
#include "store/database.h"

namespace sealkey::server {

struct Captcha {
  std::string id;  // 32 hex characters
  Bytes png;
  int64_t expires_at = 0;
};

// The image of `text` (A-Z, 0-9), 200x70 pixels; `noise_seed` drives every
// random choice of the drawing. kInternal if cairo fails.
Result<Bytes> RenderCaptcha(const std::string& text, ByteView noise_seed);

class CaptchaService {
 public:
  static constexpr int64_t kValidSeconds = 300;
  static constexpr size_t kLength = 5;

  // `answers`: development and tests only (sealkeyd serve
  // --insecure-captcha-outbox): every new captcha's answer is appended to it
  // as {"id":..,"answer":..}; null in production.
  CaptchaService(store::Database& db, const Clock& clock, SecureBuffer key,
                 JsonlOutbox* answers = nullptr)
      : db_(db), clock_(clock), key_(std::move(key)), answers_(answers) {}

  Result<Captcha> New();
  // Whether `answer` (case ignored) is the text of captcha `id`. The captcha
  // is used up whatever the answer. Field of errors: "captcha_answer" (wrong)
  // or "captcha_id" (unknown, used or expired).
  Status Check(const std::string& id, const std::string& answer);

 private:
  std::string Mac(const std::string& id, const std::string& answer) const;

  store::Database& db_;
  const Clock& clock_;
  SecureBuffer key_;
  JsonlOutbox* answers_;
};

}  // namespace sealkey::server
