#include "invoice/signed_form.h"

#include "invoice/pdf_canvas.h"

namespace sealkey::invoice::detail {
namespace {

constexpr char kFont[] = "WenQuanYi Zen Hei";
constexpr Rgb kInk{0.1, 0.1, 0.1};
constexpr Rgb kRule{0.55, 0.35, 0.2};

}  // namespace

Result<Bytes> RenderSignedForm(const SignedForm& f) {
  auto canvas = PdfCanvas::Create(210, 297, kFont);
  if (!canvas) return Fail(canvas.error());
  PdfCanvas& c = **canvas;
  TextStyle title{7.0, kInk, Align::kCenter, false, true};
  TextStyle label{3.6, kInk, Align::kLeft, false, true};
  TextStyle value{3.6, kInk, Align::kLeft, true, false};
  c.Text(15, 18, 180, f.title, title);
  c.Text(15, 30, 180, f.subtitle, TextStyle{3.2, kInk, Align::kCenter, false, false});
  const double split = 15 + f.label_width_mm;
  double y = 42;
  for (const auto& [name, text] : f.rows) {
    c.Rect(15, y, 180, 12, 0.3, kRule);
    c.Line(split, y, split, y + 12, 0.3, kRule);
    c.Text(18, y + 4, split - 20, name, label);
    c.Text(split + 3, y + 4, 192 - split - 3, text, value);
    y += 12;
  }
  y += 8;
  c.Text(15, y, 180, f.paragraph, TextStyle{f.paragraph_font_mm, kInk, Align::kLeft, true, false});
  y += f.paragraph_height_mm;
  c.Text(15, y + 4, 40, f.signer_label, label);
  c.Rect(55, y, 60, 30, 0.3, kRule);
  if (!f.signature_png.empty()) {
    Status drawn = c.Png(70, y + 0.5, 29, f.signature_png);
    if (!drawn) return Fail(ErrorCode::kInvalidArgument, "is not a PNG image", "signature");
  }
  c.Text(125, y + 4, 20, "日期：", label);
  c.Text(140, y + 4, 55, f.date, value);
  return c.Finish();
}

}  // namespace sealkey::invoice::detail
