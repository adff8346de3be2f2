// `sealkey scan IMAGE|TEXT` (B8): reads the platform's QR code from a PNG or
// JPEG (or takes the link itself when the argument is not a file), shows what
// it encodes, and hands it to StartLink, the one place a scanned link leads
// somewhere:
//   project link, no --product  -> the project's products (GET /projects/{id},
//                                  no session needed) and the command to go on
//   project link, --product P   -> the order, created exactly as `sealkey order
//                                  create --project ID --product P ...` does
//                                  (CreateOrder), and its next step
//   use link                    -> nothing yet (answering use requests is not in the CLI)
//
// The server named in a code is untrusted: scan talks only to the server
// sealkey is configured for (--server, else the settings). A code for another
// server is shown, not followed; the user follows it by naming that server
// with --server, or by adding --use-link-server. Either way the stored session
// is only ever sent to the server that issued it (UseSession).
//
// With --json the output is one object: kind, id, server, link, next (the
// command that continues, or null), and for a project link on the configured
// server "project" (id, name, products) or, with --product, "order".
#include <cctype>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "base/file.h"
#include "cli/account_session.h"
#include "cli/api_call.h"
#include "cli/command.h"
#include "cli/media_call.h"
#include "cli/order_create.h"
#include "cli/output.h"
#include "qr/qr_code.h"
#include "qr/sealkey_link.h"

namespace sealkey::cli {

using nlohmann::json;

// What the user asked scan to do beyond reading the code.
struct ScanOptions {
  std::string arg;            // IMAGE|TEXT
  bool use_link_server = false;
  OrderRequest order;         // order.product empty: only list the products
};

// Where a scanned link leads: the one seam the guided flows plug into.
// `shown` is what Scan prints for the code itself (the --json object, which
// StartLink completes and prints).
Status StartLink(const GlobalOptions& g, const qr::SealkeyLink& link, const ScanOptions& o,
                 json shown);

namespace {

constexpr size_t kMaxScanImageSize = 20 * 1024 * 1024;

// `text` as one shell word: bare when it is made of harmless characters,
// else single-quoted. A scanned server URL is untrusted and may hold `$(`,
// `;` or quotes; the printed command must be safe to paste.
std::string ShellWord(std::string_view text) {
  bool plain = !text.empty();
  for (char c : text) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' ||
                    c == '.' || c == '/' || c == ':' || c == '%' || c == '@' || c == '+' ||
                    c == ',';
    plain = plain && ok;
  }
  if (plain) return std::string(text);
  std::string out = "'";
  for (char c : text) {
    if (c == '\'')
      out += "'\\''";
    else
      out.push_back(c);
  }
  return out + "'";
}

// `sealkey --server URL scan ARG <rest>`: how to continue on the code's server.
std::string ScanCommand(const qr::SealkeyLink& link, const std::string& arg,
                        const std::string& rest) {
  return "sealkey --server " + ShellWord(link.server) + " scan " + ShellWord(arg) + rest;
}

// The scanned text: a decoded image when `arg` names a file, else `arg`.
// Errors name "IMAGE|TEXT" for the argument and "image" for a bad image.
Result<std::string> ScannedText(const std::string& arg) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(arg, ec)) {
    auto bytes = ReadFile(arg, "image", kMaxScanImageSize);
    if (!bytes) return Fail(std::move(bytes.error()));
    return qr::DecodeQr(*bytes);
  }
  if (arg.find("://") == std::string::npos) {
    return Fail(ErrorCode::kInvalidArgument,
                std::string(Tr("is neither an image file nor a sealkey:// link",
                               "既不是图片文件，也不是 sealkey:// 链接")),
                "IMAGE|TEXT");
  }
  return arg;
}

Status Scan(const GlobalOptions& g, const ScanOptions& o) {
  auto text = ScannedText(o.arg);
  if (!text) return Fail(std::move(text.error()));
  auto link = qr::ParseSealkeyLink(*text);
  if (!link) {
    // Say what the code held: often a plain web address meant for a browser.
    if (*text != o.arg) {
      const std::string shown = text->size() > 200 ? text->substr(0, 200) + "..." : *text;
      link.error().message = "the QR code holds \"" + shown + "\": " + link.error().message;
    }
    return Fail(std::move(link.error()));
  }
  if (!g.json) {
    const bool project = link->kind == qr::LinkKind::kProject;
    std::cout << PadLabel(Tr("Kind", "类型"), 12)
              << (project
                      ? Tr("project (apply for certificates or seals)", "项目（申请证书或印章）")
                      : Tr("use (a request to sign or log in)", "使用（签名或登录请求）"))
              << "\n"
              << PadLabel(project ? Tr("Project", "项目编号") : Tr("Request", "请求编号"), 12)
              << link->id << "\n"
              << PadLabel(Tr("Server", "服务器"), 12) << link->server << "\n";
  }
  return StartLink(g, *link, o,
                   {{"kind", std::string(qr::LinkKindName(link->kind))},
                    {"id", link->id},
                    {"server", link->server},
                    {"link", qr::FormatSealkeyLink(*link)},
                    {"next", nullptr}});
}

// Ends StartLink: the --json object, or the "Next" line.
Status Finish(const GlobalOptions& g, json shown, const std::string& next) {
  if (!next.empty()) shown["next"] = next;
  if (g.json) PrintJson(shown);
  else if (!next.empty()) std::cout << PadLabel(Tr("Next", "下一步"), 12) << next << "\n";
  return Ok();
}

// The API root of `server` (as Connect would use it), or of the configured
// server when `server` is empty.
Result<std::string> ApiRoot(const GlobalOptions& g, const std::string& server) {
  GlobalOptions with = g;
  if (!server.empty()) with.server = server;
  auto c = Connect(with);
  if (!c) return Fail(c.error());
  return c->api.api_root();
}

// The project and its products on sale, from the server in `g`; public, no session.
Result<json> Project(const GlobalOptions& g, const std::string& id) {
  auto c = Connect(g);
  if (!c) return Fail(c.error());
  auto answer = c->api.Call("GET", "/projects/" + UrlEncode(id), "");
  if (!answer) return Fail(answer.error());
  auto doc = json::parse(*answer, nullptr, false);
  if (!doc.is_object() || !doc.contains("products") || !doc["products"].is_array()) {
    return Fail(ErrorCode::kIo, "the server answered something that is not a project", "server");
  }
  return doc;
}

Status ListProducts(const GlobalOptions& g, const qr::SealkeyLink& link, const ScanOptions& o,
                    const json& project, json shown) {
  const json& products = project["products"];
  const std::string next =
      ScanCommand(link, o.arg, " --product PRODUCT (certificate: -d DEVICE; seal: --cert-serial SERIAL)");
  if (g.json) {
    shown["project"] = project;
    return Finish(g, std::move(shown), next);
  }
  std::cout << PadLabel(Tr("Name", "项目名称"), 12) << project.value("name", "") << "\n"
            << Tr("Products:", "产品：") << "\n";
  for (const auto& p : products) {
    const int64_t fen = p.value("price_fen", int64_t{0});
    std::cout << "  " << p.value("id", "") << "  " << p.value("name", "") << "  "
              << p.value("kind", "") << "  " << fen / 100 << "." << (fen % 100 < 10 ? "0" : "")
              << fen % 100 << Tr(" yuan", " 元") << "\n";
  }
  if (products.empty()) std::cout << Tr("  (none on sale)", "  （暂无在售产品）") << "\n";
  return Finish(g, std::move(shown), next);
}

}  // namespace

Status StartLink(const GlobalOptions& g, const qr::SealkeyLink& link, const ScanOptions& o,
                 json shown) {
  if (link.kind != qr::LinkKind::kProject) {
    if (g.json) return Finish(g, std::move(shown), "");
    return Finish(g, std::move(shown),
                  std::string(Tr("answer this request in the sealkey app (the CLI cannot answer "
                                 "use requests yet)",
                                 "请在 sealkey 应用中处理此请求（命令行暂不支持使用请求）")));
  }
  // Only the configured server is contacted, unless the user chose the code's.
  auto configured = ApiRoot(g, "");
  if (!configured) return Fail(configured.error());
  auto scanned = ApiRoot(g, link.server);
  if (!scanned) return Fail(scanned.error());
  GlobalOptions on = g;
  if (*scanned != *configured) {
    if (!o.use_link_server) {
      const std::string why = std::string(Tr("the code is for ", "该二维码属于 ")) + link.server +
                              std::string(Tr(", not the configured server ", "，而不是当前配置的服务器 ")) +
                              configured->substr(0, configured->rfind("/api/v1"));
      if (!o.order.product.empty()) return Fail(ErrorCode::kFailedPrecondition, why, "server");
      if (!g.json) std::cout << PadLabel(Tr("Note", "注意"), 12) << why << "\n";
      shown["server_mismatch"] = true;
      return Finish(g, std::move(shown), ScanCommand(link, o.arg, ""));
    }
    on.server = link.server;
  }
  auto project = Project(on, link.id);
  if (!project) return Fail(project.error());
  if (o.order.product.empty()) return ListProducts(on, link, o, *project, std::move(shown));
  bool offered = false;
  for (const auto& p : (*project)["products"]) offered = offered || p["id"] == o.order.product;
  if (!offered) {
    return Fail(ErrorCode::kNotFound,
                std::string(Tr("this project does not offer the product; run scan without "
                               "--product to list them",
                               "该项目不包含此产品；去掉 --product 可列出产品")),
                "--product");
  }
  OrderRequest request = o.order;
  request.project = link.id;
  auto order = CreateOrder(on, request);
  if (!order) return Fail(order.error());
  const std::string id = std::to_string(order->value("id", int64_t{0}));
  if (g.json) {
    shown["order"] = *order;
  } else {
    std::cout << PadLabel(Tr("Order", "订单号"), 12) << id << "\n"
              << PadLabel(Tr("State", "状态"), 12) << order->value("state", "") << "\n";
  }
  return Finish(g, std::move(shown), "sealkey order agree " + id);
}

void RegisterScanCommands(CLI::App& app, CommandContext& ctx) {
  auto o = std::make_shared<ScanOptions>();
  CLI::App* scan = app.add_subcommand(
      "scan",
      "Read a platform QR code (B8) from a PNG/JPEG image, or a sealkey:// link given as text, "
      "and start what it encodes: for a project, list its products or, with --product, create "
      "the order (as `sealkey order create --project ID`). Only the configured server is "
      "contacted: a code for another server needs --server URL or --use-link-server");
  scan->add_option("IMAGE|TEXT", o->arg, "Image file with the QR code, or the link text")->required();
  scan->add_option("--product", o->order.product, "Order this product of the project");
  scan->add_option("--device,-d", o->order.device, "Certificate products: the medium that makes the key");
  scan->add_option("--cert-serial", o->order.cert_serial, "Seal products: the certificate the seal is bound to");
  scan->add_option("--seal-image", o->order.seal_image, "Seal products: your own seal image (PNG or JPEG)");
  scan->add_flag("--use-link-server", o->use_link_server,
                 "Follow the code to the server it names although it is not the configured one");
  scan->callback([&ctx, o] { ctx.action = [&ctx, o] { return Scan(ctx.global, *o); }; });
}

}  // namespace sealkey::cli
