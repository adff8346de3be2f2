#include "server/order/invoice_service.h"

#include <soci/soci.h>

#include <ctime>

#include <nlohmann/json.hpp>

#include "invoice/invoice.h"
#include "server/http/router.h"
#include "server/kyc/id_numbers.h"

namespace sealkey::server {
namespace {

using nlohmann::json;

struct InvoiceRow {
  long long id = 0, order = 0, attempts = 0, created = 0, issued = 0;
  InvoiceRecord r;
  static std::string Select() {
    return "SELECT i.id, i.order_id, i.status, i.number, i.error, i.attempts, i.created_at,"
           " i.issued_at FROM invoices i JOIN orders o ON o.id = i.order_id ";
  }
  void Into(soci::details::once_temp_type& q) {
    q, soci::into(id), soci::into(order), soci::into(r.status), soci::into(r.number),
        soci::into(r.error), soci::into(attempts), soci::into(created), soci::into(issued);
  }
  InvoiceRecord Take() {
    r.id = id;
    r.order_id = order;
    r.attempts = attempts;
    r.created_at = created;
    r.issued_at = issued;
    return r;
  }
};

}  // namespace

Status InvoiceService::SetSeller(const SellerDetails& s) {
  auto tax = ValidateCreditCode(s.tax_id, "tax_id");
  if (!tax) return Fail(tax.error());
  if (s.name.empty()) return Fail(Bilingual(ErrorCode::kInvalidArgument, "is required", "不能为空", "name"));
  std::string value = json{{"name", s.name}, {"tax_id", *tax}, {"address_phone", s.address_phone},
                           {"bank_account", s.bank_account}}.dump();
  long long now = clock_.NowUnixSeconds();
  return store::InTransaction(db_, [&](soci::session& sql) -> Status {
    sql << "DELETE FROM platform_settings WHERE name = 'invoice_seller'";
    sql << "INSERT INTO platform_settings (name, value, updated_at)"
           " VALUES ('invoice_seller', :v, :t)",
        soci::use(value), soci::use(now);
    return Ok();
  });
}

Result<SellerDetails> InvoiceService::Seller() {
  auto lease = db_.Borrow();
  std::string value;
  lease.sql() << "SELECT value FROM platform_settings WHERE name = 'invoice_seller'",
      soci::into(value);
  if (!lease.sql().got_data()) {
    return Fail(Bilingual(ErrorCode::kFailedPrecondition,
                          "the platform's seller details are not configured yet",
                          "平台尚未配置开票方信息", "seller"));
  }
  auto j = json::parse(value, nullptr, false);
  return SellerDetails{j.value("name", ""), j.value("tax_id", ""), j.value("address_phone", ""),
                       j.value("bank_account", "")};
}

void InvoiceService::OnPaid(const Order& order) {
  if (order.invoice.kind.empty() || order.invoice.kind == "none") return;
  long long id = 0, key = order.id, now = clock_.NowUnixSeconds();
  Status st = store::InTransaction(db_, [&](soci::session& sql) -> Status {
    long long n = 0;
    sql << "SELECT COUNT(*) FROM invoices WHERE order_id = :o", soci::use(key), soci::into(n);
    if (n) return Ok();
    sql << "INSERT INTO invoices (order_id, status, created_at) VALUES (:o, 'requested', :t)"
           " RETURNING id",
        soci::use(key), soci::use(now), soci::into(id);
    return Ok();
  });
  if (st && id) (void)Issue(id);  // a failure is recorded on the invoice
}

Status InvoiceService::Issue(int64_t invoice_id) {
  long long key = invoice_id, order_id = 0, amount = 0;
  std::string invoice_json, product_id, status;
  {
    auto lease = db_.Borrow();
    lease.sql() << "SELECT i.status, o.id, o.invoice, o.amount_fen, o.product_id FROM invoices i"
                   " JOIN orders o ON o.id = i.order_id WHERE i.id = :i",
        soci::use(key), soci::into(status), soci::into(order_id), soci::into(invoice_json),
        soci::into(amount), soci::into(product_id);
    if (!lease.sql().got_data()) {
      return Fail(Bilingual(ErrorCode::kNotFound, "no such invoice", "没有该发票", "invoice"));
    }
  }
  if (status == "issued") return Ok();
  auto attempt = [&]() -> Result<std::pair<std::string, std::string>> {
    auto seller = Seller();
    if (!seller) return Fail(seller.error());
    auto product = catalog_.GetProduct(product_id);
    if (!product) return Fail(product.error());
    auto buyer = json::parse(invoice_json, nullptr, false);
    invoice::InvoiceDocument doc;
    char number[32];
    std::snprintf(number, sizeof number, "%s%016lld", ChinaDate(clock_.NowUnixSeconds()).substr(0, 4).c_str(), key);
    doc.number = number;
    doc.issue_date = ChinaDate(clock_.NowUnixSeconds());
    doc.seller = {seller->name, seller->tax_id, seller->address_phone, seller->bank_account};
    bool company = buyer.value("kind", "") == "company";
    doc.buyer = {company ? invoice::BuyerKind::kCompany : invoice::BuyerKind::kPersonal,
                 buyer.value("name", ""), company ? buyer.value("tax_id", "") : "",
                 buyer.value("address", ""), buyer.value("bank", "")};
    // The price includes 6% VAT (information technology services).
    invoice::InvoiceLine line;
    line.name = "*信息技术服务*" + product->name;
    line.unit = "套";
    line.quantity = 1;
    line.tax_rate_bp = 600;
    line.amount_fen = (amount * 10000 + 5300) / 10600;
    line.unit_price_fen = line.amount_fen;
    line.tax_fen = amount - line.amount_fen;
    doc.lines = {line};
    doc.totals = invoice::SumLines(doc.lines);
    doc.remarks = "订单号 " + std::to_string(order_id);
    doc.issuer = "sealkey";
    doc.verification_text = "sealkey-invoice:" + doc.number;
    auto pdf = invoice::RenderInvoicePdf(doc);
    if (!pdf) return Fail(pdf.error());
    auto blob = blobs_.Put(*pdf, store::kPdf, 5 << 20, "invoice");
    if (!blob) return Fail(blob.error());
    return std::pair{doc.number, blob->sha256};
  };
  auto issued = attempt();
  long long now = clock_.NowUnixSeconds();
  std::string error = issued ? "" : issued.error().message;
  SEALKEY_RETURN_IF_ERROR(store::InTransaction(db_, [&](soci::session& sql) -> Status {
    if (issued) {
      sql << "UPDATE invoices SET status = 'issued', number = :n, pdf_blob = :b, error = '',"
             " attempts = attempts + 1, issued_at = :t WHERE id = :i",
          soci::use(issued->first), soci::use(issued->second), soci::use(now), soci::use(key);
    } else {
      sql << "UPDATE invoices SET status = 'failed', error = :e, attempts = attempts + 1"
             " WHERE id = :i",
          soci::use(error), soci::use(key);
    }
    return Ok();
  }));
  if (!issued) return Fail(issued.error());
  return Ok();
}

Result<InvoiceRecord> InvoiceService::Mine(const Account& caller, int64_t id) {
  auto lease = db_.Borrow();
  InvoiceRow row;
  long long key = id, account = caller.id;
  {
    auto q = (lease.sql() << InvoiceRow::Select() + "WHERE i.id = :i AND o.account_id = :a",
              soci::use(key), soci::use(account));
    row.Into(q);
  }
  if (!lease.sql().got_data()) {
    return Fail(Bilingual(ErrorCode::kNotFound, "no invoice of this account has this id",
                          "本账户没有该发票", "invoice"));
  }
  return row.Take();
}

Result<std::vector<InvoiceRecord>> InvoiceService::List(const Account& caller, const std::string& tab) {
  if (tab != "pending" && tab != "issued" && tab != "all") {
    return Fail(Bilingual(ErrorCode::kInvalidArgument, "must be pending, issued or all",
                          "须为 pending、issued 或 all", "tab"));
  }
  std::vector<InvoiceRecord> out;
  auto lease = db_.Borrow();
  long long account = caller.id, last = 0;
  for (;;) {
    InvoiceRow row;
    {
      auto q = (lease.sql() << InvoiceRow::Select() +
                                   "WHERE o.account_id = :a AND i.id > :l ORDER BY i.id LIMIT 1",
                soci::use(account), soci::use(last));
      row.Into(q);
    }
    if (!lease.sql().got_data()) break;
    last = row.id;
    InvoiceRecord r = row.Take();
    bool issued = r.status == "issued";
    if (tab == "all" || (tab == "issued") == issued) out.push_back(std::move(r));
  }
  return out;
}

Result<InvoiceRecord> InvoiceService::Retry(const Account& caller, int64_t id) {
  auto r = Mine(caller, id);
  if (!r) return Fail(r.error());
  if (r->status != "failed") {
    return Fail(Bilingual(ErrorCode::kFailedPrecondition, "only a failed invoice can be retried",
                          "只有开具失败的发票可以重试", "invoice"));
  }
  SEALKEY_RETURN_IF_ERROR(Issue(id));
  return Mine(caller, id);
}

Result<Bytes> InvoiceService::Pdf(const Account& caller, int64_t id) {
  auto r = Mine(caller, id);
  if (!r) return Fail(r.error());
  if (r->status != "issued") {
    return Fail(Bilingual(ErrorCode::kFailedPrecondition, "the invoice is not issued yet",
                          "发票尚未开具", "invoice"));
  }
  std::string blob;
  {
    auto lease = db_.Borrow();
    long long key = id;
    lease.sql() << "SELECT pdf_blob FROM invoices WHERE id = :i", soci::use(key), soci::into(blob);
  }
  return blobs_.Get(blob);
}

}  // namespace sealkey::server
