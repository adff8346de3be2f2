#include "server/order/catalog.h"

#include <soci/soci.h>

#include <nlohmann/json.hpp>

#include "base/encoding.h"
#include "crypto/random.h"
#include "server/http/router.h"

namespace sealkey::server {
namespace {

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

std::vector<std::string> Split(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    if (comma > start) out.push_back(s.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

Error Bad(const char* field, const std::string& en, const std::string& zh) {
  return Bilingual(ErrorCode::kInvalidArgument, en, zh, field);
}

Status CheckProduct(const Product& p) {
  bool id_ok = p.id.size() >= 2 && p.id.size() <= 40;
  for (char c : p.id) id_ok = id_ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-');
  if (!id_ok) return Fail(Bad("id", "must be 2-40 of a-z, 0-9, '-'", "须为 2-40 位 a-z、0-9、-"));
  if (p.name.empty() || p.name.size() > 200) return Fail(Bad("name", "is required", "不能为空"));
  if (p.price_fen < 0 || p.price_fen > 100000000) {
    return Fail(Bad("price_fen", "must be 0 to 1,000,000.00 yuan in fen", "须为 0 到 100 万元（单位：分）"));
  }
  static const std::vector<std::string> kKinds = {"natural_person", "administrator",
                                                  "legal_representative", "employee"};
  if (p.roles.empty()) return Fail(Bad("roles", "name at least one identity kind", "至少指定一种身份"));
  for (const auto& r : p.roles) {
    if (std::find(kKinds.begin(), kKinds.end(), r) == kKinds.end()) {
      return Fail(Bad("roles", "unknown identity kind " + r, "未知身份类型 " + r));
    }
  }
  if (p.kind == "certificate") {
    if (p.profile != "personal" && p.profile != "organisation" && p.profile != "employee") {
      return Fail(Bad("profile", "must be personal, organisation or employee",
                      "须为 personal、organisation 或 employee"));
    }
    if (p.alg != "sm2" && p.alg != "p256" && p.alg != "rsa2048" && p.alg != "rsa3072") {
      return Fail(Bad("alg", "must be sm2, p256, rsa2048 or rsa3072", "须为 sm2、p256、rsa2048 或 rsa3072"));
    }
    if (p.dual && p.alg != "sm2") return Fail(Bad("dual", "is for SM2 only", "双证书仅适用于 SM2"));
    if (p.validity_days < 1 || p.validity_days > 3650) {
      return Fail(Bad("validity_days", "must be 1 to 3650", "须为 1 到 3650 天"));
    }
  } else if (p.kind == "seal") {
    if (p.seal_type != "organisation" && p.seal_type != "personal") {
      return Fail(Bad("seal_type", "must be organisation or personal", "须为 organisation 或 personal"));
    }
  } else {
    return Fail(Bad("kind", "must be certificate or seal", "须为 certificate 或 seal"));
  }
  return Ok();
}

}  // namespace

Status Catalog::AddProduct(const Product& p) {
  SEALKEY_RETURN_IF_ERROR(CheckProduct(p));
  long long now = clock_.NowUnixSeconds();
  int dual = p.dual, days = p.validity_days, active = p.active;
  long long price = p.price_fen;
  std::string roles = Join(p.roles);
  bool exists = false;
  SEALKEY_RETURN_IF_ERROR(store::InTransaction(db_, [&](soci::session& sql) -> Status {
    long long n = 0;
    sql << "SELECT COUNT(*) FROM products WHERE id = :i", soci::use(p.id), soci::into(n);
    if ((exists = n > 0)) return Ok();
    sql << "INSERT INTO products (id, kind, name, profile, alg, dual, validity_days, price_fen,"
           " roles, seal_type, active, created_at) VALUES (:i, :k, :n, :p, :a, :d, :v, :pr, :r,"
           " :s, :ac, :t)",
        soci::use(p.id), soci::use(p.kind), soci::use(p.name), soci::use(p.profile),
        soci::use(p.alg), soci::use(dual), soci::use(days), soci::use(price), soci::use(roles),
        soci::use(p.seal_type), soci::use(active), soci::use(now);
    return Ok();
  }));
  if (exists) {
    return Fail(Bilingual(ErrorCode::kAlreadyExists, "a product with this id exists",
                          "该产品编号已存在", "id"));
  }
  return Ok();
}

Result<Product> Catalog::GetProduct(const std::string& id) {
  auto lease = db_.Borrow();
  Product p;
  int dual = 0, days = 0, active = 0;
  long long price = 0;
  std::string roles;
  lease.sql() << "SELECT id, kind, name, profile, alg, dual, validity_days, price_fen, roles,"
                 " seal_type, active FROM products WHERE id = :i",
      soci::use(id), soci::into(p.id), soci::into(p.kind), soci::into(p.name),
      soci::into(p.profile), soci::into(p.alg), soci::into(dual), soci::into(days),
      soci::into(price), soci::into(roles), soci::into(p.seal_type), soci::into(active);
  if (!lease.sql().got_data()) {
    return Fail(Bilingual(ErrorCode::kNotFound, "no product has this id", "没有该产品", "product_id"));
  }
  p.dual = dual;
  p.validity_days = days;
  p.price_fen = price;
  p.roles = Split(roles);
  p.active = active;
  return p;
}

Result<std::vector<Product>> Catalog::ListProducts() {
  std::vector<std::string> ids;
  {
    auto lease = db_.Borrow();
    std::string last;
    for (;;) {
      std::string id;
      lease.sql() << "SELECT id FROM products WHERE id > :l ORDER BY id LIMIT 1", soci::use(last),
          soci::into(id);
      if (!lease.sql().got_data()) break;
      ids.push_back(id);
      last = id;
    }
  }
  std::vector<Product> out;
  for (const auto& id : ids) {
    auto p = GetProduct(id);
    if (!p) return Fail(p.error());
    out.push_back(std::move(*p));
  }
  return out;
}

Result<Project> Catalog::AddProject(const std::string& name, const std::vector<std::string>& products,
                                    const std::string& preregistered) {
  if (name.empty() || name.size() > 200) return Fail(Bad("name", "is required", "不能为空"));
  if (products.empty()) return Fail(Bad("products", "name at least one product", "至少包含一个产品"));
  for (const auto& id : products) {
    auto p = GetProduct(id);
    if (!p) return Fail(Bilingual(ErrorCode::kNotFound, "no product " + id, "没有产品 " + id, "products"));
  }
  if (!preregistered.empty() && nlohmann::json::parse(preregistered, nullptr, false).is_discarded()) {
    return Fail(Bad("preregistered", "must be JSON", "须为 JSON"));
  }
  Project pr{HexEncode(crypto::RandomBytes(8)), name, products, preregistered,
             clock_.NowUnixSeconds()};
  long long now = pr.created_at;
  std::string list = Join(products);
  SEALKEY_RETURN_IF_ERROR(store::InTransaction(db_, [&](soci::session& sql) -> Status {
    sql << "INSERT INTO projects (id, name, products, preregistered, created_at)"
           " VALUES (:i, :n, :p, :r, :t)",
        soci::use(pr.id), soci::use(pr.name), soci::use(list), soci::use(pr.preregistered),
        soci::use(now);
    return Ok();
  }));
  return pr;
}

Result<Project> Catalog::GetProject(const std::string& id) {
  auto lease = db_.Borrow();
  Project pr;
  std::string list;
  long long created = 0;
  lease.sql() << "SELECT id, name, products, preregistered, created_at FROM projects WHERE id = :i",
      soci::use(id), soci::into(pr.id), soci::into(pr.name), soci::into(list),
      soci::into(pr.preregistered), soci::into(created);
  if (!lease.sql().got_data()) {
    return Fail(Bilingual(ErrorCode::kNotFound, "no project has this id", "没有该项目", "project_id"));
  }
  pr.products = Split(list);
  pr.created_at = created;
  return pr;
}

Status Catalog::SetReceivingAccount(const std::string& name, const std::string& bank,
                                   const std::string& number) {
  for (auto [v, f] : {std::pair{&name, "name"}, std::pair{&bank, "bank"}, std::pair{&number, "number"}}) {
    if (v->empty() || v->size() > 200) return Fail(Bad(f, "is required", "不能为空"));
  }
  std::string value = nlohmann::json{{"name", name}, {"bank", bank}, {"number", number}}.dump();
  long long now = clock_.NowUnixSeconds();
  return store::InTransaction(db_, [&](soci::session& sql) -> Status {
    sql << "DELETE FROM platform_settings WHERE name = 'receiving_account'";
    sql << "INSERT INTO platform_settings (name, value, updated_at)"
           " VALUES ('receiving_account', :v, :t)",
        soci::use(value), soci::use(now);
    return Ok();
  });
}

Result<std::vector<std::string>> Catalog::ReceivingAccount() {
  auto lease = db_.Borrow();
  std::string value;
  lease.sql() << "SELECT value FROM platform_settings WHERE name = 'receiving_account'",
      soci::into(value);
  if (!lease.sql().got_data()) {
    return Fail(Bilingual(ErrorCode::kFailedPrecondition,
                          "bank transfers are not set up on this platform yet",
                          "平台尚未设置对公收款账户", "method"));
  }
  auto j = nlohmann::json::parse(value, nullptr, false);
  return std::vector<std::string>{j.value("name", ""), j.value("bank", ""), j.value("number", "")};
}

}  // namespace sealkey::server
