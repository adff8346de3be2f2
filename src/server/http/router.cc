#include "server/http/router.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include <nlohmann/json.hpp>

namespace sealkey::server {

using nlohmann::json;

void Router::Add(std::string method, std::string path, Handler handler) {
  // Literal routes stay before pattern routes, so /orgs/search is never
  // taken for /orgs/{id}.
  auto is_pattern = [](const Route& r) { return r.path.find('{') != std::string::npos; };
  Route route{std::move(method), std::move(path), std::move(handler)};
  auto at = is_pattern(route) ? routes_.end()
                              : std::find_if(routes_.begin(), routes_.end(), is_pattern);
  routes_.insert(at, std::move(route));
}

std::vector<std::string> Router::Routes() const {
  std::vector<std::string> out;
  for (const auto& r : routes_) out.push_back(r.method + " " + r.path);
  return out;
}

int StatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kMalformed:
    case ErrorCode::kOutOfRange:
    case ErrorCode::kUnsupported:
    case ErrorCode::kVerifyFailed: return 400;  // e.g. a wrong SMS code: bad input, not a dead session
    case ErrorCode::kPinIncorrect:
    case ErrorCode::kPinRequired:
    case ErrorCode::kUnauthenticated: return 401;
    case ErrorCode::kPermissionDenied: return 403;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kFailedPrecondition: return 409;
    case ErrorCode::kPinLocked: return 423;
    case ErrorCode::kRateLimited: return 429;
    case ErrorCode::kIo: return 503;
    case ErrorCode::kCrypto:
    case ErrorCode::kInternal: return 500;
  }
  return 500;
}

HttpResponse ProblemResponse(const Error& e, Lang lang) {
  int status = StatusFor(e.code);
  std::string message = lang == Lang::kZh && !e.message_zh.empty() ? e.message_zh : e.message;
  if (e.code == ErrorCode::kInternal || e.code == ErrorCode::kCrypto) {
    // Internal details stay in the log; the client learns only that it failed.
    std::fprintf(stderr, "sealkeyd: internal error: %s\n", e.ToString().c_str());
    message = lang == Lang::kZh ? "服务器内部错误" : "internal error";
  }
  json body = {{"type", "about:blank"},
               {"title", std::string(ErrorCodeName(e.code))},
               {"status", status},
               {"code", std::string(ErrorCodeName(e.code))},
               {"field", e.field},
               {"message", message}};
  return {status, "application/problem+json", body.dump(), {}};
}

HttpResponse JsonResponse(int status, const json& body) {
  return {status, "application/json", body.dump(), {}};
}

HttpResponse NoContent() { return {204, "application/json", "", {}}; }

Result<json> ParseJsonBody(const HttpRequest& req) {
  try {
    json j = json::parse(req.body);
    if (!j.is_object()) throw json::type_error::create(302, "not an object", nullptr);
    return j;
  } catch (const json::exception&) {
    return Fail(Bilingual(ErrorCode::kMalformed, "the request body is not a JSON object",
                          "请求内容不是 JSON 对象", "body"));
  }
}

Result<std::string> RequiredString(const json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || !it->is_string() || it->get<std::string>().empty()) {
    return Fail(Bilingual(ErrorCode::kInvalidArgument, "is required", "必填", key));
  }
  return it->get<std::string>();
}

Result<SecureBuffer> RequiredSecret(json& body, const char* key) {
  auto s = RequiredString(body, key);
  if (!s) return Fail(s.error());
  SecureBuffer out = SecureBuffer::FromString(*s);
  auto& stored = body[key].get_ref<std::string&>();
  for (char& c : stored) *static_cast<volatile char*>(&c) = 0;
  for (char& c : *s) *static_cast<volatile char*>(&c) = 0;
  return out;
}

Result<int64_t> ParseId(std::string_view text, const char* field) {
  int64_t v = 0;
  bool ok = !text.empty() && text.size() <= 18 && text[0] != '0';
  for (char c : text) {
    ok = ok && c >= '0' && c <= '9';
    if (ok) v = v * 10 + (c - '0');
  }
  if (!ok) {
    return Fail(Bilingual(ErrorCode::kInvalidArgument, "must be a positive integer id",
                          "须为正整数编号", field));
  }
  return v;
}

Result<int64_t> RequiredId(const json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || !it->is_number_integer() || it->get<int64_t>() <= 0) {
    return Fail(Bilingual(ErrorCode::kInvalidArgument, "must be a positive integer id",
                          "须为正整数编号", key));
  }
  return it->get<int64_t>();
}

Error Bilingual(ErrorCode code, std::string en, std::string zh, std::string field) {
  Error e{code, std::move(field), std::move(en)};
  e.message_zh = std::move(zh);
  return e;
}

namespace {

// Matches `path` against a route pattern whose `{name}` segments take one
// non-empty segment each; fills `params`.
bool MatchPath(const std::string& pattern, const std::string& path,
               std::map<std::string, std::string>& params) {
  if (pattern.find('{') == std::string::npos) return pattern == path;
  size_t i = 0, j = 0;
  std::map<std::string, std::string> found;
  while (i < pattern.size() && j < path.size()) {
    if (pattern[i] == '{') {
      size_t close = pattern.find('}', i);
      size_t end = path.find('/', j);
      if (end == std::string::npos) end = path.size();
      if (end == j) return false;
      found[pattern.substr(i + 1, close - i - 1)] = path.substr(j, end - j);
      i = close + 1;
      j = end;
    } else if (pattern[i++] != path[j++]) {
      return false;
    }
  }
  if (i != pattern.size() || j != path.size()) return false;
  params = std::move(found);
  return true;
}

}  // namespace

HttpResponse Router::Dispatch(HttpRequest req) const {
  bool path_known = false;
  for (const Route& r : routes_) {
    if (!MatchPath(r.path, req.path, req.params)) continue;
    path_known = true;
    if (r.method != req.method) continue;
    try {
      auto result = r.handler(req);
      if (result) return std::move(*result);
      return ProblemResponse(result.error(), req.lang());
    } catch (const json::type_error& e) {
      // A member of the JSON body has the wrong type (body->value(...)).
      return ProblemResponse(Bilingual(ErrorCode::kInvalidArgument,
                                       "a member of the body has the wrong type",
                                       "请求体中有字段类型错误", "body"),
                             req.lang());
    } catch (const std::exception& e) {
      return ProblemResponse(Bilingual(ErrorCode::kInternal,
                                       r.method + " " + r.path + ": " + e.what(),
                                       "服务器内部错误"),
                             req.lang());
    }
  }
  if (path_known) {
    HttpResponse r = ProblemResponse(
        Bilingual(ErrorCode::kUnsupported, "method not allowed", "不支持该请求方法"), req.lang());
    r.status = 405;
    return r;
  }
  HttpResponse r = ProblemResponse(
      Bilingual(ErrorCode::kNotFound, "no such resource", "资源不存在", "path"), req.lang());
  return r;
}

}  // namespace sealkey::server
