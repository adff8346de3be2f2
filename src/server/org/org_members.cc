// OrgService: members and invitations (B9).
#include <soci/soci.h>

#include "server/account/policy.h"
#include "server/http/router.h"
#include "server/org/org_rows.h"
#include "server/org/org_service.h"

namespace sealkey::server {
namespace {

struct InvitationRow {
  long long id = 0, org = 0, created = 0, expires = 0;
  Invitation i;
  static std::string Select() {
    return "SELECT v.id, v.org_id, o.name, v.phone, v.status, v.created_at, v.expires_at"
           " FROM org_invitations v JOIN organisations o ON o.id = v.org_id ";
  }
  void Into(soci::details::once_temp_type& q) {
    q, soci::into(id), soci::into(org), soci::into(i.org_name), soci::into(i.phone),
        soci::into(i.status), soci::into(created), soci::into(expires);
  }
  Invitation Take(int64_t now) {
    i.id = id;
    i.org_id = org;
    i.created_at = created;
    i.expires_at = expires;
    if (i.status == "pending" && expires <= now) i.status = "expired";
    return i;
  }
};

std::string MaskPhone(const std::string& e164) {
  // +8613800138000 -> +86138****8000
  return e164.size() == 14 ? e164.substr(0, 6) + "****" + e164.substr(10) : e164;
}

}  // namespace

Result<std::vector<Member>> OrgService::Members(const Account& caller) {
  SEALKEY_RETURN_IF_ERROR(RequireIdentity(caller, {"administrator", "legal_representative"}));
  std::vector<Member> out;
  long long org = caller.org_id, last = 0;
  for (;;) {
    Member m;
    long long id = 0, account = 0, joined = 0;
    {
      auto lease = db_.Borrow();
      lease.sql() << "SELECT i.id, i.account_id, i.kind, a.phone, i.created_at FROM identities i"
                     " JOIN accounts a ON a.id = i.account_id WHERE i.org_id = :o"
                     " AND i.ended_at = 0 AND i.id > :l ORDER BY i.id LIMIT 1",
          soci::use(org), soci::use(last), soci::into(id), soci::into(account),
          soci::into(m.kind), soci::into(m.phone), soci::into(joined);
      if (!lease.sql().got_data()) break;
    }
    last = id;
    m.identity_id = id;
    m.account_id = account;
    m.joined_at = joined;
    m.phone = MaskPhone(m.phone);
    if (auto person = kyc_.Verified(account)) m.name = person->name;
    out.push_back(std::move(m));
  }
  return out;
}

Result<Member> OrgService::MemberDetail(const Account& caller, int64_t identity_id) {
  SEALKEY_RETURN_IF_ERROR(RequireIdentity(caller, {"administrator", "legal_representative"}));
  Member m;
  long long org = caller.org_id, id = identity_id, account = 0, joined = 0;
  {
    auto lease = db_.Borrow();
    lease.sql() << "SELECT i.account_id, i.kind, a.phone, i.created_at FROM identities i"
                   " JOIN accounts a ON a.id = i.account_id WHERE i.id = :i AND i.org_id = :o"
                   " AND i.ended_at = 0",
        soci::use(id), soci::use(org), soci::into(account), soci::into(m.kind),
        soci::into(m.phone), soci::into(joined);
    if (!lease.sql().got_data()) {
      return Fail(Bilingual(ErrorCode::kNotFound, "no member of this organisation has this id",
                            "本机构没有该成员", "identity_id"));
    }
  }
  m.identity_id = identity_id;
  m.account_id = account;
  m.joined_at = joined;
  if (auto person = kyc_.Verified(account)) m.name = person->name;
  return m;
}

Result<Invitation> OrgService::Invite(const Account& caller, const std::string& phone_text) {
  SEALKEY_RETURN_IF_ERROR(RequireIdentity(caller, {"administrator", "legal_representative"}));
  auto phone = NormalizePhone(phone_text);
  if (!phone) return Fail(phone.error());
  auto org = Get(caller.org_id);
  if (!org) return Fail(org.error());
  long long o = caller.org_id, by = caller.id, now = clock_.NowUnixSeconds(), id = 0;
  long long expires = now + kInvitationSeconds;
  std::string conflict;
  SEALKEY_RETURN_IF_ERROR(store::InTransaction(db_, [&](soci::session& sql) -> Status {
    long long member = 0, pending = 0;
    sql << "SELECT COUNT(*) FROM identities i JOIN accounts a ON a.id = i.account_id"
           " WHERE i.org_id = :o AND i.ended_at = 0 AND a.phone = :p",
        soci::use(o), soci::use(*phone), soci::into(member);
    sql << "SELECT COUNT(*) FROM org_invitations WHERE org_id = :o AND phone = :p"
           " AND status = 'pending' AND expires_at > :t",
        soci::use(o), soci::use(*phone), soci::use(now), soci::into(pending);
    if (member || pending) {
      conflict = member ? "member" : "pending";
      return Ok();
    }
    sql << "INSERT INTO org_invitations (org_id, phone, invited_by, status, created_at, expires_at)"
           " VALUES (:o, :p, :b, 'pending', :t, :e) RETURNING id",
        soci::use(o), soci::use(*phone), soci::use(by), soci::use(now), soci::use(expires),
        soci::into(id);
    return Ok();
  }));
  if (!conflict.empty()) {
    return Fail(Bilingual(ErrorCode::kAlreadyExists,
                          conflict == "member" ? "this number is already a member"
                                               : "this number already has a pending invitation",
                          conflict == "member" ? "该号码已是机构成员" : "该号码已有待接受的邀请",
                          "phone"));
  }
  Notify(*phone, "【sealkey】" + org->name + "邀请您加入机构。登录 sealkey 后在“我的邀请”中接受，7 天内有效。");
  return Invitation{id, caller.org_id, org->name, *phone, "pending", now, expires};
}

Result<std::vector<Invitation>> OrgService::Invitations(const Account& caller) {
  SEALKEY_RETURN_IF_ERROR(RequireIdentity(caller, {"administrator", "legal_representative"}));
  std::vector<Invitation> out;
  auto lease = db_.Borrow();
  long long org = caller.org_id, last = 0, now = clock_.NowUnixSeconds();
  for (;;) {
    InvitationRow row;
    {
      auto q = (lease.sql() << InvitationRow::Select() +
                                   "WHERE v.org_id = :o AND v.id > :l ORDER BY v.id LIMIT 1",
                soci::use(org), soci::use(last));
      row.Into(q);
    }
    if (!lease.sql().got_data()) break;
    last = row.id;
    out.push_back(row.Take(now));
  }
  return out;
}

Result<std::vector<Invitation>> OrgService::MyInvitations(const Account& caller) {
  std::vector<Invitation> out;
  auto lease = db_.Borrow();
  long long last = 0, now = clock_.NowUnixSeconds();
  for (;;) {
    InvitationRow row;
    {
      auto q = (lease.sql() << InvitationRow::Select() +
                                   "WHERE v.phone = :p AND v.id > :l ORDER BY v.id LIMIT 1",
                soci::use(caller.phone), soci::use(last));
      row.Into(q);
    }
    if (!lease.sql().got_data()) break;
    last = row.id;
    out.push_back(row.Take(now));
  }
  return out;
}

Result<Invitation> OrgService::AnswerInvitation(const Account& caller, int64_t invitation_id,
                                                bool accept) {
  SEALKEY_RETURN_IF_ERROR(RequireIdentity(caller, {"natural_person"}));
  long long id = invitation_id, now = clock_.NowUnixSeconds(), me = caller.id;
  InvitationRow row;
  {
    auto lease = db_.Borrow();
    {
      auto q = (lease.sql() << InvitationRow::Select() + "WHERE v.id = :i AND v.phone = :p",
                soci::use(id), soci::use(caller.phone));
      row.Into(q);
    }
    if (!lease.sql().got_data()) {
      return Fail(Bilingual(ErrorCode::kNotFound, "no invitation to this number has this id",
                            "没有发给本号码的该邀请", "invitation"));
    }
  }
  Invitation inv = row.Take(now);
  if (inv.status != "pending") {
    return Fail(Bilingual(ErrorCode::kFailedPrecondition,
                          "this invitation is " + inv.status + ", not pending",
                          "该邀请已处理或已过期", "invitation"));
  }
  if (accept) {
    auto me = kyc_.Verified(caller.id);
    if (!me) return Fail(me.error());
  }
  std::string status = accept ? "accepted" : "declined";
  bool changed = false;
  SEALKEY_RETURN_IF_ERROR(store::InTransaction(db_, [&](soci::session& sql) -> Status {
    soci::statement update = (sql.prepare << "UPDATE org_invitations SET status = :s,"
                                             " decided_at = :t WHERE id = :i AND status = 'pending'",
                              soci::use(status), soci::use(now), soci::use(id));
    update.execute(true);
    changed = update.get_affected_rows() == 1;
    if (changed && accept) return Grant(sql, me, "employee", inv.org_id);
    return Ok();
  }));
  if (!changed) {
    return Fail(Bilingual(ErrorCode::kFailedPrecondition, "this invitation was already answered",
                          "该邀请已处理", "invitation"));
  }
  inv.status = status;
  return inv;
}

}  // namespace sealkey::server
