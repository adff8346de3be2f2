// Typed single-row reads of self_service_applications, shared by the
// self-service files. Only .cc files include this header.
#pragma once

#include <string>
#include <vector>

#include <soci/soci.h>

#include "server/http/router.h"
#include "server/selfservice/self_service.h"

namespace sealkey::server {

struct ApplicationRow {
  long long id = 0, created = 0, updated = 0, failed = 0, locked_until = 0;
  std::string password_hash;
  SelfServiceApplication a;

  static std::string Select() {
    return "SELECT id, phone, project_id, product_id, source, state, review_reason, reviewed_by,"
           " cert_serial, name, id_number, org_name, credit_code, email, password_hash,"
           " failed_passwords, locked_until, created_at, updated_at"
           " FROM self_service_applications ";
  }
  void Into(soci::details::once_temp_type& q) {
    q, soci::into(id), soci::into(a.phone), soci::into(a.project_id), soci::into(a.product_id),
        soci::into(a.source), soci::into(a.state), soci::into(a.review_reason),
        soci::into(a.reviewed_by), soci::into(a.cert_serial), soci::into(a.details.name),
        soci::into(a.details.id_number), soci::into(a.details.org_name),
        soci::into(a.details.credit_code), soci::into(a.details.email),
        soci::into(password_hash), soci::into(failed), soci::into(locked_until),
        soci::into(created), soci::into(updated);
  }
  SelfServiceApplication Take() {
    a.id = id;
    a.created_at = created;
    a.updated_at = updated;
    return a;
  }
};

// Application `id` (kNotFound, field "application", when there is none).
inline Result<ApplicationRow> LoadApplicationRow(soci::session& sql, int64_t id) {
  ApplicationRow row;
  long long key = id;
  {
    auto q = (sql << ApplicationRow::Select() + "WHERE id = :i", soci::use(key));
    row.Into(q);
  }
  if (!sql.got_data()) {
    return Fail(Bilingual(ErrorCode::kNotFound, "there is no such self-service application",
                          "没有该自助申请", "application"));
  }
  row.Take();
  return row;
}

// The applications whose `column` (phone or state) is `value`, oldest first
// (keyset over ids, typed single-row reads).
inline Result<std::vector<SelfServiceApplication>> ListApplicationsWhere(soci::session& sql,
                                                                         const char* column,
                                                                         const std::string& value) {
  std::vector<SelfServiceApplication> out;
  long long after = 0;
  const std::string query = std::string("SELECT id FROM self_service_applications WHERE ") +
                            column + " = :v AND id > :a ORDER BY id LIMIT 1";
  for (;;) {
    long long id = 0;
    sql << query, soci::use(value), soci::use(after), soci::into(id);
    if (!sql.got_data()) break;
    auto row = LoadApplicationRow(sql, id);
    if (!row) return Fail(row.error());
    out.push_back(row->a);
    after = id;
  }
  return out;
}

}  // namespace sealkey::server
