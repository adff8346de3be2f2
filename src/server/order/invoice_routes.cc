// Routes of invoices (B14).
#include <nlohmann/json.hpp>

#include "server/order/order_routes.h"

namespace sealkey::server {
namespace {

using nlohmann::json;

json InvoiceJson(const InvoiceRecord& r) {
  return {{"id", r.id},         {"order_id", r.order_id}, {"status", r.status},
          {"number", r.number}, {"error", r.error},       {"attempts", r.attempts},
          {"created_at", r.created_at}, {"issued_at", r.issued_at}};
}

}  // namespace

void RegisterInvoiceRoutes(Router& router, AccountService& accounts, OperatorService& operators,
                           InvoiceService& invoices) {
  router.Add("GET", "/api/v1/invoices", [&accounts, &invoices](const HttpRequest& req) -> Result<HttpResponse> {
    auto a = accounts.Authenticate(req.BearerToken());
    if (!a) return Fail(a.error());
    std::string tab = req.QueryParam("tab");
    auto list = invoices.List(*a, tab.empty() ? "all" : tab);
    if (!list) return Fail(list.error());
    json arr = json::array();
    for (const auto& r : *list) arr.push_back(InvoiceJson(r));
    return JsonResponse(200, {{"invoices", arr}});
  });
  router.Add("POST", "/api/v1/invoices/{id}/retry", [&accounts, &invoices](const HttpRequest& req) -> Result<HttpResponse> {
    auto a = accounts.Authenticate(req.BearerToken());
    if (!a) return Fail(a.error());
    auto id = ParseId(req.Param("id"), "invoice");
    if (!id) return Fail(id.error());
    auto r = invoices.Retry(*a, *id);
    if (!r) return Fail(r.error());
    return JsonResponse(200, InvoiceJson(*r));
  });
  router.Add("GET", "/api/v1/invoices/{id}/pdf", [&accounts, &invoices](const HttpRequest& req) -> Result<HttpResponse> {
    auto a = accounts.Authenticate(req.BearerToken());
    if (!a) return Fail(a.error());
    auto id = ParseId(req.Param("id"), "invoice");
    if (!id) return Fail(id.error());
    auto pdf = invoices.Pdf(*a, *id);
    if (!pdf) return Fail(pdf.error());
    return HttpResponse{200, "application/pdf", std::string(pdf->begin(), pdf->end()), {}};
  });
  router.Add("POST", "/api/v1/operator/invoice-seller", [&operators, &invoices](const HttpRequest& req) -> Result<HttpResponse> {
    auto op = operators.Authenticate(req.BearerToken());
    if (!op) return Fail(op.error());
    auto b = ParseJsonBody(req);
    if (!b) return Fail(b.error());
    SEALKEY_RETURN_IF_ERROR(invoices.SetSeller({b->value("name", ""), b->value("tax_id", ""),
                                                b->value("address_phone", ""),
                                                b->value("bank_account", "")}));
    return NoContent();
  });
}

}  // namespace sealkey::server
