// Transport-neutral HTTP request/response values used by routes, so Beast
// stays inside server.cc.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace sealkey::server {

enum class Lang { kZh, kEn };

struct HttpRequest {
  std::string method;  // "GET", "POST" ...
  std::string path;    // without the query string
  std::string query;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string client_ip;
  std::map<std::string, std::string> params;  // {name} segments of the matched route

  std::string Param(const std::string& name) const;
  // A query-string value (percent-decoded), or empty.
  std::string QueryParam(const std::string& name) const;

  std::string Header(const std::string& lower_name) const;
  // From Accept-Language: English if it prefers en, else Chinese (default).
  Lang lang() const;
  // The bearer token of the Authorization header, or empty.
  std::string BearerToken() const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

}  // namespace sealkey::server
