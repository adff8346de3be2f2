// The seam between CLI11 parsing and command bodies. Each command group
// registers its subcommands and, when one is chosen, stores the action to run;
// main() runs it and maps the resulting Status to one line and an exit code
// (the CLI's only error edge).
#pragma once

#include <functional>

#include "base/error.h"

namespace CLI {
class App;
}

namespace sealkey::cli {

struct GlobalOptions {
  bool json = false;  // --json: machine-readable output (and errors)
};

struct CommandContext {
  GlobalOptions global;
  std::function<Status()> action;
};

// One function per command group file (cert_commands.cc, ...).
void RegisterCertCommands(CLI::App& app, CommandContext& ctx);

}  // namespace sealkey::cli
