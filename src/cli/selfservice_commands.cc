// `sealkey selfservice ...` (D8, manual 6.3.2): certificates without an
// account session.
//   apply          standard flow: phone + project (ID or scanned link) +
//                  product + details + certificate password; then review
//   preregistered  details matched against the employer's pre-registration,
//                  then installed at once into --device
//   captcha / send-code / login / logout: the business query (image captcha,
//                  SMS code, a 30-minute session)
//   list / install / renew: the phone's applications; install and renew
//                  need the certificate password and make or reuse the key
//                  in the medium (only the CSR leaves it)
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "base/atomic_file.h"
#include "base/encoding.h"
#include "cli/account_session.h"
#include "cli/api_call.h"
#include "cli/media_call.h"
#include "cli/output.h"
#include "cli/secrets.h"
#include "qr/sealkey_link.h"

namespace sealkey::cli {

Result<nlohmann::json> InstallBundle(const GlobalOptions& g, const std::string& device,
                                     const nlohmann::json& bundle);

namespace {

using nlohmann::json;

struct SelfServiceOptions {
  std::string phone, code, project, product, name, id_number, org_name, credit_code, email,
      device, cert, purpose = "apply", captcha_id, captcha_answer, save, state = "pending_review";
  int64_t id = 0;
  bool agree = false, password_stdin = false;
};

Result<SecureBuffer> CertificatePassword(const GlobalOptions& g, const SelfServiceOptions& o,
                                         bool is_new) {
  SecretSpec spec{is_new ? "Certificate password (8-16 characters, 3 of upper, lower, digit, "
                           "other; needed to install the certificate)"
                         : "Certificate password (set when applying)",
                  "SEALKEY_CERT_PASSWORD", "certificate_password", is_new};
  return ReadSecret(spec, o.password_stdin || g.pin_stdin);
}

// A captcha fetched now, saved as a PNG for the person to look at.
Result<std::string> FetchCaptcha(const GlobalOptions& g, const std::string& path) {
  auto c = ApiCall(g, Principal::kAnonymous, "POST", "/self-service/captcha");
  if (!c) return Fail(c.error());
  auto png = Base64Decode(c->value("png", ""));
  if (!png) return Fail(ErrorCode::kMalformed, "the captcha image is not base64", "png");
  SEALKEY_RETURN_IF_ERROR(WriteFileAtomic(path, *png, 0600));
  return c->value("id", "");
}

Status SendCode(const GlobalOptions& g, const SelfServiceOptions& o) {
  if (o.purpose == "apply") {
    json body = {{"phone", o.phone}};
    auto r = ApiCall(g, Principal::kAnonymous, "POST", "/self-service/apply-code", &body);
    if (!r) return Fail(r.error());
  } else if (o.purpose == "query") {
    std::string id = o.captcha_id, answer = o.captcha_answer;
    if (id.empty()) {
      std::string path = o.save.empty() ? "sealkey-captcha.png" : o.save;
      auto fetched = FetchCaptcha(g, path);
      if (!fetched) return Fail(fetched.error());
      id = *fetched;
      std::cerr << Tr("The captcha image is in ", "图形验证码图片已保存到 ") << path << "\n";
      auto typed = PromptLine(Tr("Characters in the image", "图中字符"), "--captcha-answer");
      if (!typed) return Fail(typed.error());
      answer = *typed;
    }
    json body = {{"phone", o.phone}, {"captcha_id", id}, {"captcha_answer", answer}};
    auto r = ApiCall(g, Principal::kAnonymous, "POST", "/self-service/query-code", &body);
    if (!r) return Fail(r.error());
  } else {
    return Fail(ErrorCode::kInvalidArgument, "must be apply or query", "--for");
  }
  if (!g.json) std::cout << Tr("An SMS code was sent to ", "短信验证码已发送至 ") << o.phone << "\n";
  return Ok();
}

// --code, else one sent now and typed in.
Result<std::string> Code(const GlobalOptions& g, SelfServiceOptions o, const char* purpose) {
  if (!o.code.empty()) return o.code;
  o.purpose = purpose;
  SEALKEY_RETURN_IF_ERROR(SendCode(g, o));
  return PromptLine(Tr("SMS code", "短信验证码"), "--code");
}

Status PrintApplication(const GlobalOptions& g, const json& a, std::string_view en,
                        std::string_view zh) {
  if (g.json) {
    PrintJson(a);
    return Ok();
  }
  if (!en.empty()) std::cout << Tr(en, zh) << "\n";
  PrintRecord(a, {{"id", "Application", "申请编号"},
                  {"state", "State", "状态"},
                  {"product_id", "Product", "产品"},
                  {"name", "Name", "姓名"},
                  {"id_number", "ID number", "身份证号"},
                  {"org_name", "Organisation", "单位"},
                  {"review_reason", "Reason", "原因"},
                  {"cert_serial", "Certificate", "证书序列号"}});
  return Ok();
}

json ApplyBody(const SelfServiceOptions& o, const std::string& code, const SecureBuffer& pw) {
  return {{"phone", o.phone},         {"code", code},
          {"agreement_version", "2026.1"}, {"agreed", o.agree},
          {"name", o.name},           {"id_number", o.id_number},
          {"org_name", o.org_name},   {"credit_code", o.credit_code},
          {"email", o.email},         {"project_id", o.project},
          {"product_id", o.product},  {"certificate_password", std::string(pw.view())}};
}

Status Apply(const GlobalOptions& g, SelfServiceOptions o) {
  if (o.project.rfind("sealkey://", 0) == 0) {
    auto link = qr::ParseSealkeyLink(o.project);
    if (!link) return Fail(link.error());
    o.project = link->id;
  }
  auto pw = CertificatePassword(g, o, true);
  if (!pw) return Fail(pw.error());
  auto code = Code(g, o, "apply");
  if (!code) return Fail(code.error());
  json body = ApplyBody(o, *code, *pw);
  auto a = ApiCall(g, Principal::kAnonymous, "POST", "/self-service/applications", &body);
  if (!a) return Fail(a.error());
  return PrintApplication(g, *a, "Application submitted; you will get an SMS after the review",
                          "申请已提交，审核后将短信通知您");
}

// The key pair made in the medium for `product`, its CSR sent by `post`;
// the key goes again when nothing was issued.
template <typename F>
Status IssueInto(const GlobalOptions& g, const std::string& device, const std::string& product,
                 F post) {
  auto products = ApiCall(g, Principal::kAnonymous, "GET", "/products");
  if (!products) return Fail(products.error());
  std::string alg;
  const json list = (*products)["products"];
  for (const auto& p : list) {
    if (p.value("id", "") == product) alg = p.value("alg", "");
  }
  if (alg.empty()) {
    return Fail(ErrorCode::kNotFound, "the platform no longer offers product " + product,
                "product_id");
  }
  auto key = CallMedia(g, {{"op", "key.generate"}, {"device", device}, {"alg", alg},
                           {"usage", "sign"}, {"subject", "CN=sealkey self-service"}});
  if (!key) return Fail(key.error());
  std::string container = (*key)["container"];
  Result<json> bundle = post((*key)["csr_pem"].get<std::string>());
  if (!bundle) {
    (void)CallMedia(g, {{"op", "key.delete"}, {"device", device}, {"container", container}});
    return Fail(bundle.error());
  }
  auto out = InstallBundle(g, device, *bundle);
  if (!out) return Fail(out.error());
  if (g.json) {
    PrintJson(*out);
    return Ok();
  }
  std::cout << Tr("Certificate issued and installed", "证书已签发并安装") << "\n";
  PrintRecord(*out, {{"serial", "Serial", "序列号"},
                     {"subject", "Subject", "主题"},
                     {"not_after", "Valid until", "有效期至"},
                     {"container", "Container", "容器"},
                     {"encryption_serial", "Encryption cert", "加密证书"}});
  return Ok();
}

Status SaveSession(const GlobalOptions& g, const json& s) {
  auto c = Connect(g);
  if (!c) return Fail(c.error());
  return c->profile.SaveSession({c->api.api_root(), SecureBuffer::FromString(s.value("token", "")),
                                 s.value("expires_at", int64_t{0}), s.value("phone", "")},
                                "self-service");
}

Status Preregistered(const GlobalOptions& g, const SelfServiceOptions& o) {
  auto pw = CertificatePassword(g, o, true);
  if (!pw) return Fail(pw.error());
  auto code = Code(g, o, "apply");
  if (!code) return Fail(code.error());
  json body = ApplyBody(o, *code, *pw);
  auto r = ApiCall(g, Principal::kAnonymous, "POST", "/self-service/preregistered", &body);
  if (!r) return Fail(r.error());
  SEALKEY_RETURN_IF_ERROR(SaveSession(g, (*r)["session"]));
  const json app = (*r)["application"];
  int64_t id = app.value("id", int64_t{0});
  if (!g.json) {
    std::cout << Tr("Your employer's pre-registration matched (application ",
                    "已匹配单位预录入信息（申请编号 ")
              << id << Tr("); installing", "）；正在安装") << "\n";
  }
  return IssueInto(g, o.device, app.value("product_id", ""), [&](const std::string& csr) {
    json install = {{"certificate_password", std::string(pw->view())}, {"csr", csr}};
    return ApiCall(g, Principal::kSelfService, "POST",
                   "/self-service/applications/" + std::to_string(id) + "/install", &install);
  });
}

Status Login(const GlobalOptions& g, const SelfServiceOptions& o) {
  auto code = Code(g, o, "query");
  if (!code) return Fail(code.error());
  json body = {{"phone", o.phone}, {"code", *code}};
  auto s = ApiCall(g, Principal::kAnonymous, "POST", "/self-service/sessions", &body);
  if (!s) return Fail(s.error());
  SEALKEY_RETURN_IF_ERROR(SaveSession(g, *s));
  if (!g.json) std::cout << Tr("Logged in to the business query", "已登录业务查询") << "\n";
  return Ok();
}

Status Logout(const GlobalOptions& g, const SelfServiceOptions&) {
  auto c = Connect(g);
  if (!c) return Fail(c.error());
  return c->profile.RemoveSession("self-service");
}

Status Captcha(const GlobalOptions& g, const SelfServiceOptions& o) {
  auto id = FetchCaptcha(g, o.save);
  if (!id) return Fail(id.error());
  if (g.json) {
    PrintJson({{"id", *id}, {"image", o.save}});
  } else {
    std::cout << *id << "\n";
  }
  return Ok();
}

Status List(const GlobalOptions& g, const SelfServiceOptions&) {
  auto r = ApiCall(g, Principal::kSelfService, "GET", "/self-service/applications");
  if (!r) return Fail(r.error());
  if (g.json) {
    PrintJson(*r);
    return Ok();
  }
  PrintRows((*r)["applications"], {"id", "state", "product_id", "name", "cert_serial",
                                   "review_reason"});
  return Ok();
}

// The phone's application `id` (its product).
Result<json> MyApplication(const GlobalOptions& g, int64_t id) {
  auto r = ApiCall(g, Principal::kSelfService, "GET", "/self-service/applications");
  if (!r) return Fail(r.error());
  const json list = (*r)["applications"];
  for (const auto& a : list) {
    if (a.value("id", int64_t{0}) == id) return a;
  }
  return Fail(ErrorCode::kNotFound, "this phone has no such self-service application",
              "application");
}

Status Install(const GlobalOptions& g, const SelfServiceOptions& o) {
  auto app = MyApplication(g, o.id);
  if (!app) return Fail(app.error());
  auto pw = CertificatePassword(g, o, false);
  if (!pw) return Fail(pw.error());
  return IssueInto(g, o.device, app->value("product_id", ""), [&](const std::string& csr) {
    json body = {{"certificate_password", std::string(pw->view())}, {"csr", csr}};
    return ApiCall(g, Principal::kSelfService, "POST",
                   "/self-service/applications/" + std::to_string(o.id) + "/install", &body);
  });
}

Status Renew(const GlobalOptions& g, const SelfServiceOptions& o) {
  auto pw = CertificatePassword(g, o, false);
  if (!pw) return Fail(pw.error());
  auto csr = CallMedia(g, {{"op", "key.csr"}, {"device", o.device}, {"cert", o.cert}});
  if (!csr) return Fail(csr.error());
  json body = {{"certificate_password", std::string(pw->view())}, {"csr", (*csr)["csr_pem"]}};
  auto bundle = ApiCall(g, Principal::kSelfService, "POST",
                        "/self-service/applications/" + std::to_string(o.id) + "/renew", &body);
  if (!bundle) return Fail(bundle.error());
  auto out = InstallBundle(g, o.device, *bundle);
  if (!out) return Fail(out.error());
  if (g.json) {
    PrintJson(*out);
    return Ok();
  }
  std::cout << Tr("Certificate renewed (same key) and installed", "证书已续期（原密钥）并安装")
            << "\n";
  PrintRecord(*out, {{"serial", "Serial", "序列号"}, {"not_after", "Valid until", "有效期至"}});
  return Ok();
}

template <typename F>
void On(CLI::App* cmd, CommandContext& ctx, std::shared_ptr<SelfServiceOptions> o, F f) {
  cmd->callback([&ctx, o, f] { ctx.action = [&ctx, o, f] { return f(ctx.global, *o); }; });
}

void Details(CLI::App* cmd, SelfServiceOptions& o) {
  cmd->add_option("--phone", o.phone, "Mobile number")->required();
  cmd->add_option("--code", o.code, "SMS code (asked for when absent)");
  cmd->add_option("--name", o.name, "Your name as on your ID card")->required();
  cmd->add_option("--id-number", o.id_number, "Resident ID number")->required();
  cmd->add_option("--email", o.email, "E-mail address (optional)");
  cmd->add_flag("--agree", o.agree, "Accept the privacy agreement and certificate terms");
  cmd->add_flag("--password-stdin", o.password_stdin, "Read the certificate password from stdin");
}

}  // namespace

void RegisterSelfServiceCommands(CLI::App& app, CommandContext& ctx) {
  auto o = std::make_shared<SelfServiceOptions>();
  CLI::App* ss = app.add_subcommand("selfservice", "Self-service certificates (no account login)");
  ss->require_subcommand(1);
  CLI::App* apply = ss->add_subcommand("apply", "Apply for a certificate of a project (standard flow)");
  Details(apply, *o);
  apply->add_option("--project", o->project, "Project ID or its scanned sealkey:// link")->required();
  apply->add_option("--product", o->product, "Certificate product of the project")->required();
  apply->add_option("--org-name", o->org_name, "Organisation (employee/organisation products)");
  apply->add_option("--credit-code", o->credit_code, "Its unified social credit code");
  On(apply, ctx, o, Apply);
  CLI::App* pre = ss->add_subcommand("preregistered",
                                     "Apply with details your employer registered, and install");
  Details(pre, *o);
  pre->add_option("--device,-d", o->device, "The medium that makes and keeps the key")->required();
  On(pre, ctx, o, Preregistered);
  CLI::App* captcha = ss->add_subcommand("captcha", "Fetch an image captcha; prints its id");
  captcha->add_option("--save", o->save, "Where to write the PNG")->required();
  On(captcha, ctx, o, Captcha);
  CLI::App* send = ss->add_subcommand("send-code", "Have an SMS code sent");
  send->add_option("--phone", o->phone, "Mobile number")->required();
  send->add_option("--for", o->purpose, "apply (default) or query (needs a captcha)");
  send->add_option("--captcha-id", o->captcha_id, "Query: the captcha's id (fetched when absent)");
  send->add_option("--captcha-answer", o->captcha_answer, "Query: the characters in its image");
  send->add_option("--save", o->save, "Query: where to write a fetched captcha image");
  On(send, ctx, o, SendCode);
  CLI::App* login = ss->add_subcommand("login", "Log in to the business query");
  login->add_option("--phone", o->phone, "Mobile number")->required();
  login->add_option("--code", o->code, "SMS code (purpose query; captcha and code asked when absent)");
  login->add_option("--save", o->save, "Where to write the captcha image");
  On(login, ctx, o, Login);
  On(ss->add_subcommand("logout", "Forget the business query session"), ctx, o, Logout);
  On(ss->add_subcommand("list", "The phone's applications"), ctx, o, List);
  CLI::App* install = ss->add_subcommand("install", "Install the certificate of an approved application");
  install->add_option("id", o->id, "Application number")->required();
  install->add_option("--device,-d", o->device, "The medium that makes and keeps the key")->required();
  install->add_flag("--password-stdin", o->password_stdin, "Read the certificate password from stdin");
  On(install, ctx, o, Install);
  CLI::App* renew = ss->add_subcommand("renew", "Renew an expiring self-service certificate");
  renew->add_option("id", o->id, "Application number")->required();
  renew->add_option("--device,-d", o->device, "The medium")->required();
  renew->add_option("--cert,-c", o->cert, "The certificate (ref or thumbprint)")->required();
  renew->add_flag("--password-stdin", o->password_stdin, "Read the certificate password from stdin");
  On(renew, ctx, o, Renew);
}

}  // namespace sealkey::cli
