// `sealkey account delete [--code C]` and `sealkey account cancel-deletion`
// (B15): a deletion takes effect after the platform's cooling-off period
// (default 15 days) and can be cancelled until then.
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/account_session.h"
#include "cli/media_call.h"
#include "cli/output.h"

namespace sealkey::cli {
namespace {

Status RequestDeletion(const GlobalOptions& g, const std::string& code_arg) {
  auto c = ConnectWithSession(g);
  if (!c) return Fail(c.error());
  auto me = c->api.GetMe();
  if (!me) return Fail(me.error());
  auto code = ObtainCode(*c, me->phone, code_arg, "delete_account");
  if (!code) return Fail(code.error());
  auto effective = c->api.RequestDeletion(*code);
  if (!effective) return Fail(effective.error());
  if (g.json) {
    PrintJson({{"effective_at", *effective}});
  } else {
    std::cout << Tr("The account will be deleted on ", "账户将于以下时间注销：")
              << FormatLocalTime(*effective)
              << Tr(". Until then `sealkey account cancel-deletion` keeps it.",
                    "。在此之前可运行 `sealkey account cancel-deletion` 撤销。")
              << "\n";
  }
  return Ok();
}

Status CancelDeletion(const GlobalOptions& g) {
  auto c = ConnectWithSession(g);
  if (!c) return Fail(c.error());
  SEALKEY_RETURN_IF_ERROR(c->api.CancelDeletion());
  if (!g.json) std::cout << Tr("The deletion is cancelled.", "已撤销注销申请。") << "\n";
  return Ok();
}

}  // namespace

void RegisterAccountDeletionCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* account = app.add_subcommand("account", "The platform account (B15 deletion)");
  account->require_subcommand(1);
  auto code = std::make_shared<std::string>();
  CLI::App* del = account->add_subcommand(
      "delete", "Ask to delete the account (after an SMS code; a cooling-off period applies)");
  del->add_option("--code", *code, "The SMS code (purpose delete_account); asked for if absent");
  del->callback([&ctx, code] { ctx.action = [&ctx, code] { return RequestDeletion(ctx.global, *code); }; });
  account->add_subcommand("cancel-deletion", "Cancel a pending deletion")
      ->callback([&ctx] { ctx.action = [&ctx] { return CancelDeletion(ctx.global); }; });
}

}  // namespace sealkey::cli
