// Operator routes of real-name verification: the review queue.
#include <nlohmann/json.hpp>

#include "server/kyc/kyc_routes.h"

namespace sealkey::server {
namespace {

using nlohmann::json;

json ReviewJson(const KycReview& r) {
  return {{"id", r.id},
          {"account_id", r.account_id},
          {"status", r.status},
          {"reason", r.reason},
          {"name", r.name},
          {"id_number", r.id_number},
          {"phone", r.phone},
          {"agreement_version", r.agreement_version},
          {"agreed_at", r.agreed_at},
          {"submitted_at", r.submitted_at},
          {"decided_at", r.decided_at},
          {"decided_by", r.decided_by}};
}

}  // namespace

Result<int> QueueLimit(const HttpRequest& req) {
  std::string text = req.QueryParam("limit");
  if (text.empty()) return 50;
  auto n = ParseId(text, "limit");
  if (!n || *n > 500) {
    return Fail(Bilingual(ErrorCode::kInvalidArgument, "must be 1 to 500", "须为 1 到 500",
                          "limit"));
  }
  return static_cast<int>(*n);
}

Result<KycDecision> ParseDecision(const json& body) {
  std::string decision = body.value("decision", "");
  if (decision != "approve" && decision != "reject") {
    return Fail(Bilingual(ErrorCode::kInvalidArgument, "must be approve or reject",
                          "须为 approve 或 reject", "decision"));
  }
  return KycDecision{decision == "approve", body.value("reason", "")};
}

void RegisterKycOperatorRoutes(Router& router, OperatorService& operators, KycService& kyc) {
  router.Add("GET", "/api/v1/operator/kyc",
             [&operators, &kyc](const HttpRequest& req) -> Result<HttpResponse> {
               auto op = operators.Authenticate(req.BearerToken());
               if (!op) return Fail(op.error());
               auto limit = QueueLimit(req);
               if (!limit) return Fail(limit.error());
               std::string status = req.QueryParam("status");
               auto list = kyc.ListForReview(status.empty() ? "submitted" : status, *limit);
               if (!list) return Fail(list.error());
               json arr = json::array();
               for (const auto& r : *list) arr.push_back(ReviewJson(r));
               return JsonResponse(200, {{"submissions", arr}});
             });
  router.Add("GET", "/api/v1/operator/kyc/{id}",
             [&operators, &kyc](const HttpRequest& req) -> Result<HttpResponse> {
               auto op = operators.Authenticate(req.BearerToken());
               if (!op) return Fail(op.error());
               auto id = ParseId(req.Param("id"), "submission");
               if (!id) return Fail(id.error());
               auto r = kyc.GetForReview(*id);
               if (!r) return Fail(r.error());
               return JsonResponse(200, ReviewJson(*r));
             });
  router.Add("GET", "/api/v1/operator/kyc/{id}/photos/{side}",
             [&operators, &kyc](const HttpRequest& req) -> Result<HttpResponse> {
               auto op = operators.Authenticate(req.BearerToken());
               if (!op) return Fail(op.error());
               auto id = ParseId(req.Param("id"), "submission");
               if (!id) return Fail(id.error());
               auto photo = kyc.Photo(*id, req.Param("side"));
               if (!photo) return Fail(photo.error());
               const char* mime =
                   store::SniffBlobKind(*photo) == store::kPng ? "image/png" : "image/jpeg";
               return HttpResponse{200, mime, std::string(photo->begin(), photo->end()), {}};
             });
  router.Add("POST", "/api/v1/operator/kyc/{id}/decision",
             [&operators, &kyc](const HttpRequest& req) -> Result<HttpResponse> {
               auto op = operators.Authenticate(req.BearerToken());
               if (!op) return Fail(op.error());
               auto id = ParseId(req.Param("id"), "submission");
               if (!id) return Fail(id.error());
               auto body = ParseJsonBody(req);
               if (!body) return Fail(body.error());
               auto decision = ParseDecision(*body);
               if (!decision) return Fail(decision.error());
               SEALKEY_RETURN_IF_ERROR(kyc.Decide(*id, *decision, "operator:" + op->username));
               auto r = kyc.GetForReview(*id);
               if (!r) return Fail(r.error());
               return JsonResponse(200, ReviewJson(*r));
             });
}

}  // namespace sealkey::server
