#include "server/org/org_routes.h"

#include <nlohmann/json.hpp>

#include "base/encoding.h"
#include "server/kyc/id_numbers.h"
#include "server/kyc/kyc_routes.h"
#include "server/ocr/licence_ocr.h"
#include "server/org/org_json.h"

namespace sealkey::server {
namespace {

using nlohmann::json;

json JoinJson(const JoinRequest& r) {
  return {{"id", r.id},           {"org_id", r.org_id},         {"org_name", r.org_name},
          {"status", r.status},   {"reason", r.reason},         {"name", r.name},
          {"phone", r.phone},     {"created_at", r.created_at}, {"decided_at", r.decided_at}};
}

json MemberJson(const Member& m) {
  return {{"identity_id", m.identity_id}, {"account_id", m.account_id}, {"kind", m.kind},
          {"name", m.name}, {"phone", m.phone}, {"joined_at", m.joined_at}};
}

json InvitationJson(const Invitation& i) {
  return {{"id", i.id},         {"org_id", i.org_id},         {"org_name", i.org_name},
          {"phone", i.phone},   {"status", i.status},         {"created_at", i.created_at},
          {"expires_at", i.expires_at}};
}

json TransferJson(const AdminTransfer& t) {
  return {{"id", t.id},
          {"org_id", t.org_id},
          {"from_account", t.from_account},
          {"from_name", t.from_name},
          {"to_account", t.to_account},
          {"to_name", t.to_name},
          {"status", t.status},
          {"letter_rendered", t.letter_rendered},
          {"signer_serial", t.signer_serial},
          {"created_at", t.created_at},
          {"decided_at", t.decided_at}};
}

// The base64 field `key` of a JSON body, decoded.
Result<Bytes> Base64Field(const HttpRequest& req, const char* key) {
  auto body = ParseJsonBody(req);
  if (!body) return Fail(body.error());
  auto text = RequiredString(*body, key);
  if (!text) return Fail(text.error());
  auto bytes = Base64Decode(*text);
  if (!bytes) return Fail(Bilingual(ErrorCode::kMalformed, "is not base64", "不是 base64 编码", key));
  return bytes;
}

template <typename T, typename F>
json Array(const std::vector<T>& items, F to_json) {
  json arr = json::array();
  for (const auto& i : items) arr.push_back(to_json(i));
  return arr;
}

// The OCR's proposal for the form; the person edits it before submitting.
json Prefill(ByteView licence) {
  auto fields = ReadBusinessLicence(licence);
  if (!fields) return {{"ocr_error", fields.error().message}};
  bool code_ok = !fields->credit_code.empty() && ValidateCreditCode(fields->credit_code).has_value();
  return {{"name", fields->name},
          {"credit_code", fields->credit_code},
          {"credit_code_valid", code_ok},
          {"legal_representative", fields->legal_representative},
          {"address", fields->address}};
}

using Kinds = std::vector<std::string_view>;
const Kinds kAnyIdentity;
const Kinds kNatural = {"natural_person"};
const Kinds kMember = {"administrator", "legal_representative", "employee"};
const Kinds kManager = {"administrator", "legal_representative"};
const Kinds kAdmin = {"administrator"};

// Wraps a handler that needs the caller's account acting as one of `kinds`
// (any when empty): the gate answers before the body is looked at.
template <typename F>
Handler WithAccount(AccountService& accounts, const Kinds& kinds, F f) {
  return [&accounts, &kinds, f](const HttpRequest& req) -> Result<HttpResponse> {
    auto account = accounts.Authenticate(req.BearerToken());
    if (!account) return Fail(account.error());
    if (!kinds.empty()) SEALKEY_RETURN_IF_ERROR(RequireIdentity(*account, kinds));
    return f(req, *account);
  };
}

Result<KycDecision> Decision(const HttpRequest& req) {
  auto body = ParseJsonBody(req);
  if (!body) return Fail(body.error());
  return ParseDecision(*body);
}

void RegisterPersonRoutes(Router& router, AccountService& accounts, OrgService& orgs) {
  router.Add("GET", "/api/v1/orgs/search",
             WithAccount(accounts, kNatural, [&orgs](const HttpRequest& req, const Account& a)
                                       -> Result<HttpResponse> {
               auto r = orgs.Search(a, req.QueryParam("name"), req.QueryParam("credit_code"));
               if (!r) return Fail(r.error());
               if (!r->found) return JsonResponse(200, {{"found", false}});
               return JsonResponse(200, {{"found", true},
                                         {"org", {{"id", r->org.id},
                                                  {"name", r->org.name},
                                                  {"credit_code", r->org.credit_code},
                                                  {"status", r->org.status}}}});
             }));
  router.Add("POST", "/api/v1/orgs/licence",
             WithAccount(accounts, kNatural, [&orgs](const HttpRequest& req, const Account& a)
                                       -> Result<HttpResponse> {
               auto body = ParseJsonBody(req);
               if (!body) return Fail(body.error());
               auto text = RequiredString(*body, "licence");
               if (!text) return Fail(text.error());
               auto bytes = Base64Decode(*text);
               if (!bytes) {
                 return Fail(Bilingual(ErrorCode::kMalformed, "is not base64", "不是 base64 编码",
                                       "licence"));
               }
               auto ref = orgs.StoreLicence(a, *bytes);
               if (!ref) return Fail(ref.error());
               return JsonResponse(201, {{"licence_id", ref->sha256},
                                         {"mime", ref->mime},
                                         {"size", ref->size},
                                         {"prefill", Prefill(*bytes)}});
             }));
  router.Add("POST", "/api/v1/orgs",
             WithAccount(accounts, kNatural, [&orgs](const HttpRequest& req, const Account& a)
                                       -> Result<HttpResponse> {
               auto body = ParseJsonBody(req);
               if (!body) return Fail(body.error());
               OrgApplication in;
               in.agreement_version = body->value("agreement_version", "");
               in.agreed = body->value("agreed", false);
               for (auto [key, out] : {std::pair{"name", &in.name},
                                       std::pair{"credit_code", &in.credit_code},
                                       std::pair{"address", &in.address},
                                       std::pair{"licence_id", &in.licence_id}}) {
                 auto v = RequiredString(*body, key);
                 if (!v) return Fail(v.error());
                 *out = *v;
               }
               const json rep = body->value("legal_rep", json::object());
               if (!rep.is_object()) {
                 return Fail(Bilingual(ErrorCode::kInvalidArgument, "must be an object",
                                       "须为对象", "legal_rep"));
               }
               in.legal_rep.name = rep.value("name", "");
               in.legal_rep.id_number = rep.value("id_number", "");
               in.legal_rep.phone = rep.value("phone", "");
               auto org = orgs.Create(a, in);
               if (!org) return Fail(org.error());
               return JsonResponse(201, OrgJson(*org, false));
             }));
  router.Add("GET", "/api/v1/me/organisations",
             WithAccount(accounts, kAnyIdentity, [&orgs](const HttpRequest&, const Account& a)
                                       -> Result<HttpResponse> {
               auto list = orgs.MyApplications(a);
               if (!list) return Fail(list.error());
               return JsonResponse(200, {{"organisations", Array(*list, [](const auto& o) {
                                            return OrgJson(o, false);
                                          })}});
             }));
  router.Add("POST", "/api/v1/orgs/{id}/join-requests",
             WithAccount(accounts, kNatural, [&orgs](const HttpRequest& req, const Account& a)
                                       -> Result<HttpResponse> {
               auto id = ParseId(req.Param("id"), "org_id");
               if (!id) return Fail(id.error());
               auto body = ParseJsonBody(req);
               if (!body) return Fail(body.error());
               auto r = orgs.RequestToJoin(a, *id, body->value("admin_name", ""),
                                           body->value("admin_phone", ""));
               if (!r) return Fail(r.error());
               return JsonResponse(201, JoinJson(*r));
             }));
  router.Add("GET", "/api/v1/me/join-requests",
             WithAccount(accounts, kAnyIdentity, [&orgs](const HttpRequest&, const Account& a)
                                       -> Result<HttpResponse> {
               auto list = orgs.MyJoinRequests(a);
               if (!list) return Fail(list.error());
               return JsonResponse(200, {{"join_requests", Array(*list, JoinJson)}});
             }));
  router.Add("GET", "/api/v1/me/invitations",
             WithAccount(accounts, kAnyIdentity, [&orgs](const HttpRequest&, const Account& a)
                                       -> Result<HttpResponse> {
               auto list = orgs.MyInvitations(a);
               if (!list) return Fail(list.error());
               return JsonResponse(200, {{"invitations", Array(*list, InvitationJson)}});
             }));
  for (bool accept : {true, false}) {
    router.Add("POST", accept ? "/api/v1/me/invitations/{id}/accept"
                              : "/api/v1/me/invitations/{id}/decline",
               WithAccount(accounts, kNatural, [&orgs, accept](const HttpRequest& req, const Account& a)
                                         -> Result<HttpResponse> {
                 auto id = ParseId(req.Param("id"), "invitation");
                 if (!id) return Fail(id.error());
                 auto inv = orgs.AnswerInvitation(a, *id, accept);
                 if (!inv) return Fail(inv.error());
                 return JsonResponse(200, InvitationJson(*inv));
               }));
  }
}

void RegisterManagementRoutes(Router& router, AccountService& accounts, OrgService& orgs) {
  router.Add("GET", "/api/v1/org",
             WithAccount(accounts, kMember, [&orgs](const HttpRequest&, const Account& a)
                                       -> Result<HttpResponse> {
               auto org = orgs.Current(a);
               if (!org) return Fail(org.error());
               return JsonResponse(200, OrgJson(*org, false));
             }));
  router.Add("GET", "/api/v1/org/members",
             WithAccount(accounts, kManager, [&orgs](const HttpRequest&, const Account& a)
                                       -> Result<HttpResponse> {
               auto list = orgs.Members(a);
               if (!list) return Fail(list.error());
               return JsonResponse(200, {{"members", Array(*list, MemberJson)}});
             }));
  router.Add("GET", "/api/v1/org/members/{id}",
             WithAccount(accounts, kManager, [&orgs](const HttpRequest& req, const Account& a)
                                       -> Result<HttpResponse> {
               auto id = ParseId(req.Param("id"), "identity_id");
               if (!id) return Fail(id.error());
               auto m = orgs.MemberDetail(a, *id);
               if (!m) return Fail(m.error());
               return JsonResponse(200, MemberJson(*m));
             }));
  router.Add("GET", "/api/v1/org/join-requests",
             WithAccount(accounts, kManager, [&orgs](const HttpRequest& req, const Account& a)
                                       -> Result<HttpResponse> {
               std::string status = req.QueryParam("status");
               auto list = orgs.JoinRequests(a, status.empty() ? "pending" : status);
               if (!list) return Fail(list.error());
               return JsonResponse(200, {{"join_requests", Array(*list, JoinJson)}});
             }));
  router.Add("POST", "/api/v1/org/join-requests/{id}/decision",
             WithAccount(accounts, kManager, [&orgs](const HttpRequest& req, const Account& a)
                                       -> Result<HttpResponse> {
               auto id = ParseId(req.Param("id"), "request");
               if (!id) return Fail(id.error());
               auto d = Decision(req);
               if (!d) return Fail(d.error());
               auto r = orgs.DecideJoin(a, *id, *d);
               if (!r) return Fail(r.error());
               return JsonResponse(200, JoinJson(*r));
             }));
  router.Add("GET", "/api/v1/org/invitations",
             WithAccount(accounts, kManager, [&orgs](const HttpRequest&, const Account& a)
                                       -> Result<HttpResponse> {
               auto list = orgs.Invitations(a);
               if (!list) return Fail(list.error());
               return JsonResponse(200, {{"invitations", Array(*list, InvitationJson)}});
             }));
  router.Add("POST", "/api/v1/org/invitations",
             WithAccount(accounts, kManager, [&orgs](const HttpRequest& req, const Account& a)
                                       -> Result<HttpResponse> {
               auto body = ParseJsonBody(req);
               if (!body) return Fail(body.error());
               auto phone = RequiredString(*body, "phone");
               if (!phone) return Fail(phone.error());
               auto inv = orgs.Invite(a, *phone);
               if (!inv) return Fail(inv.error());
               return JsonResponse(201, InvitationJson(*inv));
             }));
  router.Add("POST", "/api/v1/org/admin-transfer",
             WithAccount(accounts, kAdmin, [&orgs](const HttpRequest& req, const Account& a)
                                       -> Result<HttpResponse> {
               auto body = ParseJsonBody(req);
               if (!body) return Fail(body.error());
               auto to = RequiredId(*body, "to_identity_id");
               if (!to) return Fail(to.error());
               auto t = orgs.RequestAdminTransfer(a, *to);
               if (!t) return Fail(t.error());
               return JsonResponse(201, TransferJson(*t));
             }));
  router.Add("GET", "/api/v1/org/admin-transfer",
             WithAccount(accounts, kAdmin, [&orgs](const HttpRequest&, const Account& a)
                                       -> Result<HttpResponse> {
               auto t = orgs.LatestAdminTransfer(a);
               if (!t) return Fail(t.error());
               if (!*t) {
                 return Fail(Bilingual(ErrorCode::kNotFound, "no transfer is pending",
                                       "没有待处理的转让申请", "transfer"));
               }
               return JsonResponse(200, TransferJson(**t));
             }));
  router.Add("DELETE", "/api/v1/org/admin-transfer",
             WithAccount(accounts, kAdmin, [&orgs](const HttpRequest&, const Account& a)
                                       -> Result<HttpResponse> {
               SEALKEY_RETURN_IF_ERROR(orgs.CancelAdminTransfer(a));
               return NoContent();
             }));
  router.Add("POST", "/api/v1/org/admin-transfer/letter",
             WithAccount(accounts, kAdmin, [&orgs](const HttpRequest& req, const Account& a)
                                       -> Result<HttpResponse> {
               auto png = Base64Field(req, "signature");
               if (!png) return Fail(png.error());
               auto pdf = orgs.RenderTransferLetter(a, *png);
               if (!pdf) return Fail(pdf.error());
               auto t = orgs.PendingAdminTransfer(a);
               if (!t) return Fail(t.error());
               json out = {{"pdf", Base64Encode(*pdf)}};
               if (*t) out["transfer"] = TransferJson(**t);
               return JsonResponse(201, out);
             }));
  router.Add("POST", "/api/v1/org/admin-transfer/signature",
             WithAccount(accounts, kAdmin, [&orgs](const HttpRequest& req, const Account& a)
                                       -> Result<HttpResponse> {
               auto pdf = Base64Field(req, "pdf");
               if (!pdf) return Fail(pdf.error());
               auto t = orgs.CompleteAdminTransfer(a, *pdf);
               if (!t) return Fail(t.error());
               return JsonResponse(200, TransferJson(*t));
             }));
}

}  // namespace

void RegisterOrgRoutes(Router& router, AccountService& accounts, OrgService& orgs) {
  RegisterPersonRoutes(router, accounts, orgs);
  RegisterManagementRoutes(router, accounts, orgs);
}

}  // namespace sealkey::server
