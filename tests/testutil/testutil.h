// Shared test helpers: Result assertions, temporary directories, running
// external programs (openssl, the sealkey binary) and reading their output.
#pragma once

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "base/bytes.h"
#include "base/error.h"

#define ASSERT_OK(expr)                                                    \
  do {                                                                     \
    const auto& sealkey_r_ = (expr);                                       \
    ASSERT_TRUE(sealkey_r_.has_value()) << sealkey_r_.error().ToString();  \
  } while (0)
#define EXPECT_OK(expr)                                                    \
  do {                                                                     \
    const auto& sealkey_r_ = (expr);                                       \
    EXPECT_TRUE(sealkey_r_.has_value()) << sealkey_r_.error().ToString();  \
  } while (0)
// Expects failure with a specific error code.
#define EXPECT_ERROR_CODE(expr, ecode)                                     \
  do {                                                                     \
    const auto& sealkey_r_ = (expr);                                       \
    ASSERT_FALSE(sealkey_r_.has_value()) << "expected an error";           \
    EXPECT_EQ(sealkey_r_.error().code, (ecode)) << sealkey_r_.error().ToString(); \
  } while (0)

namespace sealkey::testing {

// A fresh directory under $TMPDIR, removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs argv[0] (searched in PATH) with the given arguments, no shell.
CommandResult RunCommand(const std::vector<std::string>& argv, const std::string& stdin_data = "");

void WriteFile(const std::string& path, ByteView data);
Bytes ReadFileOrDie(const std::string& path);

// Path of a built executable, e.g. BinPath("sealkey").
std::string BinPath(const std::string& name);

}  // namespace sealkey::testing
