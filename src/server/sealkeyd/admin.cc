#include "server/sealkeyd/admin.h"

#include <cstdio>
#include <iostream>

#include <termios.h>
#include <unistd.h>

#include "base/atomic_file.h"
#include "base/secure_buffer.h"
#include "server/account/operator_service.h"
#include "store/database.h"

namespace sealkey::sealkeyd {
namespace {

// One line from stdin; without echo when stdin is a terminal.
Result<SecureBuffer> ReadPassword(bool from_stdin, const char* prompt) {
  bool tty = !from_stdin && ::isatty(STDIN_FILENO);
  termios old{};
  if (tty) {
    std::fprintf(stderr, "%s", prompt);
    ::tcgetattr(STDIN_FILENO, &old);
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  std::string line;
  bool got = static_cast<bool>(std::getline(std::cin, line));
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
    std::fprintf(stderr, "\n");
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  SecureBuffer out = SecureBuffer::FromString(line);
  for (char& c : line) *static_cast<volatile char*>(&c) = 0;
  if (!got || out.empty()) return Fail(ErrorCode::kInvalidArgument, "no password given", "password");
  return out;
}

Status CreateOperator(const AdminOptions& o) {
  auto password = ReadPassword(o.password_stdin, "New operator password: ");
  if (!password) return Fail(password.error());
  if (!o.password_stdin && ::isatty(STDIN_FILENO)) {
    auto again = ReadPassword(false, "Repeat the password: ");
    if (!again) return Fail(again.error());
    if (!again->Equals(password->span())) {
      return Fail(ErrorCode::kInvalidArgument, "the two passwords differ", "password");
    }
  }
  SEALKEY_RETURN_IF_ERROR(MakeDirs(o.data_dir, 0700));
  auto db = store::Database::Open(o.database.empty() ? o.data_dir + "/sealkeyd.db" : o.database, 1);
  if (!db) return Fail(db.error());
  server::OperatorService operators(**db, SystemClock::Instance());
  auto op = operators.Create(o.username, *password);
  if (!op) return Fail(op.error());
  std::printf("operator %s created (id %lld); log in with `sealkey operator login --username %s`\n",
              op->username.c_str(), static_cast<long long>(op->id), op->username.c_str());
  return Ok();
}

}  // namespace

void AddAdminCommands(CLI::App& app, AdminOptions& o) {
  CLI::App* admin = app.add_subcommand("admin", "Host-side administration");
  admin->require_subcommand(1);
  o.create_operator = admin->add_subcommand(
      "create-operator", "Create a CA operator account (works the review queues)");
  o.create_operator->add_option("--data-dir", o.data_dir, "The server's data directory")
      ->required();
  o.create_operator->add_option("--database", o.database,
                                "postgresql://... (default: SQLite in the data dir)");
  o.create_operator->add_option("--username", o.username, "3-32 of a-z 0-9 . _ -")->required();
  o.create_operator->add_flag("--password-stdin", o.password_stdin,
                              "Read the password from the first line of stdin");
}

int RunAdmin(const AdminOptions& o) {
  if (int rc = RunCaCommand(o); rc >= 0) return rc;
  Status st = Ok();
  if (o.create_operator && o.create_operator->parsed()) st = CreateOperator(o);
  if (!st) {
    std::cerr << "sealkeyd: error: " << st.error().ToString() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace sealkey::sealkeyd
