// Typed single-row reads of organisations and join requests, shared by the
// org service files (SOCI reports the same column as int on SQLite and long
// long on PostgreSQL, so rows are read into fixed types, never dynamically).
// Only .cc files include this header.
#pragma once

#include <string>

#include <soci/soci.h>

#include "server/org/org_service.h"

namespace sealkey::server {

struct OrgRow {
  long long id = 0, created_by = 0, submitted = 0, decided = 0;
  Organisation org;

  static std::string Select() {
    return "SELECT id, name, credit_code, address, status, reason, legal_rep_name,"
           " legal_rep_id_number, legal_rep_phone, licence_blob, licence_mime, created_by,"
           " submitted_at, decided_at, decided_by FROM organisations ";
  }
  void Into(soci::details::once_temp_type& q) {
    q, soci::into(id), soci::into(org.name), soci::into(org.credit_code), soci::into(org.address),
        soci::into(org.status), soci::into(org.reason), soci::into(org.legal_rep.name),
        soci::into(org.legal_rep.id_number), soci::into(org.legal_rep.phone),
        soci::into(org.licence_id), soci::into(org.licence_mime), soci::into(created_by),
        soci::into(submitted), soci::into(decided), soci::into(org.decided_by);
  }
  Organisation Take() {
    org.id = id;
    org.created_by = created_by;
    org.submitted_at = submitted;
    org.decided_at = decided;
    return org;
  }
};

struct JoinRow {
  long long id = 0, org = 0, account = 0, created = 0, decided = 0;
  JoinRequest r;

  // Joined with the organisation's name and the applicant's phone.
  static std::string Select() {
    return "SELECT j.id, j.org_id, j.account_id, o.name, j.status, j.reason, a.phone,"
           " j.created_at, j.decided_at FROM org_join_requests j"
           " JOIN organisations o ON o.id = j.org_id JOIN accounts a ON a.id = j.account_id ";
  }
  void Into(soci::details::once_temp_type& q) {
    q, soci::into(id), soci::into(org), soci::into(account), soci::into(r.org_name),
        soci::into(r.status), soci::into(r.reason), soci::into(r.phone), soci::into(created),
        soci::into(decided);
  }
  JoinRequest Take() {
    r.id = id;
    r.org_id = org;
    r.account_id = account;
    r.created_at = created;
    r.decided_at = decided;
    return r;
  }
};

}  // namespace sealkey::server
