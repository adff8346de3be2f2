#include "cli/secrets.h"

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include <openssl/crypto.h>
#include <termios.h>
#include <unistd.h>

namespace sealkey::cli {
namespace {

void Wipe(std::string& s) {
  if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
  s.clear();
}

Result<SecureBuffer> PromptNoEcho(const char* prompt) {
  FILE* tty = std::fopen("/dev/tty", "r+");
  if (!tty) {
    return Fail(ErrorCode::kInvalidArgument,
                "no terminal to ask on: use --pin-stdin or the environment variable", "pin");
  }
  int fd = fileno(tty);
  termios old_attr{};
  tcgetattr(fd, &old_attr);
  termios quiet = old_attr;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  std::fprintf(tty, "%s: ", prompt);
  std::fflush(tty);
  tcsetattr(fd, TCSAFLUSH, &quiet);
  std::string line;
  int c;
  while ((c = std::fgetc(tty)) != EOF && c != '\n') line.push_back(static_cast<char>(c));
  tcsetattr(fd, TCSAFLUSH, &old_attr);
  std::fputc('\n', tty);
  std::fclose(tty);
  SecureBuffer out = SecureBuffer::FromString(line);
  Wipe(line);
  return out;
}

}  // namespace

Result<SecureBuffer> ReadSecret(const SecretSpec& spec, bool from_stdin) {
  if (const char* v = std::getenv(spec.env); v && *v) return SecureBuffer::FromString(v);
  if (from_stdin) {
    std::string line;
    if (!std::getline(std::cin, line)) {
      return Fail(ErrorCode::kInvalidArgument,
                  std::string("--pin-stdin: no line left for ") + spec.prompt, spec.field);
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    SecureBuffer out = SecureBuffer::FromString(line);
    Wipe(line);
    return out;
  }
  auto first = PromptNoEcho(spec.prompt);
  if (!first) return Fail(first.error().code, first.error().message, spec.field);
  if (spec.confirm) {
    auto again = PromptNoEcho((std::string(spec.prompt) + " (again)").c_str());
    if (!again) return Fail(again.error());
    if (!first->Equals(again->span())) {
      return Fail(ErrorCode::kInvalidArgument, "the two entries differ", spec.field);
    }
  }
  return first;
}

}  // namespace sealkey::cli
