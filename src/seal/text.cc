#include "seal/text.h"

namespace sealkey::seal::detail {
namespace {

// The length of the UTF-8 sequence that starts with `lead`, 0 if none does.
size_t SequenceLength(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;  // continuation bytes, overlong 0xc0/0xc1, beyond U+10FFFF
}

bool IsControl(char32_t c) {
  return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029;
}

}  // namespace

Result<std::vector<std::string>> SplitChars(std::string_view text, size_t max_chars,
                                            std::string_view field) {
  auto bad = [&](std::string message) {
    return Fail(ErrorCode::kInvalidArgument, std::move(message), std::string(field));
  };
  if (text.empty()) return bad("must not be empty");
  std::vector<std::string> chars;
  size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const size_t n = SequenceLength(lead);
    if (n == 0 || i + n > text.size()) return bad("is not valid UTF-8");
    char32_t c = n == 1 ? lead : lead & (0x7f >> n);
    for (size_t k = 1; k < n; ++k) {
      const auto b = static_cast<unsigned char>(text[i + k]);
      if ((b & 0xc0) != 0x80) return bad("is not valid UTF-8");
      c = c << 6 | (b & 0x3f);
    }
    // Overlong 3- and 4-byte forms, UTF-16 surrogates, beyond U+10FFFF.
    if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
        (c >= 0xd800 && c <= 0xdfff)) {
      return bad("is not valid UTF-8");
    }
    if (IsControl(c)) return bad("must not contain control characters");
    chars.emplace_back(text.substr(i, n));
    i += n;
  }
  if (chars.size() > max_chars) {
    return bad("is longer than " + std::to_string(max_chars) + " characters");
  }
  return chars;
}

Status CheckPrintableAscii(std::string_view text, size_t max_chars, std::string_view field) {
  if (text.empty())
    return Fail(ErrorCode::kInvalidArgument, "must not be empty", std::string(field));
  if (text.size() > max_chars) {
    return Fail(ErrorCode::kInvalidArgument,
                "is longer than " + std::to_string(max_chars) + " characters", std::string(field));
  }
  for (char ch : text) {
    if (ch < 0x20 || ch > 0x7e) {
      return Fail(ErrorCode::kInvalidArgument, "must be printable ASCII", std::string(field));
    }
  }
  return Ok();
}

}  // namespace sealkey::seal::detail
