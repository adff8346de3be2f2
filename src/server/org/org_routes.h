// HTTP routes of organisations (docs/api/openapi.yaml, "organisations"):
//   person:   /api/v1/orgs/search, /orgs/licence, /orgs, /orgs/{id}/join-requests,
//             /me/organisations, /me/join-requests, /me/invitations[/{id}/accept|decline]
//   org:      /api/v1/org, /org/members[/{id}], /org/join-requests[/{id}/decision],
//             /org/invitations, /org/admin-transfer
//   operator: /api/v1/operator/orgs[/{id}[/licence|/decision]]
#pragma once

#include "server/account/account_service.h"
#include "server/account/operator_service.h"
#include "server/http/router.h"
#include "server/org/org_service.h"

namespace sealkey::server {

void RegisterOrgRoutes(Router& router, AccountService& accounts, OrgService& orgs);
void RegisterOrgOperatorRoutes(Router& router, OperatorService& operators, OrgService& orgs);

}  // namespace sealkey::server
