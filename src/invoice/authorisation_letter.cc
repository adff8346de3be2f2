#include "invoice/authorisation_letter.h"

#include <utility>
#include <vector>

#include "invoice/signed_form.h"

namespace sealkey::invoice {

Result<Bytes> RenderAuthorisationLetterPdf(const AuthorisationLetter& l) {
  for (auto [value, field] : {std::pair{&l.organisation, "organisation"},
                              std::pair{&l.from_name, "from_name"},
                              std::pair{&l.to_name, "to_name"}}) {
    if (value->size() > 300) {
      return Fail(ErrorCode::kInvalidArgument, "is too long for the letter", field);
    }
  }
  if (l.signature_png.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "is required", "signature");
  }
  detail::SignedForm form;
  form.title = "授权委托书";
  form.subtitle = "（机构管理员转让）编号：" + l.transfer_number;
  form.rows = {{"机构名称", l.organisation}, {"统一社会信用代码", l.credit_code},
               {"委托人（现管理员）", l.from_name}, {"受托人（新管理员）", l.to_name}};
  form.label_width_mm = 55;
  form.paragraph = "本人作为" + l.organisation +
                   "在 sealkey 数字证书平台的管理员，现将本机构的管理员身份转让给" + l.to_name +
                   "。转让完成后，受托人行使管理员的全部权限（成员管理、证书与印章申请等），"
                   "本人的管理员身份转为员工身份。本授权委托书经本人手写签名并使用本人的数字证书"
                   "签署后生效。";
  form.paragraph_height_mm = 34;
  form.signer_label = "委托人签名：";
  form.signature_png = l.signature_png;
  form.date = l.date;
  return detail::RenderSignedForm(form);
}

}  // namespace sealkey::invoice
