#include "server/cert/cert_routes.h"

#include <nlohmann/json.hpp>

#include "base/encoding.h"
#include "server/cert/cert_json.h"

namespace sealkey::server {
namespace {

using nlohmann::json;

const std::vector<std::string_view> kAnyChosenIdentity = {"natural_person", "administrator",
                                                          "legal_representative", "employee"};

json NoticeJson(const CertNotice& n) {
  return {{"id", n.id},         {"kind", n.kind},           {"serial", n.serial},
          {"reason", n.reason}, {"created_by", n.created_by}, {"created_at", n.created_at}};
}

template <typename F>
Handler Person(AccountService& accounts, bool need_identity, F f) {
  return [&accounts, need_identity, f](const HttpRequest& req) -> Result<HttpResponse> {
    auto account = accounts.Authenticate(req.BearerToken());
    if (!account) return Fail(account.error());
    if (need_identity) SEALKEY_RETURN_IF_ERROR(RequireIdentity(*account, kAnyChosenIdentity));
    return f(req, *account);
  };
}

HttpResponse Binary(const char* type, const Bytes& der) {
  return HttpResponse{200, type, std::string(der.begin(), der.end()), {}};
}

}  // namespace

void RegisterCertRoutes(Router& router, AccountService& accounts, OperatorService& operators,
                        CaRegistry& cas, CertService& certs) {
  router.Add("GET", "/api/v1/cas", [&cas, &certs](const HttpRequest&) -> Result<HttpResponse> {
    json arr = json::array();
    for (const std::string& id : cas.Ids()) {
      auto chain = certs.ChainOf(id);
      arr.push_back({{"id", id},
                     {"certificate", chain.empty() ? "" : chain.front()},
                     {"chain", chain}});
    }
    return JsonResponse(200, {{"cas", arr}});
  });
  router.Add("POST", "/api/v1/certificates",
             Person(accounts, true, [&certs](const HttpRequest& req, const Account& a)
                                        -> Result<HttpResponse> {
               auto body = ParseJsonBody(req);
               if (!body) return Fail(body.error());
               auto profile = RequiredString(*body, "profile");
               if (!profile) return Fail(profile.error());
               auto csr = RequiredString(*body, "csr");
               if (!csr) return Fail(csr.error());
               auto bundle = certs.Issue(a, *profile, *csr, body->value("dual", false));
               if (!bundle) return Fail(bundle.error());
               return JsonResponse(201, BundleJson(*bundle));
             }));
  router.Add("GET", "/api/v1/certificates",
             Person(accounts, false, [&certs](const HttpRequest&, const Account& a)
                                         -> Result<HttpResponse> {
               auto list = certs.List(a);
               if (!list) return Fail(list.error());
               json arr = json::array();
               for (const auto& c : *list) arr.push_back(CertJson(c));
               return JsonResponse(200, {{"certificates", arr}});
             }));
  router.Add("GET", "/api/v1/certificates/{serial}",
             Person(accounts, false, [&certs](const HttpRequest& req, const Account& a)
                                         -> Result<HttpResponse> {
               auto c = certs.Get(a, req.Param("serial"));
               if (!c) return Fail(c.error());
               json out = CertJson(*c);
               out["chain"] = certs.ChainOf(c->ca_id);
               return JsonResponse(200, out);
             }));
  for (bool reissue : {false, true}) {
    router.Add("POST", reissue ? "/api/v1/certificates/{serial}/reissue"
                               : "/api/v1/certificates/{serial}/renew",
               Person(accounts, true, [&certs, reissue](const HttpRequest& req, const Account& a)
                                          -> Result<HttpResponse> {
                 auto body = ParseJsonBody(req);
                 if (!body) return Fail(body.error());
                 auto csr = RequiredString(*body, "csr");
                 if (!csr) return Fail(csr.error());
                 Result<IssuedBundle> bundle = Fail(ErrorCode::kInternal, "unreachable");
                 if (reissue) {
                   auto code = RequiredString(*body, "code");
                   if (!code) return Fail(code.error());
                   bundle = certs.Reissue(a, req.Param("serial"), *csr, *code);
                 } else {
                   bundle = certs.Renew(a, req.Param("serial"), *csr);
                 }
                 if (!bundle) return Fail(bundle.error());
                 return JsonResponse(201, BundleJson(*bundle));
               }));
  }
  router.Add("POST", "/api/v1/certificates/{serial}/revoke",
             Person(accounts, false, [&certs](const HttpRequest& req, const Account& a)
                                         -> Result<HttpResponse> {
               auto body = ParseJsonBody(req);
               if (!body) return Fail(body.error());
               SEALKEY_RETURN_IF_ERROR(certs.Revoke(&a, "account:" + std::to_string(a.id),
                                                    req.Param("serial"),
                                                    body->value("reason", "unspecified")));
               return NoContent();
             }));
  router.Add("POST", "/api/v1/operator/certificates/{serial}/revoke",
             [&operators, &certs](const HttpRequest& req) -> Result<HttpResponse> {
               auto op = operators.Authenticate(req.BearerToken());
               if (!op) return Fail(op.error());
               auto body = ParseJsonBody(req);
               if (!body) return Fail(body.error());
               SEALKEY_RETURN_IF_ERROR(certs.Revoke(nullptr, "operator:" + op->username,
                                                    req.Param("serial"),
                                                    body->value("reason", "unspecified")));
               return NoContent();
             });
  router.Add("POST", "/api/v1/operator/certificates/{serial}/reissue-notice",
             [&operators, &certs](const HttpRequest& req) -> Result<HttpResponse> {
               auto op = operators.Authenticate(req.BearerToken());
               if (!op) return Fail(op.error());
               auto body = ParseJsonBody(req);
               if (!body) return Fail(body.error());
               auto n = certs.NoticeReissue("operator:" + op->username, req.Param("serial"),
                                            body->value("reason", ""));
               if (!n) return Fail(n.error());
               return JsonResponse(201, NoticeJson(*n));
             });
  router.Add("GET", "/api/v1/me/notices",
             Person(accounts, false, [&certs](const HttpRequest&, const Account& a)
                                         -> Result<HttpResponse> {
               auto list = certs.OpenNotices(a);
               if (!list) return Fail(list.error());
               json arr = json::array();
               for (const auto& n : *list) arr.push_back(NoticeJson(n));
               return JsonResponse(200, {{"notices", arr}});
             }));
  router.Add("GET", "/crl/{file}", [&certs](const HttpRequest& req) -> Result<HttpResponse> {
    std::string file = req.Param("file");
    const std::string ext = ".crl";
    if (file.size() <= ext.size() || file.compare(file.size() - ext.size(), ext.size(), ext)) {
      return Fail(Bilingual(ErrorCode::kNotFound, "no such CRL", "没有该 CRL", "path"));
    }
    auto der = certs.Crl(file.substr(0, file.size() - ext.size()));
    if (!der) return Fail(der.error());
    return Binary("application/pkix-crl", *der);
  });
  router.Add("POST", "/ocsp", [&certs](const HttpRequest& req) -> Result<HttpResponse> {
    return Binary("application/ocsp-response", certs.Ocsp(AsBytes(req.body)));
  });
  router.Add("GET", "/ocsp/{request}", [&certs](const HttpRequest& req) -> Result<HttpResponse> {
    // RFC 6960 A.1: the DER request, base64, URL-encoded (the router has
    // already split the path, so '/' inside the base64 must be %2F).
    std::string text = req.Param("request");
    std::string decoded;
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '%' && i + 2 < text.size()) {
        decoded += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
        i += 2;
      } else {
        decoded += text[i];
      }
    }
    auto der = Base64Decode(decoded);
    Bytes answer = der ? certs.Ocsp(*der) : ca::OcspErrorResponse(1);
    return Binary("application/ocsp-response", answer);
  });
}

}  // namespace sealkey::server
