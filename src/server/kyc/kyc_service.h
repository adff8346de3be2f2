// Real-name verification of a natural person (B5): agreement (version and
// time recorded), name, resident ID number (GB 11643), phone + SMS code
// (purpose verify_phone), photos of both sides of the ID card. The decision
// goes through a KycReviewer: automatic (development) or an operator queue.
//   state: submitted -> verified | rejected (with reason); after a
//   rejection the person may submit again. Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "server/account/account_service.h"
#include "server/account/sms_codes.h"
#include "store/blob_store.h"
#include "store/database.h"

namespace sealkey::server {

inline constexpr char kKycAgreementVersion[] = "2026.1";
inline constexpr size_t kMaxIdPhotoBytes = 5 << 20;

struct KycSubmission {
  std::string agreement_version;
  bool agreed = false;
  std::string name;
  std::string id_number;
  std::string phone;
  std::string code;
  Bytes front_image;
  Bytes back_image;
};

struct KycRecord {
  int64_t id = 0;
  std::string status;  // "none", "submitted", "verified", "rejected"
  std::string reason;  // why it was rejected
  std::string name;
  std::string id_number_masked;  // 3405**********001X
  int64_t submitted_at = 0;
  int64_t decided_at = 0;
};

// What an operator sees of a submission (full data; operator API only).
struct KycReview {
  int64_t id = 0;
  int64_t account_id = 0;
  std::string status, reason, name, id_number, phone, agreement_version;
  int64_t agreed_at = 0, submitted_at = 0, decided_at = 0;
  std::string decided_by;
  std::string front_sha256, back_sha256;
};

// A person whose real-name verification succeeded (for organisations).
struct VerifiedPerson {
  std::string name;
  std::string id_number;
};

struct KycDecision {
  bool verified = false;
  std::string reason;
};

// 3405**********001X: what the person API shows of an ID number.
std::string MaskIdNumber(const std::string& id_number);

class KycReviewer {
 public:
  virtual ~KycReviewer() = default;
  // A decision now, or nullopt to leave the submission for an operator.
  virtual std::optional<KycDecision> Review(const KycRecord& record) = 0;
  virtual const char* name() const = 0;
};

// Development: every submission that passed the checks is verified.
class AutomaticReviewer final : public KycReviewer {
 public:
  std::optional<KycDecision> Review(const KycRecord&) override { return KycDecision{true, ""}; }
  const char* name() const override { return "auto"; }
};

// Production: submissions wait for an operator.
class OperatorQueue final : public KycReviewer {
 public:
  std::optional<KycDecision> Review(const KycRecord&) override { return std::nullopt; }
  const char* name() const override { return "operator"; }
};

class KycService {
 public:
  KycService(store::Database& db, store::BlobStore& blobs, SmsCodes& codes, const Clock& clock,
             KycReviewer& reviewer)
      : db_(db), blobs_(blobs), codes_(codes), clock_(clock), reviewer_(reviewer) {}

  // Checks every field before anything changes; then spends the SMS code,
  // stores the photos and records the submission.
  Result<KycRecord> Submit(const Account& account, const KycSubmission& in);
  // The latest submission ("none" when there is none).
  Result<KycRecord> Latest(int64_t account_id);
  // Records a decision on a submitted record (reviewer or operator);
  // kFailedPrecondition when it was already decided.
  Status Decide(int64_t submission_id, const KycDecision& decision, const std::string& by);

  // Operator side (kyc_review.cc): submissions in `status` (submitted,
  // verified, rejected), oldest first, at most `limit`.
  Result<std::vector<KycReview>> ListForReview(const std::string& status, int limit);
  Result<KycReview> GetForReview(int64_t submission_id);
  // The stored photo, side "front" or "back".
  Result<Bytes> Photo(int64_t submission_id, const std::string& side);
  // The verified name and ID number of an account; kFailedPrecondition
  // (field "kyc") when the person is not verified.
  Result<VerifiedPerson> Verified(int64_t account_id);

 private:
  store::Database& db_;
  store::BlobStore& blobs_;
  SmsCodes& codes_;
  const Clock& clock_;
  KycReviewer& reviewer_;
};

}  // namespace sealkey::server
