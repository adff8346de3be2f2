// OrderService: the applicant's steps and the operator's review.
#include "server/order/order_service.h"

#include <soci/soci.h>

#include <nlohmann/json.hpp>

#include "base/encoding.h"
#include "ca/ca.h"
#include "server/http/router.h"
#include "server/kyc/id_numbers.h"
#include "server/order/order_rows.h"

namespace sealkey::server {
namespace {

using nlohmann::json;

// The states before payment is under way, in order.
const std::vector<std::string> kDraft = {"created", "agreed", "form_submitted", "confirmed",
                                         "invoice_set", "authorised"};

Result<crypto::KeyAlg> ProductAlg(const std::string& alg) { return crypto::ParseKeyAlg(alg); }

}  // namespace

Error OrderService::WrongState(const Order& o, const char* step) const {
  return Bilingual(ErrorCode::kFailedPrecondition,
                   std::string("the order is ") + o.state + "; " + step + " is not possible now",
                   "订单当前状态为 " + o.state + "，不能进行此操作", "state");
}

Result<Order> OrderService::Load(int64_t id) {
  auto lease = db_.Borrow();
  OrderRow row;
  long long key = id;
  {
    auto q = (lease.sql() << OrderRow::Select() + "WHERE id = :i", soci::use(key));
    row.Into(q);
  }
  if (!lease.sql().got_data()) {
    return Fail(Bilingual(ErrorCode::kNotFound, "no order has this id", "没有该订单", "order"));
  }
  return row.Take();
}

Result<Order> OrderService::Mine(const Account& caller, int64_t id) {
  auto o = Load(id);
  if (!o || o->account_id != caller.id) {
    return Fail(Bilingual(ErrorCode::kNotFound, "no order of this account has this id",
                          "本账户没有该订单", "order"));
  }
  return o;
}

Status OrderService::Move(int64_t id, const std::string& from, const std::string& to,
                          const std::string& actor) {
  long long key = id, now = clock_.NowUnixSeconds();
  bool moved = false;
  SEALKEY_RETURN_IF_ERROR(store::InTransaction(db_, [&](soci::session& sql) -> Status {
    soci::statement st = (sql.prepare << "UPDATE orders SET state = :t, updated_at = :n"
                                         " WHERE id = :i AND state = :f",
                          soci::use(to), soci::use(now), soci::use(key), soci::use(from));
    st.execute(true);
    moved = st.get_affected_rows() == 1;
    if (!moved) return Ok();
    sql << "INSERT INTO order_events (order_id, from_state, to_state, actor, at)"
           " VALUES (:i, :f, :t, :a, :n)",
        soci::use(key), soci::use(from), soci::use(to), soci::use(actor), soci::use(now);
    return Ok();
  }));
  if (!moved) {
    return Fail(Bilingual(ErrorCode::kFailedPrecondition,
                          "the order changed meanwhile; it is no longer " + from,
                          "订单状态已变化", "state"));
  }
  return Ok();
}

Result<Order> OrderService::Create(const Account& caller, const std::string& product_id,
                                   const std::string& project_id, const std::string& csr,
                                   const std::string& bind_serial, ByteView seal_image) {
  auto product = catalog_.GetProduct(product_id);
  if (!product) return Fail(product.error());
  if (!product->active) {
    return Fail(Bilingual(ErrorCode::kFailedPrecondition, "this product is not on sale",
                          "该产品已下架", "product_id"));
  }
  if (std::find(product->roles.begin(), product->roles.end(), caller.identity_kind) ==
      product->roles.end()) {
    return Fail(Bilingual(ErrorCode::kPermissionDenied,
                          "this product is not for the identity " +
                              (caller.identity_kind.empty() ? std::string("(none chosen)")
                                                            : caller.identity_kind),
                          "当前身份不能办理该产品", "identity"));
  }
  if (!project_id.empty()) {
    auto project = catalog_.GetProject(project_id);
    if (!project) return Fail(project.error());
    if (std::find(project->products.begin(), project->products.end(), product_id) ==
        project->products.end()) {
      return Fail(Bilingual(ErrorCode::kInvalidArgument, "this project does not offer the product",
                            "该项目不包含此产品", "product_id"));
    }
  }
  if (product->kind == "certificate") {
    // Everything issuance will need is checked now, not after payment.
    SEALKEY_RETURN_IF_ERROR(certs_.CheckEligible(caller, product->profile));
    auto alg = ProductAlg(product->alg);
    if (!alg) return Fail(alg.error());
    auto checked = ca::CheckCsr(AsBytes(csr), {*alg});
    if (!checked) return Fail(checked.error());
  } else {
    SEALKEY_RETURN_IF_ERROR(CheckSealBinding(caller, *product, bind_serial));
  }
  // Stored last, once every other check has passed.
  auto image_blob = StoreSealImage(*product, seal_image);
  if (!image_blob) return Fail(image_blob.error());
  long long now = clock_.NowUnixSeconds(), account = caller.id, identity = caller.identity_id,
            amount = product->price_fen, id = 0;
  SEALKEY_RETURN_IF_ERROR(store::InTransaction(db_, [&](soci::session& sql) -> Status {
    sql << "INSERT INTO orders (account_id, identity_id, product_id, project_id, state, csr,"
           " amount_fen, bind_serial, seal_image_blob, created_at, updated_at) VALUES (:a, :i, :p,"
           " :j, 'created', :c, :m, :b, :g, :t, :u) RETURNING id",
        soci::use(account), soci::use(identity), soci::use(product_id), soci::use(project_id),
        soci::use(csr), soci::use(amount), soci::use(bind_serial), soci::use(*image_blob), soci::use(now),
        soci::use(now), soci::into(id);
    return Ok();
  }));
  return Load(id);
}

Result<Order> OrderService::Agree(const Account& caller, int64_t id, const std::string& version,
                                  bool agreed) {
  auto o = Mine(caller, id);
  if (!o) return Fail(o.error());
  if (o->state != "created") return Fail(WrongState(*o, "accepting the agreement"));
  if (version != kOrderAgreementVersion || !agreed) {
    return Fail(Bilingual(ErrorCode::kInvalidArgument,
                          std::string("the privacy agreement (version ") +
                              kOrderAgreementVersion + ") must be accepted",
                          "须同意当前版本的隐私协议", "agreement_version"));
  }
  SEALKEY_RETURN_IF_ERROR(Move(id, "created", "agreed", "account:" + std::to_string(caller.id)));
  return Load(id);
}

Result<Order> OrderService::SubmitForm(const Account& caller, int64_t id, const std::string& kind,
                                       ByteView file) {
  auto o = Mine(caller, id);
  if (!o) return Fail(o.error());
  if (o->state != "agreed") return Fail(WrongState(*o, "submitting the application form"));
  unsigned allowed = 0;
  if (kind == "upload") allowed = store::kPdf | store::kJpeg | store::kPng;
  if (kind == "online") allowed = store::kPng;
  if (!allowed) {
    return Fail(Bilingual(ErrorCode::kInvalidArgument, "must be upload or online",
                          "须为 upload 或 online", "kind"));
  }
  Bytes stored(file.begin(), file.end());
  if (kind == "online") {
    // The handwritten signature is rendered into the form itself.
    if (!(store::SniffBlobKind(file) & store::kPng)) {
      return Fail(Bilingual(ErrorCode::kInvalidArgument, "must be a PNG signature image",
                            "须为 PNG 签名图片", "file"));
    }
    auto pdf = RenderForm(caller, *o, file);
    if (!pdf) return Fail(pdf.error());
    stored = std::move(*pdf);
    allowed = store::kPdf;
  }
  auto blob = blobs_.Put(stored, allowed, 10 << 20, "file");
  if (!blob) return Fail(blob.error());
  long long key = id;
  SEALKEY_RETURN_IF_ERROR(store::InTransaction(db_, [&](soci::session& sql) -> Status {
    sql << "UPDATE orders SET form_kind = :k, form_blob = :b WHERE id = :i AND state = 'agreed'",
        soci::use(kind), soci::use(blob->sha256), soci::use(key);
    return Ok();
  }));
  SEALKEY_RETURN_IF_ERROR(Move(id, "agreed", "form_submitted", "account:" + std::to_string(caller.id)));
  return Load(id);
}

Result<Order> OrderService::Confirm(const Account& caller, int64_t id) {
  auto o = Mine(caller, id);
  if (!o) return Fail(o.error());
  if (o->state != "form_submitted") return Fail(WrongState(*o, "confirming the details"));
  SEALKEY_RETURN_IF_ERROR(Move(id, "form_submitted", "confirmed", "account:" + std::to_string(caller.id)));
  return Load(id);
}

Result<Order> OrderService::SetInvoice(const Account& caller, int64_t id, const InvoiceRequest& in) {
  auto o = Mine(caller, id);
  if (!o) return Fail(o.error());
  if (o->state != "confirmed") return Fail(WrongState(*o, "giving invoice details"));
  json j = {{"kind", in.kind}};
  if (in.kind == "company") {
    auto tax = ValidateCreditCode(in.tax_id, "tax_id");
    if (!tax) return Fail(tax.error());
    if (in.name.empty()) return Fail(Bilingual(ErrorCode::kInvalidArgument, "is required", "不能为空", "name"));
    j.update({{"name", in.name}, {"tax_id", *tax}, {"address", in.address}, {"bank", in.bank}});
  } else if (in.kind == "personal") {
    if (in.name.empty()) return Fail(Bilingual(ErrorCode::kInvalidArgument, "is required", "不能为空", "name"));
    j["name"] = in.name;
  } else if (in.kind != "none") {
    return Fail(Bilingual(ErrorCode::kInvalidArgument, "must be company, personal or none",
                          "须为 company、personal 或 none", "kind"));
  }
  std::string text = j.dump();
  long long key = id;
  SEALKEY_RETURN_IF_ERROR(store::InTransaction(db_, [&](soci::session& sql) -> Status {
    sql << "UPDATE orders SET invoice = :v WHERE id = :i AND state = 'confirmed'", soci::use(text),
        soci::use(key);
    return Ok();
  }));
  SEALKEY_RETURN_IF_ERROR(Move(id, "confirmed", "invoice_set", "account:" + std::to_string(caller.id)));
  return Load(id);
}

Result<Order> OrderService::Authorise(const Account& caller, int64_t id, const std::string& code) {
  auto o = Mine(caller, id);
  if (!o) return Fail(o.error());
  if (o->state != "invoice_set") return Fail(WrongState(*o, "authorising"));
  SEALKEY_RETURN_IF_ERROR(codes_.Verify(caller.phone, "authorise_order", code));
  SEALKEY_RETURN_IF_ERROR(Move(id, "invoice_set", "authorised", "account:" + std::to_string(caller.id)));
  return Load(id);
}

Result<Order> OrderService::Cancel(const Account& caller, int64_t id) {
  auto o = Mine(caller, id);
  if (!o) return Fail(o.error());
  if (std::find(kDraft.begin(), kDraft.end(), o->state) == kDraft.end()) {
    return Fail(WrongState(*o, "cancelling (only before payment)"));
  }
  if (o->pay_method == "online") {
    return Fail(Bilingual(ErrorCode::kFailedPrecondition,
                          "an online payment is under way; it cannot be cancelled now",
                          "在线支付进行中，暂不能取消", "state"));
  }
  SEALKEY_RETURN_IF_ERROR(Move(id, o->state, "cancelled", "account:" + std::to_string(caller.id)));
  return Load(id);
}

Result<Order> OrderService::MarkInstalled(const Account& caller, int64_t id) {
  auto o = Mine(caller, id);
  if (!o) return Fail(o.error());
  if (o->state != "issued") return Fail(WrongState(*o, "marking it installed"));
  SEALKEY_RETURN_IF_ERROR(Move(id, "issued", "installed", "account:" + std::to_string(caller.id)));
  return Load(id);
}

Result<std::vector<Order>> OrderService::List(const Account& caller, const std::string& tab) {
  std::vector<std::string> states;
  if (tab == "pending_payment") states = {"authorised", "payment_submitted"};
  else if (tab == "under_review") states = {"paid", "approved"};
  else if (tab == "completed") states = {"issued", "installed", "rejected"};
  else if (tab != "all") {
    return Fail(Bilingual(ErrorCode::kInvalidArgument,
                          "must be all, pending_payment, under_review or completed",
                          "须为 all、pending_payment、under_review 或 completed", "tab"));
  }
  std::vector<Order> out;
  auto lease = db_.Borrow();
  long long account = caller.id, last = 0;
  for (;;) {
    OrderRow row;
    {
      auto q = (lease.sql() << OrderRow::Select() +
                                   "WHERE account_id = :a AND id > :l ORDER BY id LIMIT 1",
                soci::use(account), soci::use(last));
      row.Into(q);
    }
    if (!lease.sql().got_data()) break;
    last = row.id;
    Order o = row.Take();
    if (states.empty() || std::find(states.begin(), states.end(), o.state) != states.end()) {
      out.push_back(std::move(o));
    }
  }
  return out;
}

Result<Order> OrderService::Get(const Account& caller, int64_t id) { return Mine(caller, id); }

Result<std::vector<Order>> OrderService::Queue(const std::string& state, int limit) {
  std::vector<Order> out;
  auto lease = db_.Borrow();
  long long last = 0;
  while (static_cast<int>(out.size()) < limit) {
    OrderRow row;
    {
      auto q = (lease.sql() << OrderRow::Select() +
                                   "WHERE state = :s AND id > :l ORDER BY id LIMIT 1",
                soci::use(state), soci::use(last));
      row.Into(q);
    }
    if (!lease.sql().got_data()) break;
    last = row.id;
    out.push_back(row.Take());
  }
  return out;
}

Status OrderService::Issue(const Order& o) {
  auto product = catalog_.GetProduct(o.product_id);
  if (!product) return Fail(product.error());
  if (product->kind == "seal") return IssueSeal(o, *product);
  // Issue as the identity that placed the order.
  Account as;
  as.id = o.account_id;
  long long identity = o.identity_id, org = 0, ended = 0;
  std::string csr;
  {
    auto lease = db_.Borrow();
    lease.sql() << "SELECT kind, COALESCE(org_id, 0), ended_at FROM identities WHERE id = :i",
        soci::use(identity), soci::into(as.identity_kind), soci::into(org), soci::into(ended);
    if (!lease.sql().got_data() || ended) {
      return Fail(Bilingual(ErrorCode::kFailedPrecondition,
                            "the identity that placed the order has ended", "下单身份已失效",
                            "identity"));
    }
    long long key = o.id;
    lease.sql() << "SELECT csr FROM orders WHERE id = :i", soci::use(key), soci::into(csr);
  }
  as.identity_id = o.identity_id;
  as.org_id = org;
  auto bundle = certs_.Issue(as, product->profile, csr, product->dual, product->validity_days);
  if (!bundle) return Fail(bundle.error());
  json result = {{"certificate", crypto::Certificate::FromDer(bundle->cert.der)->Pem()},
                 {"serial", bundle->cert.serial},
                 {"chain", bundle->chain_pem}};
  if (bundle->encryption) {
    result["encryption"] = crypto::Certificate::FromDer(bundle->encryption->der)->Pem();
    result["encryption_serial"] = bundle->encryption->serial;
  }
  if (!bundle->envelope.empty()) result["envelope"] = Base64Encode(bundle->envelope);
  std::string text = result.dump();
  long long key = o.id;
  SEALKEY_RETURN_IF_ERROR(store::InTransaction(db_, [&](soci::session& sql) -> Status {
    sql << "UPDATE orders SET result = :r, cert_serial = :s WHERE id = :i", soci::use(text),
        soci::use(bundle->cert.serial), soci::use(key);
    return Ok();
  }));
  return Move(o.id, "approved", "issued", "sealkeyd");
}

Result<Order> OrderService::Review(const std::string& op, int64_t id, bool approve,
                                   const std::string& reason) {
  auto o = Load(id);
  if (!o) return Fail(o.error());
  if (!approve && reason.empty()) {
    return Fail(Bilingual(ErrorCode::kInvalidArgument, "a rejection needs a reason",
                          "驳回须说明原因", "reason"));
  }
  if (o->state == "approved" && approve) {
    // Issuance failed before; try again.
  } else if (o->state != "paid") {
    return Fail(WrongState(*o, "reviewing (only paid orders)"));
  } else {
    // The state moves first: of two operators deciding at once only the
    // winner records its reason.
    SEALKEY_RETURN_IF_ERROR(Move(id, "paid", approve ? "approved" : "rejected", op));
    long long key = id;
    std::string by = op;
    SEALKEY_RETURN_IF_ERROR(store::InTransaction(db_, [&](soci::session& sql) -> Status {
      sql << "UPDATE orders SET reviewed_by = :b, review_reason = :r WHERE id = :i",
          soci::use(by), soci::use(reason), soci::use(key);
      return Ok();
    }));
    if (!approve) return Load(id);
  }
  auto fresh = Load(id);
  if (!fresh) return Fail(fresh.error());
  Status issued = Issue(*fresh);
  if (!issued) {
    long long key = id;
    std::string why = issued.error().ToString();
    (void)store::InTransaction(db_, [&](soci::session& sql) -> Status {
      sql << "UPDATE orders SET review_reason = :r WHERE id = :i", soci::use(why), soci::use(key);
      return Ok();
    });
    return Fail(issued.error());
  }
  return Load(id);
}

}  // namespace sealkey::server
