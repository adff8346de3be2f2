// `sealkey key generate` (key pair inside the medium + CSR) and
// `sealkey sign` / `sealkey verify` (detached CMS).
#include <iostream>

#include <CLI/CLI.hpp>

#include "base/atomic_file.h"
#include "base/clock.h"
#include "base/encoding.h"
#include "base/file.h"
#include "cli/command.h"
#include "cli/media_call.h"
#include "cli/output.h"
#include "crypto/cms.h"

namespace sealkey::cli {
namespace {

using nlohmann::json;

struct KeyOptions {
  std::string device, alg = "sm2", usage = "sign", subject, container, out;
};

Status Generate(const GlobalOptions& g, const KeyOptions& o) {
  auto r = CallMedia(g, {{"op", "key.generate"}, {"device", o.device}, {"alg", o.alg},
                         {"usage", o.usage}, {"subject", o.subject}, {"container", o.container}});
  if (!r) return Fail(r.error());
  std::string csr = (*r)["csr_pem"];
  if (!o.out.empty()) SEALKEY_RETURN_IF_ERROR(WriteFileAtomic(o.out, AsBytes(csr), 0644));
  if (g.json) {
    PrintJson(*r);
  } else if (o.out.empty()) {
    std::cout << csr;
  } else {
    std::cout << Tr("Key pair generated in container ", "已在容器中生成密钥对 ")
              << (*r)["container"].get<std::string>() << "; CSR: " << o.out << "\n";
  }
  return Ok();
}

struct SignOptions {
  std::string device, cert, in, out, sig, ca;
};

Status Sign(const GlobalOptions& g, const SignOptions& o) {
  auto content = ReadFile(o.in, "--in");
  if (!content) return Fail(content.error());
  auto r = CallMedia(g, {{"op", "sign"}, {"device", o.device}, {"cert", o.cert},
                         {"content", HexEncode(*content)}});
  if (!r) return Fail(r.error());
  auto cms = HexDecode((*r)["cms"].get<std::string>());
  std::string out = o.out.empty() ? o.in + ".p7s" : o.out;
  SEALKEY_RETURN_IF_ERROR(WriteFileAtomic(out, *cms, 0644));
  if (g.json) PrintJson({{"signature", out}});
  else std::cout << Tr("Signed: ", "已签名：") << out << "\n";
  return Ok();
}

Status Verify(const GlobalOptions& g, const SignOptions& o) {
  auto content = ReadFile(o.in, "--in");
  if (!content) return Fail(content.error());
  std::string sig_path = o.sig.empty() ? o.in + ".p7s" : o.sig;
  auto sig = ReadFile(sig_path, "--sig");
  if (!sig) return Fail(sig.error());
  auto result = crypto::CmsVerifyDetached(*sig, *content);
  if (!result) return Fail(result.error());
  crypto::CertificateInfo info = result->signer.Info();
  if (!o.ca.empty()) {
    auto ca_data = ReadFile(o.ca, "--ca");
    if (!ca_data) return Fail(ca_data.error());
    auto ca = crypto::Certificate::Parse(*ca_data);
    if (!ca) return Fail(ErrorCode::kInvalidArgument, ca.error().message, "--ca");
    auto ca_key = ca->PublicKeyOf();
    if (!ca_key) return Fail(ca_key.error());
    Status issued = result->signer.VerifySignature(*ca_key);
    if (!issued) {
      return Fail(ErrorCode::kVerifyFailed, "the signer's certificate was not issued by this CA",
                  "--ca");
    }
  }
  int64_t when = result->signing_time.value_or(SystemClock::Instance().NowUnixSeconds());
  bool valid_then = when >= info.not_before && when < info.not_after;
  if (g.json) {
    PrintJson({{"valid", true}, {"signer", crypto::FormatName(info.subject)},
               {"issuer", crypto::FormatName(info.issuer)}, {"serial", info.serial},
               {"certificate_valid_at_signing", valid_then},
               {"signing_time", result->signing_time ? json(*result->signing_time) : json()}});
  } else {
    std::cout << Tr("Signature OK", "签名有效") << "\n  " << PadLabel(Tr("Signer", "签名者"), 16)
              << crypto::FormatName(info.subject) << "\n  " << PadLabel(Tr("Issuer", "颁发者"), 16)
              << crypto::FormatName(info.issuer) << "\n";
    if (result->signing_time) {
      std::cout << "  " << PadLabel(Tr("Signed at", "签名时间"), 16)
                << FormatLocalTime(*result->signing_time) << "\n";
    }
  }
  if (!valid_then) {
    return Fail(ErrorCode::kVerifyFailed,
                "the signature is intact but the certificate was not valid at signing time",
                "certificate");
  }
  return Ok();
}

}  // namespace

void RegisterKeyCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* key = app.add_subcommand("key", "Key pairs inside media");
  key->require_subcommand(1);
  auto o = std::make_shared<KeyOptions>();
  CLI::App* gen = key->add_subcommand("generate", "Generate a key pair in a device and write a CSR");
  gen->add_option("--device,-d", o->device, "Device id, serial or label")->required();
  gen->add_option("--alg", o->alg, "sm2 (default), p256, rsa2048 or rsa3072");
  gen->add_option("--usage", o->usage, "sign (default) or encrypt");
  gen->add_option("--subject", o->subject, "Subject, e.g. \"/C=CN/O=单位/CN=张三\"")->required();
  gen->add_option("--container", o->container, "Container name (default: generated)");
  gen->add_option("--out,-o", o->out, "Write the CSR (PEM) here (default: stdout)");
  gen->callback([&ctx, o] { ctx.action = [&ctx, o] { return Generate(ctx.global, *o); }; });
}

void RegisterSignCommands(CLI::App& app, CommandContext& ctx) {
  auto o = std::make_shared<SignOptions>();
  CLI::App* sign = app.add_subcommand("sign", "Make a detached CMS signature with a certificate's key");
  sign->add_option("--device,-d", o->device, "Device id, serial or label")->required();
  sign->add_option("--cert,-c", o->cert, "Certificate ref or SHA-1 thumbprint")->required();
  sign->add_option("--in,-i", o->in, "File to sign")->required();
  sign->add_option("--out,-o", o->out, "Signature file (default: FILE.p7s)");
  sign->callback([&ctx, o] { ctx.action = [&ctx, o] { return Sign(ctx.global, *o); }; });

  CLI::App* verify = app.add_subcommand("verify", "Check a detached CMS signature");
  verify->add_option("--in,-i", o->in, "The signed file")->required();
  verify->add_option("--sig,-s", o->sig, "Signature file (default: FILE.p7s)");
  verify->add_option("--ca", o->ca, "Also check the signer was issued by this CA certificate");
  verify->callback([&ctx, o] { ctx.action = [&ctx, o] { return Verify(ctx.global, *o); }; });
}

}  // namespace sealkey::cli
