// The certificate lifecycle against sealkeyd (issue 6):
//   sealkey cert request -d DEVICE --profile personal|organisation|employee [--alg A] [--dual]
//   sealkey cert renew   -d DEVICE -c CERT        (same key; in the renewal window)
//   sealkey cert reissue -d DEVICE -c CERT [--code C]  (new key after an SMS authorisation)
//   sealkey cert revoke  --serial S [--reason R]
//   sealkey cert issued                         (the account's certificates on the platform)
//   sealkey cert notices                        (certificates the platform asks to reissue)
// The key pair is made inside the medium and only the CSR leaves it; what
// the CA returns is checked against its chain and installed into the same
// container (with the enveloped encryption key of an SM2 dual pair).
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "base/encoding.h"
#include "cli/account_session.h"
#include "cli/api_call.h"
#include "cli/media_call.h"
#include "cli/output.h"
#include "crypto/x509.h"

namespace sealkey::cli {
namespace {

using nlohmann::json;

struct LifecycleOptions {
  std::string device, profile = "personal", alg = "sm2", cert, serial, reason = "unspecified",
                      code;
  bool dual = false;
};

}  // namespace

// Installs an issued bundle into the medium; returns what to print.
Result<json> InstallBundle(const GlobalOptions& g, const std::string& device, const json& bundle) {
  const json& cert = bundle.at("certificate");
  auto der = crypto::Certificate::Parse(AsBytes(cert.at("certificate").get<std::string>()));
  if (!der) return Fail(der.error());
  json req = {{"op", "cert.install"},
              {"device", device},
              {"certificate", HexEncode(der->Der())},
              {"chain", bundle.value("chain", json::array())}};
  if (bundle.contains("encryption")) {
    auto enc = crypto::Certificate::Parse(
        AsBytes(bundle["encryption"].at("certificate").get<std::string>()));
    if (!enc) return Fail(enc.error());
    req["encryption"] = HexEncode(enc->Der());
    if (bundle.contains("envelope")) {
      auto envelope = Base64Decode(bundle["envelope"].get<std::string>());
      if (!envelope) return Fail(ErrorCode::kMalformed, "the envelope is not base64", "envelope");
      req["envelope"] = HexEncode(*envelope);
    }
  }
  auto installed = CallMedia(g, req);
  if (!installed) return Fail(installed.error());
  json out = {{"serial", cert["serial"]},   {"subject", cert["subject"]},
              {"not_after", cert["not_after"]}, {"ref", (*installed)["ref"]},
              {"container", (*installed)["container"]}};
  if (bundle.contains("encryption")) {
    out["encryption_serial"] = bundle["encryption"]["serial"];
    out["encryption_ref"] = installed->value("encryption_ref", "");
  }
  return out;
}

namespace {

Status Print(const GlobalOptions& g, const json& out, std::string_view what_en,
             std::string_view what_zh) {
  if (g.json) {
    PrintJson(out);
    return Ok();
  }
  std::cout << Tr(what_en, what_zh) << "\n";
  PrintRecord(out, {{"serial", "Serial", "序列号"},
                    {"subject", "Subject", "主题"},
                    {"not_after", "Valid until", "有效期至"},
                    {"container", "Container", "容器"},
                    {"ref", "Certificate ref", "证书引用"},
                    {"encryption_serial", "Encryption cert", "加密证书"}});
  return Ok();
}

Status Request(const GlobalOptions& g, const LifecycleOptions& o) {
  // Logged in first, so no key is made for nothing.
  auto me = ApiCall(g, Principal::kPerson, "GET", "/me");
  if (!me) return Fail(me.error());
  auto key = CallMedia(g, {{"op", "key.generate"}, {"device", o.device}, {"alg", o.alg},
                           {"usage", "sign"}, {"subject", "CN=sealkey request"}});
  if (!key) return Fail(key.error());
  std::string container = (*key)["container"];
  json body = {{"profile", o.profile}, {"csr", (*key)["csr_pem"]}, {"dual", o.dual}};
  auto bundle = ApiCall(g, Principal::kPerson, "POST", "/certificates", &body);
  if (!bundle) {
    // Nothing was issued: the new key pair goes again.
    (void)CallMedia(g, {{"op", "key.delete"}, {"device", o.device}, {"container", container}});
    return Fail(bundle.error());
  }
  auto out = InstallBundle(g, o.device, *bundle);
  if (!out) return Fail(out.error());
  return Print(g, *out, "Certificate issued and installed", "证书已签发并安装");
}

Status Renew(const GlobalOptions& g, const LifecycleOptions& o) {
  auto local = CallMedia(g, {{"op", "cert.get"}, {"device", o.device}, {"cert", o.cert}});
  if (!local) return Fail(local.error());
  std::string serial = local->value("serial", "");
  auto csr = CallMedia(g, {{"op", "key.csr"}, {"device", o.device}, {"cert", o.cert}});
  if (!csr) return Fail(csr.error());
  json body = {{"csr", (*csr)["csr_pem"]}};
  auto bundle = ApiCall(g, Principal::kPerson, "POST", "/certificates/" + serial + "/renew", &body);
  if (!bundle) return Fail(bundle.error());
  auto out = InstallBundle(g, o.device, *bundle);
  if (!out) return Fail(out.error());
  return Print(g, *out, "Certificate renewed (same key) and installed", "证书已更新（原密钥）并安装");
}

Status Reissue(const GlobalOptions& g, const LifecycleOptions& o) {
  auto local = CallMedia(g, {{"op", "cert.get"}, {"device", o.device}, {"cert", o.cert}});
  if (!local) return Fail(local.error());
  std::string serial = local->value("serial", "");
  auto c = ConnectWithSession(g);
  if (!c) return Fail(c.error());
  auto me = c->api.GetMe();
  if (!me) return Fail(me.error());
  // B11: the platform texts the person; the code authorises the reissue.
  auto code = ObtainCode(*c, me->phone, o.code, "reissue_certificate");
  if (!code) return Fail(code.error());
  std::string algorithm = local->value("algorithm", "");
  std::string alg = algorithm == "SM2"                              ? "sm2"
                    : algorithm.find("P-256") != std::string::npos ? "p256"
                    : algorithm == "RSA"                            ? "rsa2048"
                                                                    : o.alg;
  auto key = CallMedia(g, {{"op", "key.generate"}, {"device", o.device}, {"alg", alg},
                           {"usage", "sign"}, {"subject", "CN=sealkey reissue"}});
  if (!key) return Fail(key.error());
  std::string container = (*key)["container"];
  json body = {{"csr", (*key)["csr_pem"]}, {"code", *code}};
  auto bundle = ApiCall(g, Principal::kPerson, "POST", "/certificates/" + serial + "/reissue", &body);
  if (!bundle) {
    (void)CallMedia(g, {{"op", "key.delete"}, {"device", o.device}, {"container", container}});
    return Fail(bundle.error());
  }
  auto out = InstallBundle(g, o.device, *bundle);
  if (!out) return Fail(out.error());
  return Print(g, *out, "Certificate reissued with a new key and installed; the old one is revoked",
               "已用新密钥补办并安装证书；原证书已吊销");
}

Status Revoke(const GlobalOptions& g, const LifecycleOptions& o) {
  json body = {{"reason", o.reason}};
  auto done = ApiCall(g, Principal::kPerson, "POST", "/certificates/" + o.serial + "/revoke", &body);
  if (!done) return Fail(done.error());
  if (!g.json) std::cout << Tr("Certificate revoked", "证书已吊销") << "\n";
  return Ok();
}

Status Issued(const GlobalOptions& g, const LifecycleOptions&) {
  auto doc = ApiCall(g, Principal::kPerson, "GET", "/certificates");
  if (!doc) return Fail(doc.error());
  if (g.json) {
    PrintJson(*doc);
    return Ok();
  }
  PrintRows((*doc)["certificates"], {"serial", "usage", "status", "reason", "subject"});
  return Ok();
}

// B11: what the platform asks of this account (certificates to reissue).
Status Notices(const GlobalOptions& g, const LifecycleOptions&) {
  auto doc = ApiCall(g, Principal::kPerson, "GET", "/me/notices");
  if (!doc) return Fail(doc.error());
  if (g.json) {
    PrintJson(*doc);
    return Ok();
  }
  const json notices = (*doc)["notices"];
  if (notices.empty()) std::cout << Tr("No notices", "没有通知") << "\n";
  for (const auto& n : notices) {
    std::cout << Tr("Reissue certificate ", "需补发证书 ") << n.value("serial", "") << ": "
              << n.value("reason", "") << "\n  "
              << Tr("run: sealkey cert reissue -d DEVICE -c CERT (this serial in `sealkey cert "
                    "list`)",
                    "请运行：sealkey cert reissue -d 介质 -c 证书（`sealkey cert list` 中该序列号）")
              << "\n";
  }
  return Ok();
}

template <typename F>
void On(CLI::App* cmd, CommandContext& ctx, std::shared_ptr<LifecycleOptions> o, F f) {
  cmd->callback([&ctx, o, f] { ctx.action = [&ctx, o, f] { return f(ctx.global, *o); }; });
}

}  // namespace

void RegisterCertLifecycleCommands(CLI::App& cert, CommandContext& ctx) {
  auto o = std::make_shared<LifecycleOptions>();
  CLI::App* request = cert.add_subcommand("request", "Apply for a certificate from the platform");
  request->add_option("--device,-d", o->device, "The medium that makes and keeps the key")->required();
  request->add_option("--profile", o->profile, "personal (default), organisation or employee");
  request->add_option("--alg", o->alg, "sm2 (default), p256, rsa2048, rsa3072");
  request->add_flag("--dual", o->dual, "SM2: also an encryption certificate (key from the KMC)");
  On(request, ctx, o, Request);
  CLI::App* renew = cert.add_subcommand("renew", "Renew a certificate (same key pair)");
  renew->add_option("--device,-d", o->device, "The medium")->required();
  renew->add_option("--cert,-c", o->cert, "The certificate (ref or thumbprint)")->required();
  On(renew, ctx, o, Renew);
  CLI::App* reissue = cert.add_subcommand("reissue", "Reissue a certificate with a new key (B11)");
  reissue->add_option("--device,-d", o->device, "The medium")->required();
  reissue->add_option("--cert,-c", o->cert, "The certificate (ref or thumbprint)")->required();
  reissue->add_option("--code", o->code, "SMS code (purpose reissue_certificate); asked if absent");
  On(reissue, ctx, o, Reissue);
  CLI::App* revoke = cert.add_subcommand("revoke", "Revoke a certificate of the account");
  revoke->add_option("--serial", o->serial, "Its serial (hex)")->required();
  revoke->add_option("--reason", o->reason,
                     "unspecified, keyCompromise, affiliationChanged, superseded, "
                     "cessationOfOperation");
  On(revoke, ctx, o, Revoke);
  On(cert.add_subcommand("issued", "The account's certificates on the platform"), ctx, o, Issued);
  On(cert.add_subcommand("notices", "What the platform asks: certificates to reissue (B11)"), ctx,
     o, Notices);
}

}  // namespace sealkey::cli
