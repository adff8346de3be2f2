#include "qr/sealkey_link.h"

#include <cctype>

namespace sealkey::qr {
namespace {

constexpr std::string_view kScheme = "sealkey://";
constexpr std::string_view kServerParam = "server=";

tl::unexpected<Error> LinkError(std::string message) {
  return Fail(ErrorCode::kInvalidArgument, std::move(message), "link");
}

bool IsAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// RFC 3986 section 2.3 unreserved characters, which are never escaped.
bool IsUnreserved(char c) { return IsAlnum(c) || c == '-' || c == '.' || c == '_' || c == '~'; }

bool IsValidId(std::string_view id) {
  if (id.empty() || id.size() > kMaxLinkIdLength) return false;
  for (char c : id) {
    if (!IsAlnum(c) && c != '-' && c != '_') return false;
  }
  return true;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 3986 percent-decoding; '+' is a plain '+' (this is not a form).
Result<std::string> PercentDecode(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    const int hi = i + 2 < text.size() ? HexValue(text[i + 1]) : -1;
    const int lo = hi >= 0 ? HexValue(text[i + 2]) : -1;
    if (lo < 0) return LinkError("the server parameter has a bad percent escape");
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

// A base URL: http(s)://host[:port][/path], where host is a DNS name, an
// IPv4 address or a bracketed IPv6 address, with no user info ("https://
// bank.example@evil.example" is a classic phishing shape), query or fragment.
Status CheckServer(std::string_view url) {
  std::string_view rest;
  if (url.starts_with("https://")) {
    rest = url.substr(8);
  } else if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else {
    return LinkError("the server must be an http:// or https:// URL");
  }
  const size_t slash = rest.find('/');
  const std::string_view authority = rest.substr(0, slash);
  const std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash);
  std::string_view host = authority;
  std::string_view port;
  if (authority.starts_with('[')) {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos || close == 1)
      return LinkError("the server's host is malformed");
    for (char c : authority.substr(1, close - 1)) {
      if (std::isxdigit(static_cast<unsigned char>(c)) == 0 && c != ':' && c != '.') {
        return LinkError("the server's host is malformed");
      }
    }
    host = authority.substr(0, close + 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty() && !after.starts_with(':'))
      return LinkError("the server's host is malformed");
    if (!after.empty()) port = after.substr(1);
    if (after == ":") return LinkError("the server's port is malformed");
  } else {
    const size_t colon = authority.find(':');
    if (colon != std::string_view::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
      if (port.empty()) return LinkError("the server's port is malformed");
    }
    if (host.empty()) return LinkError("the server has no host");
    for (char c : host) {
      if (!IsAlnum(c) && c != '-' && c != '.') {
        return LinkError(c == '@' ? "the server must not carry user info"
                                  : "the server's host is malformed");
      }
    }
  }
  if (port.size() > 5) return LinkError("the server's port is malformed");
  for (char c : port) {
    if (!std::isdigit(static_cast<unsigned char>(c)))
      return LinkError("the server's port is malformed");
  }
  for (char c : path) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F || c == '?' || c == '#' || c == '\\') {
      return LinkError("the server's path may not contain spaces, '?', '#' or non-ASCII");
    }
  }
  return Ok();
}

}  // namespace

std::string_view LinkKindName(LinkKind kind) { return kind == LinkKind::kUse ? "use" : "project"; }

Result<SealkeyLink> ParseSealkeyLink(std::string_view text) {
  if (text.size() > kMaxLinkLength) {
    return LinkError("is longer than " + std::to_string(kMaxLinkLength) + " characters");
  }
  if (!text.starts_with(kScheme)) return LinkError("is not a sealkey:// link");
  std::string_view rest = text.substr(kScheme.size());
  if (rest.find('#') != std::string_view::npos) return LinkError("must not have a fragment");

  const size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return LinkError("has no kind (project or use)");
  SealkeyLink link;
  const std::string_view kind = rest.substr(0, slash);
  if (kind == "project") {
    link.kind = LinkKind::kProject;
  } else if (kind == "use") {
    link.kind = LinkKind::kUse;
  } else {
    return LinkError("has an unknown kind '" + std::string(kind) + "' (expected project or use)");
  }
  rest = rest.substr(slash + 1);

  const size_t question = rest.find('?');
  const std::string_view id = rest.substr(0, question);
  if (!IsValidId(id)) {
    return LinkError("has a bad " + std::string(kind == "use" ? "nonce" : "project id") + " (1.." +
                     std::to_string(kMaxLinkIdLength) + " of A-Z a-z 0-9 - _)");
  }
  link.id = std::string(id);
  if (question == std::string_view::npos) return LinkError("has no server parameter");

  const std::string_view query = rest.substr(question + 1);
  if (!query.starts_with(kServerParam)) {
    return LinkError(query.find("server=") == std::string_view::npos
                         ? "has no server parameter"
                         : "must have server as its only parameter");
  }
  const std::string_view value = query.substr(kServerParam.size());
  if (value.find('&') != std::string_view::npos) {
    return LinkError("must have server as its only parameter");
  }
  auto server = PercentDecode(value);
  if (!server) return Fail(std::move(server.error()));
  SEALKEY_RETURN_IF_ERROR(CheckServer(*server));
  link.server = std::move(*server);
  return link;
}

std::string FormatSealkeyLink(const SealkeyLink& link) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out(kScheme);
  out += LinkKindName(link.kind);
  out += '/';
  out += link.id;
  out += '?';
  out += kServerParam;
  for (char c : link.server) {
    if (IsUnreserved(c)) {
      out.push_back(c);
    } else {
      const auto u = static_cast<unsigned char>(c);
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0xF]);
    }
  }
  return out;
}

}  // namespace sealkey::qr
