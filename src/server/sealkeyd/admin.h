// `sealkeyd admin ...`: host-side administration that works on the data
// directory and database directly (the server may be running or not).
//
//   sealkeyd admin create-operator --data-dir DIR [--database URL]
//       --username NAME [--password-stdin]
#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace sealkey::sealkeyd {

struct AdminOptions {
  std::string data_dir;
  std::string database;
  std::string username;
  bool password_stdin = false;
  CLI::App* create_operator = nullptr;
};

void AddAdminCommands(CLI::App& app, AdminOptions& o);
// Runs the admin command that was parsed; the process exit code.
int RunAdmin(const AdminOptions& o);

}  // namespace sealkey::sealkeyd
