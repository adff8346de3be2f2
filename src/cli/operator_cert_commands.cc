// `sealkey operator cert ...`: the operator's side of certificates:
//   reissue-notice SERIAL --reason R   tell the holder a reissue is due (B11)
//   revoke SERIAL [--reason R]         revoke any certificate the platform issued
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/api_call.h"
#include "cli/media_call.h"
#include "cli/output.h"

namespace sealkey::cli {
namespace {

using nlohmann::json;

struct Options {
  std::string serial, reason;
};

}  // namespace

void AddOperatorCertCommands(CLI::App* op, CommandContext& ctx) {
  auto o = std::make_shared<Options>();
  CLI::App* cert = op->add_subcommand("cert", "Certificates the platform issued");
  cert->require_subcommand(1);
  CLI::App* notice = cert->add_subcommand("reissue-notice",
                                          "Tell the holder the certificate must be reissued (B11)");
  notice->add_option("serial", o->serial, "The certificate's serial (hex)")->required();
  notice->add_option("--reason", o->reason, "Why (texted to the holder)")->required();
  notice->callback([&ctx, o] {
    ctx.action = [&ctx, o]() -> Status {
      json body = {{"reason", o->reason}};
      auto r = ApiCall(ctx.global, Principal::kOperator, "POST",
                       "/operator/certificates/" + UrlEncode(o->serial) + "/reissue-notice", &body);
      if (!r) return Fail(r.error());
      if (ctx.global.json) {
        PrintJson(*r);
      } else {
        std::cout << Tr("Notice sent for certificate ", "已通知补发证书 ") << (*r)["serial"].get<std::string>()
                  << "\n";
      }
      return Ok();
    };
  });
  CLI::App* revoke = cert->add_subcommand("revoke", "Revoke a certificate of any account");
  revoke->add_option("serial", o->serial, "The certificate's serial (hex)")->required();
  revoke->add_option("--reason", o->reason,
                     "unspecified (default), keyCompromise, affiliationChanged, superseded, "
                     "cessationOfOperation");
  revoke->callback([&ctx, o] {
    ctx.action = [&ctx, o]() -> Status {
      json body = {{"reason", o->reason.empty() ? "unspecified" : o->reason}};
      auto r = ApiCall(ctx.global, Principal::kOperator, "POST",
                       "/operator/certificates/" + UrlEncode(o->serial) + "/revoke", &body);
      if (!r) return Fail(r.error());
      if (!ctx.global.json) std::cout << Tr("Certificate revoked", "证书已吊销") << "\n";
      return Ok();
    };
  });
}

}  // namespace sealkey::cli
