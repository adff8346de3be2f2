// OrderService: payment by company bank transfer (remittance reference,
// payer details, operator or bank-statement confirmation) and online through
// a provider with signed notifications (idempotent on repeats).
#include <soci/soci.h>

#include <sstream>

#include <nlohmann/json.hpp>

#include "base/encoding.h"
#include "crypto/random.h"
#include "server/http/router.h"
#include "server/order/order_rows.h"
#include "server/order/invoice_service.h"
#include "server/order/order_service.h"
#include "server/order/payment_provider.h"

namespace sealkey::server {
namespace {

// "SK" + 12 digits, unique per order (the database enforces it).
std::string NewReference() {
  Bytes r = crypto::RandomBytes(8);
  uint64_t v = 0;
  for (uint8_t b : r) v = (v << 8) | b;
  std::string digits = std::to_string(v % 1000000000000ULL);
  return "SK" + std::string(12 - digits.size(), '0') + digits;
}

// "1234.56" -> 123456; kInvalidArgument naming `field` otherwise.
Result<int64_t> ParseYuan(const std::string& text, const char* field) {
  int64_t yuan = 0, fen = 0;
  size_t i = 0, digits = 0;
  for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i, ++digits) {
    yuan = yuan * 10 + (text[i] - '0');
  }
  bool ok = digits > 0 && digits < 10;
  if (ok && i < text.size() && text[i] == '.') {
    size_t decimals = 0;
    for (++i; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
      fen = fen * 10 + (text[i] - '0');
      ++decimals;
    }
    ok = decimals >= 1 && decimals <= 2;
    if (decimals == 1) fen *= 10;
  }
  if (!ok || i != text.size()) {
    return Fail(Bilingual(ErrorCode::kInvalidArgument, "must be an amount in yuan like 1234.56",
                          "须为金额（元），如 1234.56", field));
  }
  return yuan * 100 + fen;
}

}  // namespace

Result<PaymentInstructions> OrderService::Pay(const Account& caller, int64_t id,
                                              const std::string& method) {
  auto o = Mine(caller, id);
  if (!o) return Fail(o.error());
  if (o->state != "authorised") return Fail(WrongState(*o, "paying"));
  PaymentInstructions out;
  out.method = method;
  long long key = id, now = clock_.NowUnixSeconds(), amount = o->amount_fen;
  if (method == "bank_transfer") {
    auto account = catalog_.ReceivingAccount();
    if (!account) return Fail(account.error());
    out.remittance_ref = o->remittance_ref.empty() ? NewReference() : o->remittance_ref;
    out.account = {(*account)[0], (*account)[1], (*account)[2]};
    SEALKEY_RETURN_IF_ERROR(store::InTransaction(db_, [&](soci::session& sql) -> Status {
      sql << "UPDATE orders SET pay_method = 'bank_transfer', remittance_ref = :r"
             " WHERE id = :i AND state = 'authorised'",
          soci::use(out.remittance_ref), soci::use(key);
      return Ok();
    }));
    return out;
  }
  if (method != "online") {
    return Fail(Bilingual(ErrorCode::kInvalidArgument, "must be bank_transfer or online",
                          "须为 bank_transfer 或 online", "method"));
  }
  if (!provider_) {
    return Fail(Bilingual(ErrorCode::kUnsupported, "no online payment provider is configured",
                          "未配置在线支付", "method"));
  }
  std::string ref = std::string(provider_->name()) + "-" + HexEncode(crypto::RandomBytes(10));
  std::string provider = provider_->name();
  SEALKEY_RETURN_IF_ERROR(store::InTransaction(db_, [&](soci::session& sql) -> Status {
    // One payment per order: a second "pay" continues the pending one.
    std::string pending;
    sql << "SELECT provider_ref FROM payments WHERE order_id = :o AND status = 'pending'",
        soci::use(key), soci::into(pending);
    if (sql.got_data()) {
      ref = pending;
      return Ok();
    }
    sql << "INSERT INTO payments (order_id, provider, provider_ref, amount_fen, status, created_at)"
           " VALUES (:o, :p, :r, :a, 'pending', :t)",
        soci::use(key), soci::use(provider), soci::use(ref), soci::use(amount), soci::use(now);
    sql << "UPDATE orders SET pay_method = 'online' WHERE id = :i AND state = 'authorised'",
        soci::use(key);
    return Ok();
  }));
  auto url = provider_->Start(ref, o->amount_fen, "sealkey 订单 " + std::to_string(id));
  if (!url) return Fail(url.error());
  out.redirect_url = *url;
  return out;
}

Result<Order> OrderService::SubmitPayer(const Account& caller, int64_t id,
                                        const std::string& payer_name,
                                        const std::string& payer_account, int64_t amount_fen) {
  auto o = Mine(caller, id);
  if (!o) return Fail(o.error());
  if (o->state != "authorised" || o->pay_method != "bank_transfer") {
    return Fail(WrongState(*o, "giving the payer of a bank transfer"));
  }
  if (payer_name.empty()) {
    return Fail(Bilingual(ErrorCode::kInvalidArgument, "is required", "不能为空", "payer_name"));
  }
  if (payer_account.size() < 8) {
    return Fail(Bilingual(ErrorCode::kInvalidArgument, "is not a bank account number",
                          "不是银行账号", "payer_account"));
  }
  if (amount_fen != o->amount_fen) {
    return Fail(Bilingual(ErrorCode::kInvalidArgument,
                          "does not match the order's amount (" + std::to_string(o->amount_fen) +
                              " fen)",
                          "与订单金额不符", "amount_fen"));
  }
  std::string payer = nlohmann::json{{"name", payer_name}, {"account", payer_account}}.dump();
  long long key = id;
  SEALKEY_RETURN_IF_ERROR(store::InTransaction(db_, [&](soci::session& sql) -> Status {
    sql << "UPDATE orders SET payer = :p WHERE id = :i", soci::use(payer), soci::use(key);
    return Ok();
  }));
  SEALKEY_RETURN_IF_ERROR(
      Move(id, "authorised", "payment_submitted", "account:" + std::to_string(caller.id)));
  return Load(id);
}

Result<Order> OrderService::ConfirmTransfer(const std::string& op, int64_t id, int64_t amount_fen) {
  auto o = Load(id);
  if (!o) return Fail(o.error());
  if (o->pay_method != "bank_transfer" ||
      (o->state != "payment_submitted" && o->state != "authorised")) {
    return Fail(WrongState(*o, "confirming a bank transfer"));
  }
  if (amount_fen != o->amount_fen) {
    return Fail(Bilingual(ErrorCode::kInvalidArgument, "does not match the order's amount",
                          "与订单金额不符", "amount_fen"));
  }
  SEALKEY_RETURN_IF_ERROR(Move(id, o->state, "paid", op));
  auto paid = Load(id);
  if (paid && invoices_) invoices_->OnPaid(*paid);
  return paid;
}

Result<int> OrderService::ImportStatement(const std::string& op, const std::string& csv) {
  // Every line is checked before any order changes.
  struct Transfer {
    int64_t amount_fen;
    std::string reference;
  };
  std::vector<Transfer> transfers;
  std::istringstream in(csv);
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || (line_no == 1 && line.rfind("date", 0) == 0)) continue;  // header
    std::vector<std::string> cols;
    std::stringstream ss(line);
    for (std::string c; std::getline(ss, c, ',');) cols.push_back(c);
    if (cols.size() != 4) {
      return Fail(Bilingual(ErrorCode::kMalformed,
                            "line " + std::to_string(line_no) +
                                " must be date,amount,payer,reference",
                            "第 " + std::to_string(line_no) + " 行格式应为 日期,金额,付款人,附言",
                            "statement"));
    }
    auto amount = ParseYuan(cols[1], "statement");
    if (!amount) return Fail(amount.error());
    transfers.push_back({*amount, cols[3]});
  }
  int matched = 0;
  for (const auto& t : transfers) {
    long long order_id = 0;
    {
      auto lease = db_.Borrow();
      lease.sql() << "SELECT id FROM orders WHERE remittance_ref = :r", soci::use(t.reference),
          soci::into(order_id);
      if (!lease.sql().got_data()) continue;  // not ours
    }
    if (ConfirmTransfer(op + " (statement)", order_id, t.amount_fen)) ++matched;
  }
  return matched;
}

Status OrderService::SettleOnline(const std::string& provider_ref, int64_t amount_fen) {
  long long order_id = 0, amount = 0, now = clock_.NowUnixSeconds();
  std::string status;
  {
    auto lease = db_.Borrow();
    lease.sql() << "SELECT order_id, amount_fen, status FROM payments WHERE provider_ref = :r",
        soci::use(provider_ref), soci::into(order_id), soci::into(amount), soci::into(status);
    if (!lease.sql().got_data()) {
      return Fail(Bilingual(ErrorCode::kNotFound, "no payment has this reference", "没有该支付",
                            "ref"));
    }
  }
  if (status == "settled") return Ok();  // a repeated notification changes nothing
  if (amount != amount_fen) {
    return Fail(Bilingual(ErrorCode::kVerifyFailed, "the amount does not match the payment",
                          "支付金额不符", "amount_fen"));
  }
  bool settled = false;
  SEALKEY_RETURN_IF_ERROR(store::InTransaction(db_, [&](soci::session& sql) -> Status {
    soci::statement pay = (sql.prepare << "UPDATE payments SET status = 'settled', settled_at = :t"
                                          " WHERE provider_ref = :r AND status = 'pending'",
                           soci::use(now), soci::use(provider_ref));
    pay.execute(true);
    if (pay.get_affected_rows() != 1) return Ok();  // a racing repeat settled it
    soci::statement move = (sql.prepare << "UPDATE orders SET state = 'paid', updated_at = :t"
                                           " WHERE id = :i AND state = 'authorised'",
                            soci::use(now), soci::use(order_id));
    move.execute(true);
    settled = move.get_affected_rows() == 1;
    if (!settled) {
      return Fail(Bilingual(ErrorCode::kFailedPrecondition, "the order is not awaiting payment",
                            "订单不在待支付状态", "order"));
    }
    std::string actor = "provider:" + provider_ref;
    sql << "INSERT INTO order_events (order_id, from_state, to_state, actor, at)"
           " VALUES (:i, 'authorised', 'paid', :a, :t)",
        soci::use(order_id), soci::use(actor), soci::use(now);
    return Ok();
  }));
  if (settled && invoices_) {
    if (auto paid = Load(order_id)) invoices_->OnPaid(*paid);
  }
  return Ok();
}

}  // namespace sealkey::server
