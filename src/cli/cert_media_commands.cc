// `sealkey cert list|delete|import|export`: certificates on media (D2, D5).
#include <iostream>

#include <CLI/CLI.hpp>

#include "base/atomic_file.h"
#include "base/encoding.h"
#include "base/file.h"
#include "cli/command.h"
#include "cli/media_call.h"
#include "cli/output.h"
#include "cli/secrets.h"
#include "crypto/x509.h"

namespace sealkey::cli {
namespace {

using nlohmann::json;

std::string StatusText(const std::string& s) {
  if (s == "expired") return std::string(Tr("EXPIRED", "已过期"));
  if (s == "expiring") return std::string(Tr("expires soon", "即将过期"));
  if (s == "not_yet_valid") return std::string(Tr("not yet valid", "尚未生效"));
  return std::string(Tr("valid", "有效"));
}

Status List(const GlobalOptions& g, const std::string& device) {
  json req = {{"op", "cert.list"}};
  if (!device.empty()) req["device"] = device;
  auto r = CallMedia(g, req);
  if (!r) return Fail(r.error());
  if (g.json) {
    for (auto& c : (*r)["certificates"]) c.erase("der");
    PrintJson(*r);
    return Ok();
  }
  if ((*r)["certificates"].empty()) std::cout << Tr("No certificates.", "没有证书。") << "\n";
  std::string last_device;
  for (const auto& c : (*r)["certificates"]) {
    if (c["device"] != last_device) {
      last_device = c["device"];
      std::cout << c.value("device_label", "") << "  (" << last_device << ")\n";
    }
    std::cout << "  " << c.value("ref", "") << "  " << c.value("subject", "?") << "\n"
              << "      " << c.value("type", "") << ", " << c.value("algorithm", "") << ", "
              << Tr("valid to ", "有效期至 ") << FormatLocalTime(c.value("not_after", int64_t{0}))
              << " [" << StatusText(c.value("status", "")) << "]"
              << (c.value("has_private_key", false) ? "" : Tr(", no private key", "，无私钥"))
              << "\n";
  }
  return Ok();
}

struct CertOptions {
  std::string device;
  std::string cert;
  std::string file;
  std::string out;
  bool with_key = false;
  bool pem = true;
};

Status Delete(const GlobalOptions& g, const CertOptions& o) {
  auto r = CallMedia(g, {{"op", "cert.delete"}, {"device", o.device}, {"cert", o.cert},
                         {"with_key", o.with_key}});
  if (!r) return Fail(r.error());
  if (g.json) PrintJson(*r);
  else std::cout << Tr("Deleted certificate ", "已删除证书 ") << (*r)["deleted"].get<std::string>() << "\n";
  return Ok();
}

Status Import(const GlobalOptions& g, const CertOptions& o) {
  auto data = ReadFile(o.file, "file");
  if (!data) return Fail(data.error());
  json req = {{"op", "cert.import"}, {"device", o.device}, {"data", HexEncode(*data)}};
  bool is_p12 = o.file.ends_with(".p12") || o.file.ends_with(".pfx");
  if (is_p12) {
    auto password = ReadSecret({"PKCS#12 password", "SEALKEY_P12_PASSWORD", "password"}, g.pin_stdin);
    if (!password) return Fail(password.error());
    req["password"] = HexEncode(password->span());
  }
  auto r = CallMedia(g, req);
  if (!r) return Fail(r.error());
  if (g.json) PrintJson(*r);
  else std::cout << Tr("Imported certificate ", "已导入证书 ") << (*r)["ref"].get<std::string>() << "\n";
  return Ok();
}

Status Export(const GlobalOptions& g, const CertOptions& o) {
  auto r = CallMedia(g, {{"op", "cert.get"}, {"device", o.device}, {"cert", o.cert}});
  if (!r) return Fail(r.error());
  auto der = HexDecode((*r)["der"].get<std::string>());
  auto cert = crypto::Certificate::FromDer(*der);
  if (!cert) return Fail(cert.error());
  std::string out = o.pem ? cert->Pem() : std::string(AsChars(*der));
  if (o.out.empty() || o.out == "-") {
    std::cout << out;
    return Ok();
  }
  return WriteFileAtomic(o.out, AsBytes(out), 0644);
}

}  // namespace

void RegisterCertMediaCommands(CLI::App& cert, CommandContext& ctx) {
  auto o = std::make_shared<CertOptions>();
  CLI::App* list = cert.add_subcommand("list", "List certificates on all media (or one)");
  list->add_option("--device,-d", o->device, "Only this device");
  list->callback([&ctx, o] { ctx.action = [&ctx, o] { return List(ctx.global, o->device); }; });

  CLI::App* del = cert.add_subcommand("delete", "Delete a certificate from a device (asks the PIN)");
  del->add_option("--device,-d", o->device, "Device id, serial or label")->required();
  del->add_option("--cert,-c", o->cert, "Certificate ref or SHA-1 thumbprint")->required();
  del->add_flag("--with-key", o->with_key, "Also delete its key pair");
  del->callback([&ctx, o] { ctx.action = [&ctx, o] { return Delete(ctx.global, *o); }; });

  CLI::App* imp = cert.add_subcommand("import", "Import a certificate (PEM/DER) or a PKCS#12 (.p12/.pfx: asks its password, then the PIN)");
  imp->add_option("--device,-d", o->device, "Device id, serial or label")->required();
  imp->add_option("file", o->file, "Certificate or PKCS#12 file")->required();
  imp->callback([&ctx, o] { ctx.action = [&ctx, o] { return Import(ctx.global, *o); }; });

  CLI::App* exp = cert.add_subcommand("export", "Export a certificate (never a private key)");
  exp->add_option("--device,-d", o->device, "Device id, serial or label")->required();
  exp->add_option("--cert,-c", o->cert, "Certificate ref or SHA-1 thumbprint")->required();
  exp->add_option("--out,-o", o->out, "Output file (default: stdout)");
  exp->add_flag("!--der", o->pem, "Write DER instead of PEM");
  exp->callback([&ctx, o] { ctx.action = [&ctx, o] { return Export(ctx.global, *o); }; });
}

}  // namespace sealkey::cli
