// HTTP routes of the account domain (docs/api/openapi.yaml).
#pragma once

#include "server/account/account_service.h"
#include "server/account/sms_codes.h"
#include "server/http/router.h"

namespace sealkey::server {

void RegisterAccountRoutes(Router& router, AccountService& accounts, SmsCodes& codes);

}  // namespace sealkey::server
