// Invoice PDFs (B14): an electronic ordinary VAT invoice (电子发票（普通发票）)
// laid out like the tax authority's fully digitalised e-invoice (数电票): the
// title, number and date at the top, a verification QR code, buyer and
// seller boxes, the line items, totals, 价税合计 in capitals and figures,
// and the remarks box. sealkey::invoice renders what it is given; issuing
// (numbering, the tax platform's acceptance) belongs to the server.
//
// Money is int64 fen (分). Amounts on the lines are tax-exclusive, as on the
// real form: 金额 = 数量 × 单价, 税额 = 金额 × 税率, 价税合计 = Σ金额 + Σ税额.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"

namespace sealkey::invoice {

inline constexpr size_t kMaxInvoiceLines = 8;  // more need a 销货清单 (not supported)
inline constexpr int64_t kMaxInvoiceFen = 100'000'000'000'000;  // 1 万亿 元

struct Seller {
  std::string name;           // 名称
  std::string tax_id;         // 统一社会信用代码/纳税人识别号 (ValidateTaxId)
  std::string address_phone;  // 地址、电话
  std::string bank_account;   // 开户行及账号
};

enum class BuyerKind { kCompany, kPersonal };

struct Buyer {
  BuyerKind kind = BuyerKind::kCompany;
  std::string name;           // 名称: the organisation, or the person
  std::string tax_id;         // company: required (ValidateTaxId); personal: empty
  std::string address_phone;  // optional
  std::string bank_account;   // optional
};

struct InvoiceLine {
  std::string name;            // 项目名称, e.g. "*信息技术服务*数字证书服务费"
  std::string spec;            // 规格型号 (may be empty)
  std::string unit;            // 单位 (may be empty), e.g. "套"
  int64_t quantity = 1;        // 数量: whole units, >= 1
  int64_t unit_price_fen = 0;  // 单价, tax-exclusive
  int64_t amount_fen = 0;      // 金额: quantity × unit price, within 1 fen
  int tax_rate_bp = 0;         // 税率 in basis points: 600 = 6%, 50 = 0.5%
  int64_t tax_fen = 0;         // 税额: amount × rate, within 6 fen (the tax rule's ±0.06 元)
};

struct InvoiceTotals {
  int64_t amount_fen = 0;  // 合计金额 = Σ line amounts
  int64_t tax_fen = 0;     // 合计税额 = Σ line taxes
  int64_t total_fen = 0;   // 价税合计 = amount + tax
};

struct InvoiceDocument {
  std::string number;      // 发票号码: 8..20 digits (数电票: 20)
  std::string issue_date;  // 开票日期: "YYYY-MM-DD", printed 2026年11月24日
  Seller seller;
  Buyer buyer;
  std::vector<InvoiceLine> lines;  // 1..kMaxInvoiceLines
  InvoiceTotals totals;
  std::string remarks;  // 备注 (may be empty)
  std::string issuer;   // 开票人
  // What the QR code holds, e.g. the platform's check URL; 1..300 bytes, and
  // best under 100 so the 25 mm code stays readable on a 150 dpi rendering.
  std::string verification_text;
};

// Checks everything RenderInvoicePdf relies on: texts valid UTF-8 without
// control characters (remarks may break lines) and of printable length,
// required ones present; the date, number and tax ids well-formed; the
// arithmetic above consistent, non-negative and at most kMaxInvoiceFen. kInvalidArgument naming the
// field, e.g. "lines[1].tax", "buyer.tax_id", "totals.total".
Status ValidateInvoice(const InvoiceDocument& doc);

// Σ of the lines (no check).
InvoiceTotals SumLines(const std::vector<InvoiceLine>& lines);

// One landscape page of 240 × 140 mm (the e-invoice's paper size) of PDF,
// its text in a CJK font embedded as a subset (WenQuanYi Zen Hei through
// fontconfig), so it prints and copies as text. Validates first (the same
// errors as ValidateInvoice); kInternal if cairo fails.
Result<Bytes> RenderInvoicePdf(const InvoiceDocument& doc);

}  // namespace sealkey::invoice
