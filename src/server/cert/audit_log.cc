#include "server/cert/audit_log.h"

#include <soci/soci.h>

#include "base/encoding.h"
#include "crypto/digest.h"
#include "store/prepared.h"

namespace sealkey::server {

std::string AuditHash(const std::string& prev_hash, int64_t id, int64_t at,
                      const AuditEntry& e) {
  std::string text = prev_hash + "\n" + std::to_string(id) + "\n" + std::to_string(at) + "\n" +
                     e.actor + "\n" + e.action + "\n" + e.subject + "\n" + e.details;
  return HexEncode(crypto::Hash(crypto::HashAlg::kSm3, AsBytes(text)));
}

namespace {

struct InsertEntry {
  long long id = 0, at = 0;
  std::string actor, action, subject, details, prev, hash;
  soci::statement st;
  explicit InsertEntry(soci::session& sql)
      : st((sql.prepare << "INSERT INTO audit_log (id, at, actor, action, subject, details,"
                           " prev_hash, hash) VALUES (:i, :t, :a, :c, :s, :d, :p, :h)",
            soci::use(id), soci::use(at), soci::use(actor), soci::use(action), soci::use(subject),
            soci::use(details), soci::use(prev), soci::use(hash))) {}
};

struct SetHeadHash {
  std::string hash;
  soci::statement st;
  explicit SetHeadHash(soci::session& sql)
      : st((sql.prepare << "UPDATE audit_head SET last_hash = :h WHERE id = 1",
            soci::use(hash))) {}
};

}  // namespace

Status AppendAudit(store::Database& db, soci::session& sql, const Clock& clock,
                   const AuditEntry& e) {
  // Taking the head row first serialises concurrent appends; RETURNING reads
  // the new id and the previous hash in the same statement. (Not a prepared
  // statement: one that returns a row must be finished before COMMIT, which
  // a one-off statement is when it goes out of scope.)
  long long id = 0, at = clock.NowUnixSeconds();
  std::string prev;
  sql << "UPDATE audit_head SET last_id = last_id + 1 WHERE id = 1 RETURNING last_id, last_hash",
      soci::into(id), soci::into(prev);
  if (!sql.got_data()) return Fail(ErrorCode::kInternal, "the audit head row is missing");
  std::string hash = AuditHash(prev, id, at, e);
  store::Run<InsertEntry>(db, sql, [&](InsertEntry& row) {
    row.id = id;
    row.at = at;
    row.actor = e.actor;
    row.action = e.action;
    row.subject = e.subject;
    row.details = e.details;
    row.prev = prev;
    row.hash = hash;
  });
  store::Run<SetHeadHash>(db, sql, [&](SetHeadHash& head_hash) { head_hash.hash = hash; });
  return Ok();
}

Result<AuditReport> VerifyAudit(store::Database& db) {
  AuditReport report;
  auto lease = db.Borrow();
  long long last = 0, head_id = 0;
  std::string prev, head_hash;
  for (;;) {
    long long id = 0, at = 0;
    AuditEntry e;
    std::string stored_prev, stored_hash;
    lease.sql() << "SELECT id, at, actor, action, subject, details, prev_hash, hash"
                   " FROM audit_log WHERE id > :l ORDER BY id LIMIT 1",
        soci::use(last), soci::into(id), soci::into(at), soci::into(e.actor),
        soci::into(e.action), soci::into(e.subject), soci::into(e.details),
        soci::into(stored_prev), soci::into(stored_hash);
    if (!lease.sql().got_data()) break;
    ++report.entries;
    auto bad = [&](std::string why) {
      report.first_bad_id = id;
      report.problem = std::move(why);
      return report;
    };
    if (id != last + 1) return bad("entry " + std::to_string(last + 1) + " is missing");
    if (stored_prev != prev) return bad("its previous-hash link does not match the entry before");
    if (AuditHash(prev, id, at, e) != stored_hash) return bad("its contents do not match its hash");
    prev = stored_hash;
    last = id;
  }
  lease.sql() << "SELECT last_id, last_hash FROM audit_head WHERE id = 1", soci::into(head_id),
      soci::into(head_hash);
  if (head_id != last || head_hash != prev) {
    report.first_bad_id = last + 1;
    report.problem = "the log ends at entry " + std::to_string(last) + " but the head says " +
                     std::to_string(head_id) + " (entries removed from the end?)";
  }
  return report;
}

}  // namespace sealkey::server
