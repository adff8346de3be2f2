// OrderService: the application form (B10): the blank template by e-mail,
// the form filled from the order and signed online, and the submitted file.
#include <soci/soci.h>

#include <ctime>

#include "invoice/application_form.h"
#include "server/account/policy.h"
#include "server/http/router.h"
#include "server/kyc/kyc_service.h"
#include "server/notify/mail_gateway.h"
#include "server/order/order_service.h"

namespace sealkey::server {

Result<Bytes> OrderService::RenderForm(const Account& caller, const Order& o,
                                       ByteView signature_png) {
  auto product = catalog_.GetProduct(o.product_id);
  if (!product) return Fail(product.error());
  invoice::ApplicationForm form;
  form.order_number = std::to_string(o.id);
  form.product = product->name;
  form.phone = caller.phone;
  if (kyc_) {
    if (auto person = kyc_->Verified(caller.id)) {
      form.applicant_name = person->name;
      form.id_number_masked = MaskIdNumber(person->id_number);
    }
  }
  form.date = ChinaDate(clock_.NowUnixSeconds());
  form.signature_png.assign(signature_png.begin(), signature_png.end());
  return invoice::RenderApplicationFormPdf(form);
}

Status OrderService::SendFormTemplate(const Account& caller, int64_t id, const std::string& email) {
  auto o = Mine(caller, id);
  if (!o) return Fail(o.error());
  if (o->state != "agreed") return Fail(WrongState(*o, "sending the form template"));
  SEALKEY_RETURN_IF_ERROR(CheckEmail(email));
  if (!mail_) {
    return Fail(Bilingual(ErrorCode::kUnsupported, "e-mail is not configured", "未配置邮件发送",
                          "email"));
  }
  invoice::ApplicationForm blank;
  auto product = catalog_.GetProduct(o->product_id);
  if (product) blank.product = product->name;
  auto pdf = invoice::RenderApplicationFormPdf(blank);
  if (!pdf) return Fail(pdf.error());
  MailMessage m;
  m.to = email;
  m.subject = "【sealkey】数字证书申请表（订单 " + std::to_string(id) + "）";
  m.text = "您好：\n\n附件是数字证书申请表空白模板。请打印后手工填写并签名，拍照或扫描后在 sealkey "
           "中上传（sealkey order form " + std::to_string(id) + " --upload 文件）。\n";
  m.attachments.push_back({"数字证书申请表.pdf", "application/pdf", std::move(*pdf)});
  m.time = clock_.NowUnixSeconds();
  return mail_->Send(m);
}

Result<std::pair<std::string, Bytes>> OrderService::FormFile(const Account& caller, int64_t id) {
  auto o = Mine(caller, id);
  if (!o) return Fail(o.error());
  std::string blob;
  {
    auto lease = db_.Borrow();
    long long key = id;
    lease.sql() << "SELECT form_blob FROM orders WHERE id = :i", soci::use(key), soci::into(blob);
  }
  if (blob.empty()) {
    return Fail(Bilingual(ErrorCode::kNotFound, "no form was submitted yet", "尚未提交申请表",
                          "form"));
  }
  auto bytes = blobs_.Get(blob);
  if (!bytes) return Fail(bytes.error());
  unsigned kind = store::SniffBlobKind(*bytes);
  std::string mime = kind == store::kPdf ? "application/pdf"
                     : kind == store::kPng ? "image/png" : "image/jpeg";
  return std::pair{mime, std::move(*bytes)};
}

}  // namespace sealkey::server
