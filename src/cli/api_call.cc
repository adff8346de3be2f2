#include "cli/api_call.h"

#include <cstdio>
#include <iostream>

#include "cli/account_session.h"
#include "cli/output.h"

namespace sealkey::cli {

Result<nlohmann::json> ApiCall(const GlobalOptions& g, Principal who, std::string_view method,
                               std::string_view path, const nlohmann::json* body) {
  auto c = Connect(g);
  if (!c) return Fail(c.error());
  if (who == Principal::kPerson) {
    auto s = UseSession(*c);
    if (!s) return Fail(s.error());
  } else if (who != Principal::kAnonymous) {
    bool op = who == Principal::kOperator;
    auto stored = c->profile.LoadSession(op ? "operator" : "self-service");
    if (!stored) return Fail(stored.error());
    if (!*stored || (*stored)->server != c->api.api_root()) {
      return Fail(ErrorCode::kPermissionDenied,
                  op ? std::string(Tr("not logged in as an operator of this server; run `sealkey "
                                      "operator login --username NAME`",
                                      "未以审核员身份登录该服务器；请运行 `sealkey operator login "
                                      "--username 用户名`"))
                     : std::string(Tr("not logged in to the self-service business query of this "
                                      "server; run `sealkey selfservice login --phone PHONE`",
                                      "未登录该服务器的自助业务查询；请运行 `sealkey selfservice "
                                      "login --phone 手机号`")),
                  "session");
    }
    c->api.set_token((*stored)->token.Clone());
  }
  std::string text = body ? body->dump() : std::string();
  auto answer = c->api.Call(method, path, text);
  if (!answer) return Fail(answer.error());
  if (answer->empty()) return nlohmann::json();
  auto doc = nlohmann::json::parse(*answer, nullptr, false);
  if (doc.is_discarded()) {
    return Fail(ErrorCode::kIo, "the server answered something that is not JSON", "server");
  }
  return doc;
}

namespace {

std::string Scalar(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  return v.dump();
}

}  // namespace

void PrintRecord(const nlohmann::json& record, const std::vector<FieldLabel>& fields) {
  for (const auto& f : fields) {
    const nlohmann::json* v = &record;
    // "a.b" reaches into a nested object.
    std::string key = f.key;
    for (size_t dot; v && (dot = key.find('.')) != std::string::npos; key = key.substr(dot + 1)) {
      auto it = v->find(key.substr(0, dot));
      v = it == v->end() ? nullptr : &*it;
    }
    if (!v || !v->contains(key)) continue;
    std::string text = Scalar((*v)[key]);
    if (text.empty() || text == "0") continue;
    bool is_time = (key.size() > 3 && key.compare(key.size() - 3, 3, "_at") == 0) ||
                   key == "not_before" || key == "not_after";
    if (is_time && (*v)[key].is_number()) {
      text = FormatLocalTime((*v)[key].get<int64_t>());
    }
    std::cout << PadLabel(Tr(f.en, f.zh), 20) << text << "\n";
  }
}

void PrintRows(const nlohmann::json& items, const std::vector<const char*>& keys) {
  for (const auto& item : items) {
    std::string line;
    for (const char* k : keys) {
      std::string text = item.contains(k) ? Scalar(item[k]) : "";
      if (!line.empty()) line += "  ";
      line += text.empty() ? "-" : text;
    }
    std::cout << line << "\n";
  }
  if (items.empty()) std::cout << Tr("(none)", "（无）") << "\n";
}

std::string UrlEncode(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

}  // namespace sealkey::cli
