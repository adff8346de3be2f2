// KycService: the operator side of real-name verification (queue, detail,
// photos) and the verified identity of a person, used by organisations.
#include <soci/soci.h>

#include "server/http/router.h"
#include "server/kyc/kyc_service.h"

namespace sealkey::server {
namespace {

constexpr char kReviewColumns[] =
    "SELECT id, account_id, status, reason, name, id_number, phone, agreement_version,"
    " agreed_at, submitted_at, decided_at, decided_by, front_blob, back_blob"
    " FROM kyc_submissions ";

// Binds the columns of kReviewColumns into `r` (typed single-row reads:
// the same code works on SQLite and PostgreSQL).
struct ReviewRow {
  long long id = 0, account = 0, agreed = 0, submitted = 0, decided = 0;
  KycReview r;
  void Into(soci::details::once_temp_type& q) {
    q, soci::into(id), soci::into(account), soci::into(r.status), soci::into(r.reason),
        soci::into(r.name), soci::into(r.id_number), soci::into(r.phone),
        soci::into(r.agreement_version), soci::into(agreed), soci::into(submitted),
        soci::into(decided), soci::into(r.decided_by), soci::into(r.front_sha256),
        soci::into(r.back_sha256);
  }
  KycReview Take() {
    r.id = id;
    r.account_id = account;
    r.agreed_at = agreed;
    r.submitted_at = submitted;
    r.decided_at = decided;
    return r;
  }
};

Error NoSuchSubmission() {
  return Bilingual(ErrorCode::kNotFound, "no submission has this id", "没有该认证申请",
                   "submission");
}

}  // namespace

Result<std::vector<KycReview>> KycService::ListForReview(const std::string& status, int limit) {
  if (status != "submitted" && status != "verified" && status != "rejected") {
    return Fail(Bilingual(ErrorCode::kInvalidArgument, "must be submitted, verified or rejected",
                          "须为 submitted、verified 或 rejected", "status"));
  }
  std::vector<KycReview> out;
  auto lease = db_.Borrow();
  long long last = 0;
  while (static_cast<int>(out.size()) < limit) {
    ReviewRow row;
    {
      auto q = (lease.sql() << std::string(kReviewColumns) +
                                   "WHERE status = :s AND id > :l ORDER BY id LIMIT 1",
                soci::use(status), soci::use(last));
      row.Into(q);
    }
    if (!lease.sql().got_data()) break;
    last = row.id;
    out.push_back(row.Take());
  }
  return out;
}

Result<KycReview> KycService::GetForReview(int64_t submission_id) {
  auto lease = db_.Borrow();
  long long id = submission_id;
  ReviewRow row;
  {
    auto q = (lease.sql() << std::string(kReviewColumns) + "WHERE id = :i", soci::use(id));
    row.Into(q);
  }
  if (!lease.sql().got_data()) return Fail(NoSuchSubmission());
  return row.Take();
}

Result<Bytes> KycService::Photo(int64_t submission_id, const std::string& side) {
  if (side != "front" && side != "back") {
    return Fail(Bilingual(ErrorCode::kInvalidArgument, "must be front or back", "须为 front 或 back",
                          "side"));
  }
  auto review = GetForReview(submission_id);
  if (!review) return Fail(review.error());
  return blobs_.Get(side == "front" ? review->front_sha256 : review->back_sha256);
}

Result<VerifiedPerson> KycService::Verified(int64_t account_id) {
  auto lease = db_.Borrow();
  long long account = account_id;
  VerifiedPerson p;
  lease.sql() << "SELECT name, id_number FROM kyc_submissions WHERE account_id = :a"
                 " AND status = 'verified' ORDER BY id DESC LIMIT 1",
      soci::use(account), soci::into(p.name), soci::into(p.id_number);
  if (!lease.sql().got_data()) {
    return Fail(Bilingual(ErrorCode::kFailedPrecondition,
                          "complete real-name verification first", "请先完成个人实名认证",
                          "kyc"));
  }
  return p;
}

}  // namespace sealkey::server
