// HTTP routes of self-service (D8): the applicant's (no account session;
// SMS codes, a captcha and a self-service query token instead) and the
// operators' (review, pre-registration).
#pragma once

#include "server/account/operator_service.h"
#include "server/http/router.h"
#include "server/selfservice/self_service.h"

namespace sealkey::server {

void RegisterSelfServiceRoutes(Router& router, SelfService& service);
void RegisterSelfServiceOperatorRoutes(Router& router, OperatorService& operators,
                                       SelfService& service);

}  // namespace sealkey::server
