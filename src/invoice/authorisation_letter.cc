#include "invoice/authorisation_letter.h"

#include <utility>
#include <vector>

#include "invoice/pdf_canvas.h"

namespace sealkey::invoice {
namespace {

constexpr char kFont[] = "WenQuanYi Zen Hei";
constexpr Rgb kInk{0.1, 0.1, 0.1};
constexpr Rgb kRule{0.55, 0.35, 0.2};

}  // namespace

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
  auto canvas = PdfCanvas::Create(210, 297, kFont);
  if (!canvas) return Fail(canvas.error());
  PdfCanvas& c = **canvas;
  TextStyle title{7.0, kInk, Align::kCenter, false, true};
  TextStyle label{3.6, kInk, Align::kLeft, false, true};
  TextStyle value{3.6, kInk, Align::kLeft, true, false};
  TextStyle body{3.4, kInk, Align::kLeft, true, false};
  c.Text(15, 18, 180, "授权委托书", title);
  c.Text(15, 30, 180, "（机构管理员转让）编号：" + l.transfer_number,
         TextStyle{3.2, kInk, Align::kCenter, false, false});
  const std::vector<std::pair<const char*, std::string>> rows = {
      {"机构名称", l.organisation}, {"统一社会信用代码", l.credit_code},
      {"委托人（现管理员）", l.from_name}, {"受托人（新管理员）", l.to_name}};
  double y = 42;
  for (const auto& [name, text] : rows) {
    c.Rect(15, y, 180, 12, 0.3, kRule);
    c.Line(70, y, 70, y + 12, 0.3, kRule);
    c.Text(18, y + 4, 50, name, label);
    c.Text(73, y + 4, 119, text, value);
    y += 12;
  }
  y += 8;
  c.Text(15, y, 180,
         "本人作为" + l.organisation + "在 sealkey 数字证书平台的管理员，现将本机构的管理员"
         "身份转让给" + l.to_name + "。转让完成后，受托人行使管理员的全部权限（成员管理、"
         "证书与印章申请等），本人的管理员身份转为员工身份。本授权委托书经本人手写签名并使用"
         "本人的数字证书签署后生效。",
         body);
  y += 34;
  c.Text(15, y + 4, 40, "委托人签名：", label);
  c.Rect(55, y, 60, 30, 0.3, kRule);
  Status drawn = c.Png(70, y + 0.5, 29, l.signature_png);
  if (!drawn) return Fail(ErrorCode::kInvalidArgument, "is not a PNG image", "signature");
  c.Text(125, y + 4, 20, "日期：", label);
  c.Text(140, y + 4, 55, l.date, value);
  return c.Finish();
}

}  // namespace sealkey::invoice
