// `sealkey cert ...`: certificate details (D4). Later issues add list,
// delete, import and export against media.
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "base/encoding.h"
#include "base/file.h"
#include "cli/command.h"
#include "cli/media_call.h"
#include "cli/output.h"
#include "crypto/digest.h"
#include "crypto/x509.h"

namespace sealkey::cli {

void RegisterCertMediaCommands(CLI::App& cert, CommandContext& ctx);  // cert_media_commands.cc
void RegisterCertLifecycleCommands(CLI::App& cert, CommandContext& ctx);  // cert_lifecycle_commands.cc

namespace {

using crypto::Certificate;
using crypto::CertificateInfo;
using crypto::HashAlg;

constexpr HashAlg kThumbprintAlgs[] = {HashAlg::kSha1, HashAlg::kSha256, HashAlg::kSm3,
                                       HashAlg::kMd5};

std::string Thumbprint(const Certificate& cert, HashAlg alg) {
  return HexEncodeUpper(cert.Thumbprint(alg), ":");
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::string UsageText(crypto::CertUsage usage) {
  switch (usage) {
    case crypto::CertUsage::kSigning: return std::string(Tr("signing", "签名证书"));
    case crypto::CertUsage::kEncryption: return std::string(Tr("encryption", "加密证书"));
    case crypto::CertUsage::kSigningAndEncryption:
      return std::string(Tr("signing and encryption", "签名和加密证书"));
    case crypto::CertUsage::kUnspecified: return std::string(Tr("unspecified", "未指定"));
  }
  return "";
}

// One displayable, copyable field. The same table drives the readable
// layout, --field and the names accepted by --field.
struct Field {
  std::string key;
  std::string label;
  std::string value;
};

std::vector<Field> Fields(const CertificateInfo& info, const Certificate& cert) {
  std::vector<Field> f = {
      {"subject", std::string(Tr("Subject", "使用者")), crypto::FormatName(info.subject)},
      {"issuer", std::string(Tr("Issuer", "颁发者")), crypto::FormatName(info.issuer)},
      {"serial", std::string(Tr("Serial number", "序列号")), info.serial},
      {"type", std::string(Tr("Certificate type", "证书类型")), UsageText(info.usage)},
      {"public-key", std::string(Tr("Public key", "公钥算法")),
       info.public_key_algorithm + " (" + std::to_string(info.public_key_bits) + " bits)"},
      {"signature-algorithm", std::string(Tr("Signature algorithm", "签名算法")),
       info.signature_algorithm},
      {"not-before", std::string(Tr("Valid from", "有效期起")), FormatLocalTime(info.not_before)},
      {"not-after", std::string(Tr("Valid to", "有效期至")), FormatLocalTime(info.not_after)},
      {"version", std::string(Tr("Version", "版本")), "V" + std::to_string(info.version)},
      {"key-usage", std::string(Tr("Key usage", "密钥用法")), Join(info.key_usage)},
      {"extended-key-usage", std::string(Tr("Extended key usage", "增强型密钥用法")),
       Join(info.extended_key_usage)},
      {"ca", std::string(Tr("Certificate authority", "CA 证书")),
       info.is_ca ? std::string(Tr("yes", "是")) : std::string(Tr("no", "否"))},
  };
  for (HashAlg alg : kThumbprintAlgs) {
    f.push_back({std::string(crypto::HashToken(alg)),
                 std::string(Tr("Thumbprint", "指纹")) + " (" + std::string(crypto::HashName(alg)) + ")",
                 Thumbprint(cert, alg)});
  }
  return f;
}

nlohmann::json ToJson(const CertificateInfo& info, const Certificate& cert) {
  auto names = [](const std::vector<crypto::NameEntry>& entries) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& e : entries) arr.push_back({{"type", e.type}, {"value", e.value}});
    return arr;
  };
  nlohmann::json thumbs;
  for (HashAlg alg : kThumbprintAlgs) {
    thumbs[std::string(crypto::HashToken(alg))] = Thumbprint(cert, alg);
  }
  nlohmann::json exts = nlohmann::json::array();
  for (const auto& e : info.extensions) {
    exts.push_back({{"oid", e.oid}, {"name", e.name}, {"critical", e.critical}, {"value", e.value}});
  }
  return {
      {"version", info.version},
      {"serial", info.serial},
      {"subject", crypto::FormatName(info.subject)},
      {"subject_entries", names(info.subject)},
      {"issuer", crypto::FormatName(info.issuer)},
      {"issuer_entries", names(info.issuer)},
      {"not_before", FormatIsoUtc(info.not_before)},
      {"not_after", FormatIsoUtc(info.not_after)},
      {"public_key_algorithm", info.public_key_algorithm},
      {"public_key_bits", info.public_key_bits},
      {"signature_algorithm", info.signature_algorithm},
      {"type", std::string(crypto::CertUsageToken(info.usage))},
      {"key_usage", info.key_usage},
      {"extended_key_usage", info.extended_key_usage},
      {"is_ca", info.is_ca},
      {"thumbprints", thumbs},
      {"extensions", exts},
      {"pem", cert.Pem()},
  };
}

struct ShowOptions {
  std::string file;
  std::string device;
  std::string cert;
  std::string field;
  std::string thumbprint;
  bool all_thumbprints = false;
};

Result<Bytes> LoadShown(const ShowOptions& opt, const GlobalOptions& global) {
  if (!opt.file.empty()) return ReadFile(opt.file, "file");
  if (opt.device.empty() || opt.cert.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "give a FILE, or --device and --cert", "file");
  }
  auto r = CallMedia(global, {{"op", "cert.get"}, {"device", opt.device}, {"cert", opt.cert}});
  if (!r) return Fail(r.error());
  return HexDecode((*r)["der"].get<std::string>());
}

Status Show(const ShowOptions& opt, const GlobalOptions& global) {
  auto data = LoadShown(opt, global);
  if (!data) return Fail(data.error());
  auto cert = Certificate::Parse(*data);
  if (!cert) return Fail(cert.error());
  CertificateInfo info = cert->Info();

  if (!opt.thumbprint.empty()) {
    auto alg = crypto::ParseHashAlg(opt.thumbprint);
    if (!alg) return Fail(ErrorCode::kInvalidArgument, alg.error().message, "--thumbprint");
    std::cout << Thumbprint(*cert, *alg) << "\n";
    return Ok();
  }
  std::vector<Field> fields = Fields(info, *cert);
  if (!opt.field.empty()) {
    std::string names;
    for (const auto& f : fields) {
      if (f.key == opt.field) {
        std::cout << f.value << "\n";
        return Ok();
      }
      names += (names.empty() ? "" : ", ") + f.key;
    }
    return Fail(ErrorCode::kInvalidArgument,
                "unknown field '" + opt.field + "' (one of: " + names + ")", "--field");
  }
  if (global.json) {
    std::cout << ToJson(info, *cert).dump(2) << "\n";
    return Ok();
  }
  std::cout << Tr("Certificate", "证书") << "  "
            << (opt.file.empty() ? opt.device + " / " + opt.cert : opt.file) << "\n";
  for (const auto& f : fields) {
    bool is_thumb = f.key == "sha1" || f.key == "sha256" || f.key == "sm3" || f.key == "md5";
    if (is_thumb && f.key != "sha1" && !opt.all_thumbprints) continue;
    if (f.value.empty()) continue;
    std::cout << "  " << PadLabel(f.label, 24) << f.value << "\n";
  }
  if (!info.extensions.empty()) {
    std::cout << Tr("Extensions", "扩展") << "\n";
    for (const auto& e : info.extensions) {
      std::cout << "  " << e.name << (e.critical ? std::string(Tr(" (critical)", "（关键）")) : "")
                << "\n";
      std::string value = e.value;
      size_t pos = 0;
      while ((pos = value.find('\n', pos)) != std::string::npos) value.replace(pos++, 1, "\n      ");
      std::cout << "      " << value << "\n";
    }
  }
  return Ok();
}

}  // namespace

void RegisterCertCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* cert = app.add_subcommand("cert", "Certificates (D2, D4, D5)");
  cert->require_subcommand(1);
  RegisterCertMediaCommands(*cert, ctx);
  RegisterCertLifecycleCommands(*cert, ctx);

  auto opt = std::make_shared<ShowOptions>();
  CLI::App* show = cert->add_subcommand("show", "Show a certificate file's details");
  show->add_option("file", opt->file, "Certificate file (PEM, DER or base64)");
  show->add_option("--device,-d", opt->device, "Show a certificate on this device");
  show->add_option("--cert,-c", opt->cert, "Certificate ref or SHA-1 thumbprint (with --device)");
  show->add_option("--field", opt->field,
                   "Print one field alone: subject, issuer, serial, type, public-key, "
                   "signature-algorithm, not-before, not-after, version, key-usage, "
                   "extended-key-usage, ca, sha1, sha256, sm3, md5");
  show->add_option("--thumbprint", opt->thumbprint,
                   "Print one thumbprint: sha1, sha256, sm3 or md5");
  show->add_flag("--all-thumbprints", opt->all_thumbprints,
                 "Show SHA-256, SM3 and MD5 thumbprints besides SHA-1");
  show->callback([opt, &ctx] { ctx.action = [opt, &ctx] { return Show(*opt, ctx.global); }; });
}

}  // namespace sealkey::cli
