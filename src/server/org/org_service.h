// Organisations (B6, B7, B9): search by name and unified social credit
// code, creation with a business licence (OCR pre-fill, operator review),
// joining with the administrator's consent, invitations, members, and the
// administrator transfer.
//
// Roles come from the caller's current identity (B4): a natural person
// searches, creates, joins and answers invitations; the administrator and
// the legal representative manage the organisation of their identity; only
// the administrator transfers the role. Uploading a licence, creating,
// joining and accepting an invitation need a verified real name (B5).
// Checks come before changes: bad input changes nothing.
//
//   organisation: submitted -> approved | rejected (reason); on approval the
//     creator becomes administrator (and legal representative when the
//     verified ID number is the legal representative's).
//   join request: pending -> approved | rejected | withdrawn
//   invitation:   pending -> accepted | declined (expires after 7 days)
//   admin transfer: awaiting_signature -> cancelled | completed. Completing
//     takes the authorisation letter the platform rendered (with the
//     administrator's handwritten signature), signed by the administrator
//     (PAdES) with a good certificate the platform issued to them; then the
//     employee becomes administrator and the administrator an employee.
// Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "server/account/account_service.h"
#include "server/kyc/kyc_service.h"
#include "server/notify/sms_gateway.h"
#include "store/blob_store.h"
#include "store/database.h"

namespace soci {
class session;
}  // namespace soci

namespace sealkey::server {

inline constexpr char kOrgAgreementVersion[] = "2026.1";
inline constexpr size_t kMaxLicenceBytes = 10 << 20;
inline constexpr int64_t kInvitationSeconds = 7 * 86400;

struct LegalRepresentative {
  std::string name;
  std::string id_number;
  std::string phone;
};

struct OrgApplication {
  std::string agreement_version;
  bool agreed = false;
  std::string name;
  std::string credit_code;
  std::string address;
  std::string licence_id;  // sha256 of an uploaded licence (POST /orgs/licence)
  LegalRepresentative legal_rep;
};

struct Organisation {
  int64_t id = 0;
  std::string name, credit_code, address, status, reason;
  LegalRepresentative legal_rep;  // id_number masked on person routes
  std::string licence_id, licence_mime;
  int64_t created_by = 0, submitted_at = 0, decided_at = 0;
  std::string decided_by;
};

struct SearchResult {
  bool found = false;     // a live organisation has this code and name
  Organisation org;       // when found: id, name, credit_code, status only
};

struct JoinRequest {
  int64_t id = 0, org_id = 0, account_id = 0;
  std::string org_name, status, reason, name, phone;  // name/phone: the applicant's
  int64_t created_at = 0, decided_at = 0;
};

struct Member {
  int64_t identity_id = 0, account_id = 0;
  std::string kind, name, phone;
  int64_t joined_at = 0;
};

struct Invitation {
  int64_t id = 0, org_id = 0;
  std::string org_name, phone, status;
  int64_t created_at = 0, expires_at = 0;
};

struct AdminTransfer {
  int64_t id = 0, org_id = 0, from_account = 0, to_account = 0;
  std::string from_name, to_name;  // verified names
  std::string status;              // awaiting_signature, completed, cancelled
  bool letter_rendered = false;
  std::string signer_serial;       // completed: the certificate that signed the letter
  int64_t created_at = 0, decided_at = 0;
};

inline constexpr size_t kMaxLetterBytes = 10 << 20;

class OrgService {
 public:
  OrgService(store::Database& db, store::BlobStore& blobs, KycService& kyc, SmsGateway& sms,
             const Clock& clock, bool auto_approve)
      : db_(db), blobs_(blobs), kyc_(kyc), sms_(sms), clock_(clock), auto_approve_(auto_approve) {}

  // B6 (org_service.cc)
  Result<SearchResult> Search(const Account& caller, const std::string& name,
                              const std::string& credit_code);
  // Stores a licence (JPEG/PNG/PDF by content, <= 10 MiB); its id for Create.
  Result<store::BlobRef> StoreLicence(const Account& caller, ByteView licence);
  Result<Organisation> Create(const Account& caller, const OrgApplication& in);
  Result<std::vector<Organisation>> MyApplications(const Account& caller);
  // The organisation of the caller's identity (any organisation role).
  Result<Organisation> Current(const Account& caller);
  // Operator side.
  Result<std::vector<Organisation>> ListForReview(const std::string& status, int limit);
  Result<Organisation> Get(int64_t org_id);
  Result<Bytes> Licence(int64_t org_id);
  Status Decide(int64_t org_id, const KycDecision& decision, const std::string& by);

  // B7 (org_members.cc)
  Result<JoinRequest> RequestToJoin(const Account& caller, int64_t org_id,
                                    const std::string& admin_name, const std::string& admin_phone);
  Result<std::vector<JoinRequest>> MyJoinRequests(const Account& caller);
  Result<std::vector<JoinRequest>> JoinRequests(const Account& caller, const std::string& status);
  Result<JoinRequest> DecideJoin(const Account& caller, int64_t request_id,
                                 const KycDecision& decision);
  // B9
  Result<std::vector<Member>> Members(const Account& caller);
  Result<Member> MemberDetail(const Account& caller, int64_t identity_id);
  Result<Invitation> Invite(const Account& caller, const std::string& phone);
  Result<std::vector<Invitation>> Invitations(const Account& caller);  // the org's
  Result<std::vector<Invitation>> MyInvitations(const Account& caller);
  Result<Invitation> AnswerInvitation(const Account& caller, int64_t invitation_id, bool accept);
  // B9 administrator transfer (org_transfer.cc, org_transfer_sign.cc)
  Result<AdminTransfer> RequestAdminTransfer(const Account& caller, int64_t to_identity_id);
  Result<std::optional<AdminTransfer>> PendingAdminTransfer(const Account& caller);
  // The pending transfer, else the organisation's latest completed one.
  Result<std::optional<AdminTransfer>> LatestAdminTransfer(const Account& caller);
  Status CancelAdminTransfer(const Account& caller);
  // Renders the pending transfer's authorisation letter with `signature_png`
  // (a PNG by content) drawn in, stores it on the transfer (replacing an
  // earlier one) and returns the PDF.
  Result<Bytes> RenderTransferLetter(const Account& caller, ByteView signature_png);
  // Completes the pending transfer with `signed_pdf`: the stored letter
  // byte for byte plus an incremental update holding one PAdES signature
  // that verifies, covers the whole file and was made with a good signing
  // certificate the platform issued to the caller's account. Any failure
  // (field "pdf", "certificate", "letter" or "transfer") changes nothing.
  // Both people are told by SMS.
  Result<AdminTransfer> CompleteAdminTransfer(const Account& caller, ByteView signed_pdf);

 private:
  // The organisation's transfer matching `where` (SQL on org_admin_transfers,
  // binding :o to the organisation), its letter blob in `letter_blob`.
  Result<std::optional<AdminTransfer>> LoadTransfer(int64_t org_id, const std::string& where,
                                                    std::string* letter_blob = nullptr);
  // Gives `account` an identity of `kind` in `org` unless it has one.
  Status Grant(soci::session& sql, int64_t account, const std::string& kind, int64_t org);
  void Notify(const std::string& phone, const std::string& text);

  store::Database& db_;
  store::BlobStore& blobs_;
  KycService& kyc_;
  SmsGateway& sms_;
  const Clock& clock_;
  bool auto_approve_;
};

}  // namespace sealkey::server
