// `sealkey operator product|project|order|statement ...`: the operator's
// side of the catalogue and orders (B8, B10).
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "base/atomic_file.h"
#include "base/file.h"
#include "cli/account_session.h"
#include "cli/api_call.h"
#include "cli/media_call.h"
#include "cli/output.h"
#include "qr/qr_code.h"

namespace sealkey::cli {
namespace {

using nlohmann::json;

struct CatalogOptions {
  std::string id, kind = "certificate", name, profile = "personal", alg = "sm2", price, roles,
      seal_type, products, state = "paid", reason, file, amount, qr_png;
  bool dual = false;
  int validity_days = 365;
  int64_t order = 0;
};

// "199.00" yuan -> fen; -1 when it is not an amount.
int64_t Fen(const std::string& text) {
  size_t dot = text.find('.');
  std::string whole = text.substr(0, dot), part = dot == std::string::npos ? "" : text.substr(dot + 1);
  bool ok = !whole.empty() && whole.size() < 10 && part.size() <= 2;
  for (char c : whole + part) ok = ok && std::isdigit(static_cast<unsigned char>(c));
  if (!ok) return -1;
  return std::stoll(whole) * 100 + (part.empty() ? 0 : std::stoll(part) * (part.size() == 1 ? 10 : 1));
}

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string item; std::getline(ss, item, ',');) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

Status Print(const GlobalOptions& g, const json& doc) {
  if (g.json) PrintJson(doc);
  else std::cout << doc.dump(2) << "\n";
  return Ok();
}

template <typename F>
void On(CLI::App* cmd, CommandContext& ctx, std::shared_ptr<CatalogOptions> o, F f) {
  cmd->callback([&ctx, o, f] { ctx.action = [&ctx, o, f] { return f(ctx.global, *o); }; });
}

}  // namespace

void AddOperatorOrderCommands(CLI::App* op, CommandContext& ctx) {
  auto o = std::make_shared<CatalogOptions>();
  CLI::App* product = op->add_subcommand("product", "Products of the catalogue");
  product->require_subcommand(1);
  CLI::App* add = product->add_subcommand("add", "Add a product");
  add->add_option("--id", o->id, "Product id (a-z 0-9 -)")->required();
  add->add_option("--kind", o->kind, "certificate (default) or seal");
  add->add_option("--name", o->name, "Name shown to applicants")->required();
  add->add_option("--profile", o->profile, "personal, organisation or employee");
  add->add_option("--alg", o->alg, "sm2, p256, rsa2048, rsa3072");
  add->add_flag("--dual", o->dual, "SM2 signing + encryption certificates");
  add->add_option("--validity-days", o->validity_days, "Validity (default 365)");
  add->add_option("--price", o->price, "Price in yuan, e.g. 199.00")->required();
  add->add_option("--roles", o->roles, "Identity kinds that may buy it, comma-separated")->required();
  add->add_option("--seal-type", o->seal_type, "Seal products: organisation or personal");
  On(add, ctx, o, [](const GlobalOptions& g, const CatalogOptions& o) -> Status {
    int64_t fen = Fen(o.price);
    if (fen < 0) return Fail(ErrorCode::kInvalidArgument, "must be an amount in yuan like 199.00", "--price");
    json body = {{"id", o.id}, {"kind", o.kind}, {"name", o.name}, {"profile", o.profile},
                 {"alg", o.alg}, {"dual", o.dual}, {"validity_days", o.validity_days},
                 {"price_fen", fen}, {"roles", SplitList(o.roles)}, {"seal_type", o.seal_type}};
    auto r = ApiCall(g, Principal::kOperator, "POST", "/operator/products", &body);
    if (!r) return Fail(r.error());
    return Print(g, *r);
  });
  CLI::App* project = op->add_subcommand("project", "Projects (published as QR codes)");
  project->require_subcommand(1);
  CLI::App* padd = project->add_subcommand("add", "Add a project");
  padd->add_option("--name", o->name, "Project name")->required();
  padd->add_option("--products", o->products, "Product ids, comma-separated")->required();
  padd->add_option("--qr-png", o->qr_png, "Also write the project's QR code (the link) as a PNG here");
  On(padd, ctx, o, [](const GlobalOptions& g, const CatalogOptions& o) -> Status {
    json body = {{"name", o.name}, {"products", SplitList(o.products)}};
    auto r = ApiCall(g, Principal::kOperator, "POST", "/operator/projects", &body);
    if (!r) return Fail(r.error());
    auto c = Connect(g);
    if (!c) return Fail(c.error());
    std::string root = c->api.api_root().substr(0, c->api.api_root().rfind("/api/v1"));
    (*r)["link"] = "sealkey://project/" + (*r)["id"].get<std::string>() + "?server=" + UrlEncode(root);
    if (!o.qr_png.empty()) {
      auto png = qr::EncodeQrPng((*r)["link"].get<std::string>());
      if (!png) return Fail(png.error());
      SEALKEY_RETURN_IF_ERROR(WriteFileAtomic(o.qr_png, *png, 0644));
    }
    return Print(g, *r);
  });
  CLI::App* order = op->add_subcommand("order", "The order queue");
  order->require_subcommand(1);
  CLI::App* list = order->add_subcommand("list", "Orders in a state (default: paid)");
  list->add_option("--state", o->state, "paid, payment_submitted, authorised, ...");
  On(list, ctx, o, [](const GlobalOptions& g, const CatalogOptions& o) -> Status {
    auto r = ApiCall(g, Principal::kOperator, "GET", "/operator/orders?state=" + UrlEncode(o.state));
    if (!r) return Fail(r.error());
    if (g.json) PrintJson(*r);
    else PrintRows((*r)["orders"], {"id", "product_id", "state", "amount_fen", "remittance_ref"});
    return Ok();
  });
  CLI::App* transfer = order->add_subcommand("transfer", "Confirm a bank transfer arrived");
  transfer->add_option("id", o->order, "Order id")->required();
  transfer->add_option("--amount", o->amount, "Amount received, yuan")->required();
  On(transfer, ctx, o, [](const GlobalOptions& g, const CatalogOptions& o) -> Status {
    json body = {{"amount_fen", Fen(o.amount)}};
    auto r = ApiCall(g, Principal::kOperator, "POST", "/operator/orders/" + std::to_string(o.order) + "/transfer", &body);
    if (!r) return Fail(r.error());
    return Print(g, *r);
  });
  for (bool approve : {true, false}) {
    CLI::App* review = order->add_subcommand(approve ? "approve" : "reject",
                                             approve ? "Approve (the certificate is issued)" : "Reject with a reason");
    review->add_option("id", o->order, "Order id")->required();
    if (!approve) review->add_option("--reason", o->reason, "Why")->required();
    On(review, ctx, o, [approve](const GlobalOptions& g, const CatalogOptions& o) -> Status {
      json body = {{"decision", approve ? "approve" : "reject"}, {"reason", o.reason}};
      auto r = ApiCall(g, Principal::kOperator, "POST", "/operator/orders/" + std::to_string(o.order) + "/review", &body);
      if (!r) return Fail(r.error());
      return Print(g, *r);
    });
  }
  CLI::App* seller = op->add_subcommand("seller", "The seller printed on invoices");
  seller->require_subcommand(1);
  CLI::App* set = seller->add_subcommand("set", "Set the seller's details");
  set->add_option("--name", o->name, "Seller name")->required();
  set->add_option("--tax-id", o->id, "Unified social credit code")->required();
  set->add_option("--address", o->reason, "Address and phone");
  set->add_option("--bank", o->file, "Bank and account");
  On(set, ctx, o, [](const GlobalOptions& g, const CatalogOptions& o) -> Status {
    json body = {{"name", o.name}, {"tax_id", o.id}, {"address_phone", o.reason}, {"bank_account", o.file}};
    auto r = ApiCall(g, Principal::kOperator, "POST", "/operator/invoice-seller", &body);
    if (!r) return Fail(r.error());
    if (!g.json) std::cout << Tr("Seller details saved", "开票方信息已保存") << "\n";
    return Ok();
  });
  CLI::App* account = op->add_subcommand("receiving-account", "The account bank transfers go to");
  account->add_option("--name", o->name, "Account name")->required();
  account->add_option("--bank", o->file, "Bank and branch")->required();
  account->add_option("--number", o->reason, "Account number")->required();
  On(account, ctx, o, [](const GlobalOptions& g, const CatalogOptions& o) -> Status {
    json body = {{"name", o.name}, {"bank", o.file}, {"number", o.reason}};
    auto r = ApiCall(g, Principal::kOperator, "POST", "/operator/receiving-account", &body);
    if (!r) return Fail(r.error());
    if (!g.json) std::cout << Tr("Receiving account saved", "收款账户已保存") << "\n";
    return Ok();
  });
  CLI::App* statement = op->add_subcommand("statement", "Bank statements");
  statement->require_subcommand(1);
  CLI::App* import = statement->add_subcommand("import", "Match a CSV statement (date,amount,payer,reference)");
  import->add_option("file", o->file, "CSV file")->required();
  On(import, ctx, o, [](const GlobalOptions& g, const CatalogOptions& o) -> Status {
    auto csv = ReadFile(o.file, "file", 10 << 20);
    if (!csv) return Fail(csv.error());
    auto c = Connect(g);
    if (!c) return Fail(c.error());
    auto stored = c->profile.LoadSession("operator");
    if (!stored || !*stored) return Fail(ErrorCode::kPermissionDenied, "not logged in as an operator", "session");
    c->api.set_token((*stored)->token.Clone());
    auto r = c->api.Call("POST", "/operator/statements", std::string(csv->begin(), csv->end()));
    if (!r) return Fail(r.error());
    auto doc = json::parse(*r, nullptr, false);
    return Print(g, doc);
  });
}

}  // namespace sealkey::cli
