#include "server/account/account_routes.h"

#include <nlohmann/json.hpp>

#include "server/account/policy.h"

namespace sealkey::server {
namespace {

using nlohmann::json;

json AccountJson(const Account& a) {
  return {{"id", a.id},
          {"phone", a.phone},
          {"created_at", a.created_at},
          {"has_password", a.has_password},
          {"deletion_effective_at", a.deletion_effective_at},
          {"identity_id", a.identity_id},
          {"identity_kind", a.identity_kind},
          {"org_id", a.org_id}};
}

json IdentitiesJson(const std::vector<Identity>& identities) {
  json arr = json::array();
  for (const auto& i : identities) {
    arr.push_back({{"id", i.id}, {"kind", i.kind}, {"org_id", i.org_id}, {"org_name", i.org_name}});
  }
  return arr;
}

}  // namespace

void RegisterAccountRoutes(Router& router, AccountService& accounts, SmsCodes& codes) {
  router.Add("POST", "/api/v1/sms/codes", [&codes](const HttpRequest& req) -> Result<HttpResponse> {
    auto body = ParseJsonBody(req);
    if (!body) return Fail(body.error());
    auto phone_text = RequiredString(*body, "phone");
    if (!phone_text) return Fail(phone_text.error());
    auto purpose = RequiredString(*body, "purpose");
    if (!purpose) return Fail(purpose.error());
    auto phone = NormalizePhone(*phone_text);
    if (!phone) return Fail(phone.error());
    if (!ValidPurpose(*purpose)) {
      return Fail(Bilingual(ErrorCode::kInvalidArgument,
                            "must be login, reset_password, change_password, delete_account, "
                            "verify_phone, reissue_certificate or authorise_order",
                            "须为 login、reset_password、change_password、delete_account、"
                            "verify_phone、reissue_certificate 或 authorise_order",
                            "purpose"));
    }
    SEALKEY_RETURN_IF_ERROR(codes.Send(*phone, *purpose, req.client_ip));
    return JsonResponse(202, {{"phone", *phone},
                              {"expires_in", codes.limits().valid_seconds},
                              {"resend_after", codes.limits().resend_seconds}});
  });

  router.Add("POST", "/api/v1/auth/sms", [&accounts](const HttpRequest& req) -> Result<HttpResponse> {
    auto body = ParseJsonBody(req);
    if (!body) return Fail(body.error());
    auto phone = RequiredString(*body, "phone");
    if (!phone) return Fail(phone.error());
    auto code = RequiredString(*body, "code");
    if (!code) return Fail(code.error());
    auto ticket = accounts.SmsLogin(*phone, *code);
    if (!ticket) return Fail(ticket.error());
    return JsonResponse(200, {{"ticket", ticket->ticket},
                              {"next_step", ticket->set_password ? "set_password" : "password"},
                              {"new_account", ticket->new_account}});
  });

  router.Add("POST", "/api/v1/auth/password",
             [&accounts](const HttpRequest& req) -> Result<HttpResponse> {
               auto body = ParseJsonBody(req);
               if (!body) return Fail(body.error());
               auto ticket = RequiredString(*body, "ticket");
               if (!ticket) return Fail(ticket.error());
               auto password = RequiredSecret(*body, "password");
               if (!password) return Fail(password.error());
               auto session = accounts.PasswordStep(*ticket, *password);
               if (!session) return Fail(session.error());
               auto identities = accounts.ListIdentities(session->account.id);
               if (!identities) return Fail(identities.error());
               return JsonResponse(200, {{"token", session->token},
                                         {"expires_at", session->expires_at},
                                         {"account", AccountJson(session->account)},
                                         {"identities", IdentitiesJson(*identities)}});
             });

  router.Add("POST", "/api/v1/auth/logout", [&accounts](const HttpRequest& req) -> Result<HttpResponse> {
    SEALKEY_RETURN_IF_ERROR(accounts.Logout(req.BearerToken()));
    return NoContent();
  });

  router.Add("POST", "/api/v1/auth/password-reset",
             [&accounts](const HttpRequest& req) -> Result<HttpResponse> {
               auto body = ParseJsonBody(req);
               if (!body) return Fail(body.error());
               auto phone = RequiredString(*body, "phone");
               if (!phone) return Fail(phone.error());
               auto code = RequiredString(*body, "code");
               if (!code) return Fail(code.error());
               auto password = RequiredSecret(*body, "new_password");
               if (!password) return Fail(password.error());
               SEALKEY_RETURN_IF_ERROR(accounts.ResetPassword(*phone, *code, *password));
               return NoContent();
             });

  router.Add("GET", "/api/v1/me", [&accounts](const HttpRequest& req) -> Result<HttpResponse> {
    auto account = accounts.Authenticate(req.BearerToken());
    if (!account) return Fail(account.error());
    return JsonResponse(200, AccountJson(*account));
  });

  router.Add("POST", "/api/v1/me/password", [&accounts](const HttpRequest& req) -> Result<HttpResponse> {
    auto account = accounts.Authenticate(req.BearerToken());
    if (!account) return Fail(account.error());
    auto body = ParseJsonBody(req);
    if (!body) return Fail(body.error());
    auto code = RequiredString(*body, "code");
    if (!code) return Fail(code.error());
    auto password = RequiredSecret(*body, "new_password");
    if (!password) return Fail(password.error());
    SEALKEY_RETURN_IF_ERROR(accounts.ChangePassword(*account, *code, *password));
    return NoContent();
  });

  router.Add("GET", "/api/v1/me/identities",
             [&accounts](const HttpRequest& req) -> Result<HttpResponse> {
               auto account = accounts.Authenticate(req.BearerToken());
               if (!account) return Fail(account.error());
               auto identities = accounts.ListIdentities(account->id);
               if (!identities) return Fail(identities.error());
               return JsonResponse(200, {{"identities", IdentitiesJson(*identities)},
                                         {"current", account->identity_id}});
             });

  router.Add("POST", "/api/v1/me/identity", [&accounts](const HttpRequest& req) -> Result<HttpResponse> {
    auto account = accounts.Authenticate(req.BearerToken());
    if (!account) return Fail(account.error());
    auto body = ParseJsonBody(req);
    if (!body) return Fail(body.error());
    auto it = body->find("identity_id");
    if (it == body->end() || !it->is_number_integer()) {
      return Fail(Bilingual(ErrorCode::kInvalidArgument, "must be an identity id (integer)",
                            "须为身份编号（整数）", "identity_id"));
    }
    auto identity = accounts.SwitchIdentity(req.BearerToken(), it->get<int64_t>());
    if (!identity) return Fail(identity.error());
    return JsonResponse(200, {{"id", identity->id}, {"kind", identity->kind},
                              {"org_id", identity->org_id}, {"org_name", identity->org_name}});
  });

  router.Add("DELETE", "/api/v1/me/identities/{id}",
             [&accounts](const HttpRequest& req) -> Result<HttpResponse> {
               auto account = accounts.Authenticate(req.BearerToken());
               if (!account) return Fail(account.error());
               auto id = ParseId(req.Param("id"), "identity_id");
               if (!id) return Fail(id.error());
               SEALKEY_RETURN_IF_ERROR(accounts.LeaveOrganisation(*account, *id));
               return NoContent();
             });

  router.Add("POST", "/api/v1/me/deletion", [&accounts](const HttpRequest& req) -> Result<HttpResponse> {
    auto account = accounts.Authenticate(req.BearerToken());
    if (!account) return Fail(account.error());
    auto body = ParseJsonBody(req);
    if (!body) return Fail(body.error());
    auto code = RequiredString(*body, "code");
    if (!code) return Fail(code.error());
    auto effective = accounts.RequestDeletion(*account, *code);
    if (!effective) return Fail(effective.error());
    return JsonResponse(202, {{"effective_at", *effective}});
  });

  router.Add("DELETE", "/api/v1/me/deletion",
             [&accounts](const HttpRequest& req) -> Result<HttpResponse> {
               auto account = accounts.Authenticate(req.BearerToken());
               if (!account) return Fail(account.error());
               SEALKEY_RETURN_IF_ERROR(accounts.CancelDeletion(*account));
               return NoContent();
             });
}

}  // namespace sealkey::server
