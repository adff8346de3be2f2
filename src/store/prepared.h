// Statements prepared once per connection and run again with new values, for
// the hot write paths (certificate rows, the audit chain). Preparing costs
// SQLite a parse and PostgreSQL a parse and plan on every `sql << ...`; a
// reused statement only binds and runs (a standalone test here: 38-41 us
// instead of 50-61 us for BEGIN, a 15-column INSERT and COMMIT on SQLite).
// Include only from .cc files: it brings in SOCI.
//
// Only for statements that return no rows (INSERT, UPDATE, DELETE without
// RETURNING): SQLite will not commit while a statement is part way through
// its result rows, and a kept statement stays so until it is reset.
//
// An Entry holds the bound values as members and, declared after them, a
// `soci::statement st` prepared over them in Entry(soci::session&):
//
//   struct SetHash {
//     std::string hash;
//     soci::statement st;
//     explicit SetHash(soci::session& sql)
//         : st((sql.prepare << "UPDATE audit_head SET last_hash = :h", soci::use(hash))) {}
//   };
//   store::Run<SetHash>(db, sql, [&](SetHash& s) { s.hash = hash; });
#pragma once

#include <memory>

#include <soci/soci.h>

#include "store/database.h"

namespace sealkey::store {

// Fills the connection's Entry with `fill` and executes it. A statement that
// throws is forgotten (prepared afresh next time) and the exception goes on
// to the caller (InTransaction rolls back and reports kInternal).
template <class Entry, class Fill>
void Run(Database& db, soci::session& sql, Fill&& fill) {
  static const char key = 0;  // one per Entry type
  auto entry = std::static_pointer_cast<Entry>(db.Prepared(
      sql, &key, [&sql] { return std::static_pointer_cast<void>(std::make_shared<Entry>(sql)); }));
  fill(*entry);
  try {
    entry->st.execute(true);
  } catch (...) {
    db.ForgetPrepared(sql, &key);
    throw;
  }
}

}  // namespace sealkey::store
