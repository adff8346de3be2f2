// SelfService: the business query (captcha, SMS code, session), listing,
// installation and renewal with the certificate password.
#include <soci/soci.h>

#include "ca/ca.h"
#include "base/encoding.h"
#include "server/account/credentials.h"
#include "server/account/policy.h"
#include "server/selfservice/self_service.h"
#include "server/selfservice/self_service_rows.h"

namespace sealkey::server {
namespace {

Error NotYours() {
  return Bilingual(ErrorCode::kNotFound, "this phone has no such self-service application",
                   "该手机号没有此自助申请", "application");
}

}  // namespace

Status SelfService::SendQueryCode(const std::string& phone_text, const std::string& captcha_id,
                                  const std::string& captcha_answer, const std::string& client) {
  auto phone = NormalizePhone(phone_text);
  if (!phone) return Fail(phone.error());
  SEALKEY_RETURN_IF_ERROR(captchas_.Check(captcha_id, captcha_answer));
  return codes_.Send(*phone, "self_service_query", client);
}

Result<SelfServiceSession> SelfService::NewSession(const std::string& phone) {
  SelfServiceSession s{NewToken(), phone, clock_.NowUnixSeconds() + kSessionSeconds};
  std::string hash = TokenHashOf(s.token);
  long long expires = s.expires_at, now = clock_.NowUnixSeconds();
  SEALKEY_RETURN_IF_ERROR(store::InTransaction(db_, [&](soci::session& sql) -> Status {
    sql << "DELETE FROM self_service_sessions WHERE expires_at < :t", soci::use(now);
    sql << "INSERT INTO self_service_sessions (token_hash, phone, expires_at) VALUES (:h, :p, :e)",
        soci::use(hash), soci::use(phone), soci::use(expires);
    return Ok();
  }));
  return s;
}

Result<SelfServiceSession> SelfService::Login(const std::string& phone_text,
                                              const std::string& code) {
  auto phone = NormalizePhone(phone_text);
  if (!phone) return Fail(phone.error());
  SEALKEY_RETURN_IF_ERROR(codes_.Verify(*phone, "self_service_query", code));
  return NewSession(*phone);
}

Result<std::string> SelfService::Authenticate(const std::string& token) {
  auto unauthenticated = [] {
    return Fail(Bilingual(ErrorCode::kUnauthenticated,
                          "log in to the business query (phone, captcha, SMS code) first",
                          "请先通过手机号、图形验证码和短信验证码登录业务查询", "token"));
  };
  if (token.empty()) return unauthenticated();
  std::string hash = TokenHashOf(token), phone;
  long long now = clock_.NowUnixSeconds();
  auto lease = db_.Borrow();
  lease.sql() << "SELECT phone FROM self_service_sessions WHERE token_hash = :h"
                 " AND expires_at >= :t",
      soci::use(hash), soci::use(now), soci::into(phone);
  if (!lease.sql().got_data()) return unauthenticated();
  return phone;
}

Result<std::vector<SelfServiceApplication>> SelfService::List(const std::string& phone) {
  auto lease = db_.Borrow();
  return ListApplicationsWhere(lease.sql(), "phone", phone);
}

Result<SelfServiceApplication> SelfService::Unlock(const std::string& phone, int64_t id,
                                                   const SecureBuffer& password) {
  long long now = clock_.NowUnixSeconds(), key = id;
  ApplicationRow row;
  {
    auto lease = db_.Borrow();
    auto loaded = LoadApplicationRow(lease.sql(), id);
    if (!loaded || loaded->a.phone != phone) return Fail(NotYours());
    row = std::move(*loaded);
  }
  if (row.locked_until > now) {
    return Fail(Bilingual(ErrorCode::kRateLimited,
                          "too many wrong certificate passwords: try again after " +
                              std::to_string(row.locked_until - now) + " seconds",
                          "证书密码错误次数过多，请稍后再试", "certificate_password"));
  }
  if (!PasswordMatches(row.password_hash, password)) {
    long long failed = row.failed + 1;
    long long until = failed >= kMaxFailedPasswords ? now + kLockSeconds : 0;
    SEALKEY_RETURN_IF_ERROR(store::InTransaction(db_, [&](soci::session& sql) -> Status {
      sql << "UPDATE self_service_applications SET failed_passwords = :f, locked_until = :u"
             " WHERE id = :i",
          soci::use(until ? 0LL : failed), soci::use(until), soci::use(key);
      return Ok();
    }));
    return Fail(Bilingual(ErrorCode::kPermissionDenied,
                          "wrong certificate password (the one set when applying)",
                          "证书密码错误（申请时设置的密码）", "certificate_password"));
  }
  if (row.failed) {
    SEALKEY_RETURN_IF_ERROR(store::InTransaction(db_, [&](soci::session& sql) -> Status {
      sql << "UPDATE self_service_applications SET failed_passwords = 0 WHERE id = :i",
          soci::use(key);
      return Ok();
    }));
  }
  return row.a;
}

Result<CheckedHolder> SelfService::HolderOf(const SelfServiceApplication& app) {
  auto account = accounts_.AccountForPhone(app.phone);
  if (!account) return Fail(account.error());
  const ApplicantDetails& d = app.details;
  return CheckedHolder{*account, {d.name, d.id_number, d.org_name, d.credit_code},
                       "self-service:" + std::to_string(app.id)};
}

Result<IssuedBundle> SelfService::Install(const std::string& phone, int64_t id,
                                          const SecureBuffer& password, const std::string& csr) {
  auto app = Unlock(phone, id, password);
  if (!app) return Fail(app.error());
  if (app->state != "approved") {
    return Fail(Bilingual(ErrorCode::kFailedPrecondition,
                          "only an approved application can be installed (this one is " +
                              app->state + ")",
                          "仅审核通过的申请可安装证书", "application"));
  }
  auto product = CertificateProduct(app->product_id);
  if (!product) return Fail(product.error());
  auto alg = crypto::ParseKeyAlg(product->alg);
  if (!alg) return Fail(alg.error());
  // The product's algorithm: the CA would accept any it can issue for.
  auto checked = ca::CheckCsr(AsBytes(csr), {*alg});
  if (!checked) return Fail(checked.error());
  auto holder = HolderOf(*app);
  if (!holder) return Fail(holder.error());
  long long key = id;
  // The state moves inside the issuing transaction: two racing installs
  // cannot both get a certificate.
  IssueHook hook = [&](soci::session& sql, const IssuedBundle& b) -> Status {
    long long now = clock_.NowUnixSeconds();
    soci::statement st = (sql.prepare << "UPDATE self_service_applications SET state ="
                                         " 'installed', cert_serial = :s, updated_at = :t"
                                         " WHERE id = :i AND state = 'approved'",
                          soci::use(b.cert.serial), soci::use(now), soci::use(key));
    st.execute(true);
    if (st.get_affected_rows() != 1) {
      return Fail(Bilingual(ErrorCode::kFailedPrecondition,
                            "this application has just been installed by another request",
                            "该申请已安装", "application"));
    }
    return Ok();
  };
  return certs_.IssueChecked(*holder, product->profile, csr, product->dual,
                             product->validity_days, hook);
}

Result<IssuedBundle> SelfService::Renew(const std::string& phone, int64_t id,
                                        const SecureBuffer& password, const std::string& csr) {
  auto app = Unlock(phone, id, password);
  if (!app) return Fail(app.error());
  if (app->state != "installed" || app->cert_serial.empty()) {
    return Fail(Bilingual(ErrorCode::kFailedPrecondition,
                          "only an installed certificate can be renewed",
                          "仅已安装的证书可续期", "application"));
  }
  auto holder = HolderOf(*app);
  if (!holder) return Fail(holder.error());
  long long key = id;
  std::string old = app->cert_serial;
  IssueHook hook = [&](soci::session& sql, const IssuedBundle& b) -> Status {
    long long now = clock_.NowUnixSeconds();
    soci::statement st = (sql.prepare << "UPDATE self_service_applications SET cert_serial = :s,"
                                         " updated_at = :t WHERE id = :i AND cert_serial = :o",
                          soci::use(b.cert.serial), soci::use(now), soci::use(key),
                          soci::use(old));
    st.execute(true);
    if (st.get_affected_rows() != 1) {
      return Fail(Bilingual(ErrorCode::kFailedPrecondition,
                            "this certificate has just been renewed by another request",
                            "该证书已续期", "application"));
    }
    return Ok();
  };
  return certs_.RenewChecked(*holder, old, csr, hook);
}

}  // namespace sealkey::server
