#include "server/account/sms_codes.h"

#include <cstdio>

#include <openssl/crypto.h>
#include <soci/soci.h>

#include "base/encoding.h"
#include "crypto/mac.h"
#include "crypto/random.h"
#include "server/http/router.h"

namespace sealkey::server {
namespace {

std::string SixDigits() {
  // Uniform over 000000-999999: reject the top of the 32-bit range.
  for (;;) {
    Bytes b = crypto::RandomBytes(4);
    uint32_t v = static_cast<uint32_t>(b[0]) << 24 | b[1] << 16 | b[2] << 8 | b[3];
    if (v >= 4'294'000'000u) continue;
    char buf[8];
    std::snprintf(buf, sizeof buf, "%06u", v % 1'000'000u);
    return buf;
  }
}

const char* PurposeText(const std::string& purpose) {
  if (purpose == "login") return "登录";
  if (purpose == "reset_password") return "重置密码";
  if (purpose == "delete_account") return "注销账户";
  if (purpose == "verify_phone") return "实名认证";
  if (purpose == "reissue_certificate") return "补办证书授权";
  if (purpose == "authorise_order") return "业务办理授权";
  return "修改密码";
}

}  // namespace

std::string SmsCodes::Mac(const std::string& phone, const std::string& purpose,
                          const std::string& code) const {
  return HexEncode(crypto::Hmac(crypto::HashAlg::kSm3, key_.span(),
                                AsBytes(phone + "|" + purpose + "|" + code)));
}

Status SmsCodes::Send(const std::string& phone, const std::string& purpose,
                      const std::string& client) {
  int64_t now = clock_.NowUnixSeconds();
  std::string code = SixDigits();
  std::string mac = Mac(phone, purpose, code);
  Status st = store::InTransaction(db_, [&](soci::session& sql) -> Status {
    long long last = 0, per_number = 0, per_client = 0;
    soci::indicator ind;
    long long since = now - 86400;
    sql << "SELECT MAX(created_at) FROM sms_codes WHERE phone = :p AND purpose = :u",
        soci::use(phone), soci::use(purpose), soci::into(last, ind);
    if (ind != soci::i_null && now - last < limits_.resend_seconds) {
      int64_t wait = limits_.resend_seconds - (now - last);
      return Fail(Bilingual(ErrorCode::kRateLimited,
                            "a code was just sent; ask again in " + std::to_string(wait) + " s",
                            "验证码刚刚发送，请 " + std::to_string(wait) + " 秒后再试", "phone"));
    }
    sql << "SELECT COUNT(*) FROM sms_codes WHERE phone = :p AND created_at > :s",
        soci::use(phone), soci::use(since), soci::into(per_number);
    if (per_number >= limits_.per_number_per_day) {
      return Fail(Bilingual(ErrorCode::kRateLimited, "too many codes for this number today",
                            "该号码今日获取验证码次数过多", "phone"));
    }
    sql << "SELECT COUNT(*) FROM sms_codes WHERE client = :c AND created_at > :s",
        soci::use(client), soci::use(since), soci::into(per_client);
    if (per_client >= limits_.per_client_per_day) {
      return Fail(Bilingual(ErrorCode::kRateLimited, "too many codes from this address today",
                            "该地址今日获取验证码次数过多", ""));
    }
    long long expires = now + limits_.valid_seconds;
    long long created = now;
    sql << "INSERT INTO sms_codes (phone, purpose, code_mac, client, created_at, expires_at)"
           " VALUES (:p, :u, :m, :c, :t, :e)",
        soci::use(phone), soci::use(purpose), soci::use(mac), soci::use(client),
        soci::use(created), soci::use(expires);
    return Ok();
  });
  if (!st) return st;
  SmsMessage msg{phone, purpose, code,
                 std::string("【sealkey】您的") + PurposeText(purpose) + "验证码是 " + code +
                     "，5 分钟内有效。请勿泄露给他人。",
                 now};
  Status sent = gateway_.Send(msg);
  OPENSSL_cleanse(code.data(), code.size());
  if (!sent) {
    // The provider refused: the code was never delivered, so it must not
    // hold the resend window or count against the daily caps. (The gateway
    // is not called inside the transaction: a slow provider would hold the
    // database's write lock.)
    Status undo = store::InTransaction(db_, [&](soci::session& sql) -> Status {
      sql << "DELETE FROM sms_codes WHERE code_mac = :m", soci::use(mac);
      return Ok();
    });
    if (!undo) std::fprintf(stderr, "sealkeyd: cannot withdraw an unsent code: %s\n",
                            undo.error().ToString().c_str());
  }
  return sent;
}

Status SmsCodes::Verify(const std::string& phone, const std::string& purpose,
                        const std::string& code) {
  if (code.size() != 6 || code.find_first_not_of("0123456789") != std::string::npos) {
    return Fail(Bilingual(ErrorCode::kInvalidArgument, "must be 6 digits", "须为 6 位数字", "code"));
  }
  int64_t now = clock_.NowUnixSeconds();
  std::string mac = Mac(phone, purpose, code);
  int wrong_left = -1;  // >= 0 when the code was wrong
  Status st = store::InTransaction(db_, [&](soci::session& sql) -> Status {
    long long id = 0, expires = 0;
    int attempts = 0, used = 0;
    std::string stored;
    soci::indicator ind;
    sql << "SELECT id, code_mac, expires_at, attempts, used FROM sms_codes"
           " WHERE phone = :p AND purpose = :u ORDER BY id DESC LIMIT 1",
        soci::use(phone), soci::use(purpose), soci::into(id, ind), soci::into(stored),
        soci::into(expires), soci::into(attempts), soci::into(used);
    if (!sql.got_data() || used) {
      return Fail(Bilingual(ErrorCode::kVerifyFailed,
                            "no unused code was sent to this number; request a new one",
                            "该号码没有可用的验证码，请重新获取", "code"));
    }
    if (now >= expires) {
      return Fail(Bilingual(ErrorCode::kVerifyFailed, "the code has expired; request a new one",
                            "验证码已过期，请重新获取", "code"));
    }
    if (attempts >= limits_.max_attempts) {
      return Fail(Bilingual(ErrorCode::kVerifyFailed,
                            "too many wrong attempts; request a new code",
                            "错误次数过多，请重新获取验证码", "code"));
    }
    if (stored.size() != mac.size() ||
        CRYPTO_memcmp(stored.data(), mac.data(), mac.size()) != 0) {
      // The attempt is recorded even though this call fails: commit it by
      // returning Ok from the transaction, then report the failure.
      sql << "UPDATE sms_codes SET attempts = attempts + 1 WHERE id = :i", soci::use(id);
      wrong_left = limits_.max_attempts - attempts - 1;
      return Ok();
    }
    sql << "UPDATE sms_codes SET used = 1 WHERE id = :i", soci::use(id);
    return Ok();
  });
  if (st && wrong_left >= 0) {
    return Fail(Bilingual(ErrorCode::kVerifyFailed,
                          "wrong code; " + std::to_string(wrong_left) + " attempts left",
                          "验证码错误，还可尝试 " + std::to_string(wrong_left) + " 次", "code"));
  }
  return st;
}

}  // namespace sealkey::server
