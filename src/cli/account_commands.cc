// The platform account (MISSION B1-B3) against sealkeyd:
//   sealkey config set server URL | config unset server | config show
//   sealkey sms send --phone P --purpose login|reset_password|change_password|delete_account|
//                                        verify_phone
//   sealkey login --phone P [--code C] [--password-stdin]
//   sealkey logout | whoami
//   sealkey password reset --phone P [--code C] [--password-stdin]   (forgotten)
//   sealkey password change [--code C] [--password-stdin]            (logged in)
// Without --code the command asks the server for an SMS code and reads it
// from the terminal. Passwords come from SEALKEY_PASSWORD (login) or
// SEALKEY_NEW_PASSWORD (reset, change), else a line of stdin with
// --password-stdin, else a prompt without echo; never from argv.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/account_session.h"
#include "cli/api_call.h"
#include "cli/command.h"
#include "cli/media_call.h"
#include "cli/output.h"
#include "cli/secrets.h"
#include "client/platform_client.h"
#include "client/profile.h"

namespace sealkey::cli {

static Result<client::PlatformClient> NewClient(const std::string& server) {
  return client::PlatformClient::Create(
      {.server = server, .accept_language = CurrentLang() == Lang::kZh ? "zh-CN" : "en"});
}

Result<Connection> Connect(const GlobalOptions& g) {
  auto profile = OpenProfile();
  if (!profile) return Fail(profile.error());
  auto settings = profile->LoadSettings();
  if (!settings) return Fail(settings.error());
  std::string server = !g.server.empty()           ? g.server
                       : !settings->server.empty() ? settings->server
                                                   : client::kDefaultServer;
  auto api = NewClient(server);
  if (!api) return Fail(api.error());
  return Connection{std::move(*profile), std::move(*api)};
}

Result<client::StoredSession> UseSession(Connection& c) {
  auto stored = c.profile.LoadSession();
  if (!stored) return Fail(stored.error());
  if (!*stored) {
    return Fail(ErrorCode::kPermissionDenied,
                std::string(Tr("not logged in; run `sealkey login --phone NUMBER`",
                               "未登录；请运行 `sealkey login --phone 手机号`")),
                "session");
  }
  if ((*stored)->server != c.api.api_root()) {
    return Fail(ErrorCode::kPermissionDenied,
                std::string(Tr("logged in to ", "已登录的是 ")) + (*stored)->server +
                    std::string(Tr(", not to ", "，而不是 ")) + c.api.api_root(),
                "session");
  }
  c.api.set_token((*stored)->token.Clone());
  return std::move(**stored);
}

// One line from the terminal (SMS codes are not secret enough to hide).
Result<std::string> PromptLine(std::string_view prompt, std::string_view flag) {
  std::unique_ptr<FILE, int (*)(FILE*)> tty(std::fopen("/dev/tty", "r+"), std::fclose);
  if (!tty) {
    std::string f(flag);
    return Fail(ErrorCode::kInvalidArgument,
                std::string(Tr("no terminal to ask on: pass ", "没有终端可输入：请使用 ")) + f,
                f.substr(2));
  }
  std::fprintf(tty.get(), "%.*s: ", static_cast<int>(prompt.size()), prompt.data());
  std::fflush(tty.get());
  std::string line;
  int c;
  while ((c = std::fgetc(tty.get())) != EOF && c != '\n') line.push_back(static_cast<char>(c));
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

Result<Connection> ConnectWithSession(const GlobalOptions& g) {
  auto c = Connect(g);
  if (!c) return Fail(c.error());
  auto session = UseSession(*c);
  if (!session) return Fail(session.error());
  return c;
}

Result<std::string> ObtainCode(Connection& c, const std::string& phone, const std::string& code,
                               std::string_view purpose) {
  if (!code.empty()) return code;
  auto sent = c.api.SendSmsCode(phone, purpose);
  if (!sent) return Fail(sent.error());
  std::cerr << Tr("An SMS code was sent to ", "短信验证码已发送至 ") << sent->phone << "\n";
  return PromptLine(Tr("SMS code", "短信验证码"), "--code");
}

namespace {

using nlohmann::json;

struct AccountOptions {
  std::string phone;
  std::string code;
  std::string purpose;
  bool password_stdin = false;
};


// Reads a password and runs `use` with it. On a terminal, a password the
// server refuses for that same field (the policy) is asked again, 3 times.
template <typename F>
auto WithPassword(const SecretSpec& spec, bool from_stdin, F&& use)
    -> decltype(use(std::declval<const SecureBuffer&>())) {
  const char* env = std::getenv(spec.env);
  bool interactive = !from_stdin && !(env && *env);
  for (int attempt = 1;; ++attempt) {
    auto password = ReadSecret(spec, from_stdin);
    if (!password) return Fail(password.error());
    auto result = use(*password);
    if (result || !interactive || attempt == 3 || result.error().field != spec.field) {
      return result;
    }
    std::cerr << "sealkey: " << result.error().message << "\n";
  }
}

json AccountJson(const client::Account& a) {
  return {{"id", a.id},
          {"phone", a.phone},
          {"created_at", a.created_at},
          {"has_password", a.has_password},
          {"deletion_effective_at", a.deletion_effective_at},
          {"identity_id", a.identity_id}};
}

void PrintAccount(const client::Account& a) {
  std::cout << PadLabel(Tr("Phone", "手机号"), 14) << a.phone << "\n"
            << PadLabel(Tr("Account", "账户编号"), 14) << a.id << "\n";
  if (a.created_at > 0) {
    std::cout << PadLabel(Tr("Registered", "注册时间"), 14) << FormatLocalTime(a.created_at)
              << "\n";
  }
  std::cout << PadLabel(Tr("Password", "密码"), 14)
            << (a.has_password ? Tr("set", "已设置") : Tr("not set", "未设置")) << "\n";
  if (a.deletion_effective_at > 0) {
    std::cout << PadLabel(Tr("Deleted on", "注销时间"), 14)
              << FormatLocalTime(a.deletion_effective_at) << "\n";
  }
}

Status SendCode(const GlobalOptions& g, const AccountOptions& o) {
  auto c = Connect(g);
  if (!c) return Fail(c.error());
  auto sent = c->api.SendSmsCode(o.phone, o.purpose);
  if (!sent) return Fail(sent.error());
  if (g.json) {
    PrintJson({{"phone", sent->phone},
               {"expires_in", sent->expires_in},
               {"resend_after", sent->resend_after}});
  } else {
    std::cout << Tr("SMS code sent to ", "短信验证码已发送至 ") << sent->phone
              << Tr("; valid ", "；有效期 ") << sent->expires_in
              << Tr(" s, a new one after ", " 秒，") << sent->resend_after
              << Tr(" s.", " 秒后可重新获取。") << "\n";
  }
  return Ok();
}

Status Login(const GlobalOptions& g, const AccountOptions& o) {
  auto c = Connect(g);
  if (!c) return Fail(c.error());
  auto code = ObtainCode(*c, o.phone, o.code, "login");
  if (!code) return Fail(code.error());
  auto ticket = c->api.VerifySmsCode(o.phone, *code);
  if (!ticket) return Fail(ticket.error());
  bool set_password = ticket->next_step == "set_password";
  if (!set_password && ticket->next_step != "password") {
    return Fail(ErrorCode::kInternal,
                "the server asks for an unknown step '" + ticket->next_step + "'; update sealkey");
  }
  SecretSpec spec{
      set_password ? "New password (8-16 characters, 3 of upper, lower, digit, other)" : "Password",
      "SEALKEY_PASSWORD", "password", set_password};
  auto session = WithPassword(spec, o.password_stdin || g.pin_stdin, [&](const SecureBuffer& pw) {
    return c->api.SubmitPassword(ticket->ticket, pw);
  });
  if (!session) return Fail(session.error());
  SEALKEY_RETURN_IF_ERROR(c->profile.SaveSession(
      {c->api.api_root(), std::move(session->token), session->expires_at, session->account.phone}));
  // B11: what the platform asks of this account is shown at login (a
  // failure to fetch it does not undo the login).
  size_t notices = 0;
  if (auto n = ApiCall(g, Principal::kPerson, "GET", "/me/notices"); n && n->contains("notices")) {
    notices = (*n)["notices"].size();
  }
  if (g.json) {
    PrintJson({{"account", AccountJson(session->account)},
               {"expires_at", session->expires_at},
               {"new_account", ticket->new_account},
               {"notices", notices}});
  } else {
    std::cout << Tr("Logged in as ", "已登录：") << session->account.phone;
    if (set_password) std::cout << Tr(" (new account, password set)", "（新账户，密码已设置）");
    std::cout << "\n";
    if (notices) {
      std::cout << notices
                << Tr(" notice(s): certificates to reissue; see `sealkey cert notices`",
                      " 条通知：有证书需补发；请查看 `sealkey cert notices`")
                << "\n";
    }
  }
  return Ok();
}

Status Logout(const GlobalOptions& g) {
  auto profile = OpenProfile();
  if (!profile) return Fail(profile.error());
  auto stored = profile->LoadSession();
  if (stored && !*stored) {
    if (!g.json) std::cout << Tr("Not logged in.", "未登录。") << "\n";
    return Ok();
  }
  // A damaged session file is removed all the same.
  Status told = Ok();
  if (stored) {
    auto api = NewClient((*stored)->server);
    if (api) {
      api->set_token((*stored)->token.Clone());
      told = api->Logout();
    }
  }
  SEALKEY_RETURN_IF_ERROR(profile->RemoveSession());
  // The server no longer knowing the token (401) is what logout wants.
  if (!told && told.error().code == ErrorCode::kIo) {
    return Fail(ErrorCode::kIo,
                std::string(Tr("logged out here, but the server was not told: ",
                               "本机已登出，但未能通知服务器：")) +
                    told.error().message,
                "server");
  }
  if (!g.json) std::cout << Tr("Logged out.", "已登出。") << "\n";
  return Ok();
}

Status WhoAmI(const GlobalOptions& g) {
  auto c = Connect(g);
  if (!c) return Fail(c.error());
  auto session = UseSession(*c);
  if (!session) return Fail(session.error());
  auto me = c->api.GetMe();
  if (!me) return Fail(me.error());
  if (g.json) {
    json out = AccountJson(*me);
    out["server"] = c->api.api_root();
    out["session_expires_at"] = session->expires_at;
    PrintJson(out);
  } else {
    PrintAccount(*me);
  }
  return Ok();
}

const SecretSpec kNewPassword{"New password (8-16 characters, 3 of upper, lower, digit, other)",
                              "SEALKEY_NEW_PASSWORD", "new_password", true};

Status ResetPassword(const GlobalOptions& g, const AccountOptions& o) {
  auto c = Connect(g);
  if (!c) return Fail(c.error());
  auto code = ObtainCode(*c, o.phone, o.code, "reset_password");
  if (!code) return Fail(code.error());
  SEALKEY_RETURN_IF_ERROR(WithPassword(
      kNewPassword, o.password_stdin || g.pin_stdin,
      [&](const SecureBuffer& pw) { return c->api.ResetPassword(o.phone, *code, pw); }));
  if (!g.json) {
    std::cout << Tr("Password reset; every session of the account has ended. Log in again.",
                    "密码已重置，该账户的所有会话均已结束，请重新登录。")
              << "\n";
  }
  return Ok();
}

Status ChangePassword(const GlobalOptions& g, const AccountOptions& o) {
  auto c = Connect(g);
  if (!c) return Fail(c.error());
  auto session = UseSession(*c);
  if (!session) return Fail(session.error());
  std::string code = o.code;
  if (code.empty()) {
    auto me = c->api.GetMe();
    if (!me) return Fail(me.error());
    auto typed = ObtainCode(*c, me->phone, "", "change_password");
    if (!typed) return Fail(typed.error());
    code = *typed;
  }
  SEALKEY_RETURN_IF_ERROR(
      WithPassword(kNewPassword, o.password_stdin || g.pin_stdin,
                   [&](const SecureBuffer& pw) { return c->api.ChangePassword(code, pw); }));
  SEALKEY_RETURN_IF_ERROR(c->profile.RemoveSession());  // the server ended it
  if (!g.json) {
    std::cout << Tr("Password changed; every session has ended. Log in again.",
                    "密码已修改，所有会话均已结束，请重新登录。")
              << "\n";
  }
  return Ok();
}

Status ShowConfig(const GlobalOptions& g) {
  auto profile = OpenProfile();
  if (!profile) return Fail(profile.error());
  auto settings = profile->LoadSettings();
  if (!settings) return Fail(settings.error());
  std::string server = client::kDefaultServer, source = "default";
  if (!g.server.empty()) {
    server = g.server;
    source = "--server";
  } else if (!settings->server.empty()) {
    server = settings->server;
    source = "config";
  }
  auto stored = profile->LoadSession();
  if (!stored) return Fail(stored.error());
  json j = {{"home", profile->home()}, {"server", server}, {"server_source", source}};
  if (*stored) {
    j["session"] = {{"server", (*stored)->server},
                    {"phone", (*stored)->phone},
                    {"expires_at", (*stored)->expires_at}};
  }
  if (g.json) {
    PrintJson(j);
    return Ok();
  }
  std::cout << PadLabel(Tr("Server", "服务器"), 14) << server << " (" << source << ")\n"
            << PadLabel(Tr("Logged in", "已登录"), 14);
  if (*stored)
    std::cout << (*stored)->phone << " @ " << (*stored)->server << "\n";
  else
    std::cout << Tr("no", "否") << "\n";
  return Ok();
}

Status SetConfig(const std::string& key, const std::string& value, bool unset) {
  if (key != "server") {
    return Fail(ErrorCode::kInvalidArgument, "unknown setting '" + key + "' (server)", "setting");
  }
  if (!unset) {
    auto valid = NewClient(value);
    if (!valid) return Fail(valid.error());
  }
  auto profile = OpenProfile();
  if (!profile) return Fail(profile.error());
  auto settings = profile->LoadSettings();
  if (!settings) return Fail(settings.error());
  settings->server = unset ? "" : value;
  return profile->SaveSettings(*settings);
}

void AddCodeOptions(CLI::App* cmd, AccountOptions& o, bool with_phone) {
  if (with_phone) cmd->add_option("--phone", o.phone, "Mobile number")->required();
  cmd->add_option("--code", o.code, "The SMS code (asked for on the terminal when absent)");
  cmd->add_flag("--password-stdin", o.password_stdin, "Read the password as a line from stdin");
}

}  // namespace

void RegisterAccountCommands(CLI::App& app, CommandContext& ctx) {
  auto o = std::make_shared<AccountOptions>();
  auto bind = [&ctx, o](Status (*run)(const GlobalOptions&, const AccountOptions&)) {
    return [&ctx, o, run] { ctx.action = [&ctx, o, run] { return run(ctx.global, *o); }; };
  };

  CLI::App* config = app.add_subcommand("config", "Platform server settings");
  config->require_subcommand(1);
  config->add_subcommand("show", "Show the server and the session")->callback([&ctx] {
    ctx.action = [&ctx] { return ShowConfig(ctx.global); };
  });
  auto kv = std::make_shared<std::pair<std::string, std::string>>();
  CLI::App* set = config->add_subcommand("set", "server URL");
  set->add_option("key", kv->first, "Setting")->required();
  set->add_option("value", kv->second, "Value")->required();
  set->callback(
      [&ctx, kv] { ctx.action = [kv] { return SetConfig(kv->first, kv->second, false); }; });
  CLI::App* unset = config->add_subcommand("unset", "server (back to the default)");
  unset->add_option("key", kv->first, "Setting")->required();
  unset->callback([&ctx, kv] { ctx.action = [kv] { return SetConfig(kv->first, "", true); }; });

  CLI::App* sms = app.add_subcommand("sms", "SMS codes");
  sms->require_subcommand(1);
  CLI::App* send = sms->add_subcommand("send", "Send an SMS code to a mobile number");
  send->add_option("--phone", o->phone, "Mobile number")->required();
  send->add_option("--purpose", o->purpose,
                   "login, reset_password, change_password, delete_account or verify_phone")
      ->required()
      ->check(CLI::IsMember(std::vector<std::string>(std::begin(client::kSmsPurposes),
                                                     std::end(client::kSmsPurposes))));
  send->callback(bind(SendCode));

  CLI::App* login = app.add_subcommand("login", "Log in with an SMS code and the password (B1)");
  AddCodeOptions(login, *o, true);
  login->callback(bind(Login));
  app.add_subcommand("logout", "End the session")->callback([&ctx] {
    ctx.action = [&ctx] { return Logout(ctx.global); };
  });
  app.add_subcommand("whoami", "The logged-in account")->callback([&ctx] {
    ctx.action = [&ctx] { return WhoAmI(ctx.global); };
  });

  CLI::App* password = app.add_subcommand("password", "Reset or change the password (B3)");
  password->require_subcommand(1);
  CLI::App* reset = password->add_subcommand("reset", "Forgotten password: reset by SMS code");
  AddCodeOptions(reset, *o, true);
  reset->callback(bind(ResetPassword));
  CLI::App* change = password->add_subcommand("change", "Change the password while logged in");
  AddCodeOptions(change, *o, false);
  change->callback(bind(ChangePassword));
}

}  // namespace sealkey::cli
