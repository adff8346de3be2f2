// sealkeyd units: input policy (phone numbers, B2 passwords), problem JSON,
// every route documented in the OpenAPI file, graceful shutdown.
#include <csignal>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "server/account/policy.h"
#include "server/http/router.h"
#include "server/platform/platform.h"
#include "testutil/testutil.h"

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
    ASSERT_EQ(path.rfind("/api/v1", 0), 0u) << route;
    std::string rel = path.substr(7);
    for (char& c : method) c = static_cast<char>(std::tolower(c));
    EXPECT_TRUE(documented[rel].count(method)) << route << " is not in openapi.yaml";
  }
  // And the document the server serves is the file in docs/.
  std::ifstream file(std::string(SEALKEY_TESTDATA_DIR) + "/../../docs/api/openapi.yaml");
  std::stringstream text;
  text << file.rdbuf();
  EXPECT_EQ(text.str(), yaml);
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
