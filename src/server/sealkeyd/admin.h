// `sealkeyd admin ...`: host-side administration that works on the data
// directory and database directly (the server may be running or not).
//
//   sealkeyd admin create-operator --data-dir DIR [--database URL]
//       --username NAME [--password-stdin]
//   sealkeyd ca init --data-dir DIR [--database URL] [--alg sm2,p256,rsa] [--org NAME]
//   sealkeyd ca import --data-dir DIR [--database URL] --id ID --cert PEM [--chain PEM]
//       (--key PEM | --pkcs11-module SO --token-label T --key-label L --pin-file F)
//   sealkeyd ca list --data-dir DIR [--database URL]
//   sealkeyd audit verify --data-dir DIR [--database URL]
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace sealkey::sealkeyd {

struct AdminOptions {
  std::string data_dir;
  std::string database;
  std::string username;
  bool password_stdin = false;
  CLI::App* create_operator = nullptr;
  // ca / audit (ca_admin.cc)
  std::vector<std::string> algs = {"sm2", "p256", "rsa"};
  std::string org = "sealkey 开发测试";
  std::string id, cert, chain, key, module, token_label, key_label, pin_file;
  CLI::App* ca_init = nullptr;
  CLI::App* ca_import = nullptr;
  CLI::App* ca_list = nullptr;
  CLI::App* audit_verify = nullptr;
};

// ca_admin.cc
void AddCaCommands(CLI::App& app, AdminOptions& o);
// The exit code when a ca/audit command was parsed, else -1.
int RunCaCommand(const AdminOptions& o);

void AddAdminCommands(CLI::App& app, AdminOptions& o);
// Runs the admin command that was parsed; the process exit code.
int RunAdmin(const AdminOptions& o);

}  // namespace sealkey::sealkeyd
