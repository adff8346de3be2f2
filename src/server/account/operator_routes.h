// HTTP routes of operator sessions (docs/api/openapi.yaml, "operator"):
// POST/DELETE /api/v1/operator/session, GET /api/v1/operator/me. The review
// queues register their own operator routes (kyc, org).
#pragma once

#include "server/account/operator_service.h"
#include "server/http/router.h"

namespace sealkey::server {

void RegisterOperatorRoutes(Router& router, OperatorService& operators);

// An operator's route: the bearer token must open an operator session; `f`
// gets the request and the actor ("operator:<username>") decisions record.
template <typename F>
Handler AsOperator(OperatorService& operators, F f) {
  return [&operators, f](const HttpRequest& req) -> Result<HttpResponse> {
    auto op = operators.Authenticate(req.BearerToken());
    if (!op) return Fail(op.error());
    return f(req, "operator:" + op->username);
  };
}

}  // namespace sealkey::server
