#include "server/selfservice/captcha.h"

#include <cctype>

#include <nlohmann/json.hpp>
#include <soci/soci.h>

#include "base/encoding.h"
#include "crypto/mac.h"
#include "crypto/random.h"
#include "server/http/router.h"

namespace sealkey::server {
namespace {

constexpr char kAlphabet[] = "ACDEFGHJKLMNPRTUVWXY34679";

Error Unknown() {
  return Bilingual(ErrorCode::kInvalidArgument,
                   "this captcha is unknown, used or expired: get a new one",
                   "图形验证码无效或已过期，请刷新", "captcha_id");
}

}  // namespace

std::string CaptchaService::Mac(const std::string& id, const std::string& answer) const {
  return HexEncode(crypto::Hmac(crypto::HashAlg::kSm3, key_.span(), AsBytes(id + "|" + answer)));
}

Result<Captcha> CaptchaService::New() {
  Bytes pick = crypto::RandomBytes(kLength);
  std::string text;
  for (uint8_t b : pick) text.push_back(kAlphabet[b % (sizeof(kAlphabet) - 1)]);
  auto png = RenderCaptcha(text, crypto::RandomBytes(64));
  if (!png) return Fail(png.error());
  Captcha c{HexEncode(crypto::RandomBytes(16)), std::move(*png), 0};
  long long now = clock_.NowUnixSeconds();
  c.expires_at = now + kValidSeconds;
  long long expires = c.expires_at;
  std::string mac = Mac(c.id, text);
  SEALKEY_RETURN_IF_ERROR(store::InTransaction(db_, [&](soci::session& sql) -> Status {
    // Old captchas go as new ones come, so the table stays small.
    sql << "DELETE FROM captchas WHERE expires_at < :t", soci::use(now);
    sql << "INSERT INTO captchas (id, answer_mac, expires_at) VALUES (:i, :m, :e)",
        soci::use(c.id), soci::use(mac), soci::use(expires);
    return Ok();
  }));
  if (answers_) {
    SEALKEY_RETURN_IF_ERROR(answers_->Append(nlohmann::json{{"id", c.id}, {"answer", text}}.dump()));
  }
  return c;
}

Status CaptchaService::Check(const std::string& id, const std::string& answer_text) {
  if (id.size() != 32 || id.find_first_not_of("0123456789abcdef") != std::string::npos) {
    return Fail(Unknown());
  }
  std::string answer;
  for (char ch : answer_text) {
    if (std::isspace(static_cast<unsigned char>(ch))) continue;
    answer.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(ch))));
  }
  if (answer.empty() || answer.size() > 16) {
    return Fail(Bilingual(ErrorCode::kInvalidArgument, "type the characters in the image",
                          "请输入图形验证码", "captcha_answer"));
  }
  long long now = clock_.NowUnixSeconds();
  std::string stored;
  bool known = false;
  SEALKEY_RETURN_IF_ERROR(store::InTransaction(db_, [&](soci::session& sql) -> Status {
    sql << "SELECT answer_mac FROM captchas WHERE id = :i AND used = 0 AND expires_at >= :t",
        soci::use(id), soci::use(now), soci::into(stored);
    known = sql.got_data();
    if (known) sql << "UPDATE captchas SET used = 1 WHERE id = :i", soci::use(id);
    return Ok();
  }));
  if (!known) return Fail(Unknown());
  SecureBuffer want = SecureBuffer::FromString(stored);
  SecureBuffer got = SecureBuffer::FromString(Mac(id, answer));
  if (!want.Equals(got.span())) {
    return Fail(Bilingual(ErrorCode::kInvalidArgument,
                          "the characters do not match the image: get a new captcha",
                          "图形验证码错误，请刷新后重试", "captcha_answer"));
  }
  return Ok();
}

}  // namespace sealkey::server
