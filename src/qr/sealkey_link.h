// The links the platform puts in its QR codes (B8, D7):
//
//   sealkey://project/<id>?server=<percent-encoded base URL>
//       a certificate or seal project: apply for its products (B10)
//   sealkey://use/<nonce>?server=<percent-encoded base URL>
//       a relying party's request to use a certificate or seal (B16)
//
// <id> and <nonce> are 1..128 characters of [A-Za-z0-9_-]. The server is the
// platform's base URL, http or https, optionally with a path prefix, without
// user info, query or fragment; it is percent-encoded (RFC 3986 section 2.1)
// in the link. Parsing is strict because a scanned code is untrusted input:
// the scheme and kind are lower case, `server` is the one and only query
// parameter, and nothing follows it (an old client must not silently ignore
// a parameter added later). This comment is the format's specification.
#pragma once

#include <string>
#include <string_view>

#include "base/error.h"

namespace sealkey::qr {

inline constexpr size_t kMaxLinkLength = 2048;
inline constexpr size_t kMaxLinkIdLength = 128;

enum class LinkKind { kProject, kUse };

struct SealkeyLink {
  LinkKind kind = LinkKind::kProject;
  std::string id;      // project id or request nonce, as in the link
  std::string server;  // decoded base URL, e.g. "https://ca.example.cn/sealkey"
};

// "project" or "use".
std::string_view LinkKindName(LinkKind kind);

// kInvalidArgument naming "link" for anything but a well-formed link as above:
// another scheme or kind, a bad id, a missing, repeated or non-http(s) server,
// another parameter, a fragment, or a bad percent escape.
Result<SealkeyLink> ParseSealkeyLink(std::string_view text);

// The link for `link`, which should be valid (ParseSealkeyLink accepts the
// result and returns `link`); Format itself checks nothing.
std::string FormatSealkeyLink(const SealkeyLink& link);

}  // namespace sealkey::qr
