// Accounts and sessions (B1-B3): SMS-code login with registration of new
// numbers, the password step (set for new accounts, checked for returning
// ones, with lockout), bearer sessions, forgotten and changed passwords.
//
// Secrets: passwords are Argon2id hashes (libsodium crypto_pwhash_str);
// session tokens and login tickets are 256-bit random values stored only as
// SHA-256 hashes. Thread-safe.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/secure_buffer.h"
#include "server/account/credentials.h"
#include "server/account/sms_codes.h"
#include "store/database.h"

namespace sealkey::server {

struct Account {
  int64_t id = 0;
  std::string phone;
  int64_t created_at = 0;
  bool has_password = false;
  int64_t deletion_effective_at = 0;  // B15: when a requested deletion happens; 0 if none
  int64_t identity_id = 0;  // B4: the identity the current session acts as; 0 = not chosen
  std::string identity_kind;  // its kind ("" when not chosen)
  int64_t org_id = 0;         // its organisation (0 for a natural person)
};

// B4: fails with kPermissionDenied (field "identity") unless the session
// acts as one of `kinds` (natural_person, administrator,
// legal_representative, employee); the message names what is needed.
Status RequireIdentity(const Account& account, const std::vector<std::string_view>& kinds);

// B4: who a person acts as. Kinds: natural_person (every account has one),
// and per organisation administrator, legal_representative, employee.
struct Identity {
  int64_t id = 0;
  std::string kind;
  int64_t org_id = 0;  // 0 for natural_person
  std::string org_name;
};

struct LoginTicket {
  std::string ticket;
  bool new_account = false;
  bool set_password = false;  // next step: set (true) or give (false) the password
};

struct SessionToken {
  std::string token;
  int64_t expires_at = 0;
  Account account;
};

struct AccountPolicy {
  int max_failed_passwords = 5;
  int64_t lockout_seconds = 15 * 60;
  int64_t ticket_seconds = 10 * 60;
  int64_t session_seconds = 7 * 24 * 3600;
  int64_t deletion_cooling_seconds = 15 * 24 * 3600;  // B15, configurable
};

class AccountService {
 public:
  AccountService(store::Database& db, SmsCodes& codes, const Clock& clock,
                 AccountPolicy policy = {})
      : db_(db), codes_(codes), clock_(clock), policy_(policy) {}

  Result<LoginTicket> SmsLogin(const std::string& phone_text, const std::string& code);
  Result<SessionToken> PasswordStep(const std::string& ticket, const SecureBuffer& password);
  Status Logout(const std::string& token);
  // The account behind a bearer token; kUnauthenticated if none.
  Result<Account> Authenticate(const std::string& token);
  Status ResetPassword(const std::string& phone_text, const std::string& code,
                       const SecureBuffer& new_password);
  Status ChangePassword(const Account& account, const std::string& code,
                        const SecureBuffer& new_password);

  // B15: asks for deletion after an SMS code (purpose delete_account);
  // returns when it takes effect. The account works normally until then.
  Result<int64_t> RequestDeletion(const Account& account, const std::string& code);
  // Cancels a pending deletion; kNotFound when none is pending.
  Status CancelDeletion(const Account& account);
  // Deletes every account whose cooling-off period has ended: the phone
  // number, password and SMS codes are erased, the row is kept anonymised
  // (for foreign keys and audit), every session ends. Returns how many.
  Result<int> PurgeDeletedAccounts();

  // B4: the account's active identities, oldest first.
  Result<std::vector<Identity>> ListIdentities(int64_t account_id);
  // Makes the session of `token` act as `identity_id`, which must be one of
  // its account's active identities (kNotFound, field "identity_id").
  Result<Identity> SwitchIdentity(const std::string& token, int64_t identity_id);
  // B4: leaves an organisation by ending one of the account's employee
  // identities (kNotFound / kPermissionDenied for other kinds, field
  // "identity_id"). Sessions acting as it must choose again.
  Status LeaveOrganisation(const Account& account, int64_t identity_id);

  // The account of `phone` (E.164, whose SMS code the caller has just
  // verified), registered on first use as an SMS login would (B1), acting as
  // its natural person: the holder of self-service certificates (D8).
  Result<Account> AccountForPhone(const std::string& phone);

 private:
  Result<Account> LoadAccount(int64_t id);
  Status SetPassword(int64_t account_id, const SecureBuffer& password);

  store::Database& db_;
  SmsCodes& codes_;
  const Clock& clock_;
  AccountPolicy policy_;
};

}  // namespace sealkey::server
