// Self-service (D8, manual 6.3.2): certificates for people who apply from
// the app without an account session, proven by SMS codes to their phone.
//
// Standard flow: SMS code -> project (scanned QR) and one of its certificate
// products -> privacy agreement -> details -> certificate password ->
// submitted (pending_review). An operator approves or rejects; the
// applicant is told by SMS. Business query: image captcha -> SMS code ->
// a query session (30 minutes) listing the phone's applications; install =
// the certificate password + a CSR made in the medium -> the certificate
// (approved -> installed). Renewal of an installed certificate inside its
// renewal window keeps the key (certificate password + a CSR for the same
// key).
//
// Pre-registered flow: an operator enters applicants an employer collected
// for a project (phone, name, ID number, organisation). The applicant's
// details must match that record exactly; the application is then approved
// at once and a query session returned, so the client installs straight
// away.
//
// The certificate password is an Argon2id hash; five wrong passwords lock
// the application for 15 minutes. Certificates belong to the account of the
// phone (registered on first use, as an SMS login does) as its natural
// person, with the subject from the checked application. Self-service is
// free of charge: paid products go through orders. Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "base/secure_buffer.h"
#include "server/account/account_service.h"
#include "server/account/sms_codes.h"
#include "server/cert/cert_service.h"
#include "server/order/catalog.h"
#include "server/selfservice/captcha.h"
#include "store/database.h"

namespace sealkey::server {

struct ApplicantDetails {
  std::string name, id_number, org_name, credit_code, email;
};

struct SelfServiceApplication {
  int64_t id = 0;
  std::string phone, project_id, product_id;
  std::string source;  // standard or preregistered
  std::string state;   // pending_review, approved, rejected, installed
  std::string review_reason, reviewed_by, cert_serial;
  ApplicantDetails details;
  int64_t created_at = 0, updated_at = 0;
};

struct SelfServiceApply {
  std::string phone, code;  // the SMS code (purpose self_service_apply)
  std::string project_id, product_id;  // standard flow only
  std::string agreement_version;
  bool agreed = false;
  ApplicantDetails details;
  SecureBuffer password;  // the certificate password
};

struct SelfServiceSession {
  std::string token;
  std::string phone;
  int64_t expires_at = 0;
};

struct Preregistration {
  std::string phone, product_id;
  ApplicantDetails details;
};

class SelfService {
 public:
  static constexpr int kMaxFailedPasswords = 5;
  static constexpr int64_t kLockSeconds = 15 * 60;
  static constexpr int64_t kSessionSeconds = 30 * 60;

  SelfService(store::Database& db, AccountService& accounts, Catalog& catalog, CertService& certs,
              SmsCodes& codes, SmsGateway& sms, CaptchaService& captchas, const Clock& clock)
      : db_(db), accounts_(accounts), catalog_(catalog), certs_(certs), codes_(codes), sms_(sms),
        captchas_(captchas), clock_(clock) {}

  // self_service_apply.cc
  Status SendApplyCode(const std::string& phone, const std::string& client);
  Result<SelfServiceApplication> Apply(SelfServiceApply request);
  Result<std::pair<SelfServiceApplication, SelfServiceSession>> ApplyPreregistered(
      SelfServiceApply request);
  // All rows are checked before any is stored. Returns how many were stored.
  Result<int> Preregister(const std::string& project_id, const std::vector<Preregistration>& rows,
                          const std::string& operator_name);

  // self_service_query.cc
  CaptchaService& captchas() { return captchas_; }
  Status SendQueryCode(const std::string& phone, const std::string& captcha_id,
                       const std::string& captcha_answer, const std::string& client);
  Result<SelfServiceSession> Login(const std::string& phone, const std::string& code);
  // The phone of a live query session (kUnauthenticated otherwise).
  Result<std::string> Authenticate(const std::string& token);
  Result<std::vector<SelfServiceApplication>> List(const std::string& phone);
  Result<IssuedBundle> Install(const std::string& phone, int64_t id, const SecureBuffer& password,
                               const std::string& csr);
  Result<IssuedBundle> Renew(const std::string& phone, int64_t id, const SecureBuffer& password,
                             const std::string& csr);

  // self_service_review.cc (operators)
  Result<std::vector<SelfServiceApplication>> ListForReview(const std::string& state);
  Result<SelfServiceApplication> Get(int64_t id);
  Result<SelfServiceApplication> Approve(int64_t id, const std::string& operator_name);
  Result<SelfServiceApplication> Reject(int64_t id, const std::string& operator_name,
                                        const std::string& reason);

 private:
  // The product of a self-service application (a live certificate product).
  Result<Product> CertificateProduct(const std::string& id);
  // Checks and normalises details for `profile` (names the bad field).
  Status CheckDetails(const std::string& profile, ApplicantDetails& details);
  Result<int64_t> Insert(const SelfServiceApply& request, const std::string& source,
                         const std::string& state, const std::string& reviewed_by,
                         int64_t preregistration_id);
  Result<SelfServiceSession> NewSession(const std::string& phone);
  // The phone's application `id`, its certificate password checked (with the
  // lockout).
  Result<SelfServiceApplication> Unlock(const std::string& phone, int64_t id,
                                        const SecureBuffer& password);
  Result<CheckedHolder> HolderOf(const SelfServiceApplication& app);
  // pending_review -> `to` (a conditional update checked by its row count).
  Result<SelfServiceApplication> Decide(int64_t id, const std::string& to,
                                        const std::string& operator_name,
                                        const std::string& reason);
  void Notify(const SelfServiceApplication& app, const std::string& text);

  store::Database& db_;
  AccountService& accounts_;
  Catalog& catalog_;
  CertService& certs_;
  SmsCodes& codes_;
  SmsGateway& sms_;
  CaptchaService& captchas_;
  const Clock& clock_;
};

}  // namespace sealkey::server
