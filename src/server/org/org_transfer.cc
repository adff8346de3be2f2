// OrgService: the administrator transfer (B9, manual 4.9.3): the request
// (choose the employee), the authorisation letter rendered with the
// administrator's handwritten signature, the status and the cancellation.
// Completing it with the signed letter is in org_transfer_sign.cc.
#include <soci/soci.h>

#include <ctime>

#include "invoice/authorisation_letter.h"
#include "server/account/policy.h"
#include "server/http/router.h"
#include "server/org/org_service.h"

namespace sealkey::server {
namespace {

Error NothingPending() {
  return Bilingual(ErrorCode::kNotFound, "no transfer is pending", "没有待处理的转让申请",
                   "transfer");
}

}  // namespace

Result<AdminTransfer> OrgService::RequestAdminTransfer(const Account& caller,
                                                       int64_t to_identity_id) {
  SEALKEY_RETURN_IF_ERROR(RequireIdentity(caller, {"administrator"}));
  auto target = MemberDetail(caller, to_identity_id);
  if (!target) return Fail(target.error());
  if (target->account_id == caller.id || target->kind != "employee") {
    return Fail(Bilingual(ErrorCode::kInvalidArgument,
                          "the administrator role goes to another member's employee identity",
                          "管理员只能转让给其他员工", "to_identity_id"));
  }
  long long org = caller.org_id, from = caller.id, to = target->account_id, id = 0;
  long long now = clock_.NowUnixSeconds();
  bool open = false;
  SEALKEY_RETURN_IF_ERROR(store::InTransaction(db_, [&](soci::session& sql) -> Status {
    long long pending = 0;
    sql << "SELECT COUNT(*) FROM org_admin_transfers WHERE org_id = :o"
           " AND status = 'awaiting_signature'",
        soci::use(org), soci::into(pending);
    if ((open = pending > 0)) return Ok();
    sql << "INSERT INTO org_admin_transfers (org_id, from_account, to_account, status, created_at)"
           " VALUES (:o, :f, :t, 'awaiting_signature', :c) RETURNING id",
        soci::use(org), soci::use(from), soci::use(to), soci::use(now), soci::into(id);
    return Ok();
  }));
  if (open) {
    return Fail(Bilingual(ErrorCode::kAlreadyExists,
                          "a transfer is already waiting for its authorisation letter",
                          "已有等待签署授权委托书的转让申请", "to_identity_id"));
  }
  AdminTransfer t;
  t.id = id;
  t.org_id = org;
  t.from_account = from;
  t.to_account = to;
  t.to_name = target->name;
  if (auto me = kyc_.Verified(from)) t.from_name = me->name;
  t.status = "awaiting_signature";
  t.created_at = now;
  return t;
}

Result<std::optional<AdminTransfer>> OrgService::LoadTransfer(int64_t org_id,
                                                              const std::string& where,
                                                              std::string* letter_blob) {
  AdminTransfer t;
  long long org = org_id, id = 0, from = 0, to = 0, created = 0, decided = 0;
  std::string letter;
  {
    auto lease = db_.Borrow();
    lease.sql() << "SELECT id, from_account, to_account, status, created_at, decided_at,"
                   " letter_blob, signer_serial FROM org_admin_transfers WHERE org_id = :o AND " +
                       where,
        soci::use(org), soci::into(id), soci::into(from), soci::into(to), soci::into(t.status),
        soci::into(created), soci::into(decided), soci::into(letter), soci::into(t.signer_serial);
    if (!lease.sql().got_data()) return std::optional<AdminTransfer>();
  }
  t.id = id;
  t.org_id = org;
  t.from_account = from;
  t.to_account = to;
  t.created_at = created;
  t.decided_at = decided;
  t.letter_rendered = !letter.empty();
  if (letter_blob) *letter_blob = letter;
  if (auto person = kyc_.Verified(from)) t.from_name = person->name;
  if (auto person = kyc_.Verified(to)) t.to_name = person->name;
  return std::optional<AdminTransfer>(t);
}

Result<std::optional<AdminTransfer>> OrgService::PendingAdminTransfer(const Account& caller) {
  SEALKEY_RETURN_IF_ERROR(RequireIdentity(caller, {"administrator"}));
  return LoadTransfer(caller.org_id, "status = 'awaiting_signature'");
}

Result<std::optional<AdminTransfer>> OrgService::LatestAdminTransfer(const Account& caller) {
  auto pending = PendingAdminTransfer(caller);
  if (!pending || *pending) return pending;
  return LoadTransfer(caller.org_id, "status = 'completed' ORDER BY id DESC LIMIT 1");
}

Status OrgService::CancelAdminTransfer(const Account& caller) {
  auto pending = PendingAdminTransfer(caller);
  if (!pending) return Fail(pending.error());
  if (!*pending) return Fail(NothingPending());
  long long id = (*pending)->id, now = clock_.NowUnixSeconds();
  return store::InTransaction(db_, [&](soci::session& sql) -> Status {
    sql << "UPDATE org_admin_transfers SET status = 'cancelled', decided_at = :t"
           " WHERE id = :i AND status = 'awaiting_signature'",
        soci::use(now), soci::use(id);
    return Ok();
  });
}

Result<Bytes> OrgService::RenderTransferLetter(const Account& caller, ByteView signature_png) {
  auto pending = PendingAdminTransfer(caller);
  if (!pending) return Fail(pending.error());
  if (!*pending) return Fail(NothingPending());
  // Checked by content (as the order form's online signature): a PNG only.
  if (!(store::SniffBlobKind(signature_png) & store::kPng)) {
    return Fail(Bilingual(ErrorCode::kInvalidArgument, "must be a PNG signature image",
                          "须为 PNG 签名图片", "signature"));
  }
  const AdminTransfer& t = **pending;
  auto org = Get(caller.org_id);
  if (!org) return Fail(org.error());
  invoice::AuthorisationLetter letter;
  letter.organisation = org->name;
  letter.credit_code = org->credit_code;
  letter.from_name = t.from_name;
  letter.to_name = t.to_name;
  letter.transfer_number = std::to_string(t.id);
  letter.date = ChinaDate(clock_.NowUnixSeconds());
  letter.signature_png.assign(signature_png.begin(), signature_png.end());
  auto pdf = invoice::RenderAuthorisationLetterPdf(letter);
  if (!pdf) {
    Error e = pdf.error();
    if (e.field == "signature") {
      return Fail(Bilingual(ErrorCode::kInvalidArgument, "is not a PNG image that can be read",
                            "不是可读取的 PNG 图片", "signature"));
    }
    return Fail(std::move(e));
  }
  auto blob = blobs_.Put(*pdf, store::kPdf, kMaxLetterBytes, "letter");
  if (!blob) return Fail(blob.error());
  long long id = t.id;
  bool stored = false;
  SEALKEY_RETURN_IF_ERROR(store::InTransaction(db_, [&](soci::session& sql) -> Status {
    soci::statement update = (sql.prepare << "UPDATE org_admin_transfers SET letter_blob = :b"
                                             " WHERE id = :i AND status = 'awaiting_signature'",
                              soci::use(blob->sha256), soci::use(id));
    update.execute(true);
    stored = update.get_affected_rows() == 1;
    return Ok();
  }));
  if (!stored) return Fail(NothingPending());
  return std::move(*pdf);
}

}  // namespace sealkey::server
