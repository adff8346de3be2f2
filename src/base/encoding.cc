#include "base/encoding.h"

#include <array>
#include <string>

namespace sealkey {
namespace {

constexpr char kHexLower[] = "0123456789abcdef";
constexpr char kHexUpper[] = "0123456789ABCDEF";
constexpr char kB64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsSpace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

std::array<int8_t, 256> B64Table() {
  std::array<int8_t, 256> t{};
  t.fill(-1);
  for (int i = 0; i < 64; ++i) t[static_cast<uint8_t>(kB64[i])] = static_cast<int8_t>(i);
  return t;
}

}  // namespace

std::string HexEncode(ByteView data) {
  std::string out;
  out.reserve(data.size() * 2);
  for (uint8_t b : data) {
    out.push_back(kHexLower[b >> 4]);
    out.push_back(kHexLower[b & 15]);
  }
  return out;
}

std::string HexEncodeUpper(ByteView data, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < data.size(); ++i) {
    if (i) out.append(sep);
    out.push_back(kHexUpper[data[i] >> 4]);
    out.push_back(kHexUpper[data[i] & 15]);
  }
  return out;
}

Result<Bytes> HexDecode(std::string_view text) {
  Bytes out;
  int high = -1;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (high < 0 && (c == ':' || IsSpace(c))) continue;
    int v = HexValue(c);
    if (v < 0) {
      return Fail(ErrorCode::kMalformed,
                  "invalid hex character at position " + std::to_string(i));
    }
    if (high < 0) {
      high = v;
    } else {
      out.push_back(static_cast<uint8_t>(high << 4 | v));
      high = -1;
    }
  }
  if (high >= 0) return Fail(ErrorCode::kMalformed, "odd number of hex digits");
  return out;
}

std::string Base64Encode(ByteView data) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    uint32_t v = data[i] << 16 | data[i + 1] << 8 | data[i + 2];
    out.push_back(kB64[v >> 18]);
    out.push_back(kB64[(v >> 12) & 63]);
    out.push_back(kB64[(v >> 6) & 63]);
    out.push_back(kB64[v & 63]);
  }
  size_t rest = data.size() - i;
  if (rest) {
    uint32_t v = data[i] << 16 | (rest == 2 ? data[i + 1] << 8 : 0);
    out.push_back(kB64[v >> 18]);
    out.push_back(kB64[(v >> 12) & 63]);
    out.push_back(rest == 2 ? kB64[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

Result<Bytes> Base64Decode(std::string_view text) {
  static const std::array<int8_t, 256> table = B64Table();
  std::string clean;
  clean.reserve(text.size());
  for (char c : text) {
    if (!IsSpace(c)) clean.push_back(c);
  }
  if (clean.size() % 4 != 0) {
    return Fail(ErrorCode::kMalformed, "base64 length is not a multiple of 4");
  }
  Bytes out;
  out.reserve(clean.size() / 4 * 3);
  for (size_t i = 0; i < clean.size(); i += 4) {
    bool last = i + 4 == clean.size();
    int pad = 0;
    uint32_t v = 0;
    for (size_t j = 0; j < 4; ++j) {
      char c = clean[i + j];
      if (c == '=' && last && j >= 2) {
        ++pad;
        v <<= 6;
        continue;
      }
      int d = table[static_cast<uint8_t>(c)];
      if (d < 0 || pad) {
        return Fail(ErrorCode::kMalformed,
                    "invalid base64 character at position " + std::to_string(i + j));
      }
      v = v << 6 | static_cast<uint32_t>(d);
    }
    out.push_back(static_cast<uint8_t>(v >> 16));
    if (pad < 2) out.push_back(static_cast<uint8_t>(v >> 8));
    if (pad < 1) out.push_back(static_cast<uint8_t>(v));
  }
  return out;
}

Result<Bytes> PemDecode(std::string_view text, std::string_view label) {
  const std::string header = "-----BEGIN " + std::string(label) + "-----";
  const std::string footer = "-----END " + std::string(label) + "-----";
  size_t begin = text.find(header);
  if (begin == std::string_view::npos) {
    return Fail(ErrorCode::kNotFound, "no PEM " + std::string(label) + " block");
  }
  size_t body = begin + header.size();
  size_t end = text.find(footer, body);
  if (end == std::string_view::npos) {
    return Fail(ErrorCode::kMalformed, "PEM block lacks " + footer);
  }
  auto der = Base64Decode(text.substr(body, end - body));
  if (!der) return Fail(ErrorCode::kMalformed, "invalid base64 in PEM: " + der.error().message);
  return der;
}

}  // namespace sealkey
