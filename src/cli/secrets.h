// Reading PINs and passwords. Never from the command line: in this order,
// an environment variable (SEALKEY_PIN, SEALKEY_NEW_PIN, SEALKEY_SO_PIN,
// SEALKEY_P12_PASSWORD), else the next line of stdin with --pin-stdin, else
// an interactive prompt on the terminal without echo.
#pragma once

#include "base/error.h"
#include "base/secure_buffer.h"

namespace sealkey::cli {

struct SecretSpec {
  const char* prompt;  // e.g. "User PIN"
  const char* env;     // e.g. "SEALKEY_PIN"
  const char* field;   // for errors, e.g. "pin"
  bool confirm = false;  // ask twice on a terminal (new PINs)
};

Result<SecureBuffer> ReadSecret(const SecretSpec& spec, bool from_stdin);

}  // namespace sealkey::cli
