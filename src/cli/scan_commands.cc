// `sealkey scan IMAGE|TEXT` (B8): reads the platform's QR code from a PNG or
// JPEG (or takes the link itself when the argument is not a file), shows what
// it encodes, and hands it to StartLink, the one place a scanned link leads
// somewhere. Today StartLink prints the command that continues the flow:
//   project link -> sealkey order create --server URL --project ID ...
//   use link     -> nothing yet (answering use requests is not in the CLI)
// With --json the output is one object: kind, id, server, link and next (the
// command StartLink would print, or null).
#include <cctype>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "base/file.h"
#include "cli/command.h"
#include "cli/media_call.h"
#include "cli/output.h"
#include "qr/qr_code.h"
#include "qr/sealkey_link.h"

namespace sealkey::cli {

// Where a scanned link leads: the seam the guided flows plug into (a project
// link will start `order create`, a use link will answer the request). For
// now it prints the command to run next (nothing with --json, whose scan
// object carries it as "next").
Status StartLink(const GlobalOptions& g, const qr::SealkeyLink& link);

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

// The command that continues the flow a link starts, if the CLI has one.
std::optional<std::string> NextCommand(const qr::SealkeyLink& link) {
  if (link.kind != qr::LinkKind::kProject) return std::nullopt;
  return "sealkey order create --server " + ShellWord(link.server) + " --project " +
         ShellWord(link.id) + " --product PRODUCT --device DEVICE";
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

Status Scan(const GlobalOptions& g, const std::string& arg) {
  auto text = ScannedText(arg);
  if (!text) return Fail(std::move(text.error()));
  auto link = qr::ParseSealkeyLink(*text);
  if (!link) {
    // Say what the code held: often a plain web address meant for a browser.
    if (*text != arg) {
      const std::string shown = text->size() > 200 ? text->substr(0, 200) + "..." : *text;
      link.error().message = "the QR code holds \"" + shown + "\": " + link.error().message;
    }
    return Fail(std::move(link.error()));
  }
  const std::optional<std::string> next = NextCommand(*link);
  if (g.json) {
    PrintJson({{"kind", std::string(qr::LinkKindName(link->kind))},
               {"id", link->id},
               {"server", link->server},
               {"link", qr::FormatSealkeyLink(*link)},
               {"next", next ? nlohmann::json(*next) : nlohmann::json(nullptr)}});
  } else {
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
  return StartLink(g, *link);
}

}  // namespace

Status StartLink(const GlobalOptions& g, const qr::SealkeyLink& link) {
  if (g.json) return Ok();
  const std::optional<std::string> next = NextCommand(link);
  if (next) {
    std::cout << PadLabel(Tr("Next", "下一步"), 12) << *next << "\n";
  } else {
    std::cout
        << PadLabel(Tr("Next", "下一步"), 12)
        << Tr("answer this request in the sealkey app (the CLI cannot answer use requests yet)",
              "请在 sealkey 应用中处理此请求（命令行暂不支持使用请求）")
        << "\n";
  }
  return Ok();
}

void RegisterScanCommands(CLI::App& app, CommandContext& ctx) {
  auto arg = std::make_shared<std::string>();
  CLI::App* scan = app.add_subcommand(
      "scan",
      "Read a platform QR code (B8) from a PNG/JPEG image, or a sealkey:// link given as text, "
      "and show what it encodes: a project to apply to, or a request to use a certificate or "
      "seal. For now it then prints the command that continues the flow (e.g. `sealkey order "
      "create --server URL --project ID ...`); it does not start it");
  scan->add_option("IMAGE|TEXT", *arg, "Image file with the QR code, or the link text")->required();
  scan->callback([&ctx, arg] { ctx.action = [&ctx, arg] { return Scan(ctx.global, *arg); }; });
}

}  // namespace sealkey::cli
