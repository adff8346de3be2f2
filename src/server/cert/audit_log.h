// The append-only audit log of the CA (issue 6): every issuance, renewal,
// reissue, revocation and CA change is one entry, written in the same
// transaction as the change. Each entry carries the hash of the previous
// one:
//   hash = hex(SM3(prev_hash "\n" id "\n" at "\n" actor "\n" action "\n"
//                  subject "\n" details))
// so changing, removing or reordering any entry breaks every later link,
// which Verify (and `sealkeyd audit verify`) reports with the first bad id.
// Appends serialise on the single audit_head row.
#pragma once

#include <cstdint>
#include <string>

#include "base/clock.h"
#include "base/error.h"
#include "store/database.h"

namespace soci {
class session;
}  // namespace soci

namespace sealkey::server {

struct AuditEntry {
  std::string actor;    // "account:12", "operator:alice", "sealkeyd"
  std::string action;   // "issue", "renew", "reissue", "revoke", "ca.create", "ca.import"
  std::string subject;  // what it is about: "cert:<serial>", "ca:<id>"
  std::string details;  // JSON text
};

struct AuditReport {
  int64_t entries = 0;
  int64_t first_bad_id = 0;  // 0: the chain is intact
  std::string problem;
};

// The entry's hash given the previous one (exposed for tests).
std::string AuditHash(const std::string& prev_hash, int64_t id, int64_t at,
                      const AuditEntry& entry);

// Appends inside the caller's transaction on `sql`, a connection of `db`
// (its statements are prepared once per connection).
Status AppendAudit(store::Database& db, soci::session& sql, const Clock& clock,
                   const AuditEntry& entry);

// Walks the whole chain.
Result<AuditReport> VerifyAudit(store::Database& db);

}  // namespace sealkey::server
