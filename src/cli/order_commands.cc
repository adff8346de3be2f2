// `sealkey order ...`: applying for a certificate through the platform
// (B10, B13), one command per step of the order's state machine:
//   create --product P [--project J] -d DEVICE   (key pair made in the medium; the CSR goes along)
//   create --product SEAL --cert-serial S [--seal-image FILE]   (seal bound to a certificate)
//   agree ID | form ID (--upload FILE | --signature PNG) | confirm ID
//   invoice ID --kind none|personal|company [--name --tax-id --address --bank]
//   authorise ID [--code C] | pay ID --method bank_transfer|online
//   payer ID --name N --account A --amount YUAN | cancel ID
//   list [--tab all|pending_payment|under_review|completed] | show ID
//   install ID -d DEVICE                          (certificate, chain, enveloped key)
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "base/atomic_file.h"
#include "base/encoding.h"
#include "base/file.h"
#include "cli/account_session.h"
#include "cli/api_call.h"
#include "cli/media_call.h"
#include "cli/order_create.h"
#include "cli/output.h"

namespace sealkey::cli {

Result<nlohmann::json> InstallBundle(const GlobalOptions& g, const std::string& device,
                                     const nlohmann::json& bundle);  // cert_lifecycle_commands.cc

using nlohmann::json;

// Shared with `sealkey scan` (order_create.h).
Result<json> CreateOrder(const GlobalOptions& g, const OrderRequest& r) {
  auto products = ApiCall(g, Principal::kPerson, "GET", "/products");
  if (!products) return Fail(products.error());
  json product;
  for (const auto& p : (*products)["products"]) {
    if (p["id"] == r.product) product = p;
  }
  if (product.is_null()) {
    return Fail(ErrorCode::kNotFound, "no product on sale has this id", "--product");
  }
  if (product["kind"] == "seal") {
    // A seal is bound to one of the account's certificates; no key is made.
    json body = {{"product_id", r.product}, {"project_id", r.project}, {"cert_serial", r.cert_serial}};
    if (!r.seal_image.empty()) {
      // The server judges the content; the limit here only spares a pointless upload.
      auto image = ReadFile(r.seal_image, "--seal-image", 4 << 20);
      if (!image) return Fail(image.error());
      body["seal_image"] = Base64Encode(*image);
    }
    return ApiCall(g, Principal::kPerson, "POST", "/orders", &body);
  }
  if (!r.seal_image.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "only seal products take a seal image", "--seal-image");
  }
  if (r.device.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "a certificate product needs the medium that makes the key",
                "--device");
  }
  auto key = CallMedia(g, {{"op", "key.generate"}, {"device", r.device}, {"alg", product["alg"]},
                           {"usage", "sign"}, {"subject", "CN=sealkey order"}});
  if (!key) return Fail(key.error());
  json body = {{"product_id", r.product}, {"project_id", r.project}, {"csr", (*key)["csr_pem"]}};
  auto order = ApiCall(g, Principal::kPerson, "POST", "/orders", &body);
  if (!order) {
    (void)CallMedia(g, {{"op", "key.delete"}, {"device", r.device}, {"container", (*key)["container"]}});
    return Fail(order.error());
  }
  return order;
}

namespace {

struct OrderOptions {
  std::string product, project, device, cert_serial, seal_image, email, out, upload, signature, kind = "none", name, tax_id, address,
      bank, code, method, payer_account, amount, tab = "all";
  int64_t id = 0;
};

const std::vector<FieldLabel> kOrderFields = {
    {"id", "Order", "订单号"},          {"product_id", "Product", "产品"},
    {"state", "State", "状态"},         {"amount_fen", "Amount (fen)", "金额（分）"},
    {"pay_method", "Payment", "支付方式"}, {"remittance_ref", "Remittance ref", "汇款附言"},
    {"review_reason", "Review note", "审核意见"}, {"cert_serial", "Certificate", "证书序列号"}};

Status Show(const GlobalOptions& g, const json& order) {
  if (g.json) PrintJson(order);
  else PrintRecord(order, kOrderFields);
  return Ok();
}

Result<json> Step(const GlobalOptions& g, int64_t id, const std::string& step, const json& body) {
  return ApiCall(g, Principal::kPerson, "POST", "/orders/" + std::to_string(id) + "/" + step, &body);
}

Status Create(const GlobalOptions& g, const OrderOptions& o) {
  auto order = CreateOrder(g, {o.product, o.project, o.device, o.cert_serial, o.seal_image});
  if (!order) return Fail(order.error());
  return Show(g, *order);
}

Status Form(const GlobalOptions& g, const OrderOptions& o) {
  bool upload = !o.upload.empty();
  if (upload == !o.signature.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "give --upload FILE or --signature PNG", "--upload");
  }
  auto file = ReadFile(upload ? o.upload : o.signature, upload ? "--upload" : "--signature", 10 << 20);
  if (!file) return Fail(file.error());
  auto order = Step(g, o.id, "form", {{"kind", upload ? "upload" : "online"}, {"file", Base64Encode(*file)}});
  if (!order) return Fail(order.error());
  return Show(g, *order);
}

Status Authorise(const GlobalOptions& g, const OrderOptions& o) {
  auto c = ConnectWithSession(g);
  if (!c) return Fail(c.error());
  auto me = c->api.GetMe();
  if (!me) return Fail(me.error());
  auto code = ObtainCode(*c, me->phone, o.code, "authorise_order");
  if (!code) return Fail(code.error());
  auto order = Step(g, o.id, "authorise", {{"code", *code}});
  if (!order) return Fail(order.error());
  return Show(g, *order);
}

Status Pay(const GlobalOptions& g, const OrderOptions& o) {
  auto pay = Step(g, o.id, "pay", {{"method", o.method}});
  if (!pay) return Fail(pay.error());
  if (g.json) {
    PrintJson(*pay);
  } else if (o.method == "online") {
    std::cout << Tr("Open the payment page: ", "请打开支付页面：") << (*pay)["redirect_url"].get<std::string>() << "\n";
  } else {
    std::cout << Tr("Transfer to:", "请汇款至：") << "\n";
    PrintRecord((*pay)["account"], {{"name", "  Account name", "  户名"}, {"bank", "  Bank", "  开户行"},
                                    {"number", "  Account", "  账号"}});
    std::cout << PadLabel(Tr("  Reference (quote it)", "  汇款附言（必填）"), 20)
              << (*pay)["remittance_ref"].get<std::string>() << "\n";
  }
  return Ok();
}

Status Payer(const GlobalOptions& g, const OrderOptions& o) {
  // "1234.56" yuan -> fen, exactly.
  int64_t fen = 0;
  size_t dot = o.amount.find('.');
  std::string whole = o.amount.substr(0, dot), part = dot == std::string::npos ? "" : o.amount.substr(dot + 1);
  bool ok = !whole.empty() && whole.size() < 10 && part.size() <= 2;
  for (char ch : whole + part) ok = ok && std::isdigit(static_cast<unsigned char>(ch));
  if (!ok) return Fail(ErrorCode::kInvalidArgument, "must be an amount in yuan like 1234.56", "--amount");
  fen = std::stoll(whole) * 100 + (part.empty() ? 0 : std::stoll(part) * (part.size() == 1 ? 10 : 1));
  auto order = Step(g, o.id, "payer", {{"payer_name", o.name}, {"payer_account", o.payer_account},
                                       {"amount_fen", fen}});
  if (!order) return Fail(order.error());
  return Show(g, *order);
}

Status Install(const GlobalOptions& g, const OrderOptions& o) {
  auto order = ApiCall(g, Principal::kPerson, "GET", "/orders/" + std::to_string(o.id));
  if (!order) return Fail(order.error());
  if ((*order)["state"] != "issued" || !order->contains("result")) {
    return Fail(ErrorCode::kFailedPrecondition,
                "the order is " + (*order)["state"].get<std::string>() + ", not issued", "order");
  }
  const json& r = (*order)["result"];
  if (r.contains("seal_id")) {
    // A seal order: the seal image goes into the medium (D10).
    auto seal = ApiCall(g, Principal::kPerson, "GET", "/seals/" + std::to_string(r["seal_id"].get<int64_t>()));
    if (!seal) return Fail(seal.error());
    auto image = Base64Decode((*seal)["image"].get<std::string>());
    if (!image) return Fail(ErrorCode::kMalformed, "the seal image is not base64", "seal");
    auto written = CallMedia(g, {{"op", "seal.write"}, {"device", o.device},
                                 {"name", (*seal)["name"]}, {"image", HexEncode(*image)}});
    if (!written) return Fail(written.error());
    auto done = Step(g, o.id, "installed", json::object());
    if (!done) return Fail(done.error());
    if (g.json) PrintJson(*written);
    else std::cout << Tr("Seal written to the medium: ", "印章已写入介质：") << (*written)["ref"].get<std::string>() << "\n";
    return Ok();
  }
  json bundle = {{"certificate", {{"certificate", r["certificate"]}, {"serial", r["serial"]}}},
                 {"chain", r["chain"]}};
  if (r.contains("encryption")) {
    bundle["encryption"] = {{"certificate", r["encryption"]}, {"serial", r["encryption_serial"]}};
  }
  if (r.contains("envelope")) bundle["envelope"] = r["envelope"];
  auto installed = InstallBundle(g, o.device, bundle);
  if (!installed) return Fail(installed.error());
  auto done = Step(g, o.id, "installed", json::object());
  if (!done) return Fail(done.error());
  if (g.json) PrintJson(*installed);
  else std::cout << Tr("Certificate installed: ", "证书已安装：") << (*installed)["ref"].get<std::string>() << "\n";
  return Ok();
}

template <typename F>
void On(CLI::App* cmd, CommandContext& ctx, std::shared_ptr<OrderOptions> o, F f) {
  cmd->callback([&ctx, o, f] { ctx.action = [&ctx, o, f] { return f(ctx.global, *o); }; });
}

CLI::App* WithId(CLI::App* parent, const char* name, const char* help, std::shared_ptr<OrderOptions> o) {
  CLI::App* cmd = parent->add_subcommand(name, help);
  cmd->add_option("id", o->id, "Order id")->required();
  return cmd;
}

}  // namespace

void RegisterOrderCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* order = app.add_subcommand("order", "Apply for certificates: orders (B10, B13)");
  order->require_subcommand(1);
  auto o = std::make_shared<OrderOptions>();
  CLI::App* create = order->add_subcommand("create", "Start an order; the key pair is made in the medium");
  create->add_option("--product", o->product, "Product id (GET /products)")->required();
  create->add_option("--project", o->project, "Project id (from its QR code)");
  create->add_option("--device,-d", o->device, "Certificate products: the medium that makes the key");
  create->add_option("--cert-serial", o->cert_serial, "Seal products: the certificate the seal is bound to");
  create->add_option("--seal-image", o->seal_image,
                     "Seal products: your own seal image (PNG or JPEG, at most 1 MiB, 64..2048 px a "
                     "side) instead of the rendered one");
  On(create, ctx, o, Create);
  On(WithId(order, "agree", "Accept the privacy agreement", o), ctx, o, [](const GlobalOptions& g, const OrderOptions& o) -> Status {
    auto r = Step(g, o.id, "agreement", {{"agreement_version", "2026.1"}, {"agreed", true}});
    if (!r) return Fail(r.error());
    return Show(g, *r);
  });
  CLI::App* form = WithId(order, "form", "Submit the application form (a filled file, or sign online)", o);
  form->add_option("--upload", o->upload, "The filled form (PDF, JPEG or PNG)");
  form->add_option("--signature", o->signature, "A handwritten signature image (PNG) to sign online");
  On(form, ctx, o, Form);
  CLI::App* tmpl = WithId(order, "form-template", "E-mail the blank application form", o);
  tmpl->add_option("--email", o->email, "Where to send it")->required();
  On(tmpl, ctx, o, [](const GlobalOptions& g, const OrderOptions& o) -> Status {
    auto r = Step(g, o.id, "form-template", {{"email", o.email}});
    if (!r) return Fail(r.error());
    if (!g.json) std::cout << Tr("Sent to ", "已发送至 ") << o.email << "\n";
    return Ok();
  });
  CLI::App* form_file = WithId(order, "form-file", "Save the submitted application form", o);
  form_file->add_option("--out,-o", o->out, "Where to write it")->required();
  On(form_file, ctx, o, [](const GlobalOptions& g, const OrderOptions& o) -> Status {
    auto c = ConnectWithSession(g);
    if (!c) return Fail(c.error());
    auto bytes = c->api.Call("GET", "/orders/" + std::to_string(o.id) + "/form");
    if (!bytes) return Fail(bytes.error());
    SEALKEY_RETURN_IF_ERROR(WriteFileAtomic(o.out, AsBytes(*bytes), 0644));
    if (!g.json) std::cout << Tr("Saved ", "已保存 ") << o.out << "\n";
    return Ok();
  });
  On(WithId(order, "confirm", "Confirm the details", o), ctx, o, [](const GlobalOptions& g, const OrderOptions& o) -> Status {
    auto r = Step(g, o.id, "confirm", json::object());
    if (!r) return Fail(r.error());
    return Show(g, *r);
  });
  CLI::App* invoice = WithId(order, "invoice", "Invoice details", o);
  invoice->add_option("--kind", o->kind, "none, personal or company");
  invoice->add_option("--name", o->name, "Buyer name");
  invoice->add_option("--tax-id", o->tax_id, "Company: unified social credit code");
  invoice->add_option("--address", o->address, "Company: address and phone");
  invoice->add_option("--bank", o->bank, "Company: bank and account");
  On(invoice, ctx, o, [](const GlobalOptions& g, const OrderOptions& o) -> Status {
    auto r = Step(g, o.id, "invoice", {{"kind", o.kind}, {"name", o.name}, {"tax_id", o.tax_id},
                                       {"address", o.address}, {"bank", o.bank}});
    if (!r) return Fail(r.error());
    return Show(g, *r);
  });
  CLI::App* authorise = WithId(order, "authorise", "Authorise the application with an SMS code", o);
  authorise->add_option("--code", o->code, "SMS code (purpose authorise_order); sent and asked if absent");
  On(authorise, ctx, o, Authorise);
  CLI::App* pay = WithId(order, "pay", "Pay: bank transfer instructions or the online payment page", o);
  pay->add_option("--method", o->method, "bank_transfer or online")->required();
  On(pay, ctx, o, Pay);
  CLI::App* payer = WithId(order, "payer", "Report the bank transfer you made", o);
  payer->add_option("--name", o->name, "Payer (account holder)")->required();
  payer->add_option("--account", o->payer_account, "Payer's bank account")->required();
  payer->add_option("--amount", o->amount, "Amount transferred, yuan (e.g. 199.00)")->required();
  On(payer, ctx, o, Payer);
  On(WithId(order, "cancel", "Cancel an order before payment", o), ctx, o, [](const GlobalOptions& g, const OrderOptions& o) -> Status {
    auto r = Step(g, o.id, "cancel", json::object());
    if (!r) return Fail(r.error());
    return Show(g, *r);
  });
  CLI::App* list = order->add_subcommand("list", "My orders");
  list->add_option("--tab", o->tab, "all, pending_payment, under_review, completed");
  On(list, ctx, o, [](const GlobalOptions& g, const OrderOptions& o) -> Status {
    auto r = ApiCall(g, Principal::kPerson, "GET", "/orders?tab=" + UrlEncode(o.tab));
    if (!r) return Fail(r.error());
    if (g.json) PrintJson(*r);
    else PrintRows((*r)["orders"], {"id", "product_id", "state", "amount_fen"});
    return Ok();
  });
  On(WithId(order, "show", "One order", o), ctx, o, [](const GlobalOptions& g, const OrderOptions& o) -> Status {
    auto r = ApiCall(g, Principal::kPerson, "GET", "/orders/" + std::to_string(o.id));
    if (!r) return Fail(r.error());
    return Show(g, *r);
  });
  CLI::App* install = WithId(order, "install", "Install the issued certificate into the medium", o);
  install->add_option("--device,-d", o->device, "The medium that made the key")->required();
  On(install, ctx, o, Install);
}

}  // namespace sealkey::cli
