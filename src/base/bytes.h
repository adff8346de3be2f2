// Plain byte containers used across layers. Secrets never live in Bytes:
// use SecureBuffer (secure_buffer.h).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace sealkey {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;

inline ByteView AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
inline std::string_view AsChars(ByteView b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}
inline Bytes ToBytes(std::string_view s) { return Bytes(s.begin(), s.end()); }

// a || b || ...
Bytes Concat(std::initializer_list<ByteView> parts);

}  // namespace sealkey
