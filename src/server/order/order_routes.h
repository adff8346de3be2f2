// HTTP routes of the catalogue, orders and payments (docs/api/openapi.yaml,
// "orders"):
//   public:   GET /api/v1/products, GET /api/v1/projects/{id},
//             POST /api/v1/payments/notify/{provider} (signed by the provider)
//   person:   /api/v1/orders[/{id}[/agreement|/form|/confirm|/invoice|/authorise|/pay|
//             /payer|/cancel|/installed]]
//   operator: /api/v1/operator/products, /operator/projects, /operator/orders[/{id}/transfer|
//             /review], /operator/statements
#pragma once

#include "server/account/account_service.h"
#include "server/account/operator_service.h"
#include "server/http/router.h"
#include "server/order/invoice_service.h"
#include "server/order/order_service.h"
#include "server/order/payment_provider.h"

namespace sealkey::server {

void RegisterOrderRoutes(Router& router, AccountService& accounts, Catalog& catalog,
                         OrderService& orders, PaymentProvider* provider);
// GET /api/v1/invoices, POST /invoices/{id}/retry, GET /invoices/{id}/pdf,
// and the operators' POST /api/v1/operator/invoice-seller.
void RegisterInvoiceRoutes(Router& router, AccountService& accounts, OperatorService& operators,
                           InvoiceService& invoices);
void RegisterOrderOperatorRoutes(Router& router, OperatorService& operators, Catalog& catalog,
                                 OrderService& orders);

}  // namespace sealkey::server
