// sealkeyd units: input policy (phone numbers, B2 passwords), problem JSON,
// every route documented in the OpenAPI file, provider webhooks, graceful
// shutdown.
#include <csignal>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "base/encoding.h"
#include "crypto/mac.h"
#include "server/account/policy.h"
#include "server/http/router.h"
#include "server/platform/platform.h"
#include "testutil/testutil.h"
#include "webhook_receiver.h"

namespace sealkey::server {
namespace {

TEST(PhoneTest, NormalisesMainlandNumbersToE164) {
  for (const char* ok : {"13800138000", "138 0013 8000", "+86 138-0013-8000", "8613800138000",
                         "+8619912345678"}) {
    auto p = NormalizePhone(ok);
    ASSERT_OK(p);
    EXPECT_EQ(p->substr(0, 3), "+86") << ok;
    EXPECT_EQ(p->size(), 14u) << ok;
  }
  for (const char* bad : {"", "12800138000", "1380013800", "138001380000", "+1 2025550123",
                          "1380013800a", "+8612800138000"}) {
    auto p = NormalizePhone(bad);
    ASSERT_FALSE(p) << bad;
    EXPECT_EQ(p.error().field, "phone") << bad;
    EXPECT_FALSE(p.error().message_zh.empty());
  }
}

TEST(PasswordPolicyTest, SaysWhatIsMissing) {
  auto check = [](const char* pw) { return CheckPasswordPolicy(SecureBuffer::FromString(pw)); };
  EXPECT_OK(check("Abcdef12"));
  EXPECT_OK(check("abcdef1!"));
  EXPECT_OK(check("密码Abc12345"));  // non-ASCII counts as "other", length in characters
  auto short_pw = check("Ab1!");
  ASSERT_FALSE(short_pw);
  EXPECT_NE(short_pw.error().message.find("8 to 16 characters (got 4)"), std::string::npos);
  auto long_pw = check("Abcdefgh12345678X");
  ASSERT_FALSE(long_pw);
  EXPECT_NE(long_pw.error().message.find("got 17"), std::string::npos);
  auto two = check("abcdefgh1");
  ASSERT_FALSE(two);
  EXPECT_NE(two.error().message.find("add 1 more of: upper-case letters, special characters"),
            std::string::npos)
      << two.error().message;
  auto one = check("abcdefgh");
  ASSERT_FALSE(one);
  EXPECT_NE(one.error().message.find("add 2 more of"), std::string::npos);
  EXPECT_EQ(one.error().field, "password");
}

TEST(ProblemJsonTest, StatusCodeFieldAndLanguage) {
  Error e = Bilingual(ErrorCode::kRateLimited, "slow down", "请稍后再试", "phone");
  auto zh = ProblemResponse(e, Lang::kZh);
  EXPECT_EQ(zh.status, 429);
  EXPECT_EQ(zh.content_type, "application/problem+json");
  auto j = nlohmann::json::parse(zh.body);
  EXPECT_EQ(j["code"], "rate_limited");
  EXPECT_EQ(j["field"], "phone");
  EXPECT_EQ(j["message"], "请稍后再试");
  EXPECT_EQ(nlohmann::json::parse(ProblemResponse(e, Lang::kEn).body)["message"], "slow down");
  HttpRequest req;
  req.headers["accept-language"] = "en-US,en;q=0.9";
  EXPECT_EQ(req.lang(), Lang::kEn);
  req.headers["accept-language"] = "zh-CN,zh;q=0.9,en;q=0.8";
  EXPECT_EQ(req.lang(), Lang::kZh);
}

TEST(RouterTest, PathParametersAndQueries) {
  Router r;
  auto echo = [](const char* tag) {
    return [tag](const HttpRequest& req) -> Result<HttpResponse> {
      return JsonResponse(200, {{"tag", tag}, {"id", req.Param("id")}, {"side", req.Param("side")},
                                {"q", req.QueryParam("q")}});
    };
  };
  r.Add("GET", "/orgs/{id}", echo("pattern"));  // added first, still loses to the literal
  r.Add("GET", "/orgs/search", echo("literal"));
  r.Add("GET", "/kyc/{id}/photos/{side}", echo("two"));
  auto get = [&](const std::string& path, const std::string& query = "") {
    HttpRequest req;
    req.method = "GET";
    req.path = path;
    req.query = query;
    auto res = r.Dispatch(req);
    return std::pair{res.status, nlohmann::json::parse(res.body)};
  };
  EXPECT_EQ(get("/orgs/search").second["tag"], "literal");
  EXPECT_EQ(get("/orgs/42").second["id"], "42");
  auto two = get("/kyc/7/photos/front", "x=1&q=%E5%BC%A0+%E4%B8%89&q=2");
  EXPECT_EQ(two.second["side"], "front");
  EXPECT_EQ(two.second["q"], "张 三");  // percent-decoded; the first value wins
  EXPECT_EQ(get("/orgs/").first, 404);      // a parameter is never empty
  EXPECT_EQ(get("/orgs/1/2").first, 404);   // nor spans segments
  EXPECT_EQ(get("/kyc/7/photos").first, 404);
  // A body member of the wrong type is the caller's 400, not a 500.
  r.Add("POST", "/typed", [](const HttpRequest& req) -> Result<HttpResponse> {
    auto body = ParseJsonBody(req);
    if (!body) return Fail(body.error());
    return JsonResponse(200, {{"dual", body->value("dual", false)}});
  });
  HttpRequest typed;
  typed.method = "POST";
  typed.path = "/typed";
  typed.body = R"({"dual": "yes"})";
  auto wrong = r.Dispatch(typed);
  EXPECT_EQ(wrong.status, 400);
  EXPECT_EQ(nlohmann::json::parse(wrong.body)["field"], "body");
  EXPECT_OK(ParseId("42", "id"));
  for (const char* bad : {"", "0", "01", "-1", "1x", "9999999999999999999"}) {
    EXPECT_ERROR_CODE(ParseId(bad, "id"), ErrorCode::kInvalidArgument);
  }
}

TEST(RouterTest, UnknownPathsAndMethodsAndBadBodies) {
  Router r;
  r.Add("POST", "/x", [](const HttpRequest& req) -> Result<HttpResponse> {
    auto body = ParseJsonBody(req);
    if (!body) return Fail(body.error());
    auto name = RequiredString(*body, "name");
    if (!name) return Fail(name.error());
    return JsonResponse(200, {{"name", *name}});
  });
  HttpRequest req{"POST", "/x", "", {}, "{\"name\":\"ok\"}", ""};
  EXPECT_EQ(r.Dispatch(req).status, 200);
  req.body = "not json";
  auto bad = r.Dispatch(req);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(nlohmann::json::parse(bad.body)["field"], "body");
  req.body = "{}";
  EXPECT_EQ(nlohmann::json::parse(r.Dispatch(req).body)["field"], "name");
  req.method = "GET";
  EXPECT_EQ(r.Dispatch(req).status, 405);
  req.path = "/nope";
  EXPECT_EQ(r.Dispatch(req).status, 404);
}

// Every implemented route must be in docs/api/openapi.yaml (and served).
TEST(OpenApiTest, EveryRouteIsDocumented) {
  testing::TempDir dir;
  PlatformOptions o;
  o.data_dir = dir.File("data");
  auto platform = Platform::Create(o);
  ASSERT_OK(platform);
  std::string yaml = kOpenApiYaml;
  // path -> methods documented under it
  std::map<std::string, std::set<std::string>> documented;
  std::istringstream in(yaml);
  std::string line, current;
  std::regex path_re("^  (/[^:]*):\\s*$"), method_re("^    (get|post|put|delete|patch):");
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_match(line, m, path_re)) current = m[1];
    else if (!current.empty() && std::regex_search(line, m, method_re)) documented[current].insert(m[1]);
  }
  auto routes = (*platform)->router().Routes();
  ASSERT_GE(routes.size(), 9u);
  for (const auto& route : routes) {
    std::string method = route.substr(0, route.find(' '));
    std::string path = route.substr(route.find(' ') + 1);
    // API routes are documented relative to the /api/v1 server; the few that
    // are not under it (CRL, OCSP) under their full path, with a path-level
    // `servers:` override.
    std::string rel = path.rfind("/api/v1", 0) == 0 ? path.substr(7) : path;
    for (char& c : method) c = static_cast<char>(std::tolower(c));
    EXPECT_TRUE(documented[rel].count(method)) << route << " is not in openapi.yaml";
  }
  // And the document the server serves is the file in docs/.
  std::ifstream file(std::string(SEALKEY_TESTDATA_DIR) + "/../../docs/api/openapi.yaml");
  std::stringstream text;
  text << file.rdbuf();
  EXPECT_EQ(text.str(), yaml);
}

// --sms-webhook / --mail-webhook: codes leave through a real HTTP receiver,
// signed; a refusal is the API caller's 503; --sms-per-client-per-day applies.
TEST(PlatformWebhookTest, SmsCodesAndMailGoThroughTheWebhooks) {
  testing::TempDir dir;
  testing::WebhookReceiver receiver;
  std::string secret = "platform-webhook-secret-0123";
  testing::WriteFile(dir.File("secret"), AsBytes(secret + "\n"));
  PlatformOptions o;
  o.data_dir = dir.File("data");
  o.purge_in_background = false;
  auto field_of = [](const PlatformOptions& bad) {
    auto p = Platform::Create(bad);
    return p ? std::string("(created)") : p.error().field;
  };
  PlatformOptions bad = o;
  bad.sms_webhook = "ftp://sms.example.com/";
  EXPECT_EQ(field_of(bad), "--sms-webhook");
  bad = o;
  bad.webhook_secret_file = dir.File("secret");
  EXPECT_EQ(field_of(bad), "--webhook-secret-file");  // a secret without a webhook
  bad = o;
  bad.sms_per_client_per_day = 0;
  EXPECT_EQ(field_of(bad), "--sms-per-client-per-day");

  o.sms_webhook = receiver.url("/sms");
  o.mail_webhook = receiver.url("/mail");
  o.webhook_secret_file = dir.File("secret");
  o.sms_per_client_per_day = 2;
  auto platform = Platform::Create(o);
  ASSERT_OK(platform);
  const Router& router = (*platform)->router();
  auto post = [&router](const std::string& path, const nlohmann::json& body, const char* ip) {
    HttpRequest req{"POST", path, "", {}, body.dump(), ip};
    return router.Dispatch(req);
  };
  auto ask_code = [&post](const char* phone, const char* ip) {
    return post("/api/v1/sms/codes", {{"phone", phone}, {"purpose", "login"}}, ip);
  };
  auto sent = ask_code("13800138000", "10.0.0.1");
  ASSERT_EQ(sent.status, 202) << sent.body;
  auto got = receiver.requests();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].target, "/sms");
  auto body = nlohmann::json::parse(got[0].body);
  EXPECT_EQ(body["to"], "+8613800138000");
  std::smatch code;
  std::string text = body["text"];
  ASSERT_TRUE(std::regex_search(text, code, std::regex("[0-9]{6}"))) << text;
  std::string ts = got[0].headers["x-sealkey-timestamp"];
  EXPECT_EQ(got[0].headers["x-sealkey-signature"],
            "sha256=" + HexEncode(crypto::Hmac(crypto::HashAlg::kSha256, AsBytes(secret),
                                               AsBytes(ts + "." + got[0].body))));
  EXPECT_FALSE(std::ifstream(dir.File("data/outbox/sms.jsonl")).good());  // no outbox
  auto login =
      post("/api/v1/auth/sms", {{"phone", "13800138000"}, {"code", code.str()}}, "10.0.0.1");
  EXPECT_EQ(login.status, 200) << login.body;

  // The per-client cap (2 here): the third number from the same address is refused.
  EXPECT_EQ(ask_code("13800138001", "10.0.0.1").status, 202);
  auto capped = ask_code("13800138002", "10.0.0.1");
  EXPECT_EQ(capped.status, 429) << capped.body;

  receiver.set_status(500);
  auto refused = ask_code("13900139000", "10.0.0.2");
  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_EQ(nlohmann::json::parse(refused.body)["code"], "io_error");
  EXPECT_NE(refused.body.find("HTTP 500"), std::string::npos) << refused.body;

  receiver.set_status(200);
  // The refused code was withdrawn: asking again at once is not "too soon".
  EXPECT_EQ(ask_code("13900139000", "10.0.0.2").status, 202);
  MailMessage mail{"alice@example.com", "hello", "text", {}, 1};
  ASSERT_OK((*platform)->mail().Send(mail));
  got = receiver.requests();
  ASSERT_EQ(got.back().target, "/mail");
  EXPECT_EQ(nlohmann::json::parse(got.back().body)["type"], "mail");
}

TEST(SealkeydProcessTest, StartsOnAFreePortAndStopsCleanlyOnSigterm) {
  testing::TempDir dir;
  // Bad options fail with one line and exit code 1 or 2.
  auto bad = testing::RunCommand({testing::BinPath("sealkeyd"), "serve", "--data-dir",
                                  dir.File("d"), "--listen", "127.0.0.1"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("--listen: must be ADDRESS:PORT"), std::string::npos) << bad.err;
  auto bad_db = testing::RunCommand({testing::BinPath("sealkeyd"), "serve", "--data-dir",
                                     dir.File("d"), "--listen", "127.0.0.1:0", "--database",
                                     "postgresql://nobody@127.0.0.1:1/none"});
  EXPECT_EQ(bad_db.exit_code, 1);
  EXPECT_NE(bad_db.err.find("cannot open the database"), std::string::npos) << bad_db.err;
  // A real start and SIGTERM: "timeout -s TERM 1" stops it after a second.
  auto run = testing::RunCommand({"timeout", "--preserve-status", "-s", "TERM", "1",
                                  testing::BinPath("sealkeyd"),
                                  "serve", "--data-dir", dir.File("d"), "--listen",
                                  "127.0.0.1:0"});
  EXPECT_EQ(run.exit_code, 0) << run.err;  // a graceful stop exits 0
  EXPECT_NE(run.out.find("sealkeyd listening on http://127.0.0.1:"), std::string::npos);
  EXPECT_NE(run.err.find("sealkeyd: stopped"), std::string::npos);
}

}  // namespace
}  // namespace sealkey::server
