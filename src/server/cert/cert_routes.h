// HTTP routes of certificates (docs/api/openapi.yaml, "certificates"):
//   public:   GET /api/v1/cas, GET /crl/{ca}.crl, POST /ocsp, GET /ocsp/{request}
//   person:   /api/v1/certificates[/{serial}[/renew|/reissue|/revoke]]
//   operator: POST /api/v1/operator/certificates/{serial}/revoke
#pragma once

#include "server/account/account_service.h"
#include "server/account/operator_service.h"
#include "server/cert/cert_service.h"
#include "server/http/router.h"

namespace sealkey::server {

void RegisterCertRoutes(Router& router, AccountService& accounts, OperatorService& operators,
                        CaRegistry& cas, CertService& certs);

}  // namespace sealkey::server
