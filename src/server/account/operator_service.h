// CA operator accounts: the staff who work the review queues (real-name
// verification, organisations). They are not persons of the platform: they
// log in with a user name and password (B2 policy, Argon2id, lockout after
// repeated wrong passwords) and get their own bearer sessions, which never
// authenticate against the person API and vice versa. The first operator is
// made on the server host with `sealkeyd admin create-operator`.
// Thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "base/clock.h"
#include "base/secure_buffer.h"
#include "store/database.h"

namespace sealkey::server {

struct Operator {
  int64_t id = 0;
  std::string username;
  int64_t created_at = 0;
};

struct OperatorSession {
  std::string token;
  int64_t expires_at = 0;
  Operator op;
};

struct OperatorPolicy {
  int max_failed_passwords = 5;
  int64_t lockout_seconds = 15 * 60;
  int64_t session_seconds = 8 * 3600;  // one working day
};

class OperatorService {
 public:
  OperatorService(store::Database& db, const Clock& clock, OperatorPolicy policy = {})
      : db_(db), clock_(clock), policy_(policy) {}

  // User names: 3-32 of a-z 0-9 . _ - starting with a letter (field
  // "username"); kAlreadyExists when taken. The password follows B2.
  Result<Operator> Create(const std::string& username, const SecureBuffer& password);
  Result<OperatorSession> Login(const std::string& username, const SecureBuffer& password);
  // kUnauthenticated (field "authorization") unless `token` is a live
  // operator session.
  Result<Operator> Authenticate(const std::string& token);
  Status Logout(const std::string& token);

 private:
  store::Database& db_;
  const Clock& clock_;
  OperatorPolicy policy_;
};

}  // namespace sealkey::server
