// OrgService: organisations themselves (B6) and their operator review.
#include "server/org/org_service.h"

#include <cstdio>

#include <soci/soci.h>

#include "server/account/policy.h"
#include "server/http/router.h"
#include "server/kyc/id_numbers.h"
#include "server/org/org_rows.h"

namespace sealkey::server {
namespace {

// 2-100 characters, no control characters (names and addresses).
Status CheckText(const std::string& text, size_t min, size_t max, const char* field) {
  size_t chars = 0;
  for (unsigned char c : text) {
    if ((c & 0xc0) != 0x80) ++chars;
    if (c < 0x20) {
      return Fail(Bilingual(ErrorCode::kInvalidArgument, "must not contain control characters",
                            "不能包含控制字符", field));
    }
  }
  if (chars < min || chars > max) {
    return Fail(Bilingual(ErrorCode::kInvalidArgument,
                          "must be " + std::to_string(min) + " to " + std::to_string(max) +
                              " characters",
                          "须为 " + std::to_string(min) + " 到 " + std::to_string(max) + " 个字符",
                          field));
  }
  return Ok();
}

Error NoSuchOrg() {
  return Bilingual(ErrorCode::kNotFound, "no organisation has this id", "没有该机构",
                   "organisation");
}

}  // namespace

Result<SearchResult> OrgService::Search(const Account& caller, const std::string& name,
                                        const std::string& credit_code) {
  SEALKEY_RETURN_IF_ERROR(RequireIdentity(caller, {"natural_person"}));
  SEALKEY_RETURN_IF_ERROR(CheckText(name, 2, 100, "name"));
  auto code = ValidateCreditCode(credit_code);
  if (!code) return Fail(code.error());
  auto lease = db_.Borrow();
  OrgRow row;
  {
    auto q = (lease.sql() << OrgRow::Select() + "WHERE credit_code = :c AND status <> 'rejected'",
              soci::use(*code));
    row.Into(q);
  }
  SearchResult out;
  // The name must match too: the code alone does not reveal an organisation.
  if (!lease.sql().got_data() || row.org.name != name) return out;
  out.found = true;
  out.org.id = row.id;
  out.org.name = row.org.name;
  out.org.credit_code = row.org.credit_code;
  out.org.status = row.org.status;
  return out;
}

Result<store::BlobRef> OrgService::StoreLicence(const Account& caller, ByteView licence) {
  SEALKEY_RETURN_IF_ERROR(RequireIdentity(caller, {"natural_person"}));
  auto verified = kyc_.Verified(caller.id);
  if (!verified) return Fail(verified.error());
  return blobs_.Put(licence, store::kJpeg | store::kPng | store::kPdf, kMaxLicenceBytes, "licence");
}

Result<Organisation> OrgService::Create(const Account& caller, const OrgApplication& in) {
  SEALKEY_RETURN_IF_ERROR(RequireIdentity(caller, {"natural_person"}));
  auto verified = kyc_.Verified(caller.id);
  if (!verified) return Fail(verified.error());
  if (in.agreement_version != kOrgAgreementVersion || !in.agreed) {
    return Fail(Bilingual(ErrorCode::kInvalidArgument,
                          std::string("the current agreement (version ") + kOrgAgreementVersion +
                              ") must be accepted",
                          std::string("须同意当前版本（") + kOrgAgreementVersion + "）的协议",
                          "agreement_version"));
  }
  SEALKEY_RETURN_IF_ERROR(CheckText(in.name, 2, 100, "name"));
  auto code = ValidateCreditCode(in.credit_code);
  if (!code) return Fail(code.error());
  SEALKEY_RETURN_IF_ERROR(CheckText(in.address, 5, 200, "address"));
  SEALKEY_RETURN_IF_ERROR(CheckText(in.legal_rep.name, 2, 30, "legal_rep.name"));
  auto rep_id = ValidateResidentId(in.legal_rep.id_number, clock_.NowUnixSeconds(),
                                   "legal_rep.id_number");
  if (!rep_id) return Fail(rep_id.error());
  auto rep_phone = NormalizePhone(in.legal_rep.phone, "legal_rep.phone");
  if (!rep_phone) return Fail(rep_phone.error());
  auto licence = blobs_.Get(in.licence_id);
  if (!licence || in.licence_id.size() != 64) {
    return Fail(Bilingual(ErrorCode::kNotFound, "upload the business licence first",
                          "请先上传营业执照", "licence_id"));
  }
  unsigned kind = store::SniffBlobKind(*licence);
  std::string mime = kind == store::kPdf ? "application/pdf"
                     : kind == store::kPng ? "image/png" : "image/jpeg";

  long long now = clock_.NowUnixSeconds(), creator = caller.id, id = 0;
  bool taken = false;
  SEALKEY_RETURN_IF_ERROR(store::InTransaction(db_, [&](soci::session& sql) -> Status {
    long long live = 0;
    sql << "SELECT COUNT(*) FROM organisations WHERE credit_code = :c AND status <> 'rejected'",
        soci::use(*code), soci::into(live);
    if ((taken = live > 0)) return Ok();
    std::string version = in.agreement_version;
    sql << "INSERT INTO organisations (name, credit_code, address, legal_rep_name,"
           " legal_rep_id_number, legal_rep_phone, licence_blob, licence_mime, agreement_version,"
           " agreed_at, created_by, status, submitted_at)"
           " VALUES (:n, :c, :a, :rn, :ri, :rp, :l, :m, :v, :t, :b, 'submitted', :t2) RETURNING id",
        soci::use(in.name), soci::use(*code), soci::use(in.address), soci::use(in.legal_rep.name),
        soci::use(*rep_id), soci::use(*rep_phone), soci::use(in.licence_id), soci::use(mime),
        soci::use(version), soci::use(now), soci::use(creator), soci::use(now), soci::into(id);
    return Ok();
  }));
  if (taken) {
    return Fail(Bilingual(ErrorCode::kAlreadyExists,
                          "an organisation with this credit code exists or is under review; "
                          "join it instead",
                          "该统一社会信用代码的机构已存在或正在审核，请申请加入", "credit_code"));
  }
  if (auto_approve_) {
    SEALKEY_RETURN_IF_ERROR(Decide(id, KycDecision{true, ""}, "auto"));
  }
  return Get(id);
}

Result<std::vector<Organisation>> OrgService::MyApplications(const Account& caller) {
  std::vector<Organisation> out;
  auto lease = db_.Borrow();
  long long creator = caller.id, last = 0;
  for (;;) {
    OrgRow row;
    {
      auto q = (lease.sql() << OrgRow::Select() +
                                   "WHERE created_by = :a AND id > :l ORDER BY id LIMIT 1",
                soci::use(creator), soci::use(last));
      row.Into(q);
    }
    if (!lease.sql().got_data()) break;
    last = row.id;
    out.push_back(row.Take());
  }
  return out;
}

Result<Organisation> OrgService::Current(const Account& caller) {
  SEALKEY_RETURN_IF_ERROR(
      RequireIdentity(caller, {"administrator", "legal_representative", "employee"}));
  return Get(caller.org_id);
}

Result<std::vector<Organisation>> OrgService::ListForReview(const std::string& status, int limit) {
  if (status != "submitted" && status != "approved" && status != "rejected") {
    return Fail(Bilingual(ErrorCode::kInvalidArgument, "must be submitted, approved or rejected",
                          "须为 submitted、approved 或 rejected", "status"));
  }
  std::vector<Organisation> out;
  auto lease = db_.Borrow();
  long long last = 0;
  while (static_cast<int>(out.size()) < limit) {
    OrgRow row;
    {
      auto q = (lease.sql() << OrgRow::Select() +
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

Result<Organisation> OrgService::Get(int64_t org_id) {
  auto lease = db_.Borrow();
  long long id = org_id;
  OrgRow row;
  {
    auto q = (lease.sql() << OrgRow::Select() + "WHERE id = :i", soci::use(id));
    row.Into(q);
  }
  if (!lease.sql().got_data()) return Fail(NoSuchOrg());
  return row.Take();
}

Result<Bytes> OrgService::Licence(int64_t org_id) {
  auto org = Get(org_id);
  if (!org) return Fail(org.error());
  return blobs_.Get(org->licence_id);
}

Status OrgService::Decide(int64_t org_id, const KycDecision& d, const std::string& by) {
  if (!d.verified && d.reason.empty()) {
    return Fail(Bilingual(ErrorCode::kInvalidArgument, "a rejection needs a reason",
                          "驳回须说明原因", "reason"));
  }
  auto org = Get(org_id);
  if (!org) return Fail(org.error());
  if (org->status != "submitted") {
    return Fail(Bilingual(ErrorCode::kFailedPrecondition, "this organisation was already decided",
                          "该机构认证已审核", "organisation"));
  }
  // The creator's verified identity decides whether they are also the
  // legal representative.
  auto creator = kyc_.Verified(org->created_by);
  bool creator_is_rep = creator && creator->id_number == org->legal_rep.id_number;
  long long id = org_id, now = clock_.NowUnixSeconds();
  std::string status = d.verified ? "approved" : "rejected";
  bool changed = false;
  SEALKEY_RETURN_IF_ERROR(store::InTransaction(db_, [&](soci::session& sql) -> Status {
    // Only one decision wins, even when two operators decide at once.
    soci::statement update = (sql.prepare << "UPDATE organisations SET status = :s, reason = :r,"
                                             " decided_at = :t, decided_by = :b"
                                             " WHERE id = :i AND status = 'submitted'",
                              soci::use(status), soci::use(d.reason), soci::use(now),
                              soci::use(by), soci::use(id));
    update.execute(true);
    changed = update.get_affected_rows() == 1;
    if (!changed || !d.verified) return Ok();
    SEALKEY_RETURN_IF_ERROR(Grant(sql, org->created_by, "administrator", org_id));
    if (creator_is_rep) {
      SEALKEY_RETURN_IF_ERROR(Grant(sql, org->created_by, "legal_representative", org_id));
    }
    return Ok();
  }));
  if (!changed) {
    return Fail(Bilingual(ErrorCode::kFailedPrecondition, "this organisation was already decided",
                          "该机构认证已审核", "organisation"));
  }
  if (by != "auto") {
    auto creator_account = db_.Borrow();
    std::string phone;
    long long account = org->created_by;
    creator_account.sql() << "SELECT phone FROM accounts WHERE id = :i AND deleted_at = 0",
        soci::use(account), soci::into(phone);
    if (creator_account.sql().got_data()) {
      Notify(phone, d.verified ? "【sealkey】机构认证已通过：" + org->name + "。重新登录后可选择管理员身份。"
                               : "【sealkey】机构认证未通过：" + org->name + "，原因：" + d.reason);
    }
  }
  return Ok();
}

Status OrgService::Grant(soci::session& sql, int64_t account, const std::string& kind,
                         int64_t org) {
  long long a = account, o = org, existing = 0, now = clock_.NowUnixSeconds();
  sql << "SELECT COUNT(*) FROM identities WHERE account_id = :a AND kind = :k AND org_id = :o"
         " AND ended_at = 0",
      soci::use(a), soci::use(kind), soci::use(o), soci::into(existing);
  if (existing == 0) {
    sql << "INSERT INTO identities (account_id, kind, org_id, created_at) VALUES (:a, :k, :o, :t)",
        soci::use(a), soci::use(kind), soci::use(o), soci::use(now);
  }
  return Ok();
}

void OrgService::Notify(const std::string& phone, const std::string& text) {
  // A notice that cannot be sent does not undo the decision; it is logged.
  Status st = sms_.Send({phone, "notice", "", text, clock_.NowUnixSeconds()});
  if (!st) std::fprintf(stderr, "sealkeyd: notice to %s failed: %s\n", phone.c_str(),
                        st.error().ToString().c_str());
}

}  // namespace sealkey::server
