#include "server/http/http_types.h"

namespace sealkey::server {

std::string HttpRequest::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? "" : it->second;
}

Lang HttpRequest::lang() const {
  std::string al = Header("accept-language");
  // The first language range decides; zh-CN is the platform default.
  return al.rfind("en", 0) == 0 ? Lang::kEn : Lang::kZh;
}

std::string HttpRequest::BearerToken() const {
  std::string auth = Header("authorization");
  const std::string prefix = "Bearer ";
  if (auth.size() <= prefix.size() || auth.compare(0, prefix.size(), prefix) != 0) return "";
  return auth.substr(prefix.size());
}

}  // namespace sealkey::server
