// Shared by the command files that speak to sealkeyd's JSON API directly
// (organisations, operator queues): the call with the person's or the
// operator's stored session, and plain-text printing of the answers.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/command.h"

namespace sealkey::cli {

// kSelfService: the self-service business query's session (D8), stored
// under the name "self-service"; kAnonymous: no token.
enum class Principal { kPerson, kOperator, kSelfService, kAnonymous };

// `body` may be null (no body). The answer's JSON (null when empty).
Result<nlohmann::json> ApiCall(const GlobalOptions& g, Principal who, std::string_view method,
                               std::string_view path, const nlohmann::json* body = nullptr);

// One field per line: {json key, English label, Chinese label}.
struct FieldLabel {
  const char* key;
  const char* en;
  const char* zh;
};
void PrintRecord(const nlohmann::json& record, const std::vector<FieldLabel>& fields);
// One line per item with the given keys, separated by two spaces.
void PrintRows(const nlohmann::json& items, const std::vector<const char*>& keys);
// Percent-encodes a query value.
std::string UrlEncode(std::string_view text);

}  // namespace sealkey::cli
