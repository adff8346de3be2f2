// CertService: notices to certificate holders (B11, manual 4.10.3). An
// operator tells the holder that a certificate must be reissued; the holder
// sees the notice after logging in (GET /me/notices) and is texted; the
// reissue with an SMS authorisation (CertService::Reissue) closes it in the
// transaction that issues the new certificate.
#include <cstdio>

#include <soci/soci.h>

#include "server/cert/cert_service.h"
#include "server/http/router.h"

namespace sealkey::server {

Result<CertNotice> CertService::NoticeReissue(const std::string& actor,
                                              const std::string& serial_text,
                                              const std::string& reason) {
  size_t chars = 0;
  for (unsigned char c : reason) chars += (c & 0xc0) != 0x80;
  if (chars < 2 || chars > 200 || reason.find_first_of("\r\n") != std::string::npos) {
    return Fail(Bilingual(ErrorCode::kInvalidArgument, "give a reason of 2 to 200 characters",
                          "请填写 2 到 200 个字符的原因", "reason"));
  }
  auto cert = Load(NormaliseSerial(serial_text));
  if (!cert) return Fail(cert.error());
  if (cert->status != "good" || cert->usage != "signing") {
    return Fail(Bilingual(ErrorCode::kFailedPrecondition,
                          "only a valid signing certificate can be reissued",
                          "只能补发有效的签名证书", "serial"));
  }
  CertNotice n{0, "reissue_due", cert->serial, reason, actor, clock_.NowUnixSeconds(), 0};
  long long account = cert->account_id, now = n.created_at, id = 0;
  std::string phone;
  bool open = false;
  SEALKEY_RETURN_IF_ERROR(store::InTransaction(db_, [&](soci::session& sql) -> Status {
    sql << "SELECT id FROM cert_notices WHERE kind = 'reissue_due' AND serial = :s"
           " AND done_at = 0",
        soci::use(n.serial), soci::into(id);
    if (sql.got_data()) {
      open = true;
      return Ok();
    }
    sql << "INSERT INTO cert_notices (account_id, kind, serial, reason, created_by, created_at)"
           " VALUES (:a, :k, :s, :r, :b, :t) RETURNING id",
        soci::use(account), soci::use(n.kind), soci::use(n.serial), soci::use(reason),
        soci::use(actor), soci::use(now), soci::into(id);
    sql << "SELECT phone FROM accounts WHERE id = :a", soci::use(account), soci::into(phone);
    return Ok();
  }));
  if (open) {
    return Fail(Bilingual(ErrorCode::kFailedPrecondition,
                          "a reissue of this certificate has already been asked for (notice " +
                              std::to_string(id) + ")",
                          "已通知补发该证书", "serial"));
  }
  n.id = id;
  if (sms_ && !phone.empty()) {
    // The notice stands even if the text cannot be sent: it shows at login.
    Status st = sms_->Send({phone, "notice", "",
                            "【sealkey】您的数字证书（序列号 " + n.serial + "）需要补发：" +
                                reason + "。请登录 App，按通知完成短信授权，证书将自动补发并安装。",
                            now});
    if (!st) {
      std::fprintf(stderr, "sealkeyd: reissue notice %lld: %s\n", id,
                   st.error().ToString().c_str());
    }
  }
  return n;
}

Result<std::vector<CertNotice>> CertService::OpenNotices(const Account& caller) {
  std::vector<CertNotice> out;
  auto lease = db_.Borrow();
  long long account = caller.id, after = 0;
  for (;;) {
    CertNotice n;
    long long id = 0, created = 0;
    lease.sql() << "SELECT id, kind, serial, reason, created_by, created_at FROM cert_notices"
                   " WHERE account_id = :a AND done_at = 0 AND id > :i ORDER BY id LIMIT 1",
        soci::use(account), soci::use(after), soci::into(id), soci::into(n.kind),
        soci::into(n.serial), soci::into(n.reason), soci::into(n.created_by), soci::into(created);
    if (!lease.sql().got_data()) break;
    n.id = id;
    n.created_at = created;
    out.push_back(std::move(n));
    after = id;
  }
  return out;
}

}  // namespace sealkey::server
