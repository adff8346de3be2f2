// HTTP routes of real-name verification (B5).
#pragma once

#include "server/account/account_service.h"
#include "server/http/router.h"
#include "server/kyc/kyc_service.h"

namespace sealkey::server {

void RegisterKycRoutes(Router& router, AccountService& accounts, KycService& kyc);

}  // namespace sealkey::server
