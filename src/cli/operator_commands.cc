// `sealkey operator ...`: the CA operator's side (review queues). The
// operator session is kept apart from the person session
// (operator-session.json, 0600).
//   sealkey operator login --username NAME [--password-stdin] | logout
//   sealkey operator kyc list [--status S] | show ID [--photos DIR] | approve ID | reject ID --reason R
//   sealkey operator org list [--status S] | show ID [--licence FILE] | approve ID | reject ID --reason R
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "base/atomic_file.h"
#include "cli/account_session.h"
#include "cli/api_call.h"
#include "cli/media_call.h"
#include "cli/output.h"
#include "cli/secrets.h"

namespace sealkey::cli {
namespace {

using nlohmann::json;

struct OperatorOptions {
  std::string username, status, reason, save_to;
  int64_t id = 0;
  bool password_stdin = false;
};

Status Login(const GlobalOptions& g, const OperatorOptions& o) {
  auto c = Connect(g);
  if (!c) return Fail(c.error());
  auto password = ReadSecret({"Operator password", "SEALKEY_OPERATOR_PASSWORD", "password"},
                             o.password_stdin || g.pin_stdin);
  if (!password) return Fail(password.error());
  json body = {{"username", o.username}, {"password", ""}};
  body["password"].get_ref<std::string&>().assign(password->view());
  std::string text = body.dump();
  for (char& ch : body["password"].get_ref<std::string&>()) ch = 0;
  auto answer = c->api.Call("POST", "/operator/session", text);
  for (char& ch : text) *static_cast<volatile char*>(&ch) = 0;
  if (!answer) return Fail(answer.error());
  auto doc = json::parse(*answer, nullptr, false);
  if (doc.is_discarded() || !doc.contains("token")) {
    return Fail(ErrorCode::kIo, "the server's answer has no token", "server");
  }
  client::StoredSession s{c->api.api_root(),
                          SecureBuffer::FromString(doc["token"].get<std::string>()),
                          doc.value("expires_at", int64_t{0}), o.username};
  SEALKEY_RETURN_IF_ERROR(c->profile.SaveSession(s, "operator"));
  if (g.json) PrintJson({{"username", o.username}, {"expires_at", s.expires_at}});
  else std::cout << Tr("Logged in as operator ", "已以审核员身份登录：") << o.username << "\n";
  return Ok();
}

Status Logout(const GlobalOptions& g) {
  auto st = ApiCall(g, Principal::kOperator, "DELETE", "/operator/session");
  auto c = Connect(g);
  if (!c) return Fail(c.error());
  SEALKEY_RETURN_IF_ERROR(c->profile.RemoveSession("operator"));
  if (!st && st.error().code != ErrorCode::kUnauthenticated) return Fail(st.error());
  if (!g.json) std::cout << Tr("Logged out", "已退出") << "\n";
  return Ok();
}

// A queue of one kind ("kyc" or "orgs").
Status List(const GlobalOptions& g, const std::string& queue, const std::string& status) {
  std::string path = "/operator/" + queue;
  if (!status.empty()) path += "?status=" + UrlEncode(status);
  auto doc = ApiCall(g, Principal::kOperator, "GET", path);
  if (!doc) return Fail(doc.error());
  if (g.json) {
    PrintJson(*doc);
    return Ok();
  }
  if (queue == "kyc") PrintRows((*doc)["submissions"], {"id", "status", "name", "id_number", "phone"});
  else PrintRows((*doc)["organisations"], {"id", "status", "name", "credit_code"});
  return Ok();
}

Status Show(const GlobalOptions& g, const std::string& queue, const OperatorOptions& o) {
  std::string path = "/operator/" + queue + "/" + std::to_string(o.id);
  auto doc = ApiCall(g, Principal::kOperator, "GET", path);
  if (!doc) return Fail(doc.error());
  if (!o.save_to.empty()) {
    // Photos (kyc: DIR/front, DIR/back) or the licence (orgs: FILE).
    auto c = Connect(g);
    if (!c) return Fail(c.error());
    auto stored = c->profile.LoadSession("operator");
    if (!stored || !*stored) return Fail(ErrorCode::kPermissionDenied, "not logged in", "session");
    c->api.set_token((*stored)->token.Clone());
    std::vector<std::pair<std::string, std::string>> files;
    if (queue == "kyc") {
      SEALKEY_RETURN_IF_ERROR(MakeDirs(o.save_to, 0700));
      files = {{path + "/photos/front", o.save_to + "/front"},
               {path + "/photos/back", o.save_to + "/back"}};
    } else {
      files = {{path + "/licence", o.save_to}};
    }
    for (const auto& [from, to] : files) {
      auto bytes = c->api.Call("GET", from);
      if (!bytes) return Fail(bytes.error());
      SEALKEY_RETURN_IF_ERROR(WriteFileAtomic(to, AsBytes(*bytes), 0600));
    }
  }
  if (g.json) {
    PrintJson(*doc);
    return Ok();
  }
  if (queue == "kyc") {
    PrintRecord(*doc, {{"id", "Submission", "申请编号"}, {"status", "Status", "状态"},
                       {"name", "Name", "姓名"}, {"id_number", "ID number", "身份证号"},
                       {"phone", "Phone", "手机号"}, {"submitted_at", "Submitted", "提交时间"},
                       {"reason", "Reason", "原因"}, {"decided_by", "Decided by", "审核人"}});
  } else {
    PrintRecord(*doc, {{"id", "Organisation", "机构编号"}, {"status", "Status", "状态"},
                       {"name", "Name", "名称"}, {"credit_code", "Credit code", "统一社会信用代码"},
                       {"address", "Address", "住所"}, {"legal_rep.name", "Legal rep.", "法定代表人"},
                       {"legal_rep.id_number", "Legal rep. ID", "法定代表人身份证号"},
                       {"submitted_at", "Submitted", "提交时间"}, {"reason", "Reason", "原因"},
                       {"decided_by", "Decided by", "审核人"}});
  }
  return Ok();
}

Status Decide(const GlobalOptions& g, const std::string& queue, const OperatorOptions& o,
              bool approve) {
  json body = {{"decision", approve ? "approve" : "reject"}, {"reason", o.reason}};
  auto doc = ApiCall(g, Principal::kOperator, "POST",
                     "/operator/" + queue + "/" + std::to_string(o.id) + "/decision", &body);
  if (!doc) return Fail(doc.error());
  if (g.json) {
    PrintJson(*doc);
    return Ok();
  }
  std::cout << (approve ? Tr("Approved", "已通过") : Tr("Rejected", "已驳回")) << "\n";
  return Ok();
}

void AddQueue(CLI::App* op, CommandContext& ctx, const char* name, const char* queue,
              const char* what, const char* save_help) {
  CLI::App* group = op->add_subcommand(name, what);
  group->require_subcommand(1);
  auto o = std::make_shared<OperatorOptions>();
  std::string q = queue;
  CLI::App* list = group->add_subcommand("list", "List the queue (default: submitted)");
  list->add_option("--status", o->status, "submitted, or a decided state");
  list->callback([&ctx, o, q] { ctx.action = [&ctx, o, q] { return List(ctx.global, q, o->status); }; });
  CLI::App* show = group->add_subcommand("show", "Show one entry in full");
  show->add_option("id", o->id, "Its id")->required();
  show->add_option(q == "kyc" ? "--photos" : "--licence", o->save_to, save_help);
  show->callback([&ctx, o, q] { ctx.action = [&ctx, o, q] { return Show(ctx.global, q, *o); }; });
  CLI::App* approve = group->add_subcommand("approve", "Approve");
  approve->add_option("id", o->id, "Its id")->required();
  approve->callback([&ctx, o, q] { ctx.action = [&ctx, o, q] { return Decide(ctx.global, q, *o, true); }; });
  CLI::App* reject = group->add_subcommand("reject", "Reject with a reason");
  reject->add_option("id", o->id, "Its id")->required();
  reject->add_option("--reason", o->reason, "Why (shown to the applicant)")->required();
  reject->callback([&ctx, o, q] { ctx.action = [&ctx, o, q] { return Decide(ctx.global, q, *o, false); }; });
}

}  // namespace

void AddOperatorOrderCommands(CLI::App* op, CommandContext& ctx);  // operator_order_commands.cc
void AddOperatorSelfServiceCommands(CLI::App* op, CommandContext& ctx);  // operator_selfservice_commands.cc
void AddOperatorCertCommands(CLI::App* op, CommandContext& ctx);  // operator_cert_commands.cc

void RegisterOperatorCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* op = app.add_subcommand("operator", "CA operator: review queues");
  op->require_subcommand(1);
  auto o = std::make_shared<OperatorOptions>();
  CLI::App* login = op->add_subcommand("login", "Log in as an operator");
  login->add_option("--username", o->username, "Operator user name")->required();
  login->add_flag("--password-stdin", o->password_stdin, "Read the password from stdin");
  login->callback([&ctx, o] { ctx.action = [&ctx, o] { return Login(ctx.global, *o); }; });
  op->add_subcommand("logout", "End the operator session")
      ->callback([&ctx] { ctx.action = [&ctx] { return Logout(ctx.global); }; });
  AddQueue(op, ctx, "kyc", "kyc", "Real-name verification queue (B5)",
           "Save the ID card photos into this directory (front, back)");
  AddQueue(op, ctx, "org", "orgs", "New organisation queue (B6)", "Save the business licence here");
  AddOperatorOrderCommands(op, ctx);
  AddOperatorSelfServiceCommands(op, ctx);
  AddOperatorCertCommands(op, ctx);
}

}  // namespace sealkey::cli
