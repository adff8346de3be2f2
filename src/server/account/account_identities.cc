// AccountService: identities (B4).
#include <soci/soci.h>

#include "server/account/account_service.h"
#include "server/http/router.h"

namespace sealkey::server {

Result<std::vector<Identity>> AccountService::ListIdentities(int64_t account_id) {
  // Typed single-row reads (keyset iteration) instead of dynamic rows: SOCI
  // reports the same column as int on SQLite and long long on PostgreSQL.
  std::vector<Identity> out;
  try {
    auto lease = db_.Borrow();
    long long account = account_id, last = 0;
    for (;;) {
      long long id = 0, org = 0;
      std::string kind;
      soci::indicator org_ind;
      lease.sql() << "SELECT id, kind, org_id FROM identities"
                     " WHERE account_id = :a AND ended_at = 0 AND id > :l ORDER BY id LIMIT 1",
          soci::use(account), soci::use(last), soci::into(id), soci::into(kind),
          soci::into(org, org_ind);
      if (!lease.sql().got_data()) break;
      out.push_back({id, kind, org_ind == soci::i_ok ? org : 0});
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

}  // namespace sealkey::server
