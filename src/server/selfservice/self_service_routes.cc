#include "server/selfservice/self_service_routes.h"

#include <nlohmann/json.hpp>

#include "base/encoding.h"
#include "server/account/operator_routes.h"
#include "server/cert/cert_json.h"
#include "server/kyc/kyc_service.h"

namespace sealkey::server {
namespace {

using nlohmann::json;

// The applicant's view: the ID number masked.
json ApplicationJson(const SelfServiceApplication& a, bool full) {
  return {{"id", a.id},
          {"phone", a.phone},
          {"project_id", a.project_id},
          {"product_id", a.product_id},
          {"source", a.source},
          {"state", a.state},
          {"review_reason", a.review_reason},
          {"cert_serial", a.cert_serial},
          {"name", a.details.name},
          {"id_number", full ? a.details.id_number : MaskIdNumber(a.details.id_number)},
          {"org_name", a.details.org_name},
          {"credit_code", a.details.credit_code},
          {"email", a.details.email},
          {"reviewed_by", full ? a.reviewed_by : ""},
          {"created_at", a.created_at},
          {"updated_at", a.updated_at}};
}

Result<SelfServiceApply> ApplyBody(json& b) {
  SelfServiceApply r;
  auto password = RequiredSecret(b, "certificate_password");
  if (!password) return Fail(password.error());
  r.password = std::move(*password);
  r.phone = b.value("phone", "");
  r.code = b.value("code", "");
  r.project_id = b.value("project_id", "");
  r.product_id = b.value("product_id", "");
  r.agreement_version = b.value("agreement_version", "");
  r.agreed = b.value("agreed", false);
  r.details = {b.value("name", ""), b.value("id_number", ""), b.value("org_name", ""),
               b.value("credit_code", ""), b.value("email", "")};
  return r;
}

json SessionJson(const SelfServiceSession& s) {
  return {{"token", s.token}, {"phone", s.phone}, {"expires_at", s.expires_at}};
}

// A route of the business query: the self-service token's phone.
template <typename F>
Handler Query(SelfService& service, F f) {
  return [&service, f](const HttpRequest& req) -> Result<HttpResponse> {
    auto phone = service.Authenticate(req.BearerToken());
    if (!phone) return Fail(phone.error());
    return f(req, *phone);
  };
}

// Install and renew: {id} of the phone, the certificate password and a CSR.
template <typename F>
Handler WithPassword(SelfService& service, F f) {
  return Query(service, [f](const HttpRequest& req, const std::string& phone)
                            -> Result<HttpResponse> {
    auto id = ParseId(req.Param("id"), "application");
    if (!id) return Fail(id.error());
    auto b = ParseJsonBody(req);
    if (!b) return Fail(b.error());
    auto password = RequiredSecret(*b, "certificate_password");
    if (!password) return Fail(password.error());
    auto csr = RequiredString(*b, "csr");
    if (!csr) return Fail(csr.error());
    Result<IssuedBundle> bundle = f(phone, *id, *password, *csr);
    if (!bundle) return Fail(bundle.error());
    return JsonResponse(201, BundleJson(*bundle));
  });
}

}  // namespace

void RegisterSelfServiceRoutes(Router& router, SelfService& service) {
  const std::string base = "/api/v1/self-service";
  router.Add("POST", base + "/apply-code", [&service](const HttpRequest& req) -> Result<HttpResponse> {
    auto b = ParseJsonBody(req);
    if (!b) return Fail(b.error());
    SEALKEY_RETURN_IF_ERROR(service.SendApplyCode(b->value("phone", ""), req.client_ip));
    return JsonResponse(202, {{"sent", true}});
  });
  router.Add("POST", base + "/applications", [&service](const HttpRequest& req) -> Result<HttpResponse> {
    auto b = ParseJsonBody(req);
    if (!b) return Fail(b.error());
    auto r = ApplyBody(*b);
    if (!r) return Fail(r.error());
    auto app = service.Apply(std::move(*r));
    if (!app) return Fail(app.error());
    return JsonResponse(201, ApplicationJson(*app, false));
  });
  router.Add("POST", base + "/preregistered", [&service](const HttpRequest& req) -> Result<HttpResponse> {
    auto b = ParseJsonBody(req);
    if (!b) return Fail(b.error());
    auto r = ApplyBody(*b);
    if (!r) return Fail(r.error());
    auto out = service.ApplyPreregistered(std::move(*r));
    if (!out) return Fail(out.error());
    return JsonResponse(201, {{"application", ApplicationJson(out->first, false)},
                              {"session", SessionJson(out->second)}});
  });
  router.Add("POST", base + "/captcha", [&service](const HttpRequest&) -> Result<HttpResponse> {
    auto c = service.captchas().New();
    if (!c) return Fail(c.error());
    return JsonResponse(201, {{"id", c->id}, {"png", Base64Encode(c->png)},
                              {"expires_at", c->expires_at}});
  });
  router.Add("POST", base + "/query-code", [&service](const HttpRequest& req) -> Result<HttpResponse> {
    auto b = ParseJsonBody(req);
    if (!b) return Fail(b.error());
    SEALKEY_RETURN_IF_ERROR(service.SendQueryCode(b->value("phone", ""), b->value("captcha_id", ""),
                                                  b->value("captcha_answer", ""), req.client_ip));
    return JsonResponse(202, {{"sent", true}});
  });
  router.Add("POST", base + "/sessions", [&service](const HttpRequest& req) -> Result<HttpResponse> {
    auto b = ParseJsonBody(req);
    if (!b) return Fail(b.error());
    auto s = service.Login(b->value("phone", ""), b->value("code", ""));
    if (!s) return Fail(s.error());
    return JsonResponse(201, SessionJson(*s));
  });
  router.Add("GET", base + "/applications",
             Query(service, [&service](const HttpRequest&, const std::string& phone)
                                -> Result<HttpResponse> {
               auto list = service.List(phone);
               if (!list) return Fail(list.error());
               json arr = json::array();
               for (const auto& a : *list) arr.push_back(ApplicationJson(a, false));
               return JsonResponse(200, {{"applications", arr}});
             }));
  router.Add("POST", base + "/applications/{id}/install",
             WithPassword(service, [&service](const std::string& phone, int64_t id,
                                              const SecureBuffer& password, const std::string& csr) {
               return service.Install(phone, id, password, csr);
             }));
  router.Add("POST", base + "/applications/{id}/renew",
             WithPassword(service, [&service](const std::string& phone, int64_t id,
                                              const SecureBuffer& password, const std::string& csr) {
               return service.Renew(phone, id, password, csr);
             }));
}

void RegisterSelfServiceOperatorRoutes(Router& router, OperatorService& operators,
                                       SelfService& service) {
  const std::string base = "/api/v1/operator/self-service/applications";
  router.Add("GET", base, AsOperator(operators, [&service](const HttpRequest& req, const std::string&)
                                                     -> Result<HttpResponse> {
    std::string state = req.QueryParam("state");
    auto list = service.ListForReview(state.empty() ? "pending_review" : state);
    if (!list) return Fail(list.error());
    json arr = json::array();
    for (const auto& a : *list) arr.push_back(ApplicationJson(a, true));
    return JsonResponse(200, {{"applications", arr}});
  }));
  router.Add("GET", base + "/{id}", AsOperator(operators, [&service](const HttpRequest& req, const std::string&)
                                                              -> Result<HttpResponse> {
    auto id = ParseId(req.Param("id"), "application");
    if (!id) return Fail(id.error());
    auto a = service.Get(*id);
    if (!a) return Fail(a.error());
    return JsonResponse(200, ApplicationJson(*a, true));
  }));
  router.Add("POST", base + "/{id}/approve", AsOperator(operators, [&service](const HttpRequest& req, const std::string& op)
                                                                       -> Result<HttpResponse> {
    auto id = ParseId(req.Param("id"), "application");
    if (!id) return Fail(id.error());
    auto a = service.Approve(*id, op);
    if (!a) return Fail(a.error());
    return JsonResponse(200, ApplicationJson(*a, true));
  }));
  router.Add("POST", base + "/{id}/reject", AsOperator(operators, [&service](const HttpRequest& req, const std::string& op)
                                                                      -> Result<HttpResponse> {
    auto id = ParseId(req.Param("id"), "application");
    if (!id) return Fail(id.error());
    auto b = ParseJsonBody(req);
    if (!b) return Fail(b.error());
    auto a = service.Reject(*id, op, b->value("reason", ""));
    if (!a) return Fail(a.error());
    return JsonResponse(200, ApplicationJson(*a, true));
  }));
  router.Add("POST", "/api/v1/operator/projects/{id}/preregistrations",
             AsOperator(operators, [&service](const HttpRequest& req, const std::string& op)
                                       -> Result<HttpResponse> {
               auto b = ParseJsonBody(req);
               if (!b) return Fail(b.error());
               if (!b->contains("applicants") || !(*b)["applicants"].is_array()) {
                 return Fail(Bilingual(ErrorCode::kInvalidArgument, "must be a list of applicants",
                                       "须为申请人列表", "applicants"));
               }
               std::vector<Preregistration> rows;
               for (const json& a : (*b)["applicants"]) {
                 if (!a.is_object()) {
                   return Fail(Bilingual(ErrorCode::kInvalidArgument,
                                         "each applicant must be an object", "申请人须为对象",
                                         "applicants"));
                 }
                 rows.push_back({a.value("phone", ""), a.value("product_id", ""),
                                 {a.value("name", ""), a.value("id_number", ""),
                                  a.value("org_name", ""), a.value("credit_code", ""), ""}});
               }
               auto n = service.Preregister(req.Param("id"), rows, op);
               if (!n) return Fail(n.error());
               return JsonResponse(201, {{"stored", *n}});
             }));
}

}  // namespace sealkey::server
