#include "server/account/account_service.h"

#include <soci/soci.h>

#include "server/account/credentials.h"
#include "server/account/policy.h"
#include "server/http/router.h"

namespace sealkey::server {
namespace {

Error Unauthenticated() {
  return Bilingual(ErrorCode::kUnauthenticated, "not logged in or the session has ended",
                   "未登录或会话已失效", "authorization");
}

}  // namespace

Result<Account> AccountService::LoadAccount(int64_t id) {
  auto lease = db_.Borrow();
  long long account_id = id, created = 0, requested = 0, deleted = 0;
  std::string phone, hash;
  soci::indicator hash_ind;
  lease.sql() << "SELECT phone, password_hash, created_at, deletion_requested_at, deleted_at"
                 " FROM accounts WHERE id = :i",
      soci::use(account_id), soci::into(phone), soci::into(hash, hash_ind), soci::into(created),
      soci::into(requested), soci::into(deleted);
  if (!lease.sql().got_data() || deleted) return Fail(Unauthenticated());
  return Account{id, phone, created, hash_ind == soci::i_ok && !hash.empty(),
                 requested ? requested + policy_.deletion_cooling_seconds : 0};
}

Result<LoginTicket> AccountService::SmsLogin(const std::string& phone_text,
                                             const std::string& code) {
  auto phone = NormalizePhone(phone_text);
  if (!phone) return Fail(phone.error());
  SEALKEY_RETURN_IF_ERROR(codes_.Verify(*phone, "login", code));
  LoginTicket out;
  out.ticket = NewToken();
  std::string ticket_hash = TokenHashOf(out.ticket);
  long long now = clock_.NowUnixSeconds();
  long long expires = now + policy_.ticket_seconds;
  Status st = store::InTransaction(db_, [&](soci::session& sql) -> Status {
    long long id = 0;
    std::string hash;
    soci::indicator hash_ind;
    sql << "SELECT id, password_hash FROM accounts WHERE phone = :p", soci::use(*phone),
        soci::into(id), soci::into(hash, hash_ind);
    if (!sql.got_data()) {
      // A new number is registered on its first verified code (B1).
      sql << "INSERT INTO accounts (phone, created_at) VALUES (:p, :t) RETURNING id",
          soci::use(*phone), soci::use(now), soci::into(id);
      sql << "INSERT INTO identities (account_id, kind, created_at)"
             " VALUES (:a, 'natural_person', :t)",
          soci::use(id), soci::use(now);
      out.new_account = true;
    }
    out.set_password = hash_ind != soci::i_ok || hash.empty();
    sql << "INSERT INTO login_tickets (token_hash, account_id, expires_at) VALUES (:h, :a, :e)",
        soci::use(ticket_hash), soci::use(id), soci::use(expires);
    return Ok();
  });
  if (!st) return Fail(st.error());
  return out;
}

Result<SessionToken> AccountService::PasswordStep(const std::string& ticket,
                                                  const SecureBuffer& password) {
  long long now = clock_.NowUnixSeconds();
  std::string ticket_hash = TokenHashOf(ticket);
  long long account_id = 0, expires = 0;
  int used = 0;  // the lock decision is made atomically below
  std::string hash;
  soci::indicator hash_ind = soci::i_null;
  {
    auto lease = db_.Borrow();
    soci::session& sql = lease.sql();
    sql << "SELECT t.account_id, t.expires_at, t.used, a.password_hash"
           " FROM login_tickets t JOIN accounts a ON a.id = t.account_id"
           " WHERE t.token_hash = :h",
        soci::use(ticket_hash), soci::into(account_id), soci::into(expires), soci::into(used),
        soci::into(hash, hash_ind);
    if (!sql.got_data() || used || now >= expires) {
      return Fail(Bilingual(ErrorCode::kUnauthenticated,
                            "the login ticket is unknown, used or expired; start again with an "
                            "SMS code",
                            "登录凭据无效、已使用或已过期，请重新获取验证码登录", "ticket"));
    }
  }
  bool setting = hash_ind != soci::i_ok || hash.empty();
  if (setting) {
    SEALKEY_RETURN_IF_ERROR(CheckPasswordPolicy(password));
    SEALKEY_RETURN_IF_ERROR(SetPassword(account_id, password));
  } else {
    auto lock_minutes = [&](long long until) { return std::to_string((until - now + 59) / 60); };
    // Spend a try before checking the hash, atomically, so parallel requests
    // cannot get more guesses than the limit; a right password gives it back.
    long long tries = 0, until = 0;
    SEALKEY_RETURN_IF_ERROR(store::InTransaction(db_, [&](soci::session& sql) -> Status {
      sql << "UPDATE accounts SET failed_logins = failed_logins + 1"
             " WHERE id = :i AND locked_until <= :n RETURNING failed_logins",
          soci::use(account_id), soci::use(now), soci::into(tries);
      if (!sql.got_data()) {  // locked: nothing spent, nothing checked
        sql << "SELECT locked_until FROM accounts WHERE id = :i", soci::use(account_id),
            soci::into(until);
      }
      return Ok();
    }));
    if (until > now || tries > policy_.max_failed_passwords) {
      // Locked, or more parallel tries in flight than the limit allows.
      long long shown = until > now ? until : now + policy_.lockout_seconds;
      return Fail(Bilingual(ErrorCode::kPinLocked,
                            "too many wrong passwords; the account is locked for " +
                                lock_minutes(shown) + " min",
                            "密码错误次数过多，账户已锁定 " + lock_minutes(shown) + " 分钟",
                            "password"));
    }
    if (!PasswordMatches(hash, password)) {
      if (tries >= policy_.max_failed_passwords) {
        long long lock_until = now + policy_.lockout_seconds;
        SEALKEY_RETURN_IF_ERROR(store::InTransaction(db_, [&](soci::session& sql) -> Status {
          sql << "UPDATE accounts SET failed_logins = 0, locked_until = :l WHERE id = :i",
              soci::use(lock_until), soci::use(account_id);
          return Ok();
        }));
        return Fail(Bilingual(ErrorCode::kPinLocked,
                              "wrong password; the account is now locked for " +
                                  lock_minutes(lock_until) + " min",
                              "密码错误，账户已锁定 " + lock_minutes(lock_until) + " 分钟",
                              "password"));
      }
      long long left = policy_.max_failed_passwords - tries;
      return Fail(Bilingual(ErrorCode::kPinIncorrect,
                            "wrong password; " + std::to_string(left) + " tries left",
                            "密码错误，还可尝试 " + std::to_string(left) + " 次", "password"));
    }
  }
  SessionToken out;
  out.token = NewToken();
  std::string token_hash = TokenHashOf(out.token);
  out.expires_at = now + policy_.session_seconds;
  long long session_expires = out.expires_at;
  Status st = store::InTransaction(db_, [&](soci::session& sql) -> Status {
    sql << "UPDATE login_tickets SET used = 1 WHERE token_hash = :h", soci::use(ticket_hash);
    sql << "UPDATE accounts SET failed_logins = 0, locked_until = 0 WHERE id = :i",
        soci::use(account_id);
    // B4: with one identity the session acts as it; with several the
    // client chooses (POST /me/identity).
    long long count = 0, only = 0;
    soci::indicator only_ind;
    sql << "SELECT COUNT(*), MIN(id) FROM identities WHERE account_id = :a AND ended_at = 0",
        soci::use(account_id), soci::into(count), soci::into(only, only_ind);
    long long identity = count == 1 && only_ind == soci::i_ok ? only : 0;
    sql << "INSERT INTO sessions (token_hash, account_id, created_at, expires_at, identity_id)"
           " VALUES (:h, :a, :c, :e, :i)",
        soci::use(token_hash), soci::use(account_id), soci::use(now), soci::use(session_expires),
        soci::use(identity);
    return Ok();
  });
  if (!st) return Fail(st.error());
  auto account = Authenticate(out.token);
  if (!account) return Fail(account.error());
  out.account = *account;
  return out;
}

Status AccountService::SetPassword(int64_t account_id, const SecureBuffer& password) {
  auto hash = HashPassword(password);
  if (!hash) return Fail(hash.error());
  long long id = account_id;
  return store::InTransaction(db_, [&](soci::session& sql) -> Status {
    sql << "UPDATE accounts SET password_hash = :h, failed_logins = 0, locked_until = 0"
           " WHERE id = :i",
        soci::use(*hash), soci::use(id);
    // Every session of the account ends when its password changes (B3).
    sql << "UPDATE sessions SET revoked = 1 WHERE account_id = :i", soci::use(id);
    return Ok();
  });
}

Result<Account> AccountService::Authenticate(const std::string& token) {
  if (token.empty()) return Fail(Unauthenticated());
  std::string token_hash = TokenHashOf(token);
  long long account_id = 0, expires = 0, identity = 0, org = 0, ended = 0;
  long long now = clock_.NowUnixSeconds();
  int revoked = 0;
  std::string kind;
  {
    auto lease = db_.Borrow();
    // An identity that has ended (left the organisation, role transferred)
    // no longer counts: the session must choose again.
    lease.sql() << "SELECT s.account_id, s.expires_at, s.revoked, s.identity_id,"
                   " COALESCE(i.kind, ''), COALESCE(i.org_id, 0), COALESCE(i.ended_at, 0)"
                   " FROM sessions s LEFT JOIN identities i ON i.id = s.identity_id"
                   " WHERE s.token_hash = :h",
        soci::use(token_hash), soci::into(account_id), soci::into(expires), soci::into(revoked),
        soci::into(identity), soci::into(kind), soci::into(org), soci::into(ended);
    if (!lease.sql().got_data() || revoked || now >= expires) return Fail(Unauthenticated());
  }
  auto account = LoadAccount(account_id);
  if (account && !ended && !kind.empty()) {
    account->identity_id = identity;
    account->identity_kind = kind;
    account->org_id = org;
  }
  return account;
}

Status AccountService::Logout(const std::string& token) {
  auto account = Authenticate(token);
  if (!account) return Fail(account.error());
  std::string token_hash = TokenHashOf(token);
  return store::InTransaction(db_, [&](soci::session& sql) -> Status {
    sql << "UPDATE sessions SET revoked = 1 WHERE token_hash = :h", soci::use(token_hash);
    return Ok();
  });
}

Status AccountService::ResetPassword(const std::string& phone_text, const std::string& code,
                                     const SecureBuffer& new_password) {
  auto phone = NormalizePhone(phone_text);
  if (!phone) return Fail(phone.error());
  // Check the new password before the code, so a weak one does not use it up.
  SEALKEY_RETURN_IF_ERROR(CheckPasswordPolicy(new_password, "new_password"));
  // The code first: only someone who receives the number's SMS learns
  // whether it is registered.
  SEALKEY_RETURN_IF_ERROR(codes_.Verify(*phone, "reset_password", code));
  long long id = 0;
  {
    auto lease = db_.Borrow();
    lease.sql() << "SELECT id FROM accounts WHERE phone = :p AND deleted_at = 0",
        soci::use(*phone), soci::into(id);
    if (!lease.sql().got_data()) {
      return Fail(Bilingual(ErrorCode::kNotFound, "no account has this number",
                            "该号码尚未注册", "phone"));
    }
  }
  return SetPassword(id, new_password);
}

Status AccountService::ChangePassword(const Account& account, const std::string& code,
                                      const SecureBuffer& new_password) {
  SEALKEY_RETURN_IF_ERROR(CheckPasswordPolicy(new_password, "new_password"));
  SEALKEY_RETURN_IF_ERROR(codes_.Verify(account.phone, "change_password", code));
  return SetPassword(account.id, new_password);
}

Result<int64_t> AccountService::RequestDeletion(const Account& caller, const std::string& code) {
  auto account = LoadAccount(caller.id);  // the current state, not the caller's snapshot
  if (!account) return Fail(account.error());
  if (account->deletion_effective_at) {
    return Fail(Bilingual(ErrorCode::kAlreadyExists, "a deletion is already pending",
                          "已申请注销，正在冷静期内", "account"));
  }
  {
    // An organisation must not be left without its administrator.
    long long admin_roles = 0, id = account->id;
    auto lease = db_.Borrow();
    lease.sql() << "SELECT COUNT(*) FROM identities WHERE account_id = :a"
                   " AND kind = 'administrator' AND ended_at = 0",
        soci::use(id), soci::into(admin_roles);
    if (admin_roles > 0) {
      return Fail(Bilingual(ErrorCode::kFailedPrecondition,
                            "this account administers an organisation; transfer the "
                            "administrator role first",
                            "该账户是机构管理员，请先转让管理员", "account"));
    }
  }
  SEALKEY_RETURN_IF_ERROR(codes_.Verify(account->phone, "delete_account", code));
  long long now = clock_.NowUnixSeconds(), id = account->id;
  SEALKEY_RETURN_IF_ERROR(store::InTransaction(db_, [&](soci::session& sql) -> Status {
    sql << "UPDATE accounts SET deletion_requested_at = :t WHERE id = :i", soci::use(now),
        soci::use(id);
    return Ok();
  }));
  return now + policy_.deletion_cooling_seconds;
}

Status AccountService::CancelDeletion(const Account& caller) {
  auto account = LoadAccount(caller.id);
  if (!account) return Fail(account.error());
  if (!account->deletion_effective_at) {
    return Fail(Bilingual(ErrorCode::kNotFound, "no deletion is pending", "没有待生效的注销申请",
                          "account"));
  }
  long long id = account->id;
  return store::InTransaction(db_, [&](soci::session& sql) -> Status {
    sql << "UPDATE accounts SET deletion_requested_at = 0 WHERE id = :i", soci::use(id);
    return Ok();
  });
}

Result<int> AccountService::PurgeDeletedAccounts() {
  long long now = clock_.NowUnixSeconds();
  long long due = now - policy_.deletion_cooling_seconds;
  int purged = 0;
  // One account per transaction: a crash mid-way leaves each account either
  // fully deleted or untouched.
  for (bool more = true; more;) {
    Status st = store::InTransaction(db_, [&](soci::session& sql) -> Status {
      long long id = 0;
      std::string phone;
      sql << "SELECT id, phone FROM accounts WHERE deleted_at = 0 AND deletion_requested_at > 0"
             " AND deletion_requested_at <= :d ORDER BY id LIMIT 1",
          soci::use(due), soci::into(id), soci::into(phone);
      more = sql.got_data();
      if (!more) return Ok();
      std::string anonymous = "deleted:" + std::to_string(id);
      sql << "DELETE FROM sms_codes WHERE phone = :p", soci::use(phone);
      sql << "UPDATE sessions SET revoked = 1 WHERE account_id = :i", soci::use(id);
      // Memberships end with the account.
      sql << "UPDATE identities SET ended_at = :t WHERE account_id = :i AND ended_at = 0",
          soci::use(now), soci::use(id);
      sql << "UPDATE org_join_requests SET status = 'withdrawn', decided_at = :t"
             " WHERE account_id = :i AND status = 'pending'",
          soci::use(now), soci::use(id);
      sql << "UPDATE accounts SET phone = :a, password_hash = NULL, deleted_at = :t"
             " WHERE id = :i",
          soci::use(anonymous), soci::use(now), soci::use(id);
      ++purged;
      return Ok();
    });
    if (!st) return Fail(st.error());
  }
  return purged;
}

}  // namespace sealkey::server
