// Routes requests to handlers and is the server's one error edge: a handler
// returns Result<HttpResponse>; errors become problem JSON (RFC 9457) with
// the stable `code`, the `field` and a Chinese or English `message`.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "base/error.h"
#include "base/secure_buffer.h"
#include "server/http/http_types.h"

namespace sealkey::server {

using Handler = std::function<Result<HttpResponse>(const HttpRequest&)>;

class Router {
 public:
  void Add(std::string method, std::string path, Handler handler);
  // Never throws: unknown paths give 404, other methods 405, exceptions 500.
  // A route path may have `{name}` segments (as in OpenAPI); they match one
  // non-empty segment and are given to the handler in req.params.
  HttpResponse Dispatch(HttpRequest req) const;
  // "METHOD path" of every route (for the OpenAPI coverage test).
  std::vector<std::string> Routes() const;

 private:
  struct Route {
    std::string method, path;
    Handler handler;
  };
  std::vector<Route> routes_;
};

// The HTTP status for an error code.
int StatusFor(ErrorCode code);
HttpResponse ProblemResponse(const Error& error, Lang lang);
HttpResponse JsonResponse(int status, const nlohmann::json& body);
HttpResponse NoContent();

// Parses a JSON object body; kMalformed (field "body") when it is not one.
Result<nlohmann::json> ParseJsonBody(const HttpRequest& req);
// A required string member; kInvalidArgument naming it when missing.
Result<std::string> RequiredString(const nlohmann::json& body, const char* key);

// A required secret string member (password ...) copied into a SecureBuffer;
// the JSON copy is overwritten.
Result<SecureBuffer> RequiredSecret(nlohmann::json& body, const char* key);

// A positive decimal id (path parameter); kInvalidArgument naming `field`.
Result<int64_t> ParseId(std::string_view text, const char* field);
// A required positive integer member; kInvalidArgument naming it.
Result<int64_t> RequiredId(const nlohmann::json& body, const char* key);

// An error with both languages.
Error Bilingual(ErrorCode code, std::string en, std::string zh, std::string field = {});

}  // namespace sealkey::server
