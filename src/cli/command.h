// The seam between CLI11 parsing and command bodies. Each command group
// registers its subcommands and, when one is chosen, stores the action to run;
// main() runs it and maps the resulting Status to one line and an exit code
// (the CLI's only error edge).
#pragma once

#include <functional>
#include <string>

#include "base/error.h"

namespace CLI {
class App;
}

namespace sealkey::cli {

struct GlobalOptions {
  bool json = false;       // --json: machine-readable output (and errors)
  bool pin_stdin = false;  // --pin-stdin: secrets are read as lines from stdin
  std::string server;      // --server URL: the platform server, over the settings
};

struct CommandContext {
  GlobalOptions global;
  std::function<Status()> action;
};

// One function per command group file (cert_commands.cc, ...).
void RegisterCertCommands(CLI::App& app, CommandContext& ctx);
void RegisterDeviceCommands(CLI::App& app, CommandContext& ctx);
void RegisterKeyCommands(CLI::App& app, CommandContext& ctx);
void RegisterSignCommands(CLI::App& app, CommandContext& ctx);
void RegisterSealCommands(CLI::App& app, CommandContext& ctx);
void RegisterAgentCommands(CLI::App& app, CommandContext& ctx);
void RegisterSettingsCommands(CLI::App& app, CommandContext& ctx);
void RegisterAccountCommands(CLI::App& app, CommandContext& ctx);
void RegisterAccountDeletionCommands(CLI::App& app, CommandContext& ctx);
void RegisterIdentityCommands(CLI::App& app, CommandContext& ctx);
void RegisterKycCommands(CLI::App& app, CommandContext& ctx);
void RegisterOrgCommands(CLI::App& app, CommandContext& ctx);
// `org transfer-letter` / `transfer-sign` (org_transfer_commands.cc), added to `org`.
void RegisterOrgTransferCommands(CLI::App* org, CommandContext& ctx);
void RegisterOperatorCommands(CLI::App& app, CommandContext& ctx);
void RegisterOrderCommands(CLI::App& app, CommandContext& ctx);
void RegisterInvoiceCommands(CLI::App& app, CommandContext& ctx);
void RegisterScanCommands(CLI::App& app, CommandContext& ctx);
void RegisterSelfServiceCommands(CLI::App& app, CommandContext& ctx);

}  // namespace sealkey::cli
