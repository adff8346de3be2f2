#include "store/migrations.h"

#include <ctime>
#include <string>
#include <vector>

#include <soci/soci.h>

#include "store/schema.h"

namespace sealkey::store {
namespace {

std::string Dialect(std::string sql, Backend backend) {
  const std::string id = backend == Backend::kSqlite ? "INTEGER PRIMARY KEY AUTOINCREMENT"
                                                     : "BIGSERIAL PRIMARY KEY";
  for (size_t p; (p = sql.find("{ID}")) != std::string::npos;) sql.replace(p, 4, id);
  return sql;
}

}  // namespace

Result<int> Migrate(soci::session& sql, Backend backend) {
  try {
    sql << "CREATE TABLE IF NOT EXISTS schema_migrations ("
           " version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at BIGINT NOT NULL)";
    int current = 0;
    soci::indicator ind;
    sql << "SELECT MAX(version) FROM schema_migrations", soci::into(current, ind);
    if (ind == soci::i_null) current = 0;
    for (const auto& m : detail::Migrations()) {
      if (m.version <= current) continue;
      soci::transaction tr(sql);
      for (const char* stmt : m.statements) sql << Dialect(stmt, backend);
      std::string description = m.description;
      long long now = static_cast<long long>(std::time(nullptr));
      sql << "INSERT INTO schema_migrations (version, description, applied_at) VALUES (:v, :d, :t)",
          soci::use(m.version), soci::use(description), soci::use(now);
      tr.commit();
      current = m.version;
    }
    return current;
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kInternal, std::string("schema migration failed: ") + e.what(),
                "database");
  }
}

}  // namespace sealkey::store
