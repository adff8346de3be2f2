// `sealkey kyc submit` and `sealkey kyc status` (B5): real-name verification
// of the logged-in person. The phone gets an SMS code (purpose verify_phone)
// unless --code is given; photos are JPEG or PNG files.
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "base/file.h"
#include "cli/account_session.h"
#include "cli/media_call.h"
#include "cli/output.h"

namespace sealkey::cli {
namespace {

constexpr char kAgreementVersion[] = "2026.1";  // the agreement this client shows

struct KycOptions {
  std::string name, id_number, phone, code, front, back;
  bool agree = false;
};

std::string StatusText(const std::string& s) {
  if (s == "none") return std::string(Tr("not submitted", "未提交"));
  if (s == "submitted") return std::string(Tr("under review", "审核中"));
  if (s == "verified") return std::string(Tr("verified", "已认证"));
  if (s == "rejected") return std::string(Tr("rejected", "已驳回"));
  return s;
}

Status Print(const GlobalOptions& g, const client::KycRecord& r) {
  if (g.json) {
    PrintJson({{"id", r.id}, {"status", r.status}, {"reason", r.reason}, {"name", r.name},
               {"id_number", r.id_number}, {"submitted_at", r.submitted_at},
               {"decided_at", r.decided_at}});
    return Ok();
  }
  std::cout << PadLabel(Tr("Real-name status", "实名状态"), 18) << StatusText(r.status) << "\n";
  if (!r.name.empty()) {
    std::cout << PadLabel(Tr("Name", "姓名"), 18) << r.name << "\n"
              << PadLabel(Tr("ID number", "身份证号"), 18) << r.id_number << "\n";
  }
  if (!r.reason.empty()) std::cout << PadLabel(Tr("Reason", "原因"), 18) << r.reason << "\n";
  return Ok();
}

Status Submit(const GlobalOptions& g, const KycOptions& o) {
  if (!o.agree) {
    return Fail(ErrorCode::kInvalidArgument,
                std::string(Tr("read the real-name verification agreement and pass --agree",
                               "请阅读实名认证协议并使用 --agree 表示同意")),
                "--agree");
  }
  auto front = ReadFile(o.front, "--front", 5 << 20);
  if (!front) return Fail(front.error());
  auto back = ReadFile(o.back, "--back", 5 << 20);
  if (!back) return Fail(back.error());
  auto c = ConnectWithSession(g);
  if (!c) return Fail(c.error());
  auto code = ObtainCode(*c, o.phone, o.code, "verify_phone");
  if (!code) return Fail(code.error());
  auto record = c->api.SubmitKyc({kAgreementVersion, o.name, o.id_number, o.phone, *code,
                                  std::move(*front), std::move(*back)});
  if (!record) return Fail(record.error());
  return Print(g, *record);
}

Status StatusCmd(const GlobalOptions& g) {
  auto c = ConnectWithSession(g);
  if (!c) return Fail(c.error());
  auto record = c->api.GetKyc();
  if (!record) return Fail(record.error());
  return Print(g, *record);
}

}  // namespace

void RegisterKycCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* kyc = app.add_subcommand("kyc", "Real-name verification (B5)");
  kyc->require_subcommand(1);
  auto o = std::make_shared<KycOptions>();
  CLI::App* submit = kyc->add_subcommand("submit", "Submit real-name verification");
  submit->add_flag("--agree", o->agree, "I accept the real-name verification agreement");
  submit->add_option("--name", o->name, "Name as on the ID card")->required();
  submit->add_option("--id-number", o->id_number, "Resident ID number")->required();
  submit->add_option("--phone", o->phone, "Mobile number (an SMS code is sent)")->required();
  submit->add_option("--code", o->code, "The SMS code (purpose verify_phone); asked for if absent");
  submit->add_option("--front", o->front, "Photo of the ID card's front (JPEG/PNG)")->required();
  submit->add_option("--back", o->back, "Photo of the ID card's back (JPEG/PNG)")->required();
  submit->callback([&ctx, o] { ctx.action = [&ctx, o] { return Submit(ctx.global, *o); }; });
  kyc->add_subcommand("status", "The state of real-name verification")
      ->callback([&ctx] { ctx.action = [&ctx] { return StatusCmd(ctx.global); }; });
}

}  // namespace sealkey::cli
