// Operator routes of organisations: the review queue of new organisations.
#include <nlohmann/json.hpp>

#include "server/kyc/kyc_routes.h"
#include "server/org/org_json.h"
#include "server/org/org_routes.h"

namespace sealkey::server {

void RegisterOrgOperatorRoutes(Router& router, OperatorService& operators, OrgService& orgs) {
  using nlohmann::json;
  router.Add("GET", "/api/v1/operator/orgs",
             [&operators, &orgs](const HttpRequest& req) -> Result<HttpResponse> {
               auto op = operators.Authenticate(req.BearerToken());
               if (!op) return Fail(op.error());
               auto limit = QueueLimit(req);
               if (!limit) return Fail(limit.error());
               std::string status = req.QueryParam("status");
               auto list = orgs.ListForReview(status.empty() ? "submitted" : status, *limit);
               if (!list) return Fail(list.error());
               json arr = json::array();
               for (const auto& o : *list) arr.push_back(OrgJson(o, true));
               return JsonResponse(200, {{"organisations", arr}});
             });
  router.Add("GET", "/api/v1/operator/orgs/{id}",
             [&operators, &orgs](const HttpRequest& req) -> Result<HttpResponse> {
               auto op = operators.Authenticate(req.BearerToken());
               if (!op) return Fail(op.error());
               auto id = ParseId(req.Param("id"), "organisation");
               if (!id) return Fail(id.error());
               auto org = orgs.Get(*id);
               if (!org) return Fail(org.error());
               return JsonResponse(200, OrgJson(*org, true));
             });
  router.Add("GET", "/api/v1/operator/orgs/{id}/licence",
             [&operators, &orgs](const HttpRequest& req) -> Result<HttpResponse> {
               auto op = operators.Authenticate(req.BearerToken());
               if (!op) return Fail(op.error());
               auto id = ParseId(req.Param("id"), "organisation");
               if (!id) return Fail(id.error());
               auto org = orgs.Get(*id);
               if (!org) return Fail(org.error());
               auto bytes = orgs.Licence(*id);
               if (!bytes) return Fail(bytes.error());
               return HttpResponse{200, org->licence_mime,
                                   std::string(bytes->begin(), bytes->end()), {}};
             });
  router.Add("POST", "/api/v1/operator/orgs/{id}/decision",
             [&operators, &orgs](const HttpRequest& req) -> Result<HttpResponse> {
               auto op = operators.Authenticate(req.BearerToken());
               if (!op) return Fail(op.error());
               auto id = ParseId(req.Param("id"), "organisation");
               if (!id) return Fail(id.error());
               auto body = ParseJsonBody(req);
               if (!body) return Fail(body.error());
               auto decision = ParseDecision(*body);
               if (!decision) return Fail(decision.error());
               SEALKEY_RETURN_IF_ERROR(orgs.Decide(*id, *decision, "operator:" + op->username));
               auto org = orgs.Get(*id);
               if (!org) return Fail(org.error());
               return JsonResponse(200, OrgJson(*org, true));
             });
}

}  // namespace sealkey::server
