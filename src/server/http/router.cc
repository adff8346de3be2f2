#include "server/http/router.h"

#include <nlohmann/json.hpp>

namespace sealkey::server {

using nlohmann::json;

void Router::Add(std::string method, std::string path, Handler handler) {
  routes_.push_back({std::move(method), std::move(path), std::move(handler)});
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
    case ErrorCode::kAlreadyExists: return 409;
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

Error Bilingual(ErrorCode code, std::string en, std::string zh, std::string field) {
  Error e{code, std::move(field), std::move(en)};
  e.message_zh = std::move(zh);
  return e;
}

HttpResponse Router::Dispatch(const HttpRequest& req) const {
  bool path_known = false;
  for (const auto& r : routes_) {
    if (r.path != req.path) continue;
    path_known = true;
    if (r.method != req.method) continue;
    try {
      auto result = r.handler(req);
      if (result) return std::move(*result);
      return ProblemResponse(result.error(), req.lang());
    } catch (const std::exception& e) {
      return ProblemResponse(Bilingual(ErrorCode::kInternal, "internal error", "服务器内部错误"),
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
