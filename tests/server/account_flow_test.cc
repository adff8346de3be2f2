// Every account flow of the platform (MISSION B1-B3) through the real
// `sealkey` CLI against a real sealkeyd, on SQLite and on PostgreSQL: new and
// returning numbers, the password policy, password lockout, the SMS code
// rules, forgotten and changed passwords, and malformed requests.
//
// sealkeyd has no test clock, so time passes by shifting every timestamp it
// stored back by the same amount (TimePasses), which is what a later clock
// looks like to the server.
#include <ctime>
#include <filesystem>
#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>
#include <sys/stat.h>

#include "client/platform_client.h"
#include "testutil/server_harness.h"

namespace sealkey {
namespace {

using nlohmann::json;
using testing::CommandResult;

enum class Backend { kSqlite, kPostgres };
const char* BackendName(Backend b) { return b == Backend::kSqlite ? "SQLite" : "PostgreSQL"; }
void PrintTo(Backend b, std::ostream* os) { *os << BackendName(b); }

// One PostgreSQL cluster per test binary, started by the first test that
// needs it; each test gets its own database.
class PostgresEnvironment : public ::testing::Environment {
 public:
  static testing::Postgres& Get() {
    if (!instance_) instance_ = std::make_unique<testing::Postgres>();
    return *instance_;
  }
  void TearDown() override { instance_.reset(); }

 private:
  static inline std::unique_ptr<testing::Postgres> instance_;
};
[[maybe_unused]] ::testing::Environment* const kPostgresEnvironment =
    ::testing::AddGlobalTestEnvironment(new PostgresEnvironment);

constexpr char kPassword[] = "Passw0rd!";
constexpr char kNewPassword[] = "N3w-Passw0rd";

std::string E164(const std::string& phone) { return "+86" + phone; }

class AccountFlowTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    std::string database;
    if (GetParam() == Backend::kPostgres) {
      static int databases = 0;
      db_name_ = "account_flow_" + std::to_string(++databases);
      database = PostgresEnvironment::Get().CreateDatabase(db_name_);
    }
    server_ = std::make_unique<testing::Sealkeyd>(database);
  }
  void TearDown() override { server_.reset(); }

  std::string Home(const std::string& home) { return tmp_.File(home); }

  // sealkey with SEALKEY_HOME=<tmp>/home and English messages; `stdin_data`
  // feeds --password-stdin. setsid: no terminal to prompt on.
  CommandResult SkAt(const std::string& home, std::vector<std::string> args,
                     const std::string& stdin_data = "", std::vector<std::string> env = {}) {
    std::vector<std::string> argv = {"setsid",
                                     "-w",
                                     "env",
                                     "-u",
                                     "SEALKEY_PASSWORD",
                                     "-u",
                                     "SEALKEY_NEW_PASSWORD",
                                     "SEALKEY_HOME=" + Home(home),
                                     "SEALKEY_LANG=en"};
    argv.insert(argv.end(), env.begin(), env.end());
    argv.push_back(testing::BinPath("sealkey"));
    argv.insert(argv.end(), args.begin(), args.end());
    return testing::RunCommand(argv, stdin_data);
  }
  // The same against this test's server (--server URL).
  CommandResult Sk(std::vector<std::string> args, const std::string& stdin_data = "",
                   const std::string& home = "a", std::vector<std::string> env = {}) {
    args.insert(args.begin(), {"--server", server_->url()});
    return SkAt(home, args, stdin_data, env);
  }
  json SkJson(std::vector<std::string> args, const std::string& stdin_data = "",
              const std::string& home = "a") {
    args.insert(args.begin(), "--json");
    auto r = Sk(args, stdin_data, home);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out, nullptr, false);
  }
  // A command that must fail: its --json error object {code, field, message}.
  json SkError(std::vector<std::string> args, const std::string& stdin_data = "",
               const std::string& home = "a") {
    args.insert(args.begin(), "--json");
    auto r = Sk(args, stdin_data, home);
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    json j = json::parse(r.err, nullptr, false);
    return j.is_object() && j.contains("error") ? j["error"] : json{{"raw", r.err}};
  }

  std::string SendCode(const std::string& phone, const std::string& purpose = "login") {
    auto r = Sk({"sms", "send", "--phone", phone, "--purpose", purpose});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return server_->LatestSmsCode(E164(phone), purpose);
  }
  CommandResult Login(const std::string& phone, const std::string& password,
                      const std::string& home = "a") {
    std::string code = SendCode(phone);
    return Sk({"login", "--phone", phone, "--code", code, "--password-stdin"}, password + "\n",
              home);
  }
  json LoginError(const std::string& phone, const std::string& password) {
    std::string code = SendCode(phone);
    return SkError({"login", "--phone", phone, "--code", code, "--password-stdin"},
                   password + "\n");
  }

  // The server's clock moves `seconds` ahead (see the file comment).
  void TimePasses(int seconds) {
    std::string s = std::to_string(seconds);
    std::string sql =
        "UPDATE sms_codes SET created_at = created_at - " + s + ", expires_at = expires_at - " + s +
        "; UPDATE login_tickets SET expires_at = expires_at - " + s +
        "; UPDATE sessions SET created_at = created_at - " + s + ", expires_at = expires_at - " +
        s + "; UPDATE accounts SET created_at = created_at - " + s +
        "; UPDATE accounts SET locked_until = locked_until - " + s + " WHERE locked_until > 0;";
    if (GetParam() == Backend::kPostgres) {
      PostgresEnvironment::Get().Psql(db_name_, sql);
      return;
    }
    sqlite3* db = nullptr;
    std::string path = server_->data_dir() + "/sealkeyd.db";
    ASSERT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
    sqlite3_busy_timeout(db, 10000);
    char* error = nullptr;
    int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
    std::string why = error ? error : "";
    sqlite3_free(error);
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK) << why;
  }

  std::string SessionToken(const std::string& home = "a") {
    auto bytes = testing::ReadFileOrDie(Home(home) + "/session.json");
    return json::parse(AsChars(bytes)).value("token", "");
  }

  testing::TempDir tmp_;
  std::string db_name_;
  std::unique_ptr<testing::Sealkeyd> server_;
};

TEST_P(AccountFlowTest, NewNumberRegistersSetsAPasswordAndLogsOut) {
  json sent = SkJson({"sms", "send", "--phone", "138 0013 8000", "--purpose", "login"});
  EXPECT_EQ(sent["phone"], "+8613800138000");
  EXPECT_EQ(sent["expires_in"], 300);
  EXPECT_EQ(sent["resend_after"], 60);
  auto outbox = server_->SmsOutbox();
  ASSERT_EQ(outbox.size(), 1u);
  EXPECT_EQ(outbox[0].purpose, "login");
  EXPECT_EQ(outbox[0].code.size(), 6u);
  EXPECT_NE(outbox[0].text.find(outbox[0].code), std::string::npos);

  // Weak passwords, each on a fresh number (one code per number a minute).
  struct Weak {
    std::string phone, password, message;
  } weak[] = {
      {"13800000001", "Ab1!", "password: must be 8 to 16 characters (got 4)"},
      {"13800000002", "Abcdefgh12345678!", "password: must be 8 to 16 characters (got 17)"},
      {"13800000003", "abcdefgh", "add 2 more of: upper-case letters, digits, special characters"},
      {"13800000004", "abcd1234", "add 1 more of: upper-case letters, special characters"},
  };
  for (const auto& w : weak) {
    SCOPED_TRACE(w.password);
    auto r = Login(w.phone, w.password);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("sealkey: error: "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(w.message), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(Home("a") + "/session.json"));
  }

  std::string code = server_->LatestSmsCode("+8613800138000", "login");
  json login = SkJson({"login", "--phone", "+86 138-0013-8000", "--code", code, "--password-stdin"},
                      std::string(kPassword) + "\n");
  EXPECT_EQ(login["new_account"], true);
  EXPECT_EQ(login["account"]["phone"], "+8613800138000");
  EXPECT_EQ(login["account"]["has_password"], true);
  EXPECT_GT(login["expires_at"].get<int64_t>(), time(nullptr));
  std::string token = SessionToken();
  EXPECT_GE(token.size(), 40u);
  EXPECT_EQ(login.dump().find(token), std::string::npos) << "the token must not be printed";
  struct stat st {};
  ASSERT_EQ(stat((Home("a") + "/session.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  json me = SkJson({"whoami"});
  EXPECT_EQ(me["phone"], "+8613800138000");
  EXPECT_EQ(me["id"], login["account"]["id"]);
  EXPECT_EQ(me["has_password"], true);
  auto plain = Sk({"whoami"});
  EXPECT_NE(plain.out.find("+8613800138000"), std::string::npos) << plain.out;

  // The token only ever goes to the server that issued it.
  auto elsewhere = SkAt("a", {"--server", "http://127.0.0.1:9", "whoami"});
  EXPECT_EQ(elsewhere.exit_code, 1);
  EXPECT_NE(elsewhere.err.find("session: logged in to " + server_->url() + "/api/v1, not to"),
            std::string::npos)
      << elsewhere.err;

  auto saved = testing::ReadFileOrDie(Home("a") + "/session.json");
  auto out = Sk({"logout"});
  EXPECT_EQ(out.exit_code, 0) << out.err;
  EXPECT_FALSE(std::filesystem::exists(Home("a") + "/session.json"));
  auto after = Sk({"whoami"});
  EXPECT_EQ(after.exit_code, 1);
  EXPECT_EQ(after.err,
            "sealkey: error: session: not logged in; run `sealkey login --phone NUMBER`\n");
  // The server ended the session too: the old token is refused (401).
  testing::WriteFile(Home("a") + "/session.json", saved);
  json refused = SkError({"whoami"});
  EXPECT_EQ(refused["code"], "unauthenticated");
  EXPECT_EQ(refused["field"], "authorization");
}

TEST_P(AccountFlowTest, ReturningNumberGivesItsPasswordAndLocksAfterFiveWrong) {
  const std::string phone = "13900139000";
  ASSERT_EQ(Login(phone, kPassword).exit_code, 0);
  ASSERT_EQ(Sk({"logout"}).exit_code, 0);
  TimePasses(61);
  std::string code = SendCode(phone);
  json again = SkJson({"login", "--phone", phone, "--code", code, "--password-stdin"},
                      std::string(kPassword) + "\n");
  EXPECT_EQ(again["new_account"], false);
  EXPECT_EQ(again["account"]["phone"], E164(phone));
  ASSERT_EQ(Sk({"logout"}).exit_code, 0);

  for (int wrong = 1; wrong <= 5; ++wrong) {
    SCOPED_TRACE(wrong);
    TimePasses(61);
    json e = LoginError(phone, "Wr0ng-password");
    EXPECT_EQ(e["field"], "password");
    if (wrong < 5) {
      EXPECT_EQ(e["code"], "pin_incorrect");
      EXPECT_EQ(e["message"], "wrong password; " + std::to_string(5 - wrong) + " tries left");
    } else {
      EXPECT_EQ(e["code"], "pin_locked");
      EXPECT_EQ(e["message"], "wrong password; the account is now locked for 15 min");
    }
  }
  TimePasses(61);
  json locked = LoginError(phone, kPassword);
  EXPECT_EQ(locked["code"], "pin_locked");
  EXPECT_NE(locked["message"].get<std::string>().find("the account is locked for 14 min"),
            std::string::npos)
      << locked;
  EXPECT_FALSE(std::filesystem::exists(Home("a") + "/session.json"));

  TimePasses(15 * 60);
  auto unlocked = Login(phone, kPassword);
  EXPECT_EQ(unlocked.exit_code, 0) << unlocked.err;
}

TEST_P(AccountFlowTest, SmsCodeRules) {
  // Five wrong codes are counted; the sixth try fails even with the right one.
  std::string code = SendCode("13700137000");
  std::string wrong = code == "000000" ? "111111" : "000000";
  for (int left = 4; left >= 0; --left) {
    json e = SkError({"login", "--phone", "13700137000", "--code", wrong}, kPassword);
    EXPECT_EQ(e["code"], "verify_failed");
    EXPECT_EQ(e["field"], "code");
    EXPECT_EQ(e["message"], "wrong code; " + std::to_string(left) + " attempts left");
  }
  json sixth = SkError({"login", "--phone", "13700137000", "--code", code}, kPassword);
  EXPECT_EQ(sixth["message"], "too many wrong attempts; request a new code");

  // A code is used once.
  code = SendCode("13700137001");
  auto first = Sk({"login", "--phone", "13700137001", "--code", code, "--password-stdin"},
                  std::string(kPassword) + "\n");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  json reused = SkError({"login", "--phone", "13700137001", "--code", code}, kPassword);
  EXPECT_EQ(reused["field"], "code");
  EXPECT_EQ(reused["message"], "no unused code was sent to this number; request a new one");

  // Valid for 5 minutes: a code 290 s old works, one 301 s old does not.
  // (Real seconds pass while the CLI runs, so this keeps a 10 s margin; the
  // exact 300 s boundary is tested with a fake clock in account_time_test.)
  std::string fresh = SendCode("13700137002");
  std::string stale = SendCode("13700137003");
  TimePasses(290);
  auto in_time = Sk({"login", "--phone", "13700137002", "--code", fresh, "--password-stdin"},
                    std::string(kPassword) + "\n", "b");
  EXPECT_EQ(in_time.exit_code, 0) << in_time.err;
  TimePasses(11);
  json expired = SkError({"login", "--phone", "13700137003", "--code", stale}, kPassword);
  EXPECT_EQ(expired["field"], "code");
  EXPECT_EQ(expired["message"], "the code has expired; request a new one");

  // No new code within 60 s (429), then one a minute, at most 10 a day.
  SendCode("13700137004");
  auto soon = Sk({"sms", "send", "--phone", "13700137004", "--purpose", "login"});
  EXPECT_EQ(soon.exit_code, 1);
  EXPECT_NE(soon.err.find("sealkey: error: phone: a code was just sent; ask again in "),
            std::string::npos)
      << soon.err;
  EXPECT_EQ(SkError({"sms", "send", "--phone", "13700137004", "--purpose", "login"})["code"],
            "rate_limited");
  auto api = client::PlatformClient::Create({.server = server_->url()});
  ASSERT_OK(api);
  auto raw = api->Send("POST", "/sms/codes", R"({"phone": "13700137004", "purpose": "login"})");
  ASSERT_OK(raw);
  EXPECT_EQ(raw->status, 429);
  for (int sent = 1; sent < 10; ++sent) {
    TimePasses(61);
    SendCode("13700137004");
  }
  TimePasses(61);
  json daily = SkError({"sms", "send", "--phone", "13700137004", "--purpose", "login"});
  EXPECT_EQ(daily["code"], "rate_limited");
  EXPECT_EQ(daily["message"], "too many codes for this number today");

  for (std::string bad : {"12345", "1380013800", "23800138000", "138001380001", "1380013800a",
                          "+86 12800138000", "+1 415 555 0100", "８１３８００１３８０００"}) {
    SCOPED_TRACE(bad);
    json e = SkError({"sms", "send", "--phone", bad, "--purpose", "login"});
    EXPECT_EQ(e["code"], "invalid_argument");
    EXPECT_EQ(e["field"], "phone");
    EXPECT_EQ(SkError({"login", "--phone", bad, "--code", "123456"})["field"], "phone");
  }
  auto us = Sk({"sms", "send", "--phone", "+1 415 555 0100", "--purpose", "login"});
  EXPECT_EQ(us.err, "sealkey: error: phone: only mainland China (+86) numbers\n");
  auto short_code = Sk({"login", "--phone", "13700137009", "--code", "12345"});
  EXPECT_EQ(short_code.err, "sealkey: error: code: must be 6 digits\n");
  auto zh =
      Sk({"login", "--phone", "13700137009", "--code", "12345"}, "", "a", {"SEALKEY_LANG=zh_CN"});
  EXPECT_EQ(zh.err, "sealkey: error: code: 须为 6 位数字\n");
  EXPECT_EQ(Sk({"sms", "send", "--phone", "13700137009", "--purpose", "signup"}).exit_code, 2);
}

TEST_P(AccountFlowTest, ForgottenPasswordIsResetAndEndsEverySession) {
  const std::string phone = "13600136000";
  ASSERT_EQ(Login(phone, kPassword).exit_code, 0);
  std::string code = SendCode(phone, "reset_password");
  // A weak new password is refused without using the code up.
  json weak = SkError({"password", "reset", "--phone", phone, "--code", code, "--password-stdin"},
                      "Ab1!x\n");
  EXPECT_EQ(weak["field"], "new_password");
  EXPECT_EQ(weak["message"], "must be 8 to 16 characters (got 5)");
  json wrong_code = SkError({"password", "reset", "--phone", phone, "--code",
                             code == "000000" ? "111111" : "000000", "--password-stdin"},
                            std::string(kNewPassword) + "\n");
  EXPECT_EQ(wrong_code["field"], "code");
  auto reset = Sk({"password", "reset", "--phone", phone, "--code", code}, "", "b",
                  {std::string("SEALKEY_NEW_PASSWORD=") + kNewPassword});
  ASSERT_EQ(reset.exit_code, 0) << reset.err;

  json ended = SkError({"whoami"});  // the session stored before the reset
  EXPECT_EQ(ended["code"], "unauthenticated");
  TimePasses(61);
  json old_password = LoginError(phone, kPassword);
  EXPECT_EQ(old_password["code"], "pin_incorrect");
  TimePasses(61);
  auto new_password = Login(phone, kNewPassword);
  EXPECT_EQ(new_password.exit_code, 0) << new_password.err;
  EXPECT_EQ(SkJson({"whoami"})["phone"], E164(phone));
}

TEST_P(AccountFlowTest, ChangedPasswordEndsEverySession) {
  const std::string phone = "13500135000";
  ASSERT_EQ(Login(phone, kPassword, "a").exit_code, 0);
  TimePasses(61);
  ASSERT_EQ(Login(phone, kPassword, "b").exit_code, 0);
  json anonymous = SkError({"password", "change", "--code", "123456"}, "", "c");
  EXPECT_EQ(anonymous["field"], "session");

  std::string code = SendCode(phone, "change_password");
  json bad = SkError(
      {"password", "change", "--code", code == "000000" ? "111111" : "000000", "--password-stdin"},
      std::string(kNewPassword) + "\n");
  EXPECT_EQ(bad["field"], "code");
  EXPECT_EQ(SkJson({"whoami"}, "", "b")["phone"], E164(phone)) << "nothing changed yet";

  auto change = Sk({"password", "change", "--code", code, "--password-stdin"},
                   std::string(kNewPassword) + "\n");
  ASSERT_EQ(change.exit_code, 0) << change.err;
  EXPECT_FALSE(std::filesystem::exists(Home("a") + "/session.json"));
  EXPECT_EQ(SkError({"whoami"}, "", "b")["code"], "unauthenticated");
  TimePasses(61);
  EXPECT_EQ(LoginError(phone, kPassword)["code"], "pin_incorrect");
  TimePasses(61);
  auto relogin = Login(phone, kNewPassword);
  EXPECT_EQ(relogin.exit_code, 0) << relogin.err;
}

TEST_P(AccountFlowTest, BadRequestsNameTheFieldAndChangeNothing) {
  auto api = client::PlatformClient::Create({.server = server_->url(), .accept_language = "en"});
  ASSERT_OK(api);
  auto health = api->GetHealth();
  ASSERT_OK(health);
  EXPECT_EQ(health->database, GetParam() == Backend::kSqlite ? "sqlite" : "postgresql");

  struct Case {
    const char* method;
    const char* path;
    const char* body;
    long status;
    const char* code;
    const char* field;
  } cases[] = {
      {"POST", "/sms/codes", "{", 400, "malformed", "body"},
      {"POST", "/sms/codes", "[\"13800138000\"]", 400, "malformed", "body"},
      {"POST", "/sms/codes", "", 400, "malformed", "body"},
      {"POST", "/sms/codes", "{}", 400, "invalid_argument", "phone"},
      {"POST", "/sms/codes", R"({"phone": "13800138000"})", 400, "invalid_argument", "purpose"},
      {"POST", "/sms/codes", R"({"phone": 13800138000, "purpose": "login"})", 400,
       "invalid_argument", "phone"},
      {"POST", "/sms/codes", R"({"phone": "13800138000", "purpose": "signup"})", 400,
       "invalid_argument", "purpose"},
      {"POST", "/auth/sms", R"({"phone": "13800138000"})", 400, "invalid_argument", "code"},
      {"POST", "/auth/sms", R"({"phone": "13800138000", "code": "12ab56"})", 400,
       "invalid_argument", "code"},
      {"POST", "/auth/password", "{}", 400, "invalid_argument", "ticket"},
      {"POST", "/auth/password", R"({"ticket": "x"})", 400, "invalid_argument", "password"},
      {"POST", "/auth/password", R"({"ticket": "forged", "password": "Passw0rd!"})", 401,
       "unauthenticated", "ticket"},
      {"POST", "/auth/password-reset", R"({"phone": "13800138000", "code": "123456"})", 400,
       "invalid_argument", "new_password"},
      {"GET", "/me", "", 401, "unauthenticated", "authorization"},
      {"POST", "/me/password", R"({"code": "123456", "new_password": "N3w-Passw0rd"})", 401,
       "unauthenticated", "authorization"},
      {"POST", "/auth/logout", "", 401, "unauthenticated", "authorization"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.method) + " " + c.path + " " + c.body);
    auto r = api->Send(c.method, c.path, c.body);
    ASSERT_OK(r);
    EXPECT_EQ(r->status, c.status);
    EXPECT_NE(r->content_type.find("application/problem+json"), std::string::npos);
    json problem = json::parse(r->body, nullptr, false);
    ASSERT_TRUE(problem.is_object()) << r->body;
    EXPECT_EQ(problem["code"], c.code);
    EXPECT_EQ(problem["field"], c.field);
    EXPECT_EQ(problem["status"], c.status);
    EXPECT_FALSE(problem.value("message", "").empty());
  }

  // The client maps problems to errors, and a dead server to kIo naming it.
  auto bad_code = api->VerifySmsCode("13800138000", "12ab56");
  EXPECT_ERROR_CODE(bad_code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad_code.error().field, "code");
  auto dead = client::PlatformClient::Create({.server = "http://127.0.0.1:9"});
  ASSERT_OK(dead);
  auto unreachable = dead->GetHealth();
  EXPECT_ERROR_CODE(unreachable, ErrorCode::kIo);
  EXPECT_NE(unreachable.error().message.find("http://127.0.0.1:9/api/v1/health"),
            std::string::npos);
  EXPECT_ERROR_CODE(client::PlatformClient::Create({.server = "http://example.com"}),
                    ErrorCode::kInvalidArgument);

  // Nothing was sent, stored or rate-limited by the refused requests.
  EXPECT_TRUE(server_->SmsOutbox().empty());
  std::string code = SendCode("13800138000");
  auto ticket = api->VerifySmsCode("13800138000", code);
  ASSERT_OK(ticket);
  EXPECT_TRUE(ticket->new_account);
  EXPECT_EQ(ticket->next_step, "set_password");
}

TEST_P(AccountFlowTest, AccountDeletionIsScheduledAndCancelled) {
  const std::string phone = "13300133000";
  ASSERT_EQ(Login(phone, kPassword).exit_code, 0);
  auto api = client::PlatformClient::Create({.server = server_->url(), .accept_language = "en"});
  ASSERT_OK(api);
  api->set_token(SecureBuffer::FromString(SessionToken()));
  std::string code = SendCode(phone, "delete_account");
  auto wrong = api->RequestDeletion(code == "000000" ? "111111" : "000000");
  EXPECT_ERROR_CODE(wrong, ErrorCode::kVerifyFailed);
  auto effective = api->RequestDeletion(code);
  ASSERT_OK(effective);
  EXPECT_NEAR(*effective, time(nullptr) + 15 * 24 * 3600, 60);
  auto me = api->GetMe();
  ASSERT_OK(me);
  EXPECT_EQ(me->deletion_effective_at, *effective);
  EXPECT_EQ(SkJson({"whoami"})["deletion_effective_at"], *effective);
  EXPECT_OK(api->CancelDeletion());
  EXPECT_ERROR_CODE(api->CancelDeletion(), ErrorCode::kNotFound);
  EXPECT_EQ(SkJson({"whoami"})["deletion_effective_at"], 0);
}

TEST_P(AccountFlowTest, ConfigSetsTheServer) {
  EXPECT_EQ(SkAt("a", {"config", "set", "server", server_->url()}).exit_code, 0);
  auto shown = SkAt("a", {"--json", "config", "show"});
  json config = json::parse(shown.out, nullptr, false);
  EXPECT_EQ(config["server"], server_->url());
  EXPECT_EQ(config["server_source"], "config");
  auto sent = SkAt("a", {"sms", "send", "--phone", "13800138000", "--purpose", "login"});
  EXPECT_EQ(sent.exit_code, 0) << sent.err;
  auto plain = SkAt("a", {"config", "set", "server", "http://sealkey.example.com"});
  EXPECT_EQ(plain.exit_code, 1);
  EXPECT_NE(plain.err.find("sealkey: error: server: "), std::string::npos) << plain.err;
  EXPECT_EQ(SkAt("a", {"config", "set", "server", "not a url"}).exit_code, 1);
  // Other settings survive.
  EXPECT_EQ(SkAt("a", {"settings", "set", "pin-cache", "5m"}).exit_code, 0);
  json settings = json::parse(SkAt("a", {"--json", "settings", "show"}).out, nullptr, false);
  EXPECT_EQ(settings["pin_cache_minutes"], 5);
  EXPECT_EQ(json::parse(SkAt("a", {"--json", "config", "show"}).out)["server"], server_->url());
}

INSTANTIATE_TEST_SUITE_P(Backends, AccountFlowTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                           return std::string(BackendName(info.param));
                         });

}  // namespace
}  // namespace sealkey
