// AccountService: identities (B4).
#include <soci/soci.h>

#include "server/account/account_service.h"
#include "server/http/router.h"

namespace sealkey::server {
namespace {

const char* KindZh(std::string_view kind) {
  if (kind == "natural_person") return "个人";
  if (kind == "administrator") return "管理员";
  if (kind == "legal_representative") return "法定代表人";
  if (kind == "employee") return "员工";
  return "?";
}

}  // namespace

Status RequireIdentity(const Account& account, const std::vector<std::string_view>& kinds) {
  for (std::string_view k : kinds) {
    if (account.identity_kind == k) return Ok();
  }
  std::string en, zh;
  for (std::string_view k : kinds) {
    en += (en.empty() ? "" : " or ") + std::string(k);
    zh += (zh.empty() ? "" : "或") + std::string(KindZh(k));
  }
  if (account.identity_kind.empty()) {
    return Fail(Bilingual(ErrorCode::kPermissionDenied,
                          "choose an identity first (" + en + " is needed)",
                          "请先选择身份（需要" + zh + "身份）", "identity"));
  }
  return Fail(Bilingual(ErrorCode::kPermissionDenied,
                        "acting as " + account.identity_kind + "; this needs " + en,
                        std::string("当前身份为") + KindZh(account.identity_kind) + "，此操作需要" +
                            zh + "身份",
                        "identity"));
}

Result<std::vector<Identity>> AccountService::ListIdentities(int64_t account_id) {
  // Typed single-row reads (keyset iteration) instead of dynamic rows: SOCI
  // reports the same column as int on SQLite and long long on PostgreSQL.
  std::vector<Identity> out;
  try {
    auto lease = db_.Borrow();
    long long account = account_id, last = 0;
    for (;;) {
      long long id = 0, org = 0;
      std::string kind, org_name;
      lease.sql() << "SELECT i.id, i.kind, COALESCE(i.org_id, 0), COALESCE(o.name, '')"
                     " FROM identities i LEFT JOIN organisations o ON o.id = i.org_id"
                     " WHERE i.account_id = :a AND i.ended_at = 0 AND i.id > :l"
                     " ORDER BY i.id LIMIT 1",
          soci::use(account), soci::use(last), soci::into(id), soci::into(kind), soci::into(org),
          soci::into(org_name);
      if (!lease.sql().got_data()) break;
      out.push_back({id, kind, org, org_name});
      last = id;
    }
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kInternal, std::string("database error: ") + e.what());
  }
  return out;
}

Result<Identity> AccountService::SwitchIdentity(const std::string& token, int64_t identity_id) {
  auto account = Authenticate(token);
  if (!account) return Fail(account.error());
  auto identities = ListIdentities(account->id);
  if (!identities) return Fail(identities.error());
  for (const Identity& i : *identities) {
    if (i.id != identity_id) continue;
    long long chosen = identity_id;
    SEALKEY_RETURN_IF_ERROR(store::InTransaction(db_, [&](soci::session& sql) -> Status {
      std::string h = TokenHashOf(token);
      sql << "UPDATE sessions SET identity_id = :i WHERE token_hash = :h", soci::use(chosen),
          soci::use(h);
      return Ok();
    }));
    return i;
  }
  return Fail(Bilingual(ErrorCode::kNotFound, "is not one of this account's identities",
                        "不是本账户的身份", "identity_id"));
}

Status AccountService::LeaveOrganisation(const Account& account, int64_t identity_id) {
  auto identities = ListIdentities(account.id);
  if (!identities) return Fail(identities.error());
  for (const Identity& i : *identities) {
    if (i.id != identity_id) continue;
    if (i.kind != "employee") {
      return Fail(Bilingual(ErrorCode::kPermissionDenied,
                            "only an employee identity can leave its organisation (" + i.kind +
                                " cannot)",
                            "只有员工身份可以退出机构", "identity_id"));
    }
    long long id = identity_id, now = clock_.NowUnixSeconds();
    return store::InTransaction(db_, [&](soci::session& sql) -> Status {
      sql << "UPDATE identities SET ended_at = :t WHERE id = :i AND ended_at = 0", soci::use(now),
          soci::use(id);
      return Ok();
    });
  }
  return Fail(Bilingual(ErrorCode::kNotFound, "is not one of this account's identities",
                        "不是本账户的身份", "identity_id"));
}

Result<Account> AccountService::AccountForPhone(const std::string& phone) {
  long long id = 0, identity = 0, now = clock_.NowUnixSeconds();
  SEALKEY_RETURN_IF_ERROR(store::InTransaction(db_, [&](soci::session& sql) -> Status {
    sql << "SELECT id FROM accounts WHERE phone = :p", soci::use(phone), soci::into(id);
    if (!sql.got_data()) {
      sql << "INSERT INTO accounts (phone, created_at) VALUES (:p, :t) RETURNING id",
          soci::use(phone), soci::use(now), soci::into(id);
      sql << "INSERT INTO identities (account_id, kind, created_at)"
             " VALUES (:a, 'natural_person', :t)",
          soci::use(id), soci::use(now);
    }
    sql << "SELECT id FROM identities WHERE account_id = :a AND kind = 'natural_person'",
        soci::use(id), soci::into(identity);
    return Ok();
  }));
  auto account = LoadAccount(id);
  if (!account) {
    return Fail(Bilingual(ErrorCode::kFailedPrecondition,
                          "the account of this phone number was deleted",
                          "该手机号的账户已注销", "phone"));
  }
  account->identity_id = identity;
  account->identity_kind = "natural_person";
  return account;
}

}  // namespace sealkey::server
