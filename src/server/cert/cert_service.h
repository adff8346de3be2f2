// Certificates of the platform's people (issue 6: E2, B11, D8 issuance):
// issuance from a CSR whose proof of possession verifies, SM2 dual
// certificates with a KMC-generated encryption key (escrowed sealed under
// DATA/secrets/kmc.key, delivered as a GM/T 0009 envelope to the signing
// key), renewal (same key, new serial and validity, the old one superseded),
// reissue after an SMS authorisation (new key, old one revoked), revocation
// with a reason, and the revocation status as CRLs and OCSP responses.
//
// The subject comes from the verified identity the session acts as, never
// from the CSR: personal (natural person), organisation (administrator or
// legal representative), employee (any member identity). Every change is one
// transaction with its audit-log entry. Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/secure_buffer.h"
#include "ca/crl_ocsp.h"
#include "server/account/account_service.h"
#include "server/account/sms_codes.h"
#include "server/cert/ca_registry.h"
#include "server/kyc/kyc_service.h"
#include "server/org/org_service.h"
#include "store/database.h"

namespace soci {
class session;
}

namespace sealkey::server {

struct CertRecord {
  std::string serial;  // upper-case hex, no leading zeros
  std::string ca_id, profile, usage, subject, status;  // usage: signing, encryption; status: good, revoked
  int64_t account_id = 0, identity_id = 0;
  int64_t not_before = 0, not_after = 0, revoked_at = 0, created_at = 0;
  std::string reason;       // when revoked: keyCompromise, superseded, ...
  std::string pair_serial;  // the other half of a dual pair
  std::string replaces;     // the certificate this one renewed or reissued
  Bytes der;
};

struct IssuedBundle {
  CertRecord cert;
  std::vector<std::string> chain_pem;  // issuing CA first, root last
  std::optional<CertRecord> encryption;
  Bytes envelope;  // SM2EnvelopedKey DER (dual issuance and reissue only)
};

struct CertPolicy {
  int validity_days = 365;
  // Renewal opens in the last part of the validity (a third by default).
  double renew_window = 1.0 / 3.0;
  int64_t crl_lifetime_seconds = 24 * 3600;  // nextUpdate - thisUpdate
  int64_t crl_refresh_seconds = 3600;        // regenerated at least this often
};

// Upper-case hex of a serial's magnitude without leading zeros.
std::string SerialHex(ByteView serial);
// The same form of a serial typed as hex ("0d84...", "D84..." are one).
std::string NormaliseSerial(std::string_view hex);

// A notice to a certificate holder (B11, manual 4.10.3): the platform asks
// for a reissue ("reissue_due"); the holder sees it after logging in, and
// it is done once the certificate is reissued.
struct CertNotice {
  int64_t id = 0;
  std::string kind, serial, reason, created_by;
  int64_t created_at = 0, done_at = 0;
};

// Runs inside the transaction that stores an issued certificate, after its
// rows: an error rolls the whole issuance back, so nothing is kept.
using IssueHook = std::function<Status(soci::session&, const IssuedBundle&)>;

// A holder whose subject was checked outside the platform's real-name
// verification: a self-service application (D8) that an operator reviewed or
// an employer pre-registered. The certificate belongs to `account` (the
// applicant's phone) as its natural person.
struct CheckedHolder {
  Account account;
  ca::SubjectInfo subject;
  std::string actor;  // the audit log's actor, e.g. "self-service:12"
};

class CertService {
 public:
  CertService(store::Database& db, CaRegistry& cas, KycService& kyc, OrgService& orgs,
              SmsCodes& codes, SecureBuffer kmc_key, const Clock& clock, CertPolicy policy = {})
      : db_(db), cas_(cas), kyc_(kyc), orgs_(orgs), codes_(codes), kmc_key_(std::move(kmc_key)),
        clock_(clock), policy_(policy) {}

  // cert_service.cc
  // `validity_days` 0: the policy's.
  Result<IssuedBundle> Issue(const Account& caller, const std::string& profile,
                             const std::string& csr, bool dual, int validity_days = 0);
  // Whether `caller` may hold a certificate of `profile` now (identity role,
  // verified real name, organisation): checked before an order is taken.
  Status CheckEligible(const Account& caller, const std::string& profile);
  Result<IssuedBundle> Renew(const Account& caller, const std::string& serial,
                             const std::string& csr);
  // Self-service (D8): issuance and renewal for a checked holder; `hook`
  // (may be empty) joins the issuing transaction.
  Result<IssuedBundle> IssueChecked(const CheckedHolder& holder, const std::string& profile,
                                    const std::string& csr, bool dual, int validity_days,
                                    const IssueHook& hook);
  Result<IssuedBundle> RenewChecked(const CheckedHolder& holder, const std::string& serial,
                                    const std::string& csr, const IssueHook& hook);
  Result<IssuedBundle> Reissue(const Account& caller, const std::string& serial,
                               const std::string& csr, const std::string& code);
  // cert_notices.cc. An operator (`actor`) tells the holder of the valid
  // signing certificate `serial` that a reissue is due (`reason`, 2-200
  // characters), by a notice and an SMS; one open notice per certificate.
  Result<CertNotice> NoticeReissue(const std::string& actor, const std::string& serial,
                                   const std::string& reason);
  // The caller's notices not yet done, oldest first.
  Result<std::vector<CertNotice>> OpenNotices(const Account& caller);
  // Where notices are texted (null: not texted).
  void SetNotifier(SmsGateway* sms) { sms_ = sms; }

  // `caller` null: an operator (`actor` names them).
  Status Revoke(const Account* caller, const std::string& actor, const std::string& serial,
                const std::string& reason);

  // cert_status.cc
  Result<std::vector<CertRecord>> List(const Account& caller);
  Result<CertRecord> Get(const Account& caller, const std::string& serial);
  Result<Bytes> Crl(const std::string& ca_id);
  // Always an OCSPResponse (errors become malformedRequest/internalError).
  Bytes Ocsp(ByteView request);
  // The CA chain of a certificate (issuing CA first), PEM.
  std::vector<std::string> ChainOf(const std::string& ca_id) const;
  const CertPolicy& policy() const { return policy_; }
  // The seal maker (E3): the CA of SM2 keys signs GB/T 38540 seals.
  Result<const ca::CaContext*> SealMaker() const { return cas_.ForKey(crypto::KeyType::kSm2); }
  // A certificate of `caller` (for binding a seal).
  Result<CertRecord> Own(const Account& caller, const std::string& serial) {
    return Get(caller, serial);
  }

 private:
  Result<CertRecord> Load(const std::string& serial);
  // The caller's valid signing certificate `serial` (renew, reissue).
  Result<CertRecord> Replaceable(const Account& caller, const std::string& serial,
                                 const char* verb_en, const char* verb_zh);
  static Result<crypto::PublicKey> KeyOf(const CertRecord& record);
  // The subject of `caller`'s verified identity for `profile` (role, real
  // name, organisation checked).
  Result<CheckedHolder> VerifiedHolder(const Account& caller, const std::string& profile);
  // Renewal of `old` (a valid signing certificate of holder.account).
  Result<IssuedBundle> RenewFor(const CheckedHolder& holder, const CertRecord& old,
                                const std::string& csr, const IssueHook* hook);
  // `renew_pair`: the encryption certificate of a dual pair being renewed;
  // its key is kept (new certificate, same escrow, no envelope).
  Result<IssuedBundle> IssueFor(const CheckedHolder& holder, const std::string& profile,
                                const crypto::CsrInfo& csr, bool dual, const std::string& replaces,
                                const CertRecord* renew_pair, const char* action,
                                int validity_days = 0, const IssueHook* hook = nullptr);
  void MarkCrlDirty(const std::string& ca_id);

  store::Database& db_;
  CaRegistry& cas_;
  KycService& kyc_;
  OrgService& orgs_;
  SmsCodes& codes_;
  SecureBuffer kmc_key_;
  const Clock& clock_;
  SmsGateway* sms_ = nullptr;
  CertPolicy policy_;
  struct CachedCrl {
    Bytes der;
    int64_t made_at = 0;
    bool dirty = true;
  };
  std::mutex crl_mu_;
  std::map<std::string, CachedCrl> crls_;
};

}  // namespace sealkey::server
