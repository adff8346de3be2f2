// HTTP routes of real-name verification (docs/api/openapi.yaml): the
// person's POST/GET /api/v1/kyc, and the operators' review queue under
// /api/v1/operator/kyc.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "server/account/account_service.h"
#include "server/account/operator_service.h"
#include "server/http/router.h"
#include "server/kyc/kyc_service.h"

namespace sealkey::server {

void RegisterKycRoutes(Router& router, AccountService& accounts, KycService& kyc);
void RegisterKycOperatorRoutes(Router& router, OperatorService& operators, KycService& kyc);

// Shared by the operator queues: ?limit= (default 50, at most 500), and a
// {"decision": "approve"|"reject", "reason": ...} body.
Result<int> QueueLimit(const HttpRequest& req);
Result<KycDecision> ParseDecision(const nlohmann::json& body);

}  // namespace sealkey::server
