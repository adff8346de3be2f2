// sealkey: the command-line face of the sealkey core.
//
// Exit codes: 0 success, 1 the operation failed (one line on stderr, or a
// JSON error object with --json), 2 the command line is wrong.
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "sealkey/version.h"

namespace {

int ReportError(const sealkey::Error& error, bool json) {
  if (json) {
    nlohmann::json j = {{"error",
                         {{"code", std::string(sealkey::ErrorCodeName(error.code))},
                          {"field", error.field},
                          {"message", error.message}}}};
    std::cerr << j.dump() << "\n";
  } else {
    std::cerr << "sealkey: error: " << error.ToString() << "\n";
  }
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("sealkey: certificates, keys and seals (国密 SM2/SM3/SM4, RSA, ECDSA)", "sealkey");
  app.set_version_flag("--version", std::string("sealkey ") + SEALKEY_VERSION);
  app.require_subcommand(1);
  app.fallthrough();

  sealkey::cli::CommandContext ctx;
  app.add_flag("--json", ctx.global.json, "Machine-readable JSON output");
  app.add_flag("--pin-stdin", ctx.global.pin_stdin,
               "Read PINs and passwords as lines from stdin (for scripts)");
  app.add_option("--server", ctx.global.server,
                 "Platform server URL, e.g. http://127.0.0.1:8080 (overrides the settings)");
  sealkey::cli::RegisterDeviceCommands(app, ctx);
  sealkey::cli::RegisterCertCommands(app, ctx);
  sealkey::cli::RegisterKeyCommands(app, ctx);
  sealkey::cli::RegisterSignCommands(app, ctx);
  sealkey::cli::RegisterSealCommands(app, ctx);
  sealkey::cli::RegisterAgentCommands(app, ctx);
  sealkey::cli::RegisterSettingsCommands(app, ctx);
  sealkey::cli::RegisterAccountCommands(app, ctx);
  sealkey::cli::RegisterAccountDeletionCommands(app, ctx);
  sealkey::cli::RegisterIdentityCommands(app, ctx);
  sealkey::cli::RegisterKycCommands(app, ctx);
  sealkey::cli::RegisterOrgCommands(app, ctx);
  sealkey::cli::RegisterOperatorCommands(app, ctx);
  sealkey::cli::RegisterOrderCommands(app, ctx);
  sealkey::cli::RegisterInvoiceCommands(app, ctx);
  sealkey::cli::RegisterScanCommands(app, ctx);
  sealkey::cli::RegisterSelfServiceCommands(app, ctx);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  if (!ctx.action) return 2;
  sealkey::Status status = ctx.action();
  if (!status) return ReportError(status.error(), ctx.global.json);
  return 0;
}
