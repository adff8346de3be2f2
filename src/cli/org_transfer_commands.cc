// `sealkey org transfer-letter` / `transfer-sign`: completing the
// administrator transfer (B9, manual 4.9.3: choose the employee with
// `org transfer-admin --to`, choose the certificate, sign the authorisation
// letter with a handwritten signature).
//
//   transfer-letter --signature SIG.png [--out FILE]
//       the platform renders the letter with the handwritten signature in it
//   transfer-sign -d DEVICE -c CERT --signature SIG.png [--out FILE]
//       renders the letter, signs it (PAdES, invisible) with the certificate's
//       key in the medium, uploads it; the roles change at once
//   transfer-sign --pdf SIGNED.pdf
//       uploads a letter signed otherwise (e.g. `sealkey sign --pdf-out`)
#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "base/atomic_file.h"
#include "base/encoding.h"
#include "base/file.h"
#include "cli/api_call.h"
#include "cli/media_call.h"
#include "cli/command.h"
#include "cli/output.h"
#include "cli/pdf_commands.h"

namespace sealkey::cli {
namespace {

using nlohmann::json;

constexpr size_t kMaxSignature = 2 << 20;
constexpr size_t kMaxLetter = 10 << 20;

struct TransferOptions {
  std::string device, cert, signature, out, pdf;
};

// Asks the platform for the letter with `signature` (a PNG file) drawn in.
Result<Bytes> FetchLetter(const GlobalOptions& g, const std::string& signature) {
  auto png = ReadFile(signature, "--signature", kMaxSignature);
  if (!png) return Fail(png.error());
  json body = {{"signature", Base64Encode(*png)}};
  auto doc = ApiCall(g, Principal::kPerson, "POST", "/org/admin-transfer/letter", &body);
  if (!doc) return Fail(doc.error());
  return Base64Decode(doc->value("pdf", ""));
}

Status Letter(const GlobalOptions& g, const TransferOptions& o) {
  auto letter = FetchLetter(g, o.signature);
  if (!letter) return Fail(letter.error());
  const std::string out = o.out.empty() ? "admin-transfer-letter.pdf" : o.out;
  SEALKEY_RETURN_IF_ERROR(WriteFileAtomic(out, *letter, 0644));
  if (g.json) PrintJson({{"letter", out}});
  else std::cout << Tr("Authorisation letter: ", "授权委托书：") << out << "\n";
  return Ok();
}

Status Sign(const GlobalOptions& g, const TransferOptions& o) {
  Bytes signed_pdf;
  if (!o.pdf.empty()) {
    if (!o.device.empty() || !o.cert.empty() || !o.signature.empty()) {
      return Fail(ErrorCode::kInvalidArgument,
                  std::string(Tr("give --pdf, or --device, --cert and --signature, not both",
                                 "--pdf 与 --device/--cert/--signature 只能二选一")),
                  "--pdf");
    }
    auto file = ReadFile(o.pdf, "--pdf", kMaxLetter);
    if (!file) return Fail(file.error());
    signed_pdf = std::move(*file);
  } else {
    for (auto [value, flag] : {std::pair{&o.device, "--device"}, std::pair{&o.cert, "--cert"},
                               std::pair{&o.signature, "--signature"}}) {
      if (value->empty()) {
        return Fail(ErrorCode::kInvalidArgument,
                    std::string(Tr("is required (or give --pdf)", "为必填项（或使用 --pdf）")), flag);
      }
    }
    auto letter = FetchLetter(g, o.signature);
    if (!letter) return Fail(letter.error());
    PdfSignOptions p;
    p.device = o.device;
    p.cert = o.cert;
    p.reason = "管理员转让授权委托书";
    auto made = SignPdfBytes(g, p, *letter, nullptr);
    if (!made) return Fail(made.error());
    signed_pdf = std::move(*made);
    if (!o.out.empty()) SEALKEY_RETURN_IF_ERROR(WriteFileAtomic(o.out, signed_pdf, 0644));
  }
  json body = {{"pdf", Base64Encode(signed_pdf)}};
  auto doc = ApiCall(g, Principal::kPerson, "POST", "/org/admin-transfer/signature", &body);
  if (!doc) return Fail(doc.error());
  if (g.json) {
    PrintJson(*doc);
    return Ok();
  }
  std::cout << Tr("Administrator role transferred; you are now an employee of the organisation.",
                  "管理员身份已转让，您在该机构的身份已转为员工。")
            << "\n";
  PrintRecord(*doc, {{"from_name", "From", "转让人"}, {"to_name", "To", "转让给"},
                     {"status", "Status", "状态"}, {"signer_serial", "Certificate", "签署证书"}});
  return Ok();
}

}  // namespace

void RegisterOrgTransferCommands(CLI::App* org, CommandContext& ctx) {
  auto o = std::make_shared<TransferOptions>();
  CLI::App* letter = org->add_subcommand(
      "transfer-letter", "Get the authorisation letter of the pending administrator transfer");
  letter->add_option("--signature", o->signature, "Your handwritten signature (PNG)")->required();
  letter->add_option("--out,-o", o->out, "Write it here (default admin-transfer-letter.pdf)");
  letter->callback([&ctx, o] { ctx.action = [&ctx, o] { return Letter(ctx.global, *o); }; });

  CLI::App* sign = org->add_subcommand(
      "transfer-sign",
      "Sign the authorisation letter with your certificate and complete the transfer");
  sign->add_option("--device,-d", o->device, "Device id, serial or label");
  sign->add_option("--cert,-c", o->cert, "Your certificate (ref or SHA-1 thumbprint)");
  sign->add_option("--signature", o->signature, "Your handwritten signature (PNG)");
  sign->add_option("--out,-o", o->out, "Also keep the signed letter here");
  sign->add_option("--pdf", o->pdf, "Upload this already signed letter instead");
  sign->callback([&ctx, o] { ctx.action = [&ctx, o] { return Sign(ctx.global, *o); }; });
}

}  // namespace sealkey::cli
