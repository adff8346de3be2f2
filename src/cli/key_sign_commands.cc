// `sealkey key generate` (key pair inside the medium + CSR) and
// `sealkey sign` / `sealkey verify` (detached CMS; `sealkey sign --in X.pdf
// --stamp|--seal|--pdf-out` makes a PAdES signature instead, pdf_commands.cc).
//
// Before `sealkey sign` signs, the CLI asks the certificate's OCSP responder
// (its AIA OCSP URL; sealkeyd serves /ocsp) whether it was revoked
// (client/revocation.h); the agent makes no network calls. Policy:
//  - a verified "revoked" answer refuses to sign (exit 1, nothing written);
//  - a verified "good" answer signs;
//  - "unknown", an unreachable responder, an answer that does not verify
//    (signature, nonce, CertID, times) or an issuing CA certificate missing
//    from the device: a warning on stderr, then the signature is made —
//    unless --require-status is given, which refuses instead;
//  - a certificate without an AIA OCSP URL is not checked (nobody to ask);
//    with --require-status it is refused, its status being unknowable;
//  - an expired or not yet valid certificate is refused by the sign
//    operation itself, so it is not asked about.
#include <chrono>
#include <iostream>
#include <vector>

#include <CLI/CLI.hpp>

#include "base/atomic_file.h"
#include "base/clock.h"
#include "base/encoding.h"
#include "base/file.h"
#include "cli/command.h"
#include "cli/media_call.h"
#include "cli/output.h"
#include "cli/pdf_commands.h"
#include "client/revocation.h"
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
  bool require_status = false;
  PdfSignOptions pdf;  // --pdf-out / --stamp / --seal: a PAdES signature (pdf_commands.cc)
};

constexpr std::chrono::milliseconds kOcspTimeout{10000};

// The CA certificates stored on the device (installed with the certificate).
std::vector<crypto::Certificate> DeviceCaCerts(const GlobalOptions& g, const std::string& device) {
  std::vector<crypto::Certificate> out;
  auto listed = CallMedia(g, {{"op", "cert.list"}, {"device", device}});
  if (!listed) return out;
  for (const auto& c : (*listed).value("certificates", json::array())) {
    auto der = HexDecode(c.value("der", ""));
    if (!der) continue;
    auto cert = crypto::Certificate::FromDer(*der);
    if (cert && cert->Info().is_ca) out.push_back(std::move(*cert));
  }
  return out;
}

// The revocation check before signing (policy at the top of this file).
// Returns what --json reports as "revocation": "good", "unknown",
// "unavailable" (no verified answer), "not_checked" (no OCSP URL).
Result<std::string> CheckRevocation(const GlobalOptions& g, const SignOptions& o) {
  auto got = CallMedia(g, {{"op", "cert.get"}, {"device", o.device}, {"cert", o.cert}});
  if (!got) return Fail(got.error());
  std::string validity = (*got).value("status", "");
  if (validity == "expired" || validity == "not_yet_valid") return std::string("not_checked");
  auto der = HexDecode((*got).value("der", ""));
  if (!der) return Fail(der.error());
  auto cert = crypto::Certificate::FromDer(*der);
  if (!cert) return Fail(cert.error());
  const std::string refused = std::string(Tr("; signing refused (--require-status)",
                                             "；已拒绝签名（--require-status）"));
  if (client::OcspUrl(*cert).empty()) {
    if (!o.require_status) return std::string("not_checked");
    return Fail(ErrorCode::kFailedPrecondition,
                std::string(Tr("the certificate names no OCSP responder, so its revocation "
                               "status cannot be checked",
                               "证书未载明 OCSP 服务地址，无法查验其吊销状态")) + refused,
                "--cert");
  }
  std::vector<crypto::Certificate> cas = DeviceCaCerts(g, o.device);
  const crypto::Certificate* issuer = client::FindIssuer(*cert, cas);
  Result<client::RevocationStatus> status =
      issuer ? client::CheckOcsp(*cert, *issuer, kOcspTimeout)
             : Fail(ErrorCode::kNotFound,
                    "the issuing CA's certificate is not on the device to check the answer with",
                    "ocsp");
  if (status && status->state == client::CertState::kRevoked) {
    return Fail(ErrorCode::kFailedPrecondition,
                std::string(Tr("the certificate was revoked on ", "证书已于 ")) +
                    FormatLocalTime(status->revoked_at) +
                    std::string(Tr(" (", " 被吊销（")) + status->reason +
                    std::string(Tr("); signing refused", "），拒绝签名")),
                "--cert");
  }
  if (status && status->state == client::CertState::kGood) return std::string("good");
  std::string why = status ? std::string(Tr("the OCSP responder does not know the certificate",
                                            "OCSP 服务不认识该证书"))
                           : status.error().message;
  std::string what = std::string(Tr("its revocation status could not be confirmed: ",
                                    "无法确认证书的吊销状态：")) + why;
  if (o.require_status) return Fail(ErrorCode::kFailedPrecondition, what + refused, "--cert");
  std::cerr << "sealkey: " << Tr("warning: ", "警告：") << what
            << Tr("; signing anyway (--require-status refuses)",
                  "；仍继续签名（使用 --require-status 则拒绝）") << "\n";
  return std::string(status ? "unknown" : "unavailable");
}

Status Sign(const GlobalOptions& g, const SignOptions& o) {
  auto content = ReadFile(o.in, "--in");
  if (!content) return Fail(content.error());
  auto revocation = CheckRevocation(g, o);
  if (!revocation) return Fail(revocation.error());
  if (WantsPdfSignature(o.pdf)) {
    PdfSignOptions p = o.pdf;
    p.device = o.device;
    p.cert = o.cert;
    p.in = o.in;
    p.revocation = *revocation;
    return SignPdf(g, p);
  }
  auto r = CallMedia(g, {{"op", "sign"}, {"device", o.device}, {"cert", o.cert},
                         {"content", HexEncode(*content)}});
  if (!r) return Fail(r.error());
  auto cms = HexDecode((*r)["cms"].get<std::string>());
  std::string out = o.out.empty() ? o.in + ".p7s" : o.out;
  SEALKEY_RETURN_IF_ERROR(WriteFileAtomic(out, *cms, 0644));
  if (g.json) PrintJson({{"signature", out}, {"revocation", *revocation}});
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
  AddPdfSignOptions(sign, o->pdf);
  sign->add_flag("--require-status", o->require_status,
                 "Refuse unless the OCSP responder confirms the certificate is not revoked");
  sign->footer(
      "Before signing, the certificate's OCSP responder (its AIA OCSP URL) is asked whether it\n"
      "was revoked; the answer must be signed by the issuing CA (stored on the device).\n"
      "A verified \"revoked\" refuses to sign. When the responder cannot be reached, answers\n"
      "\"unknown\" or its answer does not verify, a warning is printed and the signature is\n"
      "made anyway, unless --require-status is given. Certificates without an OCSP URL are\n"
      "not checked (refused with --require-status).\n"
      "签名前向证书的 OCSP 服务查询吊销状态：已吊销则拒绝签名；无法查询或无法验证时给出警告并继续，\n"
      "指定 --require-status 时则拒绝。");
  sign->callback([&ctx, o] { ctx.action = [&ctx, o] { return Sign(ctx.global, *o); }; });

  CLI::App* verify = app.add_subcommand("verify", "Check a detached CMS signature");
  verify->add_option("--in,-i", o->in, "The signed file")->required();
  verify->add_option("--sig,-s", o->sig, "Signature file (default: FILE.p7s)");
  verify->add_option("--ca", o->ca, "Also check the signer was issued by this CA certificate");
  verify->callback([&ctx, o] { ctx.action = [&ctx, o] { return Verify(ctx.global, *o); }; });

  RegisterPdfCommands(app, ctx);  // `sealkey pdf verify` (pdf_commands.cc)
}

}  // namespace sealkey::cli
