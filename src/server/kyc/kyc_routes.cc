#include "server/kyc/kyc_routes.h"

#include <nlohmann/json.hpp>

#include "base/encoding.h"

namespace sealkey::server {
namespace {

using nlohmann::json;

json RecordJson(const KycRecord& r) {
  return {{"id", r.id},         {"status", r.status},
          {"reason", r.reason}, {"name", r.name},
          {"id_number", r.id_number_masked}, {"submitted_at", r.submitted_at},
          {"decided_at", r.decided_at}};
}

Result<Bytes> Base64Field(const json& body, const char* key) {
  auto text = RequiredString(body, key);
  if (!text) return Fail(text.error());
  auto bytes = Base64Decode(*text);
  if (!bytes) {
    return Fail(Bilingual(ErrorCode::kMalformed, "is not base64", "不是 base64 编码", key));
  }
  return bytes;
}

}  // namespace

void RegisterKycRoutes(Router& router, AccountService& accounts, KycService& kyc) {
  router.Add("POST", "/api/v1/kyc", [&accounts, &kyc](const HttpRequest& req) -> Result<HttpResponse> {
    auto account = accounts.Authenticate(req.BearerToken());
    if (!account) return Fail(account.error());
    SEALKEY_RETURN_IF_ERROR(RequireIdentity(*account, {"natural_person"}));
    auto body = ParseJsonBody(req);
    if (!body) return Fail(body.error());
    KycSubmission in;
    in.agreement_version = body->value("agreement_version", "");
    in.agreed = body->value("agreed", false);
    for (auto [key, out] : {std::pair{"name", &in.name}, std::pair{"id_number", &in.id_number},
                            std::pair{"phone", &in.phone}, std::pair{"code", &in.code}}) {
      auto v = RequiredString(*body, key);
      if (!v) return Fail(v.error());
      *out = *v;
    }
    auto front = Base64Field(*body, "front_image");
    if (!front) return Fail(front.error());
    auto back = Base64Field(*body, "back_image");
    if (!back) return Fail(back.error());
    in.front_image = std::move(*front);
    in.back_image = std::move(*back);
    auto record = kyc.Submit(*account, in);
    if (!record) return Fail(record.error());
    return JsonResponse(201, RecordJson(*record));
  });

  router.Add("GET", "/api/v1/kyc", [&accounts, &kyc](const HttpRequest& req) -> Result<HttpResponse> {
    auto account = accounts.Authenticate(req.BearerToken());
    if (!account) return Fail(account.error());
    auto record = kyc.Latest(account->id);
    if (!record) return Fail(record.error());
    return JsonResponse(200, RecordJson(*record));
  });
}

}  // namespace sealkey::server
