// PlatformClient: the sealkeyd account API (docs/api/openapi.yaml, MISSION
// B1-B3, B15) over HTTP/1.1 with libcurl. One method per API operation.
//
// Failures are values:
//  - an answer with a problem JSON body becomes Error{code, field, message}
//    where code is the server's `code` when it names a sealkey ErrorCode
//    (ErrorCodeFromName) and kInternal otherwise; `field` and `message` are
//    the server's (its message is in the language sent as Accept-Language);
//  - no answer (refused, timed out, DNS ...) or an answer that is not JSON
//    becomes kIo with a message naming the URL.
//
// Secrets: passwords are taken as SecureBuffer and the request bodies that
// carry them are wiped after sending; the session token is returned in a
// SecureBuffer and never logged. Environment proxies are ignored for
// loopback hosts. Not thread-safe; move-only (owns one CURL easy handle).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>
#include <string_view>

#include "base/bytes.h"
#include "base/error.h"
#include "base/secure_buffer.h"

namespace sealkey::client {

struct PlatformOptions {
  // The server's root, e.g. "http://127.0.0.1:8080"; "/api/v1" is appended
  // unless the URL already ends with it.
  std::string server;
  std::string accept_language = "zh-CN";  // "zh-CN" or "en"
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds total_timeout{30000};
};

// The purposes of POST /sms/codes.
inline constexpr std::string_view kSmsPurposes[] = {"login", "reset_password", "change_password",
                                                    "delete_account", "verify_phone",
                                                    "reissue_certificate", "authorise_order"};

struct SmsCodeSent {
  std::string phone;  // E.164
  int64_t expires_in = 0;
  int64_t resend_after = 0;
};

struct LoginTicket {
  std::string ticket;     // one-time, valid 10 minutes
  std::string next_step;  // "set_password" or "password"
  bool new_account = false;
};

// B4: who the user acts as (natural_person, or an organisation role).
struct Identity {
  int64_t id = 0;
  std::string kind;
  int64_t org_id = 0;
  std::string org_name;
};

struct Identities {
  std::vector<Identity> identities;
  int64_t current = 0;  // 0: not chosen yet
};

// B5: what the person submits, and the state of the latest submission.
struct KycForm {
  std::string agreement_version;
  std::string name;
  std::string id_number;
  std::string phone;
  std::string code;
  Bytes front_image;
  Bytes back_image;
};

struct KycRecord {
  int64_t id = 0;
  std::string status;  // none, submitted, verified, rejected
  std::string reason;
  std::string name;
  std::string id_number;  // masked
  int64_t submitted_at = 0;
  int64_t decided_at = 0;
};

struct Account {
  int64_t id = 0;
  std::string phone;  // E.164
  int64_t created_at = 0;
  bool has_password = false;
  int64_t deletion_effective_at = 0;  // when a requested deletion happens; 0 if none
  int64_t identity_id = 0;            // B4: the identity the session acts as; 0 = not chosen
};

struct Session {
  SecureBuffer token;  // opaque bearer token
  int64_t expires_at = 0;
  Account account;
};

struct Health {
  std::string status;
  std::string database;
  int64_t schema_version = 0;
};

// A raw answer, for callers (and tests) that send their own bodies.
struct HttpResponse {
  long status = 0;
  std::string content_type;
  std::string body;
};

class PlatformClient {
 public:
  // Fails with kInvalidArgument (field "server") unless the URL is http(s)
  // with a host; plain http is accepted only for loopback hosts, so a
  // password never crosses a network in clear.
  static Result<PlatformClient> Create(PlatformOptions options);

  PlatformClient(PlatformClient&&) noexcept;
  PlatformClient& operator=(PlatformClient&&) noexcept;
  ~PlatformClient();

  // The API root requests go to, e.g. "http://127.0.0.1:8080/api/v1".
  const std::string& api_root() const { return api_root_; }

  // The bearer token sent by the authenticated calls (logout, me, change).
  void set_token(SecureBuffer token) { token_ = std::move(token); }

  // GET /health
  Result<Health> GetHealth();
  // POST /sms/codes; purpose is one of kSmsPurposes.
  Result<SmsCodeSent> SendSmsCode(std::string_view phone, std::string_view purpose);
  // POST /auth/sms
  Result<LoginTicket> VerifySmsCode(std::string_view phone, std::string_view code);
  // POST /auth/password (sets the password of a new account or checks it).
  Result<Session> SubmitPassword(std::string_view ticket, const SecureBuffer& password);
  // POST /auth/logout (bearer)
  Status Logout();
  // POST /auth/password-reset
  Status ResetPassword(std::string_view phone, std::string_view code,
                       const SecureBuffer& new_password);
  // GET /me (bearer)
  Result<Account> GetMe();
  // POST /me/password (bearer)
  Status ChangePassword(std::string_view code, const SecureBuffer& new_password);
  // POST /me/deletion (bearer): the Unix time the deletion takes effect.
  Result<int64_t> RequestDeletion(std::string_view code);
  // DELETE /me/deletion (bearer)
  Status CancelDeletion();
  // GET /me/identities (bearer): the identities and the current one's id.
  Result<Identities> ListIdentities();
  // POST /me/identity (bearer)
  Result<Identity> SwitchIdentity(int64_t identity_id);
  // POST /kyc (bearer): real-name verification (B5).
  Result<KycRecord> SubmitKyc(const KycForm& form);
  // GET /kyc (bearer)
  Result<KycRecord> GetKyc();

  // Any JSON operation of the API (organisations, operator queues ...):
  // sends `json_body` (may be empty) and gives the 2xx answer's body (may
  // be empty), or the Error the server described (as above).
  Result<std::string> Call(std::string_view method, std::string_view path,
                           std::string_view json_body = {});

  // Sends `body` as is (may be empty) to api_root() + path; the bearer token
  // is added when set. Fails only when there is no answer (kIo).
  Result<HttpResponse> Send(std::string_view method, std::string_view path, std::string_view body);

 private:
  struct Handle;
  PlatformClient(PlatformOptions options, std::string api_root, std::unique_ptr<Handle> handle);

  PlatformOptions options_;
  std::string api_root_;
  std::unique_ptr<Handle> handle_;
  SecureBuffer token_;
};

}  // namespace sealkey::client
