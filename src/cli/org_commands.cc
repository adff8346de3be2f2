// `sealkey org ...`: organisations (B6, B7, B9) for the logged-in person.
//   as a natural person: search, create, applications, join, my-requests,
//     my-invitations, accept-invitation, decline-invitation
//   as administrator / legal representative: show, members, member, requests,
//     approve, reject, invite, invitations, transfer-admin, transfer-status,
//     cancel-transfer (transfer-letter, transfer-sign: org_transfer_commands.cc)
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "base/encoding.h"
#include "base/file.h"
#include "cli/api_call.h"
#include "cli/media_call.h"
#include "cli/output.h"

namespace sealkey::cli {
namespace {

using nlohmann::json;

constexpr char kOrgAgreementVersion[] = "2026.1";  // the agreement this client shows

struct OrgOptions {
  std::string name, credit_code, address, licence, rep_name, rep_id, rep_phone;
  std::string admin_name, admin_phone, phone, status, reason;
  int64_t id = 0;
  bool agree = false;
};

const std::vector<FieldLabel> kOrgFields = {
    {"id", "Organisation", "机构编号"},        {"name", "Name", "名称"},
    {"credit_code", "Credit code", "统一社会信用代码"}, {"address", "Address", "住所"},
    {"legal_rep.name", "Legal rep.", "法定代表人"}, {"status", "Status", "状态"},
    {"reason", "Reason", "原因"}};

Status Print(const GlobalOptions& g, const json& doc, const std::vector<FieldLabel>& fields) {
  if (g.json) PrintJson(doc);
  else PrintRecord(doc, fields);
  return Ok();
}

Status PrintList(const GlobalOptions& g, const json& doc, const char* key,
                 const std::vector<const char*>& columns) {
  if (g.json) PrintJson(doc);
  else PrintRows(doc[key], columns);
  return Ok();
}

Result<json> Person(const GlobalOptions& g, std::string_view method, const std::string& path,
                    const json* body = nullptr) {
  return ApiCall(g, Principal::kPerson, method, path, body);
}

Status Search(const GlobalOptions& g, const OrgOptions& o) {
  auto doc = Person(g, "GET", "/orgs/search?name=" + UrlEncode(o.name) +
                                  "&credit_code=" + UrlEncode(o.credit_code));
  if (!doc) return Fail(doc.error());
  if (g.json) {
    PrintJson(*doc);
  } else if (!doc->value("found", false)) {
    std::cout << Tr("Not found: no verified organisation has this name and code; create it with "
                    "`sealkey org create`",
                    "未找到该机构；可用 `sealkey org create` 创建")
              << "\n";
  } else {
    PrintRecord((*doc)["org"], kOrgFields);
  }
  return Ok();
}

// Uploads the licence, shows the OCR's reading, and submits the form: a
// field given on the command line wins over the OCR's.
Status Create(const GlobalOptions& g, OrgOptions o) {
  if (!o.agree) {
    return Fail(ErrorCode::kInvalidArgument,
                std::string(Tr("read the organisation verification agreement and pass --agree",
                               "请阅读机构认证协议并使用 --agree 表示同意")),
                "--agree");
  }
  auto licence = ReadFile(o.licence, "--licence", 10 << 20);
  if (!licence) return Fail(licence.error());
  json upload = {{"licence", Base64Encode(*licence)}};
  auto stored = Person(g, "POST", "/orgs/licence", &upload);
  if (!stored) return Fail(stored.error());
  const json prefill = stored->value("prefill", json::object());
  if (!g.json) {
    std::cout << Tr("Business licence read by OCR:", "营业执照识别结果：") << "\n";
    PrintRecord(prefill, {{"name", "  Name", "  名称"},
                          {"credit_code", "  Credit code", "  统一社会信用代码"},
                          {"legal_representative", "  Legal rep.", "  法定代表人"},
                          {"address", "  Address", "  住所"},
                          {"ocr_error", "  OCR failed", "  识别失败"}});
  }
  for (auto [field, key, option] :
       {std::tuple{&o.name, "name", "--name"}, std::tuple{&o.credit_code, "credit_code", "--credit-code"},
        std::tuple{&o.address, "address", "--address"},
        std::tuple{&o.rep_name, "legal_representative", "--legal-rep-name"}}) {
    if (field->empty()) *field = prefill.value(key, "");
    if (field->empty()) {
      return Fail(ErrorCode::kInvalidArgument,
                  std::string(Tr("the licence did not show it; give it", "营业执照上未识别到，请填写")),
                  option);
    }
  }
  json body = {{"agreement_version", kOrgAgreementVersion},
               {"agreed", true},
               {"name", o.name},
               {"credit_code", o.credit_code},
               {"address", o.address},
               {"licence_id", (*stored)["licence_id"]},
               {"legal_rep", {{"name", o.rep_name}, {"id_number", o.rep_id}, {"phone", o.rep_phone}}}};
  auto doc = Person(g, "POST", "/orgs", &body);
  if (!doc) return Fail(doc.error());
  return Print(g, *doc, kOrgFields);
}

Status Decide(const GlobalOptions& g, const OrgOptions& o, bool approve) {
  json body = {{"decision", approve ? "approve" : "reject"}, {"reason", o.reason}};
  auto doc = Person(g, "POST", "/org/join-requests/" + std::to_string(o.id) + "/decision", &body);
  if (!doc) return Fail(doc.error());
  return Print(g, *doc, {{"id", "Request", "申请编号"}, {"name", "Applicant", "申请人"},
                         {"status", "Status", "状态"}, {"reason", "Reason", "原因"}});
}

template <typename F>
void On(CLI::App* cmd, CommandContext& ctx, std::shared_ptr<OrgOptions> o, F f) {
  cmd->callback([&ctx, o, f] { ctx.action = [&ctx, o, f] { return f(ctx.global, *o); }; });
}

}  // namespace

void RegisterOrgCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* org = app.add_subcommand("org", "Organisations (B6, B7, B9)");
  org->require_subcommand(1);
  auto o = std::make_shared<OrgOptions>();

  CLI::App* search = org->add_subcommand("search", "Find an organisation by name and credit code");
  search->add_option("--name", o->name, "Organisation name")->required();
  search->add_option("--credit-code", o->credit_code, "Unified social credit code")->required();
  On(search, ctx, o, Search);

  CLI::App* create = org->add_subcommand("create", "Create and verify an organisation");
  create->add_flag("--agree", o->agree, "I accept the organisation verification agreement");
  create->add_option("--licence", o->licence, "Business licence (JPEG, PNG or PDF)")->required();
  create->add_option("--name", o->name, "Name (default: read from the licence)");
  create->add_option("--credit-code", o->credit_code, "Credit code (default: from the licence)");
  create->add_option("--address", o->address, "Address (default: from the licence)");
  create->add_option("--legal-rep-name", o->rep_name, "Legal representative (default: licence)");
  create->add_option("--legal-rep-id-number", o->rep_id, "Their resident ID number")->required();
  create->add_option("--legal-rep-phone", o->rep_phone, "Their mobile number")->required();
  On(create, ctx, o, Create);

  On(org->add_subcommand("applications", "Organisations I applied to create"), ctx, o,
     [](const GlobalOptions& g, const OrgOptions&) -> Status {
       auto doc = Person(g, "GET", "/me/organisations");
       if (!doc) return Fail(doc.error());
       return PrintList(g, *doc, "organisations", {"id", "status", "name", "credit_code", "reason"});
     });

  CLI::App* join = org->add_subcommand("join", "Ask to join an organisation");
  join->add_option("id", o->id, "Organisation id (from `org search`)")->required();
  join->add_option("--admin-name", o->admin_name, "Its administrator's name")->required();
  join->add_option("--admin-phone", o->admin_phone, "Its administrator's mobile number")->required();
  On(join, ctx, o, [](const GlobalOptions& g, const OrgOptions& o) -> Status {
    json body = {{"admin_name", o.admin_name}, {"admin_phone", o.admin_phone}};
    auto doc = Person(g, "POST", "/orgs/" + std::to_string(o.id) + "/join-requests", &body);
    if (!doc) return Fail(doc.error());
    return Print(g, *doc, {{"id", "Request", "申请编号"}, {"org_name", "Organisation", "机构"},
                           {"status", "Status", "状态"}});
  });
  On(org->add_subcommand("my-requests", "My requests to join organisations"), ctx, o,
     [](const GlobalOptions& g, const OrgOptions&) -> Status {
       auto doc = Person(g, "GET", "/me/join-requests");
       if (!doc) return Fail(doc.error());
       return PrintList(g, *doc, "join_requests", {"id", "org_name", "status", "reason"});
     });
  On(org->add_subcommand("my-invitations", "Invitations to my number"), ctx, o,
     [](const GlobalOptions& g, const OrgOptions&) -> Status {
       auto doc = Person(g, "GET", "/me/invitations");
       if (!doc) return Fail(doc.error());
       return PrintList(g, *doc, "invitations", {"id", "org_name", "status"});
     });
  for (bool accept : {true, false}) {
    CLI::App* answer = org->add_subcommand(accept ? "accept-invitation" : "decline-invitation",
                                           accept ? "Accept an invitation" : "Decline an invitation");
    answer->add_option("id", o->id, "Invitation id")->required();
    On(answer, ctx, o, [accept](const GlobalOptions& g, const OrgOptions& o) -> Status {
      auto doc = Person(g, "POST", "/me/invitations/" + std::to_string(o.id) +
                                       (accept ? "/accept" : "/decline"));
      if (!doc) return Fail(doc.error());
      return Print(g, *doc, {{"org_name", "Organisation", "机构"}, {"status", "Status", "状态"}});
    });
  }

  On(org->add_subcommand("show", "The organisation of the current identity"), ctx, o,
     [](const GlobalOptions& g, const OrgOptions&) -> Status {
       auto doc = Person(g, "GET", "/org");
       if (!doc) return Fail(doc.error());
       return Print(g, *doc, kOrgFields);
     });
  On(org->add_subcommand("members", "Members (administrator, legal representative)"), ctx, o,
     [](const GlobalOptions& g, const OrgOptions&) -> Status {
       auto doc = Person(g, "GET", "/org/members");
       if (!doc) return Fail(doc.error());
       return PrintList(g, *doc, "members", {"identity_id", "kind", "name", "phone"});
     });
  CLI::App* member = org->add_subcommand("member", "One member's details");
  member->add_option("id", o->id, "Identity id (from `org members`)")->required();
  On(member, ctx, o, [](const GlobalOptions& g, const OrgOptions& o) -> Status {
    auto doc = Person(g, "GET", "/org/members/" + std::to_string(o.id));
    if (!doc) return Fail(doc.error());
    return Print(g, *doc, {{"identity_id", "Identity", "身份编号"}, {"kind", "Role", "角色"},
                           {"name", "Name", "姓名"}, {"phone", "Phone", "手机号"},
                           {"joined_at", "Joined", "加入时间"}});
  });
  CLI::App* requests = org->add_subcommand("requests", "Join requests to review");
  requests->add_option("--status", o->status, "pending (default), approved or rejected");
  On(requests, ctx, o, [](const GlobalOptions& g, const OrgOptions& o) -> Status {
    auto doc = Person(g, "GET", "/org/join-requests" +
                                    (o.status.empty() ? "" : "?status=" + UrlEncode(o.status)));
    if (!doc) return Fail(doc.error());
    return PrintList(g, *doc, "join_requests", {"id", "name", "phone", "status"});
  });
  CLI::App* approve = org->add_subcommand("approve", "Approve a join request");
  approve->add_option("id", o->id, "Request id")->required();
  On(approve, ctx, o, [](const GlobalOptions& g, const OrgOptions& o) { return Decide(g, o, true); });
  CLI::App* reject = org->add_subcommand("reject", "Reject a join request");
  reject->add_option("id", o->id, "Request id")->required();
  reject->add_option("--reason", o->reason, "Why")->required();
  On(reject, ctx, o, [](const GlobalOptions& g, const OrgOptions& o) { return Decide(g, o, false); });
  CLI::App* invite = org->add_subcommand("invite", "Invite a member by mobile number");
  invite->add_option("--phone", o->phone, "Their mobile number")->required();
  On(invite, ctx, o, [](const GlobalOptions& g, const OrgOptions& o) -> Status {
    json body = {{"phone", o.phone}};
    auto doc = Person(g, "POST", "/org/invitations", &body);
    if (!doc) return Fail(doc.error());
    return Print(g, *doc, {{"id", "Invitation", "邀请编号"}, {"phone", "Phone", "手机号"},
                           {"status", "Status", "状态"}, {"expires_at", "Expires", "有效期至"}});
  });
  On(org->add_subcommand("invitations", "Invitations sent by the organisation"), ctx, o,
     [](const GlobalOptions& g, const OrgOptions&) -> Status {
       auto doc = Person(g, "GET", "/org/invitations");
       if (!doc) return Fail(doc.error());
       return PrintList(g, *doc, "invitations", {"id", "phone", "status"});
     });
  CLI::App* transfer = org->add_subcommand(
      "transfer-admin", "Ask to transfer the administrator role to an employee");
  transfer->add_option("--to", o->id, "The employee's identity id (from `org members`)")->required();
  On(transfer, ctx, o, [](const GlobalOptions& g, const OrgOptions& o) -> Status {
    json body = {{"to_identity_id", o.id}};
    auto doc = Person(g, "POST", "/org/admin-transfer", &body);
    if (!doc) return Fail(doc.error());
    if (!g.json) {
      std::cout << Tr("Transfer recorded; it completes when the authorisation letter is signed "
                      "with your certificate.",
                      "已记录转让申请；使用证书签署授权委托书后完成转让。")
                << "\n";
    }
    return Print(g, *doc, {{"to_name", "To", "转让给"}, {"status", "Status", "状态"}});
  });
  On(org->add_subcommand("transfer-status", "The pending (else the last completed) administrator transfer"), ctx, o,
     [](const GlobalOptions& g, const OrgOptions&) -> Status {
       auto doc = Person(g, "GET", "/org/admin-transfer");
       if (!doc) return Fail(doc.error());
       return Print(g, *doc, {{"from_name", "From", "转让人"}, {"to_name", "To", "转让给"},
                              {"status", "Status", "状态"},
                              {"letter_rendered", "Letter", "已生成委托书"},
                              {"created_at", "Requested", "申请时间"}});
     });
  On(org->add_subcommand("cancel-transfer", "Cancel the pending administrator transfer"), ctx, o,
     [](const GlobalOptions& g, const OrgOptions&) -> Status {
       auto doc = Person(g, "DELETE", "/org/admin-transfer");
       if (!doc) return Fail(doc.error());
       if (!g.json) std::cout << Tr("Transfer cancelled", "已取消转让") << "\n";
       return Ok();
     });
  RegisterOrgTransferCommands(org, ctx);
}

}  // namespace sealkey::cli
