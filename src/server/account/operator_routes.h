// HTTP routes of operator sessions (docs/api/openapi.yaml, "operator"):
// POST/DELETE /api/v1/operator/session, GET /api/v1/operator/me. The review
// queues register their own operator routes (kyc, org).
#pragma once

#include "server/account/operator_service.h"
#include "server/http/router.h"

namespace sealkey::server {

void RegisterOperatorRoutes(Router& router, OperatorService& operators);

}  // namespace sealkey::server
