// `sealkey invoice list|retry|download` (B14): the invoices of the
// account's orders: not yet invoiced (a failed issue can be retried) and
// issued (downloaded as PDF).
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "base/atomic_file.h"
#include "cli/account_session.h"
#include "cli/api_call.h"
#include "cli/media_call.h"
#include "cli/output.h"

namespace sealkey::cli {
namespace {

using nlohmann::json;

struct InvoiceOptions {
  std::string tab = "all", out;
  int64_t id = 0;
};

}  // namespace

void RegisterInvoiceCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* invoice = app.add_subcommand("invoice", "Invoices of my orders (B14)");
  invoice->require_subcommand(1);
  auto o = std::make_shared<InvoiceOptions>();
  CLI::App* list = invoice->add_subcommand("list", "List invoices");
  list->add_option("--tab", o->tab, "pending (not invoiced yet), issued, all");
  list->callback([&ctx, o] {
    ctx.action = [&ctx, o]() -> Status {
      auto r = ApiCall(ctx.global, Principal::kPerson, "GET", "/invoices?tab=" + UrlEncode(o->tab));
      if (!r) return Fail(r.error());
      if (ctx.global.json) PrintJson(*r);
      else PrintRows((*r)["invoices"], {"id", "order_id", "status", "number", "error"});
      return Ok();
    };
  });
  CLI::App* retry = invoice->add_subcommand("retry", "Issue a failed invoice again");
  retry->add_option("id", o->id, "Invoice id")->required();
  retry->callback([&ctx, o] {
    ctx.action = [&ctx, o]() -> Status {
      auto r = ApiCall(ctx.global, Principal::kPerson, "POST",
                       "/invoices/" + std::to_string(o->id) + "/retry");
      if (!r) return Fail(r.error());
      if (ctx.global.json) PrintJson(*r);
      else std::cout << Tr("Invoice issued: ", "发票已开具：") << (*r)["number"].get<std::string>() << "\n";
      return Ok();
    };
  });
  CLI::App* download = invoice->add_subcommand("download", "Save an issued invoice (PDF)");
  download->add_option("id", o->id, "Invoice id")->required();
  download->add_option("--out,-o", o->out, "Where to write the PDF")->required();
  download->callback([&ctx, o] {
    ctx.action = [&ctx, o]() -> Status {
      auto c = ConnectWithSession(ctx.global);
      if (!c) return Fail(c.error());
      auto pdf = c->api.Call("GET", "/invoices/" + std::to_string(o->id) + "/pdf");
      if (!pdf) return Fail(pdf.error());
      SEALKEY_RETURN_IF_ERROR(WriteFileAtomic(o->out, AsBytes(*pdf), 0644));
      if (!ctx.global.json) std::cout << Tr("Saved ", "已保存 ") << o->out << "\n";
      return Ok();
    };
  });
}

}  // namespace sealkey::cli
