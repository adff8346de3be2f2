// ValidateInvoice: the document is refused before anything is drawn, so a
// rendered invoice never shows figures that do not add up.
#include <glib.h>

#include <string>

#include "invoice/invoice.h"
#include "invoice/tax_id.h"

namespace sealkey::invoice {
namespace {

tl::unexpected<Error> Invalid(std::string field, std::string message) {
  return Fail(ErrorCode::kInvalidArgument, std::move(message), std::move(field));
}

// UTF-8 (glib also refuses NUL bytes), no control characters but, where
// allowed, line breaks; at most `max_bytes`.
Status CheckText(const std::string& field, const std::string& text, size_t max_bytes, bool required,
                 bool multiline = false) {
  if (text.empty()) return required ? Invalid(field, "is required") : Ok();
  if (text.size() > max_bytes) {
    return Invalid(field, "is longer than " + std::to_string(max_bytes) + " bytes");
  }
  if (!g_utf8_validate(text.data(), static_cast<gssize>(text.size()), nullptr)) {
    return Invalid(field, "is not valid UTF-8");
  }
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && !(multiline && c == '\n')) || u == 0x7F) {
      return Invalid(field, "contains a control character");
    }
  }
  return Ok();
}

bool IsLeapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

Status CheckDate(const std::string& date) {
  auto digits = [&](size_t from, size_t n) {
    int v = 0;
    for (size_t i = from; i < from + n; ++i) {
      if (date[i] < '0' || date[i] > '9') return -1;
      v = v * 10 + (date[i] - '0');
    }
    return v;
  };
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') {
    return Invalid("issue_date", "must be YYYY-MM-DD");
  }
  const int y = digits(0, 4), m = digits(5, 2), d = digits(8, 2);
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 2000 || y > 2099 || m < 1 || m > 12 || d < 1 ||
      d > kDays[m - 1] + (m == 2 && IsLeapYear(y) ? 1 : 0)) {
    return Invalid("issue_date", "is not a date between 2000-01-01 and 2099-12-31");
  }
  return Ok();
}

// round(amount × rate), halves away from zero (amount >= 0 here).
int64_t ExpectedTax(int64_t amount_fen, int tax_rate_bp) {
  const __int128 product = static_cast<__int128>(amount_fen) * tax_rate_bp;
  return static_cast<int64_t>((product + 5000) / 10000);
}

Status CheckLine(const InvoiceLine& line, size_t index) {
  const std::string at = "lines[" + std::to_string(index) + "]";
  SEALKEY_RETURN_IF_ERROR(CheckText(at + ".name", line.name, 300, true));
  SEALKEY_RETURN_IF_ERROR(CheckText(at + ".spec", line.spec, 120, false));
  SEALKEY_RETURN_IF_ERROR(CheckText(at + ".unit", line.unit, 30, false));
  if (line.quantity < 1 || line.quantity > 1'000'000'000) {
    return Invalid(at + ".quantity", "must be 1..1000000000");
  }
  if (line.unit_price_fen < 0 || line.unit_price_fen > kMaxInvoiceFen) {
    return Invalid(at + ".unit_price", "must be 0.." + std::to_string(kMaxInvoiceFen) + " fen");
  }
  if (line.amount_fen < 0 || line.amount_fen > kMaxInvoiceFen) {
    return Invalid(at + ".amount", "must be 0.." + std::to_string(kMaxInvoiceFen) + " fen");
  }
  const __int128 product = static_cast<__int128>(line.quantity) * line.unit_price_fen;
  const __int128 gap = product - line.amount_fen;
  if (gap > 1 || gap < -1) {
    return Invalid(at + ".amount", "differs from quantity × unit price by more than 0.01");
  }
  if (line.tax_rate_bp < 0 || line.tax_rate_bp > 10000) {
    return Invalid(at + ".tax_rate", "must be 0..10000 basis points");
  }
  const int64_t tax_gap = line.tax_fen - ExpectedTax(line.amount_fen, line.tax_rate_bp);
  if (line.tax_fen < 0 || tax_gap > 6 || tax_gap < -6) {
    return Invalid(at + ".tax", "differs from amount × tax rate by more than 0.06");
  }
  return Ok();
}

}  // namespace

InvoiceTotals SumLines(const std::vector<InvoiceLine>& lines) {
  InvoiceTotals totals;
  for (const InvoiceLine& line : lines) {
    totals.amount_fen += line.amount_fen;
    totals.tax_fen += line.tax_fen;
  }
  totals.total_fen = totals.amount_fen + totals.tax_fen;
  return totals;
}

Status ValidateInvoice(const InvoiceDocument& doc) {
  if (doc.number.size() < 8 || doc.number.size() > 20 ||
      doc.number.find_first_not_of("0123456789") != std::string::npos) {
    return Invalid("number", "must be 8 to 20 digits");
  }
  SEALKEY_RETURN_IF_ERROR(CheckDate(doc.issue_date));

  SEALKEY_RETURN_IF_ERROR(CheckText("seller.name", doc.seller.name, 300, true));
  if (auto s = ValidateTaxId(doc.seller.tax_id); !s) {
    return Invalid("seller.tax_id", s.error().message);
  }
  SEALKEY_RETURN_IF_ERROR(CheckText("seller.address_phone", doc.seller.address_phone, 300, false));
  SEALKEY_RETURN_IF_ERROR(CheckText("seller.bank_account", doc.seller.bank_account, 300, false));

  SEALKEY_RETURN_IF_ERROR(CheckText("buyer.name", doc.buyer.name, 300, true));
  if (doc.buyer.kind == BuyerKind::kCompany) {
    if (auto s = ValidateTaxId(doc.buyer.tax_id); !s) {
      return Invalid("buyer.tax_id", s.error().message);
    }
  } else if (!doc.buyer.tax_id.empty()) {
    return Invalid("buyer.tax_id", "must be empty for a personal buyer");
  }
  SEALKEY_RETURN_IF_ERROR(CheckText("buyer.address_phone", doc.buyer.address_phone, 300, false));
  SEALKEY_RETURN_IF_ERROR(CheckText("buyer.bank_account", doc.buyer.bank_account, 300, false));

  if (doc.lines.empty() || doc.lines.size() > kMaxInvoiceLines) {
    return Invalid("lines", "must hold 1 to " + std::to_string(kMaxInvoiceLines) + " items");
  }
  for (size_t i = 0; i < doc.lines.size(); ++i) {
    SEALKEY_RETURN_IF_ERROR(CheckLine(doc.lines[i], i));
  }
  const InvoiceTotals sum = SumLines(doc.lines);  // 8 lines × 10^14 cannot overflow
  if (doc.totals.amount_fen != sum.amount_fen) {
    return Invalid("totals.amount", "is not the sum of the line amounts");
  }
  if (doc.totals.tax_fen != sum.tax_fen) {
    return Invalid("totals.tax", "is not the sum of the line taxes");
  }
  if (doc.totals.total_fen != sum.total_fen) {
    return Invalid("totals.total", "is not the amount plus the tax");
  }
  if (doc.totals.total_fen > kMaxInvoiceFen) {
    return Invalid("totals.total", "exceeds " + std::to_string(kMaxInvoiceFen) + " fen");
  }

  SEALKEY_RETURN_IF_ERROR(CheckText("remarks", doc.remarks, 600, false, true));
  SEALKEY_RETURN_IF_ERROR(CheckText("issuer", doc.issuer, 60, false));
  SEALKEY_RETURN_IF_ERROR(CheckText("verification_text", doc.verification_text, 300, true));
  return Ok();
}

}  // namespace sealkey::invoice
