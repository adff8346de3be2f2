// Operator routes of the catalogue and orders: products, QR-coded projects,
// the review queue, bank-transfer confirmation and statement import.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "server/account/operator_routes.h"
#include "server/kyc/kyc_routes.h"
#include "server/order/order_json.h"
#include "server/order/order_routes.h"

namespace sealkey::server {
using nlohmann::json;

void RegisterOrderOperatorRoutes(Router& router, OperatorService& operators, Catalog& catalog,
                                 OrderService& orders) {
  router.Add("POST", "/api/v1/operator/products",
             AsOperator(operators, [&catalog](const HttpRequest& req, const std::string&)
                                       -> Result<HttpResponse> {
               auto b = ParseJsonBody(req);
               if (!b) return Fail(b.error());
               Product p;
               p.id = b->value("id", "");
               p.kind = b->value("kind", "");
               p.name = b->value("name", "");
               p.profile = b->value("profile", "");
               p.alg = b->value("alg", "");
               p.dual = b->value("dual", false);
               p.validity_days = b->value("validity_days", 365);
               p.price_fen = b->value("price_fen", int64_t{-1});
               p.roles = b->value("roles", std::vector<std::string>{});
               p.seal_type = b->value("seal_type", "");
               SEALKEY_RETURN_IF_ERROR(catalog.AddProduct(p));
               return JsonResponse(201, ProductJson(p));
             }));
  router.Add("POST", "/api/v1/operator/projects",
             AsOperator(operators, [&catalog](const HttpRequest& req, const std::string&)
                                       -> Result<HttpResponse> {
               auto b = ParseJsonBody(req);
               if (!b) return Fail(b.error());
               std::string prereg;
               if (b->contains("preregistered")) prereg = (*b)["preregistered"].dump();
               auto pr = catalog.AddProject(b->value("name", ""),
                                            b->value("products", std::vector<std::string>{}), prereg);
               if (!pr) return Fail(pr.error());
               return JsonResponse(201, {{"id", pr->id}, {"name", pr->name}, {"products", pr->products}});
             }));
  router.Add("GET", "/api/v1/operator/orders",
             AsOperator(operators, [&orders](const HttpRequest& req, const std::string&)
                                       -> Result<HttpResponse> {
               auto limit = QueueLimit(req);
               if (!limit) return Fail(limit.error());
               std::string state = req.QueryParam("state");
               static const std::vector<std::string> kStates = {
                   "created", "agreed", "form_submitted", "confirmed", "invoice_set", "authorised",
                   "payment_submitted", "paid", "approved", "issued", "installed", "rejected",
                   "cancelled"};
               if (state.empty()) state = "paid";
               if (std::find(kStates.begin(), kStates.end(), state) == kStates.end()) {
                 return Fail(Bilingual(ErrorCode::kInvalidArgument, "is not an order state",
                                       "不是订单状态", "state"));
               }
               auto list = orders.Queue(state, *limit);
               if (!list) return Fail(list.error());
               json arr = json::array();
               for (const auto& o : *list) arr.push_back(OrderJson(o));
               return JsonResponse(200, {{"orders", arr}});
             }));
  router.Add("POST", "/api/v1/operator/orders/{id}/transfer",
             AsOperator(operators, [&orders](const HttpRequest& req, const std::string& op)
                                       -> Result<HttpResponse> {
               auto id = ParseId(req.Param("id"), "order");
               if (!id) return Fail(id.error());
               auto b = ParseJsonBody(req);
               if (!b) return Fail(b.error());
               auto o = orders.ConfirmTransfer(op, *id, b->value("amount_fen", int64_t{-1}));
               if (!o) return Fail(o.error());
               return JsonResponse(200, OrderJson(*o));
             }));
  router.Add("POST", "/api/v1/operator/orders/{id}/review",
             AsOperator(operators, [&orders](const HttpRequest& req, const std::string& op)
                                       -> Result<HttpResponse> {
               auto id = ParseId(req.Param("id"), "order");
               if (!id) return Fail(id.error());
               auto b = ParseJsonBody(req);
               if (!b) return Fail(b.error());
               auto d = ParseDecision(*b);
               if (!d) return Fail(d.error());
               auto o = orders.Review(op, *id, d->verified, d->reason);
               if (!o) return Fail(o.error());
               return JsonResponse(200, OrderJson(*o));
             }));
  router.Add("POST", "/api/v1/operator/receiving-account",
             AsOperator(operators, [&catalog](const HttpRequest& req, const std::string&)
                                       -> Result<HttpResponse> {
               auto b = ParseJsonBody(req);
               if (!b) return Fail(b.error());
               SEALKEY_RETURN_IF_ERROR(catalog.SetReceivingAccount(
                   b->value("name", ""), b->value("bank", ""), b->value("number", "")));
               return NoContent();
             }));
  router.Add("POST", "/api/v1/operator/statements",
             AsOperator(operators, [&orders](const HttpRequest& req, const std::string& op)
                                       -> Result<HttpResponse> {
               auto matched = orders.ImportStatement(op, req.body);
               if (!matched) return Fail(matched.error());
               return JsonResponse(200, {{"matched", *matched}});
             }));
}

}  // namespace sealkey::server
