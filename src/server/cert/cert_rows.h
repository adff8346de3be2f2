// Typed single-row reads of the certificates table, shared by the cert
// service files. Only .cc files include this header.
#pragma once

#include <string>

#include <soci/soci.h>

#include "base/encoding.h"
#include "ca/crl_ocsp.h"
#include "server/cert/cert_service.h"

namespace sealkey::server {

struct CertRow {
  long long account = 0, identity = 0, not_before = 0, not_after = 0, revoked_at = 0,
            created = 0;
  int reason = 0;
  std::string der_b64;
  CertRecord c;

  static std::string Select() {
    return "SELECT serial, ca_id, account_id, identity_id, profile, usage, subject, not_before,"
           " not_after, der, status, revoked_at, reason, pair_serial, replaces, created_at"
           " FROM certificates ";
  }
  void Into(soci::details::once_temp_type& q) {
    q, soci::into(c.serial), soci::into(c.ca_id), soci::into(account), soci::into(identity),
        soci::into(c.profile), soci::into(c.usage), soci::into(c.subject), soci::into(not_before),
        soci::into(not_after), soci::into(der_b64), soci::into(c.status), soci::into(revoked_at),
        soci::into(reason), soci::into(c.pair_serial), soci::into(c.replaces), soci::into(created);
  }
  CertRecord Take() {
    c.account_id = account;
    c.identity_id = identity;
    c.not_before = not_before;
    c.not_after = not_after;
    c.revoked_at = revoked_at;
    c.created_at = created;
    if (c.status == "revoked") {
      c.reason = std::string(ca::ReasonToken(static_cast<ca::RevocationReason>(reason)));
    }
    c.der = Base64Decode(der_b64).value_or(Bytes());
    return c;
  }
};

}  // namespace sealkey::server
