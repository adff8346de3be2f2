// Versioned schema migrations, applied in order at start-up inside one
// transaction each and recorded in schema_migrations. A migration is never
// edited once released: add a new one.
#pragma once

#include "base/error.h"
#include "store/database.h"

namespace sealkey::store {

// Applies every migration newer than the recorded version; returns the
// resulting schema version.
Result<int> Migrate(soci::session& sql, Backend backend);

}  // namespace sealkey::store
