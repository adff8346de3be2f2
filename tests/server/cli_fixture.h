// Fixture for CLI tests against a real sealkeyd, parameterised over the
// backend (false: SQLite, true: PostgreSQL, one throwaway cluster per test
// binary). Each test gets its own server, database and $SEALKEY_HOME.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "testutil/server_harness.h"
#include "testutil/testutil.h"

namespace sealkey {

inline testing::Postgres& SharedPostgres() {
  static auto* pg = new testing::Postgres();
  static struct Stopper { ~Stopper() { delete pg; } } stopper;  // stopped at exit
  return *pg;
}

class PlatformCliTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    static int counter = 0;
    if (GetParam()) {
      db_url_ = SharedPostgres().CreateDatabase("cli_" + std::to_string(::getpid()) + "_" +
                                                std::to_string(counter++));
    }
    server_ = std::make_unique<testing::Sealkeyd>(db_url_, ServerOptions());
  }
  // What the server is started with (a fixture may add CAs, options).
  virtual testing::SealkeydOptions ServerOptions() { return {}; }
  testing::CommandResult Sk(std::vector<std::string> args, const std::string& in = "") {
    return SkIn(home_, std::move(args), in);
  }
  // The CLI with another person's (or an operator's) profile directory.
  testing::CommandResult SkIn(const testing::TempDir& home, std::vector<std::string> args,
                              const std::string& in = "") {
    std::vector<std::string> argv = {"env", "SEALKEY_HOME=" + home.path(),
                                     testing::BinPath("sealkey"), "--server", server_->url()};
    argv.insert(argv.end(), args.begin(), args.end());
    return testing::RunCommand(argv, in);
  }
  // Registers and logs in `phone` (11 digits) with password Pass-word1.
  void Login(const std::string& phone) { LoginIn(home_, phone); }
  void LoginIn(const testing::TempDir& home, const std::string& phone) {
    ASSERT_EQ(SkIn(home, {"sms", "send", "--phone", phone, "--purpose", "login"}).exit_code, 0);
    std::string code = server_->LatestSmsCode("+86" + phone, "login");
    auto r = SkIn(home, {"login", "--phone", phone, "--code", code, "--password-stdin"},
                  "Pass-word1\n");
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  // `sealkeyd admin create-operator` on the running server's data, then
  // `sealkey operator login` in `home`.
  void CreateOperator(const testing::TempDir& home, const std::string& name) {
    std::vector<std::string> argv = {testing::BinPath("sealkeyd"), "admin", "create-operator",
                                     "--data-dir", server_->data_dir(), "--username", name,
                                     "--password-stdin"};
    if (!db_url_.empty()) {
      argv.push_back("--database");
      argv.push_back(db_url_);
    }
    auto made = testing::RunCommand(argv, "Operator-pw1\n");
    ASSERT_EQ(made.exit_code, 0) << made.err;
    auto in = SkIn(home, {"operator", "login", "--username", name, "--password-stdin"},
                   "Operator-pw1\n");
    ASSERT_EQ(in.exit_code, 0) << in.err;
  }

  std::string db_url_;
  testing::TempDir home_;
  std::unique_ptr<testing::Sealkeyd> server_;
};

}  // namespace sealkey
