// `sealkey agent start|stop|status|run` (D11) and `sealkey settings ...`.
#include <chrono>
#include <csignal>
#include <iostream>
#include <thread>

#include <CLI/CLI.hpp>
#include <fcntl.h>
#include <unistd.h>

#include "agent/agent_server.h"
#include "cli/command.h"
#include "cli/media_call.h"
#include "cli/output.h"
#include "client/agent_channel.h"
#include "client/operations.h"

namespace sealkey::cli {
namespace {

using nlohmann::json;

agent::AgentServer* g_server = nullptr;
void OnSignal(int) {
  if (g_server) g_server->Stop();
}

Status RunAgent() {
  auto profile = OpenProfile();
  if (!profile) return Fail(profile.error());
  agent::AgentServer server(*profile, SystemClock::Instance());
  SEALKEY_RETURN_IF_ERROR(server.Bind());
  g_server = &server;
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGINT, OnSignal);
  std::signal(SIGHUP, SIG_IGN);
  server.Serve();
  g_server = nullptr;
  return Ok();
}

Status Start(const GlobalOptions& g) {
  auto profile = OpenProfile();
  if (!profile) return Fail(profile.error());
  if (client::CallAgent(*profile, {{"op", "agent.status"}})) {
    return Fail(ErrorCode::kAlreadyExists, "the agent is already running", "agent");
  }
  pid_t pid = fork();
  if (pid < 0) return Fail(ErrorCode::kIo, "fork failed", "agent");
  if (pid == 0) {
    setsid();
    int devnull = open("/dev/null", O_RDWR);
    int log = open((profile->home() + "/agent.log").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    dup2(devnull, 0);
    dup2(log >= 0 ? log : devnull, 1);
    dup2(log >= 0 ? log : devnull, 2);
    Status st = RunAgent();
    if (!st) std::cerr << "sealkey agent: " << st.error().ToString() << "\n";
    _exit(st ? 0 : 1);
  }
  for (int i = 0; i < 100; ++i) {  // up to 5 s for the socket to answer
    if (client::CallAgent(*profile, {{"op", "agent.status"}})) {
      if (g.json) PrintJson({{"pid", pid}});
      else std::cout << Tr("Agent started (pid ", "代理已启动（进程 ") << pid << ")\n";
      return Ok();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return Fail(ErrorCode::kIo, "the agent did not start; see " + profile->home() + "/agent.log",
              "agent");
}

Status Stop(const GlobalOptions& g) {
  auto profile = OpenProfile();
  if (!profile) return Fail(profile.error());
  auto r = client::CallAgent(*profile, {{"op", "agent.shutdown"}});
  if (!r) return Fail(ErrorCode::kNotFound, "the agent is not running", "agent");
  if (!g.json) std::cout << Tr("Agent stopped; cached PINs wiped.", "代理已停止，缓存的 PIN 已清除。") << "\n";
  return Ok();
}

Status StatusCmd(const GlobalOptions& g) {
  auto profile = OpenProfile();
  if (!profile) return Fail(profile.error());
  auto r = client::CallAgent(*profile, {{"op", "agent.status"}});
  json status = {{"running", false}};
  if (r) {
    auto result = client::ResultOf(*r);
    if (result) {
      status = json{{"running", true}, {"pid", (*result)["pid"]},
                    {"cached_devices", (*result)["cached_devices"]}};
    }
  }
  if (g.json) {
    PrintJson(status);
  } else if (status["running"]) {
    std::cout << Tr("Agent running, pid ", "代理运行中，进程 ") << status["pid"] << ", "
              << status["cached_devices"] << Tr(" cached PIN(s)", " 个缓存的 PIN") << "\n";
  } else {
    std::cout << Tr("Agent not running.", "代理未运行。") << "\n";
  }
  return Ok();
}

Status ShowSettings(const GlobalOptions& g) {
  auto profile = OpenProfile();
  if (!profile) return Fail(profile.error());
  auto s = profile->LoadSettings();
  if (!s) return Fail(s.error());
  json j = {{"home", profile->home()}, {"pin_cache_minutes", s->pin_cache_minutes},
            {"pkcs11_modules", s->pkcs11_modules}};
  if (g.json) {
    PrintJson(j);
    return Ok();
  }
  std::cout << PadLabel(Tr("Home", "数据目录"), 16) << profile->home() << "\n"
            << PadLabel(Tr("PIN cache", "PIN 缓存"), 16)
            << (s->pin_cache_minutes ? std::to_string(s->pin_cache_minutes) + " min"
                                     : std::string(Tr("off", "关闭")))
            << "\n";
  for (const auto& m : s->pkcs11_modules) {
    std::cout << PadLabel(Tr("PKCS#11 module", "PKCS#11 模块"), 16) << m << "\n";
  }
  return Ok();
}

Status SetSetting(const std::string& key, const std::string& value) {
  auto profile = OpenProfile();
  if (!profile) return Fail(profile.error());
  auto s = profile->LoadSettings();
  if (!s) return Fail(s.error());
  if (key == "pin-cache") {
    auto minutes = client::ParsePinCacheSetting(value);
    if (!minutes) return Fail(minutes.error());
    s->pin_cache_minutes = *minutes;
  } else if (key == "add-module" || key == "remove-module") {
    auto& mods = s->pkcs11_modules;
    auto it = std::find(mods.begin(), mods.end(), value);
    if (key == "add-module") {
      if (access(value.c_str(), R_OK) != 0) {
        return Fail(ErrorCode::kNotFound, value + " is not a readable file", "module");
      }
      if (it == mods.end()) mods.push_back(value);
    } else {
      if (it == mods.end()) return Fail(ErrorCode::kNotFound, value + " is not configured", "module");
      mods.erase(it);
    }
  } else {
    return Fail(ErrorCode::kInvalidArgument,
                "unknown setting '" + key + "' (pin-cache, add-module, remove-module)", "setting");
  }
  return profile->SaveSettings(*s);
}

}  // namespace

void RegisterAgentCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* agent = app.add_subcommand("agent", "The background agent that caches PINs (D11)");
  agent->require_subcommand(1);
  agent->add_subcommand("start", "Start the agent")
      ->callback([&ctx] { ctx.action = [&ctx] { return Start(ctx.global); }; });
  agent->add_subcommand("stop", "Stop the agent and wipe every cached PIN")
      ->callback([&ctx] { ctx.action = [&ctx] { return Stop(ctx.global); }; });
  agent->add_subcommand("status", "Is the agent running?")
      ->callback([&ctx] { ctx.action = [&ctx] { return StatusCmd(ctx.global); }; });
  agent->add_subcommand("run", "Run the agent in the foreground")
      ->callback([&ctx] { ctx.action = [] { return RunAgent(); }; });
}

void RegisterSettingsCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* settings = app.add_subcommand("settings", "Client settings");
  settings->require_subcommand(1);
  settings->add_subcommand("show", "Show the settings")
      ->callback([&ctx] { ctx.action = [&ctx] { return ShowSettings(ctx.global); }; });
  auto kv = std::make_shared<std::pair<std::string, std::string>>();
  CLI::App* set = settings->add_subcommand(
      "set", "pin-cache 1m|5m|10m|30m|60m|off; add-module PATH; remove-module PATH");
  set->add_option("key", kv->first, "Setting")->required();
  set->add_option("value", kv->second, "Value")->required();
  set->callback([&ctx, kv] { ctx.action = [kv] { return SetSetting(kv->first, kv->second); }; });
}

}  // namespace sealkey::cli
