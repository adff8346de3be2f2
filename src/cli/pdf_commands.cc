// `sealkey sign --in X.pdf --stamp|--seal|--pdf-out` and `sealkey pdf verify`.
#include "cli/pdf_commands.h"

#include <cctype>
#include <iostream>
#include <memory>
#include <optional>
#include <vector>

#include <CLI/CLI.hpp>

#include "base/atomic_file.h"
#include "base/clock.h"
#include "base/encoding.h"
#include "base/file.h"
#include "cli/media_call.h"
#include "cli/output.h"
#include "crypto/x509.h"
#include "pdf/pdf.h"

namespace sealkey::cli {
namespace {

using nlohmann::json;

constexpr size_t kMaxSealImage = 1 << 20;

std::string DefaultOut(const std::string& in) {
  std::string base = in;
  if (base.size() > 4) {
    std::string ext = base.substr(base.size() - 4);
    for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (ext == ".pdf") base.resize(base.size() - 4);
  }
  return base + "-signed.pdf";
}

// The seal picture: a file (--stamp) or the medium's seal (--seal).
Result<Bytes> SealImage(const GlobalOptions& g, const PdfSignOptions& o) {
  if (!o.image.empty() && !o.seal.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "give --stamp or --seal, not both", "--seal");
  }
  if (!o.image.empty()) return ReadFile(o.image, "--stamp", kMaxSealImage);
  if (o.seal.empty()) return Bytes{};
  auto r = CallMedia(g, {{"op", "seal.read"}, {"device", o.device}, {"seal", o.seal}});
  if (!r) return Fail(r.error());
  return HexDecode((*r).value("image", ""));
}

// The signer's common name for /Name (the whole subject when it has none).
Result<std::string> SignerName(const GlobalOptions& g, const PdfSignOptions& o) {
  auto r = CallMedia(g, {{"op", "cert.get"}, {"device", o.device}, {"cert", o.cert}});
  if (!r) return Fail(r.error());
  auto der = HexDecode((*r).value("der", ""));
  if (!der) return Fail(der.error());
  auto cert = crypto::Certificate::FromDer(*der);
  if (!cert) return Fail(cert.error());
  crypto::CertificateInfo info = cert->Info();
  for (const auto& e : info.subject) {
    if (e.type == "CN") return e.value;
  }
  return crypto::FormatName(info.subject);
}

std::string Coverage(const pdf::PdfSignature& s) {
  return std::string(s.covers_whole_document
                         ? Tr("the whole document", "整个文档")
                         : Tr("an earlier revision (content was appended after signing)",
                              "较早的版本（签名后文档有追加内容）"));
}

struct PdfVerifyOptions {
  std::string file, ca;
};

// Whether the signer's certificate was issued under `root`, directly or
// through CA certificates the CMS embeds (found by issuer name, each link
// checked by signature). A signature only proves the key: without this, the
// certificate's names are unchecked claims.
Status ChainsTo(const pdf::PdfSignature& s, const crypto::Certificate& root) {
  auto signer = crypto::Certificate::FromDer(s.signer_certificate);
  if (!signer) return Fail(signer.error());
  std::vector<crypto::Certificate> embedded;
  for (const Bytes& der : s.certificates) {
    if (auto c = crypto::Certificate::FromDer(der)) embedded.push_back(std::move(*c));
  }
  auto root_key = root.PublicKeyOf();
  if (!root_key) return Fail(root_key.error());
  const std::string root_name = crypto::FormatName(root.Info().subject);
  const crypto::Certificate* link = &*signer;
  for (int depth = 0; depth < 6 && link != nullptr; ++depth) {
    const std::string issuer = crypto::FormatName(link->Info().issuer);
    if (issuer == root_name && link->VerifySignature(*root_key)) return Ok();
    const crypto::Certificate* next = nullptr;
    for (const auto& c : embedded) {
      crypto::CertificateInfo info = c.Info();
      auto key = c.PublicKeyOf();
      if (&c != link && info.is_ca && crypto::FormatName(info.subject) == issuer && key &&
          link->VerifySignature(*key)) {
        next = &c;
        break;
      }
    }
    link = next;
  }
  return Fail(ErrorCode::kVerifyFailed,
              "the signer's certificate was not issued under the --ca certificate", "--ca");
}

Status Verify(const GlobalOptions& g, const PdfVerifyOptions& o) {
  const std::string& file = o.file;
  auto data = ReadFile(file, "FILE");
  if (!data) return Fail(data.error());
  std::optional<crypto::Certificate> root;
  if (!o.ca.empty()) {
    auto ca_data = ReadFile(o.ca, "--ca");
    if (!ca_data) return Fail(ca_data.error());
    auto ca = crypto::Certificate::Parse(*ca_data);
    if (!ca) return Fail(ErrorCode::kInvalidArgument, ca.error().message, "--ca");
    root = std::move(*ca);
  }
  auto sigs = pdf::VerifyPdfSignatures(*data);
  if (!sigs) return Fail(sigs.error());
  if (sigs->empty()) {
    return Fail(ErrorCode::kNotFound, "the PDF has no signatures", "FILE");
  }
  size_t bad = 0;
  json arr = json::array();
  for (pdf::PdfSignature s : *sigs) {
    if (s.valid && root) {
      if (Status chained = ChainsTo(s, *root); !chained) {
        s.valid = false;
        s.error = chained.error();
      }
    }
    if (!s.valid) ++bad;
    json j = {{"field", s.field_name},
              {"valid", s.valid},
              {"sub_filter", s.sub_filter},
              {"signer", s.signer_subject},
              {"issuer", s.signer_issuer},
              {"serial", s.signer_serial},
              {"digest", s.digest},
              {"name", s.name},
              {"reason", s.reason},
              {"location", s.location},
              {"pdf_time", s.pdf_time},
              {"covers_whole_document", s.covers_whole_document},
              {"byte_range",
               {s.ranges[0].offset, s.ranges[0].length, s.ranges[1].offset, s.ranges[1].length}},
              {"signing_time", s.signing_time ? json(*s.signing_time) : json()},
              {"claimed_time", s.claimed_time ? json(*s.claimed_time) : json()}};
    if (s.error) {
      j["error"] = {{"code", std::string(ErrorCodeName(s.error->code))},
                    {"message", s.error->message}};
    }
    arr.push_back(std::move(j));
    if (g.json) continue;
    std::cout << s.field_name << ": "
              << (s.valid ? Tr("signature valid", "签名有效") : Tr("INVALID", "签名无效"))
              << "\n";
    auto line = [](std::string_view label, const std::string& value) {
      if (!value.empty()) std::cout << "  " << PadLabel(label, 16) << value << "\n";
    };
    if (s.error) line(Tr("Problem", "问题"), s.error->message);
    line(Tr("Signer", "签名者"), s.signer_subject);
    line(Tr("Issuer", "颁发者"), s.signer_issuer);
    line(Tr("Sub filter", "签名格式"), s.sub_filter);
    // The CMS signingTime when there is one (adbe.pkcs7.detached), else the
    // time the PDF claims (/M): inside the signed range, but only a claim.
    if (s.signing_time) {
      line(Tr("Signed at", "签名时间"), FormatLocalTime(*s.signing_time));
    } else {
      line(Tr("Signed at (/M)", "签名时间 (/M)"),
           s.claimed_time ? FormatLocalTime(*s.claimed_time) : s.pdf_time);
    }
    line(Tr("Reason", "原因"), s.reason);
    line(Tr("Location", "地点"), s.location);
    if (s.valid) line(Tr("Covers", "覆盖范围"), Coverage(s));
  }
  if (g.json) PrintJson({{"file", file}, {"valid", bad == 0}, {"signatures", arr}});
  if (bad > 0) {
    return Fail(
        ErrorCode::kVerifyFailed,
        std::to_string(bad) + " of " + std::to_string(sigs->size()) + " signature(s) do not verify",
        "signature");
  }
  return Ok();
}

}  // namespace

void AddPdfSignOptions(CLI::App* sign, PdfSignOptions& o) {
  const char* group = "PDF (PAdES) signature";
  sign->add_option("--pdf-out", o.out, "Write the signed PDF here (default: IN-signed.pdf)")
      ->group(group);
  sign->add_option("--stamp", o.image, "Seal image file (PNG with transparency, or JPEG)")
      ->group(group);
  sign->add_option("--seal", o.seal, "Use this seal (ref or name) from the device instead")
      ->group(group);
  sign->add_option("--page", o.page, "Page number, from 1 (default 1)")->group(group);
  sign->add_option("--x", o.x, "Left edge in points from the page's left (1 pt = 1/72 in)")
      ->group(group);
  sign->add_option("--y", o.y, "Bottom edge in points from the page's bottom")->group(group);
  sign->add_option("--width", o.w, "Stamp width in points (default 120)")->group(group);
  sign->add_option("--height", o.h, "Stamp height in points (default: the width)")->group(group);
  sign->add_option("--sub-filter", o.sub_filter,
                   "adbe.pkcs7.detached (default) or ETSI.CAdES.detached (pkcs7 / cades)")
      ->group(group);
  sign->add_option("--reason", o.reason, "Reason recorded in the signature")->group(group);
  sign->add_option("--location", o.location, "Location recorded in the signature")->group(group);
  sign->add_option("--reserve", o.reserve, "Bytes reserved for the CMS (default 16384)")
      ->group(group);
}

bool WantsPdfSignature(const PdfSignOptions& o) {
  return !o.out.empty() || !o.image.empty() || !o.seal.empty();
}

Result<Bytes> SignPdfBytes(const GlobalOptions& g, const PdfSignOptions& o, ByteView input,
                           pdf::PdfSignature* made) {
  auto sub_filter = pdf::ParseSubFilter(o.sub_filter);
  if (!sub_filter) {
    return Fail(ErrorCode::kInvalidArgument, sub_filter.error().message, "--sub-filter");
  }
  if (AsChars(input).substr(0, 5) != "%PDF-") {
    return Fail(ErrorCode::kInvalidArgument,
                "--pdf-out, --stamp and --seal need a PDF (the file does not start with %PDF-)",
                "--in");
  }
  pdf::StampOptions stamp;
  auto image = SealImage(g, o);
  if (!image) return Fail(image.error());
  stamp.image = std::move(*image);
  stamp.page = o.page;
  stamp.x = o.x;
  stamp.y = o.y;
  stamp.width = o.w > 0 ? o.w : 120;
  stamp.height = o.h > 0 ? o.h : stamp.width;
  stamp.sub_filter = *sub_filter;
  stamp.reason = o.reason;
  stamp.location = o.location;
  stamp.contents_size = o.reserve;
  stamp.signing_time = SystemClock::Instance().NowUnixSeconds();
  auto name = SignerName(g, o);
  if (!name) return Fail(name.error());
  stamp.name = *name;

  auto prepared = pdf::PreparePdfSignature(input, stamp);
  if (!prepared) return Fail(prepared.error());
  json request = {{"op", "sign"},
                  {"device", o.device},
                  {"cert", o.cert},
                  {"content", HexEncode(prepared->SignedContent())}};
  if (*sub_filter == pdf::SubFilter::kCadesDetached) request["cades"] = true;
  auto r = CallMedia(g, request);
  if (!r) return Fail(r.error());
  auto cms = HexDecode((*r).value("cms", ""));
  if (!cms) return Fail(cms.error());
  auto signed_pdf = pdf::FinishPdfSignature(std::move(*prepared), *cms);
  if (!signed_pdf) {
    Error e = signed_pdf.error();
    if (e.code == ErrorCode::kOutOfRange) e.field = "--reserve";
    return Fail(std::move(e));
  }
  // The verifier reads back what was made, so a broken file is never left
  // behind as if it were signed.
  auto check = pdf::VerifyPdfSignatures(*signed_pdf);
  if (!check) return Fail(check.error());
  if (check->empty() || !check->back().valid) {
    return Fail(ErrorCode::kInternal, "the signed PDF does not verify", "pdf");
  }
  if (made) *made = check->back();
  return signed_pdf;
}

Status SignPdf(const GlobalOptions& g, const PdfSignOptions& o) {
  auto input = ReadFile(o.in, "--in");
  if (!input) return Fail(input.error());
  pdf::PdfSignature made;
  auto signed_pdf = SignPdfBytes(g, o, *input, &made);
  if (!signed_pdf) return Fail(signed_pdf.error());
  const std::string out = o.out.empty() ? DefaultOut(o.in) : o.out;
  SEALKEY_RETURN_IF_ERROR(WriteFileAtomic(out, *signed_pdf, 0644));
  if (g.json) {
    json j = {{"pdf", out},
              {"field", made.field_name},
              {"sub_filter", made.sub_filter},
              {"page", o.page},
              {"stamp", !o.image.empty() || !o.seal.empty()}};
    if (!o.revocation.empty()) j["revocation"] = o.revocation;
    PrintJson(j);
  } else {
    std::cout << Tr("Signed PDF: ", "已签署 PDF：") << out << " (" << made.field_name << ", "
              << made.sub_filter << ")\n";
  }
  return Ok();
}

void RegisterPdfCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* pdf = app.add_subcommand("pdf", "PDF signatures (PAdES)");
  pdf->require_subcommand(1);
  auto o = std::make_shared<PdfVerifyOptions>();
  CLI::App* verify = pdf->add_subcommand(
      "verify",
      "Check every signature of a PDF with sealkey's verifier (SM2 too); exit 1 if any fails");
  verify->add_option("FILE", o->file, "The PDF")->required();
  verify->add_option("--ca", o->ca,
                     "Also require each signer to be issued under this CA certificate (PEM/DER)");
  verify->callback([&ctx, o] { ctx.action = [&ctx, o] { return Verify(ctx.global, *o); }; });
}

}  // namespace sealkey::cli
