// `sealkey operator self-service ...` (D8): the operators' side of
// self-service: the review queue and the employers' pre-registered
// applicants (a CSV file: phone,product_id,name,id_number[,org_name,credit_code]
// with that header line).
#include <algorithm>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "base/file.h"
#include "cli/api_call.h"
#include "cli/media_call.h"
#include "cli/output.h"

namespace sealkey::cli {
namespace {

using nlohmann::json;

struct Options {
  std::string state = "pending_review", reason, project, csv;
  int64_t id = 0;
};

const std::string kBase = "/operator/self-service/applications";

std::vector<std::string> SplitCsvLine(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  std::string cell;
  while (std::getline(ss, cell, ',')) {
    size_t b = cell.find_first_not_of(" \t\r"), e = cell.find_last_not_of(" \t\r");
    out.push_back(b == std::string::npos ? "" : cell.substr(b, e - b + 1));
  }
  if (!line.empty() && line.back() == ',') out.emplace_back();
  return out;
}

// The applicants of the CSV file, each line checked for shape; the server
// checks the values (all before storing any).
Result<json> ReadApplicants(const std::string& path) {
  auto bytes = ReadFile(path, "--csv", 16 << 20);
  if (!bytes) return Fail(bytes.error());
  std::stringstream in(std::string(bytes->begin(), bytes->end()));
  std::string line;
  std::vector<std::string> header;
  json rows = json::array();
  for (int n = 1; std::getline(in, line); ++n) {
    if (n == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line = line.substr(3);  // a BOM
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    if (line.find('"') != std::string::npos) {
      return Fail(ErrorCode::kInvalidArgument,
                  "line " + std::to_string(n) + ": quoted fields are not supported", "--csv");
    }
    auto cells = SplitCsvLine(line);
    if (header.empty()) {
      header = cells;
      for (const char* need : {"phone", "product_id", "name", "id_number"}) {
        if (std::find(header.begin(), header.end(), need) == header.end()) {
          return Fail(ErrorCode::kInvalidArgument,
                      std::string("the header line must name the column ") + need, "--csv");
        }
      }
      continue;
    }
    if (cells.size() != header.size()) {
      return Fail(ErrorCode::kInvalidArgument,
                  "line " + std::to_string(n) + ": " + std::to_string(cells.size()) +
                      " fields, the header has " + std::to_string(header.size()),
                  "--csv");
    }
    json row = json::object();
    for (size_t i = 0; i < cells.size(); ++i) row[header[i]] = cells[i];
    rows.push_back(row);
  }
  if (rows.empty()) return Fail(ErrorCode::kInvalidArgument, "has no applicants", "--csv");
  return rows;
}

void Show(const GlobalOptions& g, const json& a) {
  if (g.json) {
    PrintJson(a);
    return;
  }
  PrintRecord(a, {{"id", "Application", "申请编号"},
                  {"state", "State", "状态"},
                  {"source", "Source", "来源"},
                  {"phone", "Phone", "手机号"},
                  {"project_id", "Project", "项目"},
                  {"product_id", "Product", "产品"},
                  {"name", "Name", "姓名"},
                  {"id_number", "ID number", "身份证号"},
                  {"org_name", "Organisation", "单位"},
                  {"credit_code", "Credit code", "统一社会信用代码"},
                  {"email", "E-mail", "电子邮箱"},
                  {"reviewed_by", "Reviewed by", "审核人"},
                  {"review_reason", "Reason", "原因"},
                  {"cert_serial", "Certificate", "证书序列号"},
                  {"created_at", "Submitted", "提交时间"}});
}

template <typename F>
void On(CLI::App* cmd, CommandContext& ctx, std::shared_ptr<Options> o, F f) {
  cmd->callback([&ctx, o, f] { ctx.action = [&ctx, o, f] { return f(ctx.global, *o); }; });
}

}  // namespace

void AddOperatorSelfServiceCommands(CLI::App* op, CommandContext& ctx) {
  auto o = std::make_shared<Options>();
  CLI::App* ss = op->add_subcommand("self-service", "Self-service applications (D8)");
  ss->require_subcommand(1);
  CLI::App* list = ss->add_subcommand("list", "Applications in a state");
  list->add_option("--state", o->state, "pending_review (default), approved, rejected, installed");
  On(list, ctx, o, [](const GlobalOptions& g, const Options& o) -> Status {
    auto r = ApiCall(g, Principal::kOperator, "GET", kBase + "?state=" + UrlEncode(o.state));
    if (!r) return Fail(r.error());
    if (g.json) {
      PrintJson(*r);
    } else {
      PrintRows((*r)["applications"], {"id", "state", "source", "phone", "product_id", "name"});
    }
    return Ok();
  });
  CLI::App* show = ss->add_subcommand("show", "One application, in full");
  show->add_option("id", o->id, "Application number")->required();
  On(show, ctx, o, [](const GlobalOptions& g, const Options& o) -> Status {
    auto r = ApiCall(g, Principal::kOperator, "GET", kBase + "/" + std::to_string(o.id));
    if (!r) return Fail(r.error());
    Show(g, *r);
    return Ok();
  });
  CLI::App* approve = ss->add_subcommand("approve", "Approve (the applicant is texted)");
  approve->add_option("id", o->id, "Application number")->required();
  On(approve, ctx, o, [](const GlobalOptions& g, const Options& o) -> Status {
    json body = json::object();
    auto r = ApiCall(g, Principal::kOperator, "POST",
                     kBase + "/" + std::to_string(o.id) + "/approve", &body);
    if (!r) return Fail(r.error());
    Show(g, *r);
    return Ok();
  });
  CLI::App* reject = ss->add_subcommand("reject", "Reject with a reason (the applicant is texted)");
  reject->add_option("id", o->id, "Application number")->required();
  reject->add_option("--reason", o->reason, "Why (sent to the applicant)")->required();
  On(reject, ctx, o, [](const GlobalOptions& g, const Options& o) -> Status {
    json body = {{"reason", o.reason}};
    auto r = ApiCall(g, Principal::kOperator, "POST",
                     kBase + "/" + std::to_string(o.id) + "/reject", &body);
    if (!r) return Fail(r.error());
    Show(g, *r);
    return Ok();
  });
  CLI::App* pre = ss->add_subcommand("preregister", "Enter applicants an employer collected");
  pre->add_option("--project", o->project, "The project they apply under")->required();
  pre->add_option("--csv", o->csv, "phone,product_id,name,id_number[,org_name,credit_code]")
      ->required();
  On(pre, ctx, o, [](const GlobalOptions& g, const Options& o) -> Status {
    auto rows = ReadApplicants(o.csv);
    if (!rows) return Fail(rows.error());
    json body = {{"applicants", *rows}};
    auto r = ApiCall(g, Principal::kOperator, "POST",
                     "/operator/projects/" + UrlEncode(o.project) + "/preregistrations", &body);
    if (!r) return Fail(r.error());
    if (g.json) {
      PrintJson(*r);
    } else {
      std::cout << Tr("Pre-registered applicants: ", "已预录入申请人：") << (*r)["stored"] << "\n";
    }
    return Ok();
  });
}

}  // namespace sealkey::cli
