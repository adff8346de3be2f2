// B4: the role matrix. Every route of the platform is listed with who may
// call it; each is called as every kind of caller (anonymous, operator,
// a person with no identity chosen, natural person, administrator, legal
// representative, employee), and the gate must answer 401/403 exactly for
// the callers the matrix excludes. A route missing from the matrix fails the
// test, so a new endpoint cannot skip its role decision.
//
// Roles follow the manual: natural persons verify themselves, search,
// create and join organisations and answer invitations (4.4-4.6); the
// administrator and the legal representative manage "my organisation"
// (members, invitations, join requests; 4.9); only the administrator
// transfers the role (4.9.3); an employee sees the organisation only.
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "server/platform/platform.h"
#include "base/encoding.h"
#include "testutil/testutil.h"

namespace sealkey::server {
namespace {

using nlohmann::json;

enum Caller { kAnonymous, kOperator, kNoIdentity, kNatural, kAdmin, kLegalRep, kEmployee };
const char* const kCallerNames[] = {"anonymous", "operator", "no identity", "natural person",
                                    "administrator", "legal representative", "employee"};
using Callers = std::set<Caller>;

const Callers kPublic = {kAnonymous, kOperator, kNoIdentity, kNatural, kAdmin, kLegalRep, kEmployee};
const Callers kAnyPerson = {kNoIdentity, kNatural, kAdmin, kLegalRep, kEmployee};
const Callers kNaturalPerson = {kNatural};
const Callers kMember = {kAdmin, kLegalRep, kEmployee};
const Callers kManager = {kAdmin, kLegalRep};
const Callers kAdminOnly = {kAdmin};
const Callers kOperatorOnly = {kOperator};
const Callers kChosenIdentity = {kNatural, kAdmin, kLegalRep, kEmployee};
// The self-service business query (D8) takes its own token (phone, captcha,
// SMS code): no account or operator session opens it.
const Callers kSelfServiceSession = {};

const std::map<std::string, Callers>& Matrix() {
  static const std::map<std::string, Callers> m = {
      {"GET /api/v1/health", kPublic},
      {"GET /api/v1/openapi.yaml", kPublic},
      {"POST /api/v1/sms/codes", kPublic},
      {"POST /api/v1/auth/sms", kPublic},
      {"POST /api/v1/auth/password", kPublic},
      {"POST /api/v1/auth/password-reset", kPublic},
      {"POST /api/v1/auth/logout", kAnyPerson},
      {"GET /api/v1/me", kAnyPerson},
      {"POST /api/v1/me/password", kAnyPerson},
      {"POST /api/v1/me/deletion", kAnyPerson},
      {"DELETE /api/v1/me/deletion", kAnyPerson},
      {"GET /api/v1/me/identities", kAnyPerson},
      {"POST /api/v1/me/identity", kAnyPerson},
      {"DELETE /api/v1/me/identities/{id}", kAnyPerson},
      {"GET /api/v1/kyc", kAnyPerson},
      {"POST /api/v1/kyc", kNaturalPerson},
      {"GET /api/v1/orgs/search", kNaturalPerson},
      {"POST /api/v1/orgs/licence", kNaturalPerson},
      {"POST /api/v1/orgs", kNaturalPerson},
      {"POST /api/v1/orgs/{id}/join-requests", kNaturalPerson},
      {"GET /api/v1/me/organisations", kAnyPerson},
      {"GET /api/v1/me/join-requests", kAnyPerson},
      {"GET /api/v1/me/invitations", kAnyPerson},
      {"POST /api/v1/me/invitations/{id}/accept", kNaturalPerson},
      {"POST /api/v1/me/invitations/{id}/decline", kNaturalPerson},
      {"GET /api/v1/org", kMember},
      {"GET /api/v1/org/members", kManager},
      {"GET /api/v1/org/members/{id}", kManager},
      {"GET /api/v1/org/join-requests", kManager},
      {"POST /api/v1/org/join-requests/{id}/decision", kManager},
      {"GET /api/v1/org/invitations", kManager},
      {"POST /api/v1/org/invitations", kManager},
      {"POST /api/v1/org/admin-transfer", kAdminOnly},
      {"GET /api/v1/org/admin-transfer", kAdminOnly},
      {"DELETE /api/v1/org/admin-transfer", kAdminOnly},
      {"POST /api/v1/org/admin-transfer/letter", kAdminOnly},
      {"POST /api/v1/org/admin-transfer/signature", kAdminOnly},
      {"POST /api/v1/operator/session", kPublic},
      {"DELETE /api/v1/operator/session", kOperatorOnly},
      {"GET /api/v1/operator/me", kOperatorOnly},
      {"GET /api/v1/operator/kyc", kOperatorOnly},
      {"GET /api/v1/operator/kyc/{id}", kOperatorOnly},
      {"GET /api/v1/operator/kyc/{id}/photos/{side}", kOperatorOnly},
      {"POST /api/v1/operator/kyc/{id}/decision", kOperatorOnly},
      {"GET /api/v1/operator/orgs", kOperatorOnly},
      {"GET /api/v1/operator/orgs/{id}", kOperatorOnly},
      {"GET /api/v1/operator/orgs/{id}/licence", kOperatorOnly},
      {"POST /api/v1/operator/orgs/{id}/decision", kOperatorOnly},
      // Issue 6: the profile decides further who may hold which certificate
      // (personal: natural person; organisation: administrator or legal
      // representative; employee: any member), checked by CertService.
      {"GET /api/v1/cas", kPublic},
      {"POST /api/v1/certificates", kChosenIdentity},
      {"GET /api/v1/certificates", kAnyPerson},
      {"GET /api/v1/certificates/{serial}", kAnyPerson},
      {"POST /api/v1/certificates/{serial}/renew", kChosenIdentity},
      {"POST /api/v1/certificates/{serial}/reissue", kChosenIdentity},
      {"POST /api/v1/certificates/{serial}/revoke", kAnyPerson},
      {"POST /api/v1/operator/certificates/{serial}/revoke", kOperatorOnly},
      {"GET /crl/{file}", kPublic},
      {"POST /ocsp", kPublic},
      {"GET /ocsp/{request}", kPublic},
      // Issue 7: the product decides further which identities may order it.
      {"GET /api/v1/products", kPublic},
      {"POST /api/v1/operator/certificates/{serial}/reissue-notice", kOperatorOnly},
      {"GET /api/v1/me/notices", kAnyPerson},
      {"GET /api/v1/projects/{id}", kPublic},
      {"POST /api/v1/self-service/apply-code", kPublic},
      {"POST /api/v1/self-service/applications", kPublic},
      {"POST /api/v1/self-service/preregistered", kPublic},
      {"POST /api/v1/self-service/captcha", kPublic},
      {"POST /api/v1/self-service/query-code", kPublic},
      {"POST /api/v1/self-service/sessions", kPublic},
      {"GET /api/v1/self-service/applications", kSelfServiceSession},
      {"POST /api/v1/self-service/applications/{id}/install", kSelfServiceSession},
      {"POST /api/v1/self-service/applications/{id}/renew", kSelfServiceSession},
      {"GET /api/v1/operator/self-service/applications", kOperatorOnly},
      {"GET /api/v1/operator/self-service/applications/{id}", kOperatorOnly},
      {"POST /api/v1/operator/self-service/applications/{id}/approve", kOperatorOnly},
      {"POST /api/v1/operator/self-service/applications/{id}/reject", kOperatorOnly},
      {"POST /api/v1/operator/projects/{id}/preregistrations", kOperatorOnly},
      {"POST /api/v1/orders", kChosenIdentity},
      {"GET /api/v1/orders", kAnyPerson},
      {"GET /api/v1/orders/{id}", kAnyPerson},
      {"POST /api/v1/orders/{id}/agreement", kChosenIdentity},
      {"POST /api/v1/orders/{id}/form", kChosenIdentity},
      {"POST /api/v1/orders/{id}/confirm", kChosenIdentity},
      {"POST /api/v1/orders/{id}/form-template", kChosenIdentity},
      {"GET /api/v1/orders/{id}/form", kAnyPerson},
      {"POST /api/v1/orders/{id}/invoice", kChosenIdentity},
      {"POST /api/v1/orders/{id}/authorise", kChosenIdentity},
      {"POST /api/v1/orders/{id}/payer", kChosenIdentity},
      {"POST /api/v1/orders/{id}/pay", kChosenIdentity},
      {"POST /api/v1/orders/{id}/cancel", kChosenIdentity},
      {"POST /api/v1/orders/{id}/installed", kChosenIdentity},
      {"POST /api/v1/payments/notify/{provider}", kPublic},  // signed by the provider
      {"GET /sandbox/pay/{ref}", kPublic},
      {"POST /sandbox/pay/{ref}/confirm", kPublic},
      {"POST /api/v1/operator/products", kOperatorOnly},
      {"POST /api/v1/operator/projects", kOperatorOnly},
      {"GET /api/v1/operator/orders", kOperatorOnly},
      {"POST /api/v1/operator/orders/{id}/transfer", kOperatorOnly},
      {"POST /api/v1/operator/orders/{id}/review", kOperatorOnly},
      {"POST /api/v1/operator/statements", kOperatorOnly},
      {"POST /api/v1/operator/receiving-account", kOperatorOnly},
      {"GET /api/v1/invoices", kAnyPerson},
      {"GET /api/v1/seals", kAnyPerson},
      {"GET /api/v1/seals/{id}", kAnyPerson},
      {"POST /api/v1/invoices/{id}/retry", kAnyPerson},
      {"GET /api/v1/invoices/{id}/pdf", kAnyPerson},
      {"POST /api/v1/operator/invoice-seller", kOperatorOnly},
  };
  return m;
}

class RoleMatrixTest : public ::testing::Test {
 protected:
  void SetUp() override {
    PlatformOptions o;
    o.data_dir = dir_.File("data");
    o.review_mode = "auto";
    o.payment_provider = "sandbox";
    o.purge_in_background = false;
    auto p = Platform::Create(o, clock_);
    ASSERT_OK(p);
    platform_ = std::move(*p);
  }

  struct Answer {
    int status = 0;
    json body;
  };
  Answer Call(const std::string& method, const std::string& path, const std::string& token,
              const json& body = json::object()) {
    HttpRequest req;
    req.method = method;
    size_t q = path.find('?');
    req.path = path.substr(0, q);
    if (q != std::string::npos) req.query = path.substr(q + 1);
    if (!token.empty()) req.headers["authorization"] = "Bearer " + token;
    req.headers["accept-language"] = "en";
    req.body = body.dump();
    req.client_ip = "127.0.0.1";
    HttpResponse res = platform_->router().Dispatch(req);
    json doc = json::parse(res.body, nullptr, false);
    return {res.status, doc.is_discarded() ? json() : doc};
  }
  std::string LastCode() {
    std::ifstream in(dir_.File("data/outbox/sms.jsonl"));
    std::string line, last;
    while (std::getline(in, line)) last = line;
    return json::parse(last)["code"];
  }
  // Registers and logs in; returns the bearer token.
  std::string Login(const std::string& phone) {
    clock_.Advance(std::chrono::seconds(61));  // past the resend window of the last code
    EXPECT_EQ(Call("POST", "/api/v1/sms/codes", "", {{"phone", phone}, {"purpose", "login"}}).status, 202);
    auto t = Call("POST", "/api/v1/auth/sms", "", {{"phone", phone}, {"code", LastCode()}});
    auto s = Call("POST", "/api/v1/auth/password", "",
                  {{"ticket", t.body["ticket"]}, {"password", "Pass-word1"}});
    EXPECT_EQ(s.status, 200) << s.body.dump();
    return s.body["token"];
  }
  void Verify(const std::string& token, const std::string& phone, const std::string& name,
              const std::string& id_number) {
    Call("POST", "/api/v1/sms/codes", "", {{"phone", phone}, {"purpose", "verify_phone"}});
    std::string jpeg = Base64Encode(Bytes{0xff, 0xd8, 0xff, 0xe0, 1});
    auto r = Call("POST", "/api/v1/kyc", token,
                  {{"agreement_version", "2026.1"}, {"agreed", true}, {"name", name},
                   {"id_number", id_number}, {"phone", phone}, {"code", LastCode()},
                   {"front_image", jpeg}, {"back_image", jpeg}});
    ASSERT_EQ(r.status, 201) << r.body.dump();
    ASSERT_EQ(r.body["status"], "verified");
  }
  int64_t Identity(const std::string& token, const std::string& kind) {
    auto list = Call("GET", "/api/v1/me/identities", token);
    for (const auto& i : list.body["identities"]) {
      if (i["kind"] == kind) return i["id"];
    }
    return 0;
  }
  void Switch(const std::string& token, const std::string& kind) {
    auto r = Call("POST", "/api/v1/me/identity", token, {{"identity_id", Identity(token, kind)}});
    ASSERT_EQ(r.status, 200) << kind << r.body.dump();
  }

  testing::TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<Platform> platform_;
};

TEST_F(RoleMatrixTest, EveryRouteAdmitsExactlyItsRoles) {
  // The cast: alice creates the organisation (administrator); dave is its
  // legal representative and joins; bob joins as employee; erin is a
  // verified natural person outside it.
  std::string alice = Login("13200132001"), bob = Login("13200132002"),
              dave = Login("13200132004"), erin = Login("13200132005");
  Verify(alice, "13200132001", "张三", "110101198001010010");
  Verify(bob, "13200132002", "李四", "110101198505050024");
  Verify(dave, "13200132004", "赵六", "350102197507070041");
  Verify(erin, "13200132005", "王芳", "440106199003030034");
  auto licence = Call("POST", "/api/v1/orgs/licence", alice,
                      {{"licence", Base64Encode(Bytes{'%', 'P', 'D', 'F', '-', '1', '.', '4'})}});
  ASSERT_EQ(licence.status, 201) << licence.body.dump();
  auto org = Call("POST", "/api/v1/orgs", alice,
                  {{"agreement_version", "2026.1"}, {"agreed", true}, {"name", "示例科技有限公司"},
                   {"credit_code", "91440101MA5ABCDE1M"}, {"address", "广州市海珠区某路1号"},
                   {"licence_id", licence.body["licence_id"]},
                   {"legal_rep", {{"name", "赵六"}, {"id_number", "350102197507070041"},
                                  {"phone", "13200132004"}}}});
  ASSERT_EQ(org.status, 201) << org.body.dump();
  ASSERT_EQ(org.body["status"], "approved");  // review mode auto
  Switch(alice, "administrator");
  std::string org_path = "/api/v1/orgs/" + std::to_string(org.body["id"].get<int64_t>());
  for (const std::string& who : {bob, dave}) {
    auto r = Call("POST", org_path + "/join-requests", who,
                  {{"admin_name", "张三"}, {"admin_phone", "13200132001"}});
    ASSERT_EQ(r.status, 201) << r.body.dump();
    auto d = Call("POST", "/api/v1/org/join-requests/" + std::to_string(r.body["id"].get<int64_t>()) +
                              "/decision", alice, {{"decision", "approve"}});
    ASSERT_EQ(d.status, 200) << d.body.dump();
  }
  EXPECT_EQ(Identity(dave, "employee"), 0);  // his ID number is the legal representative's
  Switch(dave, "legal_representative");
  Switch(bob, "employee");
  std::string none = Login("13200132001");  // alice again: two identities, none chosen yet
  ASSERT_EQ(Call("GET", "/api/v1/me", none).body["identity_id"], 0);
  ASSERT_OK(platform_->operators().Create("matrix", SecureBuffer::FromString("Operator-pw1")));
  auto op = platform_->operators().Login("matrix", SecureBuffer::FromString("Operator-pw1"));
  ASSERT_OK(op);
  std::map<Caller, std::string> tokens = {{kAnonymous, ""},   {kOperator, op->token},
                                          {kNoIdentity, none}, {kNatural, erin},
                                          {kAdmin, alice},     {kLegalRep, dave},
                                          {kEmployee, bob}};

  auto routes = platform_->router().Routes();
  // Logouts last: they end the sessions the other checks use.
  std::stable_partition(routes.begin(), routes.end(), [](const std::string& r) {
    return r.find("logout") == std::string::npos && r != "DELETE /api/v1/operator/session";
  });
  int checked = 0;
  for (const std::string& route : routes) {
    auto it = Matrix().find(route);
    ASSERT_NE(it, Matrix().end()) << route << " has no entry in the role matrix";
    if (it->second == kPublic) continue;
    std::string method = route.substr(0, route.find(' '));
    std::string path = route.substr(route.find(' ') + 1);
    for (auto [from, to] : {std::pair{"{id}", "999999"}, std::pair{"{side}", "front"},
                            std::pair{"{serial}", "ABCDEF"}}) {
      for (size_t p; (p = path.find(from)) != std::string::npos;) path.replace(p, strlen(from), to);
    }
    for (auto [caller, token] : tokens) {
      if (route.find("logout") != std::string::npos || route == "DELETE /api/v1/operator/session") {
        // A fresh session per call, so the next caller still has one.
        if (caller == kNatural) token = Login("13200132005");
        if (caller == kOperator) {
          token = platform_->operators().Login("matrix", SecureBuffer::FromString("Operator-pw1"))->token;
        }
      }
      auto a = Call(method, path, token);
      bool gated = a.status == 401 || a.status == 403;
      bool allowed = it->second.count(caller) > 0;
      EXPECT_EQ(gated, !allowed) << route << " as " << kCallerNames[caller] << " answered "
                                 << a.status << " " << a.body.dump();
      if (a.status == 403) {
        EXPECT_EQ(a.body["field"], "identity") << route << " as " << kCallerNames[caller];
      }
      ++checked;
    }
  }
  EXPECT_GE(checked, 7 * 35);
  // And the matrix names no route that does not exist.
  for (const auto& [route, callers] : Matrix()) {
    EXPECT_NE(std::find(routes.begin(), routes.end(), route), routes.end()) << route;
  }
}

// Licence uploads (B6): checked by content and size before anything is
// stored; a bad one leaves the blob store as it was.
class LicenceUploadTest : public RoleMatrixTest {};

TEST_F(LicenceUploadTest, FakeOrOversizedLicencesAreRefusedAndNotStored) {
  std::string alice = Login("13200132001");
  Verify(alice, "13200132001", "张三", "110101198001010010");
  auto count_blobs = [&] {
    int n = 0;
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(dir_.File("data/blobs"), ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); ++it) {
      n += it->is_regular_file();
    }
    return n;
  };
  int before = count_blobs();  // the two ID photos
  Bytes big(10 * 1024 * 1024 + 1, 0);
  big[0] = 0xff, big[1] = 0xd8, big[2] = 0xff;
  for (const auto& [bytes, why] :
       {std::pair{AsBytes("MZ not a licence"), "fake type"}, std::pair{ByteView(big), "too large"},
        std::pair{ByteView(), "empty"}}) {
    auto r = Call("POST", "/api/v1/orgs/licence", alice, {{"licence", Base64Encode(bytes)}});
    EXPECT_EQ(r.status, 400) << why << r.body.dump();
    EXPECT_EQ(r.body["field"], "licence") << why;
  }
  auto not_base64 = Call("POST", "/api/v1/orgs/licence", alice, {{"licence", "%%%"}});
  EXPECT_EQ(not_base64.body["code"], "malformed");
  EXPECT_EQ(count_blobs(), before);
  // A licence id that was never uploaded cannot be used.
  auto org = Call("POST", "/api/v1/orgs", alice,
                  {{"agreement_version", "2026.1"}, {"agreed", true}, {"name", "示例科技有限公司"},
                   {"credit_code", "91440101MA5ABCDE1M"}, {"address", "广州市海珠区某路1号"},
                   {"licence_id", std::string(64, 'a')},
                   {"legal_rep", {{"name", "张三"}, {"id_number", "110101198001010010"},
                                  {"phone", "13200132001"}}}});
  EXPECT_EQ(org.status, 404);
  EXPECT_EQ(org.body["field"], "licence_id");
}

}  // namespace
}  // namespace sealkey::server
