// `sealkey identity list` and `sealkey identity switch ID` (B4): the
// identities of the logged-in account and the one the session acts as.
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/account_session.h"
#include "cli/api_call.h"
#include "cli/media_call.h"
#include "cli/output.h"

namespace sealkey::cli {
namespace {

std::string KindText(const std::string& kind) {
  if (kind == "natural_person") return std::string(Tr("natural person", "个人"));
  if (kind == "administrator") return std::string(Tr("administrator", "管理员"));
  if (kind == "legal_representative") return std::string(Tr("legal representative", "法定代表人"));
  if (kind == "employee") return std::string(Tr("employee", "员工"));
  return kind;
}

nlohmann::json IdentityJson(const client::Identity& i) {
  return {{"id", i.id}, {"kind", i.kind}, {"org_id", i.org_id}, {"org_name", i.org_name}};
}

Status List(const GlobalOptions& g) {
  auto c = ConnectWithSession(g);
  if (!c) return Fail(c.error());
  auto list = c->api.ListIdentities();
  if (!list) return Fail(list.error());
  if (g.json) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& i : list->identities) arr.push_back(IdentityJson(i));
    PrintJson({{"identities", arr}, {"current", list->current}});
    return Ok();
  }
  for (const auto& i : list->identities) {
    std::cout << (i.id == list->current ? "* " : "  ") << i.id << "  " << KindText(i.kind);
    if (i.org_id) std::cout << "  " << i.org_name << " (" << i.org_id << ")";
    std::cout << "\n";
  }
  if (!list->current) {
    std::cout << Tr("Choose one with `sealkey identity switch ID`.",
                    "请用 `sealkey identity switch 编号` 选择身份。")
              << "\n";
  }
  return Ok();
}

Status Switch(const GlobalOptions& g, int64_t id) {
  auto c = ConnectWithSession(g);
  if (!c) return Fail(c.error());
  auto chosen = c->api.SwitchIdentity(id);
  if (!chosen) return Fail(chosen.error());
  if (g.json) PrintJson(IdentityJson(*chosen));
  else std::cout << Tr("Now acting as ", "当前身份：") << KindText(chosen->kind) << "\n";
  return Ok();
}

Status Leave(const GlobalOptions& g, int64_t id) {
  auto doc = ApiCall(g, Principal::kPerson, "DELETE", "/me/identities/" + std::to_string(id));
  if (!doc) return Fail(doc.error());
  if (!g.json) std::cout << Tr("Left the organisation", "已退出机构") << "\n";
  return Ok();
}

}  // namespace

void RegisterIdentityCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* identity = app.add_subcommand("identity", "Identities of the account (B4)");
  identity->require_subcommand(1);
  identity->add_subcommand("list", "List the identities; * marks the current one")
      ->callback([&ctx] { ctx.action = [&ctx] { return List(ctx.global); }; });
  auto id = std::make_shared<int64_t>(0);
  CLI::App* sw = identity->add_subcommand("switch", "Act as another identity");
  sw->add_option("id", *id, "Identity id from `sealkey identity list`")->required();
  sw->callback([&ctx, id] { ctx.action = [&ctx, id] { return Switch(ctx.global, *id); }; });
  auto leave_id = std::make_shared<int64_t>(0);
  CLI::App* leave = identity->add_subcommand("leave", "Leave an organisation (employee identity)");
  leave->add_option("id", *leave_id, "The employee identity's id")->required();
  leave->callback([&ctx, leave_id] {
    ctx.action = [&ctx, leave_id] { return Leave(ctx.global, *leave_id); };
  });
}

}  // namespace sealkey::cli
