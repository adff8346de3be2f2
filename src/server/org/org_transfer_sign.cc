// OrgService: completing the administrator transfer (B9) with the
// authorisation letter the administrator signed (PAdES) in their medium.
//
// What is accepted, in order (each failure names its field and changes
// nothing):
//   1. a transfer is pending and its letter was rendered      (transfer, letter)
//   2. the upload is the stored letter byte for byte, followed by an
//      incremental update: the signed revision's original is the letter  (pdf)
//   3. exactly one signature, which verifies (sealkey's own CMS verifier,
//      SM2 included), its ByteRange starts at 0, takes in the whole letter
//      and reaches the end of the file; the update changes none of the
//      letter's objects beyond adding the signature field      (pdf)
//   4. the signer certificate is one the platform issued to the caller's
//      account, a signing certificate, good and within its validity
//      (certificates.der compared byte for byte)                (certificate)
// Then one transaction: the transfer moves awaiting_signature -> completed
// (row count checked, so two uploads cannot both win), the certificate is
// checked again, the administrator identity of the old administrator and the
// employee identity of the new one end, and each gets the other role.
// Sessions acting as an ended identity must choose again (Authenticate).
//
// The certificates table is read here directly: sealkey::cert links
// sealkey::org, so OrgService cannot call CertService.
#include <soci/soci.h>

#include <algorithm>
#include <tuple>

#include "base/encoding.h"
#include "pdf/pdf.h"
#include "server/account/policy.h"
#include "server/http/router.h"
#include "server/org/org_service.h"

namespace sealkey::server {
namespace {

Error PdfError(ErrorCode code, std::string en, std::string zh) {
  return Bilingual(code, std::move(en), std::move(zh), "pdf");
}

// Check 4 on `sql`; the serial of the certificate when it passes.
Result<std::string> CheckSigner(soci::session& sql, long long account, const Bytes& der,
                                long long now) {
  std::string encoded = Base64Encode(der), serial, usage, status;
  long long not_before = 0, not_after = 0;
  sql << "SELECT serial, usage, status, not_before, not_after FROM certificates"
         " WHERE account_id = :a AND der = :d",
      soci::use(account), soci::use(encoded), soci::into(serial), soci::into(usage),
      soci::into(status), soci::into(not_before), soci::into(not_after);
  if (!sql.got_data()) {
    return Fail(Bilingual(ErrorCode::kPermissionDenied,
                          "the letter was not signed with a certificate the platform issued to "
                          "your account",
                          "授权委托书不是用平台签发给本账户的证书签署的", "certificate"));
  }
  if (status != "good") {
    return Fail(Bilingual(ErrorCode::kFailedPrecondition,
                          "the signing certificate " + serial + " is revoked",
                          "签署证书 " + serial + " 已被吊销", "certificate"));
  }
  if (now < not_before || now >= not_after) {
    return Fail(Bilingual(ErrorCode::kFailedPrecondition,
                          "the signing certificate " + serial + " is not within its validity",
                          "签署证书 " + serial + " 不在有效期内", "certificate"));
  }
  if (usage != "signing") {
    return Fail(Bilingual(ErrorCode::kInvalidArgument,
                          "certificate " + serial + " is not a signing certificate",
                          "证书 " + serial + " 不是签名证书", "certificate"));
  }
  return serial;
}

// Checks 2 and 3; the signer certificate (DER) when they pass.
Result<Bytes> CheckSignedLetter(ByteView letter, ByteView signed_pdf) {
  if (signed_pdf.size() == letter.size() &&
      std::equal(letter.begin(), letter.end(), signed_pdf.begin())) {
    return Fail(PdfError(ErrorCode::kInvalidArgument,
                         "is the authorisation letter without a signature: sign it first",
                         "授权委托书尚未签署"));
  }
  if (signed_pdf.size() <= letter.size() ||
      !std::equal(letter.begin(), letter.end(), signed_pdf.begin())) {
    return Fail(PdfError(ErrorCode::kInvalidArgument,
                         "is not this transfer's authorisation letter with a signature appended "
                         "(the letter must be signed as rendered, byte for byte)",
                         "不是本次转让的授权委托书加签名（须原样签署平台生成的授权委托书）"));
  }
  auto signatures = pdf::VerifyPdfSignatures(signed_pdf);
  if (!signatures) {
    return Fail(PdfError(ErrorCode::kMalformed, "cannot be read as a PDF: " +
                                                    signatures.error().message,
                         "无法解析为 PDF"));
  }
  if (signatures->size() != 1) {
    return Fail(PdfError(ErrorCode::kInvalidArgument,
                         "must carry exactly one signature (it has " +
                             std::to_string(signatures->size()) + ")",
                         "须恰好带有一个签名"));
  }
  const pdf::PdfSignature& s = signatures->front();
  if (!s.valid) {
    return Fail(PdfError(ErrorCode::kVerifyFailed,
                         "the signature does not verify" +
                             (s.error ? ": " + s.error->message : std::string()),
                         "签名验证失败"));
  }
  if (!s.covers_whole_document || s.ranges[0].offset != 0 ||
      s.ranges[0].length < letter.size()) {
    return Fail(PdfError(ErrorCode::kVerifyFailed,
                         "the signature does not cover the whole file",
                         "签名未覆盖整个文件"));
  }
  // The update holds the signature and nothing that redraws the letter.
  Status only_signature = pdf::CheckOnlySignaturesAdded(letter, signed_pdf);
  if (!only_signature) {
    return Fail(PdfError(ErrorCode::kInvalidArgument,
                         "changes the authorisation letter (" + only_signature.error().message +
                             "); only a signature may be added",
                         "修改了授权委托书内容，只允许追加签名"));
  }
  if (s.signer_certificate.empty()) {
    return Fail(PdfError(ErrorCode::kVerifyFailed, "the signature names no signer certificate",
                         "签名中没有签署证书"));
  }
  return s.signer_certificate;
}

}  // namespace

Result<AdminTransfer> OrgService::CompleteAdminTransfer(const Account& caller,
                                                        ByteView signed_pdf) {
  SEALKEY_RETURN_IF_ERROR(RequireIdentity(caller, {"administrator"}));
  std::string letter_blob;
  auto pending = LoadTransfer(caller.org_id, "status = 'awaiting_signature'", &letter_blob);
  if (!pending) return Fail(pending.error());
  if (!*pending) {
    return Fail(Bilingual(ErrorCode::kNotFound, "no transfer is pending", "没有待处理的转让申请",
                          "transfer"));
  }
  AdminTransfer t = **pending;
  if (letter_blob.empty()) {
    return Fail(Bilingual(ErrorCode::kFailedPrecondition,
                          "render the authorisation letter first (POST "
                          "/api/v1/org/admin-transfer/letter)",
                          "请先生成授权委托书", "letter"));
  }
  if (signed_pdf.size() > kMaxLetterBytes) {
    return Fail(PdfError(ErrorCode::kInvalidArgument, "is larger than 10 MiB", "超过 10 MiB"));
  }
  auto letter = blobs_.Get(letter_blob);
  if (!letter) return Fail(letter.error());
  auto signer = CheckSignedLetter(*letter, signed_pdf);
  if (!signer) return Fail(signer.error());
  long long me = caller.id, now = clock_.NowUnixSeconds();
  {
    auto lease = db_.Borrow();
    auto serial = CheckSigner(lease.sql(), me, *signer, now);
    if (!serial) return Fail(serial.error());
  }
  auto blob = blobs_.Put(signed_pdf, store::kPdf, kMaxLetterBytes, "pdf");
  if (!blob) return Fail(blob.error());

  long long id = t.id, org = t.org_id, to = t.to_account;
  std::string signer_serial;
  Status done = store::InTransaction(db_, [&](soci::session& sql) -> Status {
    auto serial = CheckSigner(sql, me, *signer, now);
    if (!serial) return Fail(serial.error());
    signer_serial = *serial;
    soci::statement update =
        (sql.prepare << "UPDATE org_admin_transfers SET status = 'completed', decided_at = :t,"
                        " signed_blob = :b, signer_serial = :s"
                        " WHERE id = :i AND status = 'awaiting_signature' AND letter_blob = :l",
         soci::use(now), soci::use(blob->sha256), soci::use(signer_serial), soci::use(id),
         soci::use(letter_blob));
    update.execute(true);
    if (update.get_affected_rows() != 1) {
      return Fail(Bilingual(ErrorCode::kFailedPrecondition,
                            "the transfer changed meanwhile (completed, cancelled or a new letter)",
                            "转让申请已变化（已完成、已取消或已重新生成授权委托书）", "transfer"));
    }
    // Each side must still hold the role it gives up.
    for (auto [account, kind, field] : {std::tuple{me, "administrator", "transfer"},
                                        std::tuple{to, "employee", "to_identity_id"}}) {
      std::string k = kind;
      soci::statement end = (sql.prepare << "UPDATE identities SET ended_at = :t"
                                            " WHERE account_id = :a AND org_id = :o AND kind = :k"
                                            " AND ended_at = 0",
                             soci::use(now), soci::use(account), soci::use(org), soci::use(k));
      end.execute(true);
      if (end.get_affected_rows() != 1) {
        return Fail(Bilingual(ErrorCode::kFailedPrecondition,
                              k == "administrator" ? "you are no longer the administrator"
                                                   : "the employee has left the organisation",
                              k == "administrator" ? "您已不是管理员" : "该员工已退出机构", field));
      }
    }
    SEALKEY_RETURN_IF_ERROR(Grant(sql, to, "administrator", org));
    return Grant(sql, me, "employee", org);
  });
  if (!done) return Fail(done.error());
  t.status = "completed";
  t.decided_at = now;
  t.signer_serial = signer_serial;
  auto organisation = Get(org);
  std::string name = organisation ? organisation->name : "";
  Notify(caller.phone, "【sealkey】您已将" + name + "的管理员身份转让给" + t.to_name +
                           "，您在该机构的身份已转为员工。");
  std::string receiver;
  {
    auto lease = db_.Borrow();
    lease.sql() << "SELECT phone FROM accounts WHERE id = :i", soci::use(to), soci::into(receiver);
  }
  if (!receiver.empty()) {
    Notify(receiver, "【sealkey】" + t.from_name + "已将" + name +
                          "的管理员身份转让给您。登录 sealkey 后在身份列表中切换为管理员。");
  }
  return t;
}

}  // namespace sealkey::server
