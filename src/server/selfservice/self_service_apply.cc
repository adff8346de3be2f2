// SelfService: the standard application, the pre-registered one, and the
// operator's entry of pre-registered applicants.
#include <algorithm>

#include <soci/soci.h>

#include "server/account/credentials.h"
#include "server/account/policy.h"
#include "server/kyc/id_numbers.h"
#include "server/order/order_service.h"
#include "server/selfservice/self_service.h"
#include "server/selfservice/self_service_rows.h"

namespace sealkey::server {
namespace {

Error Bad(const char* field, const std::string& en, const std::string& zh) {
  return Bilingual(ErrorCode::kInvalidArgument, en, zh, field);
}

Status CheckAgreement(const SelfServiceApply& r) {
  if (r.agreement_version != kOrderAgreementVersion || !r.agreed) {
    return Fail(Bad("agreement_version",
                    std::string("the privacy agreement and certificate terms (version ") +
                        kOrderAgreementVersion + ") must be accepted",
                    "须同意当前版本的隐私协议及证书使用说明"));
  }
  return Ok();
}

}  // namespace

Result<Product> SelfService::CertificateProduct(const std::string& id) {
  auto product = catalog_.GetProduct(id);
  if (!product) return Fail(product.error());
  if (product->kind != "certificate" || !product->active) {
    return Fail(Bad("product_id", "self-service offers live certificate products only",
                    "自助服务仅办理在售的证书产品"));
  }
  if (product->price_fen != 0) {
    return Fail(Bad("product_id", "a paid product is ordered (sealkey order), not self-served",
                    "收费产品请通过订单办理"));
  }
  return product;
}

Status SelfService::CheckDetails(const std::string& profile, ApplicantDetails& d) {
  SEALKEY_RETURN_IF_ERROR(CheckPersonName(d.name));
  auto id = ValidateResidentId(d.id_number, clock_.NowUnixSeconds());
  if (!id) return Fail(id.error());
  d.id_number = *id;
  if (profile == "personal") {
    if (!d.org_name.empty() || !d.credit_code.empty()) {
      return Fail(Bad("org_name", "a personal certificate names no organisation",
                      "个人证书不含单位信息"));
    }
  } else {
    size_t chars = 0;
    for (unsigned char c : d.org_name) chars += (c & 0xc0) != 0x80;
    if (chars < 2 || chars > 100 || d.org_name.find_first_of("\r\n\t") != std::string::npos) {
      return Fail(Bad("org_name", "the organisation's name must be 2 to 100 characters",
                      "单位名称须为 2 到 100 个字符"));
    }
    auto code = ValidateCreditCode(d.credit_code);
    if (!code) return Fail(code.error());
    d.credit_code = *code;
  }
  if (!d.email.empty()) SEALKEY_RETURN_IF_ERROR(CheckEmail(d.email));
  return Ok();
}

Status SelfService::SendApplyCode(const std::string& phone_text, const std::string& client) {
  auto phone = NormalizePhone(phone_text);
  if (!phone) return Fail(phone.error());
  return codes_.Send(*phone, "self_service_apply", client);
}

Result<int64_t> SelfService::Insert(const SelfServiceApply& r, const std::string& source,
                                    const std::string& state, const std::string& reviewed_by,
                                    int64_t preregistration_id) {
  auto hash = HashPassword(r.password);
  if (!hash) return Fail(hash.error());
  auto account = accounts_.AccountForPhone(r.phone);
  if (!account) return Fail(account.error());
  long long id = 0, now = clock_.NowUnixSeconds(), account_id = account->id,
            prereg = preregistration_id;
  const ApplicantDetails& d = r.details;
  SEALKEY_RETURN_IF_ERROR(store::InTransaction(db_, [&](soci::session& sql) -> Status {
    long long open = 0;
    sql << "SELECT id FROM self_service_applications WHERE phone = :p AND product_id = :r"
           " AND state IN ('pending_review', 'approved') LIMIT 1",
        soci::use(r.phone), soci::use(r.product_id), soci::into(open);
    if (sql.got_data()) {
      return Fail(Bilingual(ErrorCode::kFailedPrecondition,
                            "an application of this phone for this product is already open (" +
                                std::to_string(open) + "): install or wait for its review",
                            "该手机号已有此产品的办理中申请", "product_id"));
    }
    std::string version = kOrderAgreementVersion;
    sql << "INSERT INTO self_service_applications (phone, account_id, project_id, product_id,"
           " source, name, id_number, org_name, credit_code, email, agreement_version,"
           " password_hash, state, reviewed_by, created_at, updated_at) VALUES (:p, :a, :j, :r,"
           " :s, :n, :i, :o, :c, :e, :v, :h, :st, :rb, :t, :u) RETURNING id",
        soci::use(r.phone), soci::use(account_id), soci::use(r.project_id),
        soci::use(r.product_id), soci::use(source), soci::use(d.name), soci::use(d.id_number),
        soci::use(d.org_name), soci::use(d.credit_code), soci::use(d.email), soci::use(version),
        soci::use(*hash), soci::use(state), soci::use(reviewed_by), soci::use(now),
        soci::use(now), soci::into(id);
    if (prereg) {
      // Each pre-registration is used once; a racing second use loses here.
      soci::statement st = (sql.prepare << "UPDATE self_service_preregistrations"
                                           " SET application_id = :a WHERE id = :i"
                                           " AND application_id = 0",
                            soci::use(id), soci::use(prereg));
      st.execute(true);
      if (st.get_affected_rows() != 1) {
        return Fail(Bilingual(ErrorCode::kFailedPrecondition,
                              "this pre-registration has already been used",
                              "该预录入信息已被使用", "phone"));
      }
    }
    return Ok();
  }));
  return id;
}

Result<SelfServiceApplication> SelfService::Apply(SelfServiceApply r) {
  auto phone = NormalizePhone(r.phone);
  if (!phone) return Fail(phone.error());
  r.phone = *phone;
  if (r.project_id.empty()) {
    return Fail(Bad("project_id", "scan the project's QR code first", "请先扫描项目二维码"));
  }
  auto project = catalog_.GetProject(r.project_id);
  if (!project) return Fail(project.error());
  if (std::find(project->products.begin(), project->products.end(), r.product_id) ==
      project->products.end()) {
    return Fail(Bad("product_id", "this project does not offer the product",
                    "该项目不包含此产品"));
  }
  auto product = CertificateProduct(r.product_id);
  if (!product) return Fail(product.error());
  SEALKEY_RETURN_IF_ERROR(CheckAgreement(r));
  SEALKEY_RETURN_IF_ERROR(CheckDetails(product->profile, r.details));
  SEALKEY_RETURN_IF_ERROR(CheckPasswordPolicy(r.password, "certificate_password"));
  // The code last: bad input does not spend it.
  SEALKEY_RETURN_IF_ERROR(codes_.Verify(r.phone, "self_service_apply", r.code));
  auto id = Insert(r, "standard", "pending_review", "", 0);
  if (!id) return Fail(id.error());
  return Get(*id);
}

Result<std::pair<SelfServiceApplication, SelfServiceSession>> SelfService::ApplyPreregistered(
    SelfServiceApply r) {
  auto phone = NormalizePhone(r.phone);
  if (!phone) return Fail(phone.error());
  r.phone = *phone;
  SEALKEY_RETURN_IF_ERROR(CheckAgreement(r));
  // Details are normalised as for a personal certificate first; the
  // organisation, if any, must then equal the employer's record.
  ApplicantDetails typed = r.details;
  SEALKEY_RETURN_IF_ERROR(CheckPersonName(typed.name));
  auto id_number = ValidateResidentId(typed.id_number, clock_.NowUnixSeconds());
  if (!id_number) return Fail(id_number.error());
  if (!typed.email.empty()) SEALKEY_RETURN_IF_ERROR(CheckEmail(typed.email));
  SEALKEY_RETURN_IF_ERROR(CheckPasswordPolicy(r.password, "certificate_password"));
  // The phone is proven before the employer's records are consulted:
  // otherwise "no match" against "wrong code" would tell anyone whether a
  // name and ID number are pre-registered for a number.
  SEALKEY_RETURN_IF_ERROR(codes_.Verify(r.phone, "self_service_apply", r.code));
  long long prereg = 0;
  Preregistration found;
  {
    auto lease = db_.Borrow();
    lease.sql() << "SELECT id, project_id, product_id, org_name, credit_code"
                   " FROM self_service_preregistrations WHERE phone = :p AND name = :n"
                   " AND id_number = :i AND application_id = 0 ORDER BY id LIMIT 1",
        soci::use(r.phone), soci::use(typed.name), soci::use(*id_number), soci::into(prereg),
        soci::into(r.project_id), soci::into(found.product_id), soci::into(found.details.org_name),
        soci::into(found.details.credit_code);
    if (!lease.sql().got_data()) {
      // Which part differs is not said: the records are the employer's.
      return Fail(Bilingual(ErrorCode::kNotFound,
                            "no pre-registered application matches this phone, name and ID "
                            "number: check them, or apply with the project's QR code",
                            "未找到与手机号、姓名和身份证号匹配的预录入信息", "name"));
    }
  }
  auto product = CertificateProduct(found.product_id);
  if (!product) return Fail(product.error());
  r.product_id = found.product_id;
  r.details = {typed.name, *id_number, found.details.org_name, found.details.credit_code,
               typed.email};
  auto id = Insert(r, "preregistered", "approved", "employer:" + r.project_id, prereg);
  if (!id) return Fail(id.error());
  auto app = Get(*id);
  if (!app) return Fail(app.error());
  auto session = NewSession(r.phone);
  if (!session) return Fail(session.error());
  return std::make_pair(std::move(*app), std::move(*session));
}

Result<int> SelfService::Preregister(const std::string& project_id,
                                     const std::vector<Preregistration>& rows_in,
                                     const std::string& operator_name) {
  auto project = catalog_.GetProject(project_id);
  if (!project) return Fail(project.error());
  if (rows_in.empty() || rows_in.size() > 10000) {
    return Fail(Bad("rows", "give 1 to 10000 applicants", "须提供 1 到 10000 名申请人"));
  }
  std::vector<Preregistration> rows = rows_in;
  std::vector<std::string> phones;
  for (size_t i = 0; i < rows.size(); ++i) {
    Preregistration& p = rows[i];
    std::string at = "row " + std::to_string(i + 1) + ": ";
    auto fail = [&](const Error& e) {
      return Fail(Bilingual(e.code, at + e.message,
                            "第 " + std::to_string(i + 1) + " 行：" +
                                (e.message_zh.empty() ? e.message : e.message_zh),
                            e.field));
    };
    auto phone = NormalizePhone(p.phone);
    if (!phone) return fail(phone.error());
    p.phone = *phone;
    if (std::find(project->products.begin(), project->products.end(), p.product_id) ==
        project->products.end()) {
      return fail(Bad("product_id", "this project does not offer the product",
                      "该项目不包含此产品"));
    }
    auto product = CertificateProduct(p.product_id);
    if (!product) return fail(product.error());
    Status st = CheckDetails(product->profile, p.details);
    if (!st) return fail(st.error());
    if (std::find(phones.begin(), phones.end(), p.phone) != phones.end()) {
      return fail(Bad("phone", "this phone number appears twice", "手机号重复"));
    }
    phones.push_back(p.phone);
  }
  long long now = clock_.NowUnixSeconds();
  SEALKEY_RETURN_IF_ERROR(store::InTransaction(db_, [&](soci::session& sql) -> Status {
    for (const Preregistration& p : rows) {
      long long existing = 0;
      sql << "SELECT id FROM self_service_preregistrations WHERE project_id = :j AND phone = :p",
          soci::use(project_id), soci::use(p.phone), soci::into(existing);
      if (sql.got_data()) {
        return Fail(Bilingual(ErrorCode::kAlreadyExists,
                              p.phone + " is already pre-registered in this project",
                              p.phone + " 已在该项目中预录入", "phone"));
      }
      sql << "INSERT INTO self_service_preregistrations (project_id, product_id, phone, name,"
             " id_number, org_name, credit_code, created_by, created_at) VALUES (:j, :r, :p, :n,"
             " :i, :o, :c, :b, :t)",
          soci::use(project_id), soci::use(p.product_id), soci::use(p.phone),
          soci::use(p.details.name), soci::use(p.details.id_number), soci::use(p.details.org_name),
          soci::use(p.details.credit_code), soci::use(operator_name), soci::use(now);
    }
    return Ok();
  }));
  return static_cast<int>(rows.size());
}

}  // namespace sealkey::server
