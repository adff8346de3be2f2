#include "invoice/application_form.h"

#include <utility>
#include <vector>

#include "invoice/pdf_canvas.h"

namespace sealkey::invoice {
namespace {

constexpr char kFont[] = "WenQuanYi Zen Hei";
constexpr Rgb kInk{0.1, 0.1, 0.1};
constexpr Rgb kRule{0.55, 0.35, 0.2};

}  // namespace

Result<Bytes> RenderApplicationFormPdf(const ApplicationForm& f) {
  for (auto [value, field] : {std::pair{&f.applicant_name, "applicant_name"},
                              std::pair{&f.organisation, "organisation"},
                              std::pair{&f.product, "product"}}) {
    if (value->size() > 300) {
      return Fail(ErrorCode::kInvalidArgument, "is too long for the form", field);
    }
  }
  auto canvas = PdfCanvas::Create(210, 297, kFont);
  if (!canvas) return Fail(canvas.error());
  PdfCanvas& c = **canvas;
  TextStyle title{7.0, kInk, Align::kCenter, false, true};
  TextStyle label{3.6, kInk, Align::kLeft, false, true};
  TextStyle value{3.6, kInk, Align::kLeft, true, false};
  TextStyle small{3.0, kInk, Align::kLeft, true, false};
  c.Text(15, 18, 180, "数字证书申请表", title);
  c.Text(15, 30, 180, f.order_number.empty() ? "（空白模板：请打印后手工填写并签名，拍照或扫描上传）"
                                             : "订单号：" + f.order_number,
         TextStyle{3.2, kInk, Align::kCenter, false, false});
  const std::vector<std::pair<const char*, std::string>> rows = {
      {"申请产品", f.product},          {"申请人姓名", f.applicant_name},
      {"身份证号码", f.id_number_masked}, {"手机号码", f.phone},
      {"机构名称", f.organisation},      {"统一社会信用代码", f.credit_code}};
  double y = 42;
  for (const auto& [name, text] : rows) {
    c.Rect(15, y, 180, 12, 0.3, kRule);
    c.Line(65, y, 65, y + 12, 0.3, kRule);
    c.Text(18, y + 4, 45, name, label);
    c.Text(68, y + 4, 124, text, value);
    y += 12;
  }
  y += 8;
  c.Text(15, y,
         180,
         "申请人声明：本人已阅读并同意《数字证书服务协议》和《隐私政策》，保证所填信息真实、"
         "准确、完整，并授权电子认证服务机构核验上述信息。因信息不实造成的后果由申请人承担。",
         small);
  y += 24;
  c.Text(15, y + 4, 40, "申请人签名：", label);
  c.Rect(55, y, 60, 30, 0.3, kRule);
  if (!f.signature_png.empty()) {
    Status drawn = c.Png(70, y + 0.5, 29, f.signature_png);
    if (!drawn) return Fail(ErrorCode::kInvalidArgument, "is not a PNG image", "signature");
  }
  c.Text(125, y + 4, 20, "日期：", label);
  c.Text(140, y + 4, 55, f.date, value);
  return c.Finish();
}

}  // namespace sealkey::invoice
