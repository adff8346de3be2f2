#include "server/account/operator_routes.h"

#include <nlohmann/json.hpp>

namespace sealkey::server {

void RegisterOperatorRoutes(Router& router, OperatorService& operators) {
  router.Add("POST", "/api/v1/operator/session",
             [&operators](const HttpRequest& req) -> Result<HttpResponse> {
               auto body = ParseJsonBody(req);
               if (!body) return Fail(body.error());
               auto username = RequiredString(*body, "username");
               if (!username) return Fail(username.error());
               auto password = RequiredSecret(*body, "password");
               if (!password) return Fail(password.error());
               auto session = operators.Login(*username, *password);
               if (!session) return Fail(session.error());
               return JsonResponse(201, {{"token", session->token},
                                         {"expires_at", session->expires_at},
                                         {"operator", {{"id", session->op.id},
                                                       {"username", session->op.username}}}});
             });
  router.Add("DELETE", "/api/v1/operator/session",
             [&operators](const HttpRequest& req) -> Result<HttpResponse> {
               SEALKEY_RETURN_IF_ERROR(operators.Logout(req.BearerToken()));
               return NoContent();
             });
  router.Add("GET", "/api/v1/operator/me",
             [&operators](const HttpRequest& req) -> Result<HttpResponse> {
               auto op = operators.Authenticate(req.BearerToken());
               if (!op) return Fail(op.error());
               return JsonResponse(200, {{"id", op->id},
                                         {"username", op->username},
                                         {"created_at", op->created_at}});
             });
}

}  // namespace sealkey::server
