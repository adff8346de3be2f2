#include "server/kyc/kyc_service.h"

#include <cctype>

#include <soci/soci.h>

#include "server/account/policy.h"
#include "server/http/router.h"
#include "server/kyc/id_numbers.h"

namespace sealkey::server {

std::string MaskIdNumber(const std::string& id) {
  return id.size() == 18 ? id.substr(0, 4) + std::string(10, '*') + id.substr(14) : "";
}

Result<KycRecord> KycService::Submit(const Account& account, const KycSubmission& in) {
  SEALKEY_RETURN_IF_ERROR(RequireIdentity(account, {"natural_person"}));
  // Every check first: bad input changes nothing (no code spent, no file kept).
  if (in.agreement_version != kKycAgreementVersion || !in.agreed) {
    return Fail(Bilingual(ErrorCode::kInvalidArgument,
                          std::string("the current agreement (version ") + kKycAgreementVersion +
                              ") must be accepted",
                          std::string("须同意当前版本（") + kKycAgreementVersion + "）的协议",
                          "agreement_version"));
  }
  SEALKEY_RETURN_IF_ERROR(CheckPersonName(in.name));
  auto id_number = ValidateResidentId(in.id_number, clock_.NowUnixSeconds());
  if (!id_number) return Fail(id_number.error());
  auto phone = NormalizePhone(in.phone);
  if (!phone) return Fail(phone.error());
  for (const auto& [image, field] : {std::pair{&in.front_image, "front_image"},
                                     std::pair{&in.back_image, "back_image"}}) {
    if (image->empty() || image->size() > kMaxIdPhotoBytes ||
        !(store::SniffBlobKind(*image) & (store::kJpeg | store::kPng))) {
      return Fail(Bilingual(ErrorCode::kInvalidArgument,
                            "must be a JPEG or PNG photo of at most 5 MiB (checked by content)",
                            "须为不超过 5 MiB 的 JPEG 或 PNG 照片（按内容检查）", field));
    }
  }
  auto latest = Latest(account.id);
  if (!latest) return Fail(latest.error());
  if (latest->status == "submitted" || latest->status == "verified") {
    return Fail(Bilingual(ErrorCode::kAlreadyExists,
                          latest->status == "verified" ? "the account is already verified"
                                                       : "a submission is already under review",
                          latest->status == "verified" ? "已完成实名认证" : "已有认证申请正在审核",
                          "account"));
  }
  SEALKEY_RETURN_IF_ERROR(codes_.Verify(*phone, "verify_phone", in.code));
  auto front = blobs_.Put(in.front_image, store::kJpeg | store::kPng, kMaxIdPhotoBytes, "front_image");
  if (!front) return Fail(front.error());
  auto back = blobs_.Put(in.back_image, store::kJpeg | store::kPng, kMaxIdPhotoBytes, "back_image");
  if (!back) return Fail(back.error());

  long long now = clock_.NowUnixSeconds(), account_id = account.id, id = 0;
  std::string version = in.agreement_version;
  SEALKEY_RETURN_IF_ERROR(store::InTransaction(db_, [&](soci::session& sql) -> Status {
    sql << "INSERT INTO kyc_submissions (account_id, agreement_version, agreed_at, name,"
           " id_number, phone, front_blob, back_blob, status, submitted_at)"
           " VALUES (:a, :v, :t, :n, :i, :p, :f, :b, 'submitted', :t2) RETURNING id",
        soci::use(account_id), soci::use(version), soci::use(now), soci::use(in.name),
        soci::use(*id_number), soci::use(*phone), soci::use(front->sha256),
        soci::use(back->sha256), soci::use(now), soci::into(id);
    return Ok();
  }));
  KycRecord record{id, "submitted", "", in.name, MaskIdNumber(*id_number), now, 0};
  if (auto decision = reviewer_.Review(record)) {
    SEALKEY_RETURN_IF_ERROR(Decide(id, *decision, reviewer_.name()));
    return Latest(account.id);
  }
  return record;
}

Result<KycRecord> KycService::Latest(int64_t account_id) {
  auto lease = db_.Borrow();
  KycRecord r;
  long long account = account_id, id = 0, submitted = 0, decided = 0;
  std::string id_number;
  lease.sql() << "SELECT id, status, reason, name, id_number, submitted_at, decided_at"
                 " FROM kyc_submissions WHERE account_id = :a ORDER BY id DESC LIMIT 1",
      soci::use(account), soci::into(id), soci::into(r.status), soci::into(r.reason),
      soci::into(r.name), soci::into(id_number), soci::into(submitted), soci::into(decided);
  if (!lease.sql().got_data()) return KycRecord{0, "none", "", "", "", 0, 0};
  r.id = id;
  r.id_number_masked = MaskIdNumber(id_number);
  r.submitted_at = submitted;
  r.decided_at = decided;
  return r;
}

Status KycService::Decide(int64_t submission_id, const KycDecision& d, const std::string& by) {
  if (!d.verified && d.reason.empty()) {
    return Fail(Bilingual(ErrorCode::kInvalidArgument, "a rejection needs a reason",
                          "驳回须说明原因", "reason"));
  }
  long long id = submission_id, now = clock_.NowUnixSeconds();
  std::string status = d.verified ? "verified" : "rejected";
  bool found = false, decided = false;
  SEALKEY_RETURN_IF_ERROR(store::InTransaction(db_, [&](soci::session& sql) -> Status {
    std::string current;
    sql << "SELECT status FROM kyc_submissions WHERE id = :i", soci::use(id), soci::into(current);
    found = sql.got_data();
    if (!found || current != "submitted") return Ok();
    decided = true;
    sql << "UPDATE kyc_submissions SET status = :s, reason = :r, decided_at = :t, decided_by = :b"
           " WHERE id = :i",
        soci::use(status), soci::use(d.reason), soci::use(now), soci::use(by), soci::use(id);
    return Ok();
  }));
  if (!found) {
    return Fail(Bilingual(ErrorCode::kNotFound, "no submission has this id", "没有该认证申请",
                          "submission"));
  }
  if (!decided) {
    return Fail(Bilingual(ErrorCode::kFailedPrecondition, "this submission was already decided",
                          "该认证申请已审核", "submission"));
  }
  return Ok();
}

}  // namespace sealkey::server
