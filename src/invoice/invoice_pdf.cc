// The page, in millimetres on 240 × 140 mm, after the fully digitalised
// e-invoice (数电票): labels and rules in the form's brown, values in black.
//
//   [QR]          电子发票（普通发票）            发票号码：…
//                 ══════════════════             开票日期：…年…月…日
//   ┌─┬───────────────────────────┬─┬───────────────────────────┐  kTop
//   │购│ 名称 / 统一社会信用代码 …   │销│ 名称 / 统一社会信用代码 …    │
//   ├─┴───────────────────────────┴─┴───────────────────────────┤  kPartyBottom
//   │ 项目名称  规格型号  单位  数量  单价  金额  税率/征收率  税额 │
//   │ … up to kMaxInvoiceLines rows (names wrap) …               │
//   │ 合　　计                                  ¥金额     ¥税额  │
//   ├────────────────────────────────────────────────────────────┤  kTotalTop
//   │ 价税合计（大写） ⓧ壹佰…                   （小写）¥…       │
//   ├─┬──────────────────────────────────────────────────────────┤  kRemarksTop
//   │备│ remarks                                                  │
//   └─┴──────────────────────────────────────────────────────────┘  kBottom
//   开票人：…
#include <cairo-pdf.h>

#include <algorithm>
#include <string>

#include "invoice/amount_words.h"
#include "invoice/invoice.h"
#include "invoice/pdf_canvas.h"
#include "qr/qr_code.h"

namespace sealkey::invoice {
namespace {

constexpr double kPageW = 240, kPageH = 140;
constexpr double kLeft = 10, kRight = 230;
constexpr double kTop = 32, kPartyBottom = 58, kItemsTop = 59.5, kTotalTop = 104;
constexpr double kRemarksTop = 112, kBottom = 126;
constexpr double kLabelColumn = 7;  // the vertical 购买方信息 / 备注 labels
constexpr double kQrSize = 25;

constexpr Rgb kBrown{0.58, 0.30, 0.16};
constexpr Rgb kBlack{0, 0, 0};
constexpr double kRule = 0.25, kThinRule = 0.15;
constexpr const char* kFont = "WenQuanYi Zen Hei";

struct Column {
  const char* title;
  double x, width;
  Align align;
};
// 项目名称 … 税额; amounts right-aligned as on the form.
constexpr Column kColumns[] = {
    {"项目名称", kLeft + 1, 52, Align::kLeft}, {"规格型号", 64, 31, Align::kCenter},
    {"单位", 96, 10, Align::kCenter},          {"数量", 107, 16, Align::kRight},
    {"单价", 124, 24, Align::kRight},          {"金额", 149, 26, Align::kRight},
    {"税率/征收率", 177, 20, Align::kCenter},  {"税额", 198, 30, Align::kRight},
};

TextStyle Style(double size, Rgb color, Align align = Align::kLeft, bool wrap = false) {
  TextStyle s;
  s.size_mm = size;
  s.color = color;
  s.align = align;
  s.wrap = wrap;
  return s;
}

// "2026-11-24" -> "2026年11月24日" (validated before).
std::string ChineseDate(const std::string& iso) {
  return iso.substr(0, 4) + "年" + iso.substr(5, 2) + "月" + iso.substr(8, 2) + "日";
}

// 600 -> "6%", 50 -> "0.5%", 0 -> "0%".
std::string RateText(int bp) {
  std::string text = std::to_string(bp / 100);
  if (int rest = bp % 100; rest != 0) {
    text += '.';
    text += static_cast<char>('0' + rest / 10);
    if (rest % 10 != 0) text += static_cast<char>('0' + rest % 10);
  }
  return text + "%";
}

// One character a line, centred in the label column between y0 and y1.
void VerticalLabel(PdfCanvas& c, double x, double y0, double y1, std::string_view label) {
  std::string stacked;
  for (size_t i = 0; i < label.size();) {
    const auto lead = static_cast<unsigned char>(label[i]);
    const size_t n = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    if (!stacked.empty()) stacked += '\n';
    stacked.append(label.substr(i, n));
    i += n;
  }
  const TextStyle style = Style(2.8, kBrown, Align::kCenter, true);
  const double h = c.MeasureText(kLabelColumn, stacked, style);
  c.Text(x, y0 + (y1 - y0 - h) / 2, kLabelColumn, stacked, style);
}

// `style` or a smaller size down to kMinTextSize so that `text` fits on one
// line of `width`; kInvalidArgument naming `field` when nothing does.
constexpr double kMinTextSize = 1.6;
Result<TextStyle> Fit(PdfCanvas& c, std::string_view text, double width, TextStyle style,
                      const char* field) {
  while (c.TextWidth(text, style) > width) {
    if (style.size_mm <= kMinTextSize) {
      return Fail(ErrorCode::kInvalidArgument, "is too long to print", field);
    }
    style.size_mm = std::max(kMinTextSize, style.size_mm - 0.1);
  }
  return style;
}

// Label and value on one line of `width`: "名称：" in brown, the value in
// black after it.
Status Field(PdfCanvas& c, double x, double y, double width, std::string_view label,
             std::string_view value, const char* field) {
  const TextStyle label_style = Style(2.6, kBrown);
  const double label_w = c.TextWidth(label, label_style) + 0.5;
  c.Text(x, y, label_w, label, label_style);
  auto style = Fit(c, value, width - label_w, Style(2.6, kBlack), field);
  if (!style) return Fail(std::move(style.error()));
  c.Text(x + label_w, y + (2.6 - style->size_mm) / 2, width - label_w, value, *style);
  return Ok();
}

Status Party(PdfCanvas& c, double x0, double x1, const char* label, const char* field,
             const std::string& name, const std::string& tax_id, const std::string& address,
             const std::string& bank) {
  VerticalLabel(c, x0, kTop, kPartyBottom, label);
  c.Line(x0 + kLabelColumn, kTop, x0 + kLabelColumn, kPartyBottom, kThinRule, kBrown);
  const double x = x0 + kLabelColumn + 1.5, w = x1 - x - 1;
  const std::string f(field);
  SEALKEY_RETURN_IF_ERROR(Field(c, x, kTop + 2.5, w, "名称：", name, (f + ".name").c_str()));
  SEALKEY_RETURN_IF_ERROR(
      Field(c, x, kTop + 8, w, "统一社会信用代码/纳税人识别号：", tax_id, (f + ".tax_id").c_str()));
  SEALKEY_RETURN_IF_ERROR(
      Field(c, x, kTop + 13.5, w, "地址、电话：", address, (f + ".address_phone").c_str()));
  return Field(c, x, kTop + 19, w, "开户行及账号：", bank, (f + ".bank_account").c_str());
}

Status Items(PdfCanvas& c, const InvoiceDocument& doc) {
  for (const Column& col : kColumns) {
    c.Text(col.x, kItemsTop, col.width, col.title, Style(2.6, kBrown, Align::kCenter));
  }
  double y = kItemsTop + 5;
  const double rows_bottom = kTotalTop - 6;
  for (size_t i = 0; i < doc.lines.size(); ++i) {
    const InvoiceLine& line = doc.lines[i];
    const std::string at = "lines[" + std::to_string(i) + "]";
    const TextStyle wrapped = Style(2.5, kBlack, Align::kLeft, true);
    const double h = std::max(c.MeasureText(kColumns[0].width, line.name, wrapped),
                              c.MeasureText(kColumns[1].width, line.spec, wrapped));
    if (y + h > rows_bottom) {
      return Fail(ErrorCode::kInvalidArgument, "the items do not fit on one page", "lines");
    }
    c.Text(kColumns[0].x, y, kColumns[0].width, line.name, wrapped);
    c.Text(kColumns[1].x, y, kColumns[1].width, line.spec,
           Style(2.5, kBlack, Align::kCenter, true));
    const std::string cells[] = {line.unit,
                                 std::to_string(line.quantity),
                                 FormatYuan(line.unit_price_fen),
                                 FormatYuan(line.amount_fen),
                                 RateText(line.tax_rate_bp),
                                 FormatYuan(line.tax_fen)};
    static constexpr const char* kFields[] = {"unit",   "quantity", "unit_price",
                                              "amount", "tax_rate", "tax"};
    for (size_t k = 0; k < std::size(cells); ++k) {
      const Column& col = kColumns[k + 2];
      auto style = Fit(c, cells[k], col.width, Style(2.5, kBlack, col.align), kFields[k]);
      if (!style) {
        return Fail(ErrorCode::kInvalidArgument, "is too long to print", at + "." + kFields[k]);
      }
      c.Text(col.x, y, col.width, cells[k], *style);
    }
    y += h + 1;
  }
  const double sum_y = rows_bottom + 0.5;
  c.Text(kLeft + 4, sum_y, 30, "合　　计", Style(2.8, kBrown));
  c.Text(kColumns[5].x, sum_y, kColumns[5].width, "¥" + FormatYuan(doc.totals.amount_fen),
         Style(2.6, kBlack, Align::kRight));
  c.Text(kColumns[7].x, sum_y, kColumns[7].width, "¥" + FormatYuan(doc.totals.tax_fen),
         Style(2.6, kBlack, Align::kRight));
  return Ok();
}

Status Total(PdfCanvas& c, const InvoiceDocument& doc) {
  const double y = kTotalTop + 2.3;
  c.Text(kLeft + 4, y, 40, "价税合计（大写）", Style(3.0, kBrown));
  c.CircledCross(kLeft + 46, y + 0.4, 3.2, 0.25, kBlack);
  const std::string words = AmountInWords(doc.totals.total_fen);
  auto style = Fit(c, words, 100, Style(3.0, kBlack), "totals.total");
  if (!style) return Fail(std::move(style.error()));
  c.Text(kLeft + 51, y + (3.0 - style->size_mm) / 2, 100, words, *style);
  c.Text(162, y, 16, "（小写）", Style(3.0, kBrown));
  c.Text(178, y, 50, "¥" + FormatYuan(doc.totals.total_fen), Style(3.0, kBlack));
  return Ok();
}

Status Remarks(PdfCanvas& c, const InvoiceDocument& doc) {
  VerticalLabel(c, kLeft, kRemarksTop, kBottom, "备注");
  c.Line(kLeft + kLabelColumn, kRemarksTop, kLeft + kLabelColumn, kBottom, kThinRule, kBrown);
  const double x = kLeft + kLabelColumn + 1.5, w = kRight - x - 1.5;
  const TextStyle style = Style(2.5, kBlack, Align::kLeft, true);
  if (c.MeasureText(w, doc.remarks, style) > kBottom - kRemarksTop - 2) {
    return Fail(ErrorCode::kInvalidArgument, "do not fit in the remarks box", "remarks");
  }
  c.Text(x, kRemarksTop + 1.5, w, doc.remarks, style);
  return Ok();
}

}  // namespace

Result<Bytes> RenderInvoicePdf(const InvoiceDocument& doc) {
  SEALKEY_RETURN_IF_ERROR(ValidateInvoice(doc));
  auto qr = qr::EncodeQrPng(doc.verification_text, 4);
  if (!qr) return Fail(ErrorCode::kInvalidArgument, qr.error().message, "verification_text");

  auto created = PdfCanvas::Create(kPageW, kPageH, kFont);
  if (!created) return Fail(std::move(created.error()));
  PdfCanvas& c = **created;
  c.SetMetadata(CAIRO_PDF_METADATA_TITLE, "电子发票（普通发票） " + doc.number);
  c.SetMetadata(CAIRO_PDF_METADATA_AUTHOR, doc.seller.name);
  c.SetMetadata(CAIRO_PDF_METADATA_CREATOR, "sealkey");
  // The issue date, not the wall clock: the same document renders to the same bytes.
  c.SetMetadata(CAIRO_PDF_METADATA_CREATE_DATE, doc.issue_date + "T00:00:00+08:00");

  SEALKEY_RETURN_IF_ERROR(c.Png(kLeft, 4, kQrSize, *qr));
  c.Text(0, 9, kPageW, "电子发票（普通发票）", Style(6.5, kBrown, Align::kCenter));
  c.Line(85, 19, 155, 19, 0.35, kBrown);
  c.Line(85, 20.2, 155, 20.2, 0.35, kBrown);
  c.Text(170, 10, 20, "发票号码：", Style(2.8, kBrown));
  c.Text(184, 10, 46, doc.number, Style(2.8, kBlack));
  c.Text(170, 16, 20, "开票日期：", Style(2.8, kBrown));
  c.Text(184, 16, 46, ChineseDate(doc.issue_date), Style(2.8, kBlack));

  c.Rect(kLeft, kTop, kRight - kLeft, kBottom - kTop, kRule, kBrown);
  const double middle = (kLeft + kRight) / 2;
  c.Line(middle, kTop, middle, kPartyBottom, kThinRule, kBrown);
  c.Line(kLeft, kPartyBottom, kRight, kPartyBottom, kThinRule, kBrown);
  SEALKEY_RETURN_IF_ERROR(Party(c, kLeft, middle, "购买方信息", "buyer", doc.buyer.name,
                                doc.buyer.tax_id, doc.buyer.address_phone, doc.buyer.bank_account));
  SEALKEY_RETURN_IF_ERROR(Party(c, middle, kRight, "销售方信息", "seller", doc.seller.name,
                                doc.seller.tax_id, doc.seller.address_phone,
                                doc.seller.bank_account));
  SEALKEY_RETURN_IF_ERROR(Items(c, doc));
  c.Line(kLeft, kTotalTop, kRight, kTotalTop, kThinRule, kBrown);
  SEALKEY_RETURN_IF_ERROR(Total(c, doc));
  c.Line(kLeft, kRemarksTop, kRight, kRemarksTop, kThinRule, kBrown);
  SEALKEY_RETURN_IF_ERROR(Remarks(c, doc));
  c.Text(kLeft + 2, kBottom + 3, 30, "开票人：", Style(2.8, kBrown));
  c.Text(kLeft + 14, kBottom + 3, 60, doc.issuer, Style(2.8, kBlack));
  return c.Finish();
}

}  // namespace sealkey::invoice
