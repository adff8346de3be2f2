#include "invoice/application_form.h"

#include <utility>
#include <vector>

#include "invoice/signed_form.h"

namespace sealkey::invoice {

Result<Bytes> RenderApplicationFormPdf(const ApplicationForm& f) {
  for (auto [value, field] : {std::pair{&f.applicant_name, "applicant_name"},
                              std::pair{&f.organisation, "organisation"},
                              std::pair{&f.product, "product"}}) {
    if (value->size() > 300) {
      return Fail(ErrorCode::kInvalidArgument, "is too long for the form", field);
    }
  }
  detail::SignedForm form;
  form.title = "数字证书申请表";
  form.subtitle = f.order_number.empty()
                      ? "（空白模板：请打印后手工填写并签名，拍照或扫描上传）"
                      : "订单号：" + f.order_number;
  form.rows = {{"申请产品", f.product},          {"申请人姓名", f.applicant_name},
               {"身份证号码", f.id_number_masked}, {"手机号码", f.phone},
               {"机构名称", f.organisation},      {"统一社会信用代码", f.credit_code}};
  form.paragraph =
      "申请人声明：本人已阅读并同意《数字证书服务协议》和《隐私政策》，保证所填信息真实、"
      "准确、完整，并授权电子认证服务机构核验上述信息。因信息不实造成的后果由申请人承担。";
  form.paragraph_font_mm = 3.0;
  form.signer_label = "申请人签名：";
  form.signature_png = f.signature_png;
  form.date = f.date;
  return detail::RenderSignedForm(form);
}

}  // namespace sealkey::invoice
