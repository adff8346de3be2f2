// OrgService: joining an organisation (B7) and the administrator's review of
// join requests (B9).
#include <soci/soci.h>

#include "server/account/policy.h"
#include "server/http/router.h"
#include "server/org/org_rows.h"
#include "server/org/org_service.h"

namespace sealkey::server {
namespace {

Error NoSuchRequest() {
  return Bilingual(ErrorCode::kNotFound, "no join request of this organisation has this id",
                   "本机构没有该加入申请", "request");
}

}  // namespace

Result<JoinRequest> OrgService::RequestToJoin(const Account& caller, int64_t org_id,
                                              const std::string& admin_name,
                                              const std::string& admin_phone) {
  SEALKEY_RETURN_IF_ERROR(RequireIdentity(caller, {"natural_person"}));
  auto me = kyc_.Verified(caller.id);
  if (!me) return Fail(me.error());
  if (admin_name.empty()) {
    return Fail(Bilingual(ErrorCode::kInvalidArgument, "is required", "不能为空", "admin_name"));
  }
  auto phone = NormalizePhone(admin_phone, "admin_phone");
  if (!phone) return Fail(phone.error());
  auto org = Get(org_id);
  if (!org || org->status != "approved") {
    return Fail(Bilingual(ErrorCode::kNotFound, "no verified organisation has this id",
                          "没有该已认证机构", "org_id"));
  }
  // The applicant proves they know who administers it.
  long long o = org_id, admin = 0, me_id = caller.id, member = 0, pending = 0;
  {
    auto lease = db_.Borrow();
    lease.sql() << "SELECT account_id FROM identities WHERE org_id = :o"
                   " AND kind = 'administrator' AND ended_at = 0",
        soci::use(o), soci::into(admin);
    std::string admin_phone_stored;
    if (lease.sql().got_data()) {
      lease.sql() << "SELECT phone FROM accounts WHERE id = :a", soci::use(admin),
          soci::into(admin_phone_stored);
    }
    auto admin_person = kyc_.Verified(admin);
    if (!admin || !admin_person || admin_person->name != admin_name ||
        admin_phone_stored != *phone) {
      return Fail(Bilingual(ErrorCode::kVerifyFailed,
                            "the administrator's name and phone do not match this organisation",
                            "管理员姓名或手机号与该机构不符", "admin"));
    }
    lease.sql() << "SELECT COUNT(*) FROM identities WHERE org_id = :o AND account_id = :a"
                   " AND ended_at = 0",
        soci::use(o), soci::use(me_id), soci::into(member);
    lease.sql() << "SELECT COUNT(*) FROM org_join_requests WHERE org_id = :o AND account_id = :a"
                   " AND status = 'pending'",
        soci::use(o), soci::use(me_id), soci::into(pending);
  }
  if (member || pending) {
    return Fail(Bilingual(ErrorCode::kAlreadyExists,
                          member ? "already a member of this organisation"
                                 : "a join request is already pending",
                          member ? "已是该机构成员" : "已有待审核的加入申请", "org_id"));
  }
  long long now = clock_.NowUnixSeconds(), id = 0;
  SEALKEY_RETURN_IF_ERROR(store::InTransaction(db_, [&](soci::session& sql) -> Status {
    sql << "INSERT INTO org_join_requests (org_id, account_id, status, created_at)"
           " VALUES (:o, :a, 'pending', :t) RETURNING id",
        soci::use(o), soci::use(me_id), soci::use(now), soci::into(id);
    return Ok();
  }));
  return JoinRequest{id, org_id, caller.id, org->name, "pending", "", me->name, caller.phone,
                     now, 0};
}

Result<std::vector<JoinRequest>> OrgService::MyJoinRequests(const Account& caller) {
  auto person = kyc_.Verified(caller.id);
  std::vector<JoinRequest> out;
  auto lease = db_.Borrow();
  long long me = caller.id, last = 0;
  for (;;) {
    JoinRow row;
    {
      auto q = (lease.sql() << JoinRow::Select() +
                                   "WHERE j.account_id = :a AND j.id > :l ORDER BY j.id LIMIT 1",
                soci::use(me), soci::use(last));
      row.Into(q);
    }
    if (!lease.sql().got_data()) break;
    last = row.id;
    if (person) row.r.name = person->name;
    out.push_back(row.Take());
  }
  return out;
}

Result<std::vector<JoinRequest>> OrgService::JoinRequests(const Account& caller,
                                                          const std::string& status) {
  SEALKEY_RETURN_IF_ERROR(RequireIdentity(caller, {"administrator", "legal_representative"}));
  if (status != "pending" && status != "approved" && status != "rejected") {
    return Fail(Bilingual(ErrorCode::kInvalidArgument, "must be pending, approved or rejected",
                          "须为 pending、approved 或 rejected", "status"));
  }
  std::vector<JoinRequest> out;
  long long org = caller.org_id, last = 0;
  for (;;) {
    JoinRow row;
    bool got = false;
    {
      auto lease = db_.Borrow();
      {
        auto q = (lease.sql() << JoinRow::Select() +
                                     "WHERE j.org_id = :o AND j.status = :s AND j.id > :l"
                                     " ORDER BY j.id LIMIT 1",
                  soci::use(org), soci::use(status), soci::use(last));
        row.Into(q);
      }
      got = lease.sql().got_data();
    }
    if (!got) break;
    last = row.id;
    auto person = kyc_.Verified(row.account);
    if (person) row.r.name = person->name;
    out.push_back(row.Take());
  }
  return out;
}

Result<JoinRequest> OrgService::DecideJoin(const Account& caller, int64_t request_id,
                                           const KycDecision& d) {
  SEALKEY_RETURN_IF_ERROR(RequireIdentity(caller, {"administrator", "legal_representative"}));
  if (!d.verified && d.reason.empty()) {
    return Fail(Bilingual(ErrorCode::kInvalidArgument, "a rejection needs a reason",
                          "拒绝须说明原因", "reason"));
  }
  JoinRow row;
  long long id = request_id, org = caller.org_id;
  {
    auto lease = db_.Borrow();
    {
      auto q = (lease.sql() << JoinRow::Select() + "WHERE j.id = :i AND j.org_id = :o",
                soci::use(id), soci::use(org));
      row.Into(q);
    }
    if (!lease.sql().got_data()) return Fail(NoSuchRequest());
  }
  if (row.r.status != "pending") {
    return Fail(Bilingual(ErrorCode::kFailedPrecondition,
                          "this join request is " + row.r.status + ", not pending",
                          "该加入申请已处理", "request"));
  }
  // A member whose verified ID number is the legal representative's joins
  // as legal representative.
  auto person = kyc_.Verified(row.account);
  auto org_record = Get(org);
  if (!org_record) return Fail(org_record.error());
  std::string kind = person && person->id_number == org_record->legal_rep.id_number
                         ? "legal_representative" : "employee";
  long long now = clock_.NowUnixSeconds(), by = caller.id;
  std::string status = d.verified ? "approved" : "rejected";
  bool changed = false;
  SEALKEY_RETURN_IF_ERROR(store::InTransaction(db_, [&](soci::session& sql) -> Status {
    soci::statement update = (sql.prepare << "UPDATE org_join_requests SET status = :s,"
                                             " reason = :r, decided_at = :t, decided_by = :b"
                                             " WHERE id = :i AND status = 'pending'",
                              soci::use(status), soci::use(d.reason), soci::use(now),
                              soci::use(by), soci::use(id));
    update.execute(true);
    changed = update.get_affected_rows() == 1;
    if (changed && d.verified) return Grant(sql, row.account, kind, org);
    return Ok();
  }));
  if (!changed) {
    return Fail(Bilingual(ErrorCode::kFailedPrecondition, "this join request was already decided",
                          "该加入申请已处理", "request"));
  }
  Notify(row.r.phone, d.verified ? "【sealkey】您已加入" + row.r.org_name + "，重新登录后可选择员工身份。"
                                 : "【sealkey】加入" + row.r.org_name + "的申请未通过：" + d.reason);
  row.r.status = status;
  row.r.reason = d.reason;
  row.decided = now;
  if (person) row.r.name = person->name;
  return row.Take();
}

}  // namespace sealkey::server
