#include "server/order/order_routes.h"

#include <nlohmann/json.hpp>

#include "base/encoding.h"
#include "server/order/order_json.h"

namespace sealkey::server {
namespace {

using nlohmann::json;

const std::vector<std::string_view> kChosen = {"natural_person", "administrator",
                                               "legal_representative", "employee"};

// A person's order route: authenticated, an identity chosen, the {id} parsed.
template <typename F>
Handler OrderStep(AccountService& accounts, F f) {
  return [&accounts, f](const HttpRequest& req) -> Result<HttpResponse> {
    auto a = accounts.Authenticate(req.BearerToken());
    if (!a) return Fail(a.error());
    SEALKEY_RETURN_IF_ERROR(RequireIdentity(*a, kChosen));
    int64_t id = 0;
    if (!req.Param("id").empty()) {
      auto parsed = ParseId(req.Param("id"), "order");
      if (!parsed) return Fail(parsed.error());
      id = *parsed;
    }
    json body = json::object();
    if (req.method == "POST" && !req.body.empty()) {
      auto parsed = ParseJsonBody(req);
      if (!parsed) return Fail(parsed.error());
      body = std::move(*parsed);
    }
    Result<Order> o = f(*a, id, body);
    if (!o) return Fail(o.error());
    return JsonResponse(req.Param("id").empty() ? 201 : 200, OrderJson(*o));
  };
}

}  // namespace

void RegisterOrderRoutes(Router& router, AccountService& accounts, Catalog& catalog,
                         OrderService& orders, PaymentProvider* provider) {
  router.Add("GET", "/api/v1/products", [&catalog](const HttpRequest&) -> Result<HttpResponse> {
    auto list = catalog.ListProducts();
    if (!list) return Fail(list.error());
    json arr = json::array();
    for (const auto& p : *list) {
      if (p.active) arr.push_back(ProductJson(p));
    }
    return JsonResponse(200, {{"products", arr}});
  });
  router.Add("GET", "/api/v1/projects/{id}", [&catalog](const HttpRequest& req) -> Result<HttpResponse> {
    auto pr = catalog.GetProject(req.Param("id"));
    if (!pr) return Fail(pr.error());
    json products = json::array();
    for (const auto& id : pr->products) {
      auto p = catalog.GetProduct(id);
      if (p && p->active) products.push_back(ProductJson(*p));
    }
    return JsonResponse(200, {{"id", pr->id}, {"name", pr->name}, {"products", products},
                              {"preregistered", !pr->preregistered.empty()}});
  });
  router.Add("POST", "/api/v1/orders", OrderStep(accounts, [&orders](const Account& a, int64_t, const json& b) -> Result<Order> {
    auto image = Base64Decode(b.value("seal_image", ""));
    if (!image) return Fail(Bilingual(ErrorCode::kMalformed, "is not base64", "不是 base64 编码", "seal_image"));
    return orders.Create(a, b.value("product_id", ""), b.value("project_id", ""), b.value("csr", ""),
                         b.value("cert_serial", ""), *image);
  }));
  router.Add("GET", "/api/v1/orders", [&accounts, &orders](const HttpRequest& req) -> Result<HttpResponse> {
    auto a = accounts.Authenticate(req.BearerToken());
    if (!a) return Fail(a.error());
    std::string tab = req.QueryParam("tab");
    auto list = orders.List(*a, tab.empty() ? "all" : tab);
    if (!list) return Fail(list.error());
    json arr = json::array();
    for (const auto& o : *list) arr.push_back(OrderJson(o));
    return JsonResponse(200, {{"orders", arr}});
  });
  router.Add("GET", "/api/v1/orders/{id}", [&accounts, &orders](const HttpRequest& req) -> Result<HttpResponse> {
    auto a = accounts.Authenticate(req.BearerToken());
    if (!a) return Fail(a.error());
    auto id = ParseId(req.Param("id"), "order");
    if (!id) return Fail(id.error());
    auto o = orders.Get(*a, *id);
    if (!o) return Fail(o.error());
    return JsonResponse(200, OrderJson(*o));
  });
  router.Add("POST", "/api/v1/orders/{id}/agreement", OrderStep(accounts, [&orders](const Account& a, int64_t id, const json& b) {
    return orders.Agree(a, id, b.value("agreement_version", ""), b.value("agreed", false));
  }));
  router.Add("POST", "/api/v1/orders/{id}/form", OrderStep(accounts, [&orders](const Account& a, int64_t id, const json& b) -> Result<Order> {
    auto file = Base64Decode(b.value("file", ""));
    if (!file) return Fail(Bilingual(ErrorCode::kMalformed, "is not base64", "不是 base64 编码", "file"));
    return orders.SubmitForm(a, id, b.value("kind", ""), *file);
  }));
  router.Add("POST", "/api/v1/orders/{id}/form-template", [&accounts, &orders](const HttpRequest& req) -> Result<HttpResponse> {
    auto a = accounts.Authenticate(req.BearerToken());
    if (!a) return Fail(a.error());
    SEALKEY_RETURN_IF_ERROR(RequireIdentity(*a, kChosen));
    auto id = ParseId(req.Param("id"), "order");
    if (!id) return Fail(id.error());
    auto body = ParseJsonBody(req);
    if (!body) return Fail(body.error());
    SEALKEY_RETURN_IF_ERROR(orders.SendFormTemplate(*a, *id, body->value("email", "")));
    return JsonResponse(202, {{"sent_to", body->value("email", "")}});
  });
  router.Add("GET", "/api/v1/orders/{id}/form", [&accounts, &orders](const HttpRequest& req) -> Result<HttpResponse> {
    auto a = accounts.Authenticate(req.BearerToken());
    if (!a) return Fail(a.error());
    auto id = ParseId(req.Param("id"), "order");
    if (!id) return Fail(id.error());
    auto file = orders.FormFile(*a, *id);
    if (!file) return Fail(file.error());
    return HttpResponse{200, file->first, std::string(file->second.begin(), file->second.end()), {}};
  });
  router.Add("POST", "/api/v1/orders/{id}/confirm", OrderStep(accounts, [&orders](const Account& a, int64_t id, const json&) {
    return orders.Confirm(a, id);
  }));
  router.Add("POST", "/api/v1/orders/{id}/invoice", OrderStep(accounts, [&orders](const Account& a, int64_t id, const json& b) {
    return orders.SetInvoice(a, id, {b.value("kind", ""), b.value("name", ""), b.value("tax_id", ""),
                                     b.value("address", ""), b.value("bank", "")});
  }));
  router.Add("POST", "/api/v1/orders/{id}/authorise", OrderStep(accounts, [&orders](const Account& a, int64_t id, const json& b) {
    return orders.Authorise(a, id, b.value("code", ""));
  }));
  router.Add("POST", "/api/v1/orders/{id}/payer", OrderStep(accounts, [&orders](const Account& a, int64_t id, const json& b) {
    return orders.SubmitPayer(a, id, b.value("payer_name", ""), b.value("payer_account", ""),
                              b.value("amount_fen", int64_t{-1}));
  }));
  router.Add("POST", "/api/v1/orders/{id}/cancel", OrderStep(accounts, [&orders](const Account& a, int64_t id, const json&) {
    return orders.Cancel(a, id);
  }));
  router.Add("POST", "/api/v1/orders/{id}/installed", OrderStep(accounts, [&orders](const Account& a, int64_t id, const json&) {
    return orders.MarkInstalled(a, id);
  }));
  router.Add("POST", "/api/v1/orders/{id}/pay", [&accounts, &orders](const HttpRequest& req) -> Result<HttpResponse> {
    auto a = accounts.Authenticate(req.BearerToken());
    if (!a) return Fail(a.error());
    SEALKEY_RETURN_IF_ERROR(RequireIdentity(*a, kChosen));
    auto id = ParseId(req.Param("id"), "order");
    if (!id) return Fail(id.error());
    auto body = ParseJsonBody(req);
    if (!body) return Fail(body.error());
    auto pay = orders.Pay(*a, *id, body->value("method", ""));
    if (!pay) return Fail(pay.error());
    return JsonResponse(200, {{"method", pay->method},
                              {"remittance_ref", pay->remittance_ref},
                              {"account", {{"name", pay->account.name}, {"bank", pay->account.bank},
                                           {"number", pay->account.number}}},
                              {"redirect_url", pay->redirect_url}});
  });
  router.Add("GET", "/api/v1/seals", [&accounts, &orders](const HttpRequest& req) -> Result<HttpResponse> {
    auto a = accounts.Authenticate(req.BearerToken());
    if (!a) return Fail(a.error());
    auto list = orders.Seals(*a);
    if (!list) return Fail(list.error());
    json arr = json::array();
    for (const auto& s : *list) {
      arr.push_back({{"id", s.id}, {"order_id", s.order_id}, {"name", s.name}, {"type", s.type},
                     {"cert_serial", s.cert_serial}, {"valid_end", s.valid_end}});
    }
    return JsonResponse(200, {{"seals", arr}});
  });
  router.Add("GET", "/api/v1/seals/{id}", [&accounts, &orders](const HttpRequest& req) -> Result<HttpResponse> {
    auto a = accounts.Authenticate(req.BearerToken());
    if (!a) return Fail(a.error());
    auto id = ParseId(req.Param("id"), "seal");
    if (!id) return Fail(id.error());
    auto s = orders.Seal(*a, *id);
    if (!s) return Fail(s.error());
    return JsonResponse(200, {{"id", s->id}, {"order_id", s->order_id}, {"name", s->name},
                              {"type", s->type}, {"cert_serial", s->cert_serial},
                              {"valid_end", s->valid_end}, {"image", Base64Encode(s->image)},
                              {"seal", Base64Encode(s->seal)}});
  });
  router.Add("POST", "/api/v1/payments/notify/{provider}",
             [&orders, provider](const HttpRequest& req) -> Result<HttpResponse> {
               if (!provider || req.Param("provider") != provider->name()) {
                 return Fail(Bilingual(ErrorCode::kNotFound, "no such payment provider",
                                       "没有该支付渠道", "provider"));
               }
               auto notice = provider->Verify(req.body, req.Header("x-sandbox-signature"));
               if (!notice) return Fail(notice.error());
               SEALKEY_RETURN_IF_ERROR(orders.SettleOnline(notice->provider_ref, notice->amount_fen));
               return JsonResponse(200, {{"result", "success"}});
             });
}

}  // namespace sealkey::server
