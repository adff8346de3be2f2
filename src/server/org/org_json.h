// JSON forms of the organisation values, shared by the person and operator
// routes. Only .cc files include this header.
#pragma once

#include <nlohmann/json.hpp>

#include "server/kyc/kyc_service.h"
#include "server/org/org_service.h"

namespace sealkey::server {

// `full`: the operator's view (whole legal-representative ID number).
inline nlohmann::json OrgJson(const Organisation& o, bool full) {
  return {{"id", o.id},
          {"name", o.name},
          {"credit_code", o.credit_code},
          {"address", o.address},
          {"status", o.status},
          {"reason", o.reason},
          {"legal_rep",
           {{"name", o.legal_rep.name},
            {"id_number", full ? o.legal_rep.id_number : MaskIdNumber(o.legal_rep.id_number)},
            {"phone", o.legal_rep.phone}}},
          {"licence_mime", o.licence_mime},
          {"created_by", o.created_by},
          {"submitted_at", o.submitted_at},
          {"decided_at", o.decided_at},
          {"decided_by", full ? o.decided_by : std::string()}};
}

}  // namespace sealkey::server
