#include "server/account/operator_service.h"

#include <soci/soci.h>

#include "server/account/credentials.h"
#include "server/account/policy.h"
#include "server/http/router.h"

namespace sealkey::server {
namespace {

Error Unauthenticated() {
  return Bilingual(ErrorCode::kUnauthenticated, "not logged in as an operator",
                   "未以审核员身份登录", "authorization");
}

Error WrongCredentials() {
  // One message for an unknown name and a wrong password: names stay secret.
  return Bilingual(ErrorCode::kPinIncorrect, "wrong user name or password", "用户名或密码错误",
                   "password");
}

Status CheckUsername(const std::string& name) {
  bool ok = name.size() >= 3 && name.size() <= 32 && name[0] >= 'a' && name[0] <= 'z';
  for (char c : name) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                c == '-');
  }
  if (ok) return Ok();
  return Fail(Bilingual(ErrorCode::kInvalidArgument,
                        "must be 3-32 characters of a-z, 0-9, '.', '_', '-', starting with a letter",
                        "须为 3-32 位小写字母、数字或 . _ -，以字母开头", "username"));
}

}  // namespace

Result<Operator> OperatorService::Create(const std::string& username,
                                         const SecureBuffer& password) {
  SEALKEY_RETURN_IF_ERROR(CheckUsername(username));
  SEALKEY_RETURN_IF_ERROR(CheckPasswordPolicy(password));
  auto hash = HashPassword(password);
  if (!hash) return Fail(hash.error());
  long long now = clock_.NowUnixSeconds(), id = 0;
  bool taken = false;
  SEALKEY_RETURN_IF_ERROR(store::InTransaction(db_, [&](soci::session& sql) -> Status {
    long long existing = 0;
    sql << "SELECT COUNT(*) FROM operators WHERE username = :u", soci::use(username),
        soci::into(existing);
    if ((taken = existing > 0)) return Ok();
    sql << "INSERT INTO operators (username, password_hash, created_at) VALUES (:u, :h, :t)"
           " RETURNING id",
        soci::use(username), soci::use(*hash), soci::use(now), soci::into(id);
    return Ok();
  }));
  if (taken) {
    return Fail(Bilingual(ErrorCode::kAlreadyExists, "this user name is taken", "该用户名已存在",
                          "username"));
  }
  return Operator{id, username, now};
}

Result<OperatorSession> OperatorService::Login(const std::string& username,
                                               const SecureBuffer& password) {
  long long id = 0, created = 0, failed = 0, until = 0, now = clock_.NowUnixSeconds();
  std::string hash;
  {
    auto lease = db_.Borrow();
    lease.sql() << "SELECT id, password_hash, failed_logins, locked_until, created_at"
                   " FROM operators WHERE username = :u",
        soci::use(username), soci::into(id), soci::into(hash), soci::into(failed),
        soci::into(until), soci::into(created);
    if (!lease.sql().got_data()) {
      // Spend the same time as a real check, so names cannot be probed.
      static const std::string dummy =
          HashPassword(SecureBuffer::FromString("not-a-password")).value_or("");
      PasswordMatches(dummy, password);
      return Fail(WrongCredentials());
    }
  }
  if (until > now) {
    return Fail(Bilingual(ErrorCode::kPinLocked,
                          "too many wrong passwords; try again in " +
                              std::to_string((until - now + 59) / 60) + " min",
                          "密码错误次数过多，请 " + std::to_string((until - now + 59) / 60) +
                              " 分钟后再试",
                          "password"));
  }
  if (!PasswordMatches(hash, password)) {
    long long lock = failed + 1 >= policy_.max_failed_passwords ? now + policy_.lockout_seconds : 0;
    SEALKEY_RETURN_IF_ERROR(store::InTransaction(db_, [&](soci::session& sql) -> Status {
      sql << "UPDATE operators SET failed_logins = CASE WHEN :l > 0 THEN 0 ELSE failed_logins + 1"
             " END, locked_until = :l2 WHERE id = :i",
          soci::use(lock), soci::use(lock), soci::use(id);
      return Ok();
    }));
    return Fail(WrongCredentials());
  }
  OperatorSession out{NewToken(), now + policy_.session_seconds, {id, username, created}};
  std::string token_hash = TokenHashOf(out.token);
  long long expires = out.expires_at;
  SEALKEY_RETURN_IF_ERROR(store::InTransaction(db_, [&](soci::session& sql) -> Status {
    sql << "UPDATE operators SET failed_logins = 0, locked_until = 0 WHERE id = :i", soci::use(id);
    sql << "INSERT INTO operator_sessions (token_hash, operator_id, created_at, expires_at)"
           " VALUES (:h, :o, :c, :e)",
        soci::use(token_hash), soci::use(id), soci::use(now), soci::use(expires);
    return Ok();
  }));
  return out;
}

Result<Operator> OperatorService::Authenticate(const std::string& token) {
  if (token.empty()) return Fail(Unauthenticated());
  std::string token_hash = TokenHashOf(token);
  long long id = 0, expires = 0, created = 0, now = clock_.NowUnixSeconds();
  int revoked = 0;
  std::string username;
  auto lease = db_.Borrow();
  lease.sql() << "SELECT o.id, o.username, o.created_at, s.expires_at, s.revoked"
                 " FROM operator_sessions s JOIN operators o ON o.id = s.operator_id"
                 " WHERE s.token_hash = :h",
      soci::use(token_hash), soci::into(id), soci::into(username), soci::into(created),
      soci::into(expires), soci::into(revoked);
  if (!lease.sql().got_data() || revoked || now >= expires) return Fail(Unauthenticated());
  return Operator{id, username, created};
}

Status OperatorService::Logout(const std::string& token) {
  auto op = Authenticate(token);
  if (!op) return Fail(op.error());
  std::string token_hash = TokenHashOf(token);
  return store::InTransaction(db_, [&](soci::session& sql) -> Status {
    sql << "UPDATE operator_sessions SET revoked = 1 WHERE token_hash = :h", soci::use(token_hash);
    return Ok();
  });
}

}  // namespace sealkey::server
