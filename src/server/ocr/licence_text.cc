// Finding a business licence's fields in OCR text. The text is handled as
// UTF-32 lines so that Chinese characters are single units: each line is
// cleaned (full-width ASCII folded, spaces next to a Chinese character
// dropped), then cut at every known label; a field's value runs from its
// label to the next label on the line, or is the next line when its label
// stands alone.
#include <algorithm>
#include <cstdint>
#include <iterator>
#include <vector>

#include "server/ocr/licence_ocr.h"

namespace sealkey::server {
namespace {

// GB 32100-2015: the code's alphabet (no I, O, S, V, Z).
constexpr std::string_view kCodeAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr size_t kCodeLength = 18;

enum class Field { kName, kCreditCode, kLegalRep, kAddress, kOther };

struct Label {
  std::u32string_view text;
  Field field;
};

// A label that contains another comes first (主要经营场所 before 经营场所).
// kOther labels only end the value before them: they are the other fields
// of a licence, which OCR often puts on the same line (two columns).
constexpr Label kLabels[] = {
    {U"统一社会信用代码", Field::kCreditCode},
    {U"企业名称", Field::kName},
    {U"名称", Field::kName},
    {U"法定代表人", Field::kLegalRep},
    {U"执行事务合伙人", Field::kLegalRep},
    {U"负责人", Field::kLegalRep},
    {U"经营者", Field::kLegalRep},
    {U"投资人", Field::kLegalRep},
    {U"主要经营场所", Field::kAddress},
    {U"营业场所", Field::kAddress},
    {U"经营场所", Field::kAddress},
    {U"住所", Field::kAddress},
    {U"注册资本", Field::kOther},
    {U"注册号", Field::kOther},
    {U"类型", Field::kOther},
    {U"组成形式", Field::kOther},
    {U"成立日期", Field::kOther},
    {U"注册日期", Field::kOther},
    {U"营业期限", Field::kOther},
    {U"经营期限", Field::kOther},
    {U"合伙期限", Field::kOther},
    {U"出资总额", Field::kOther},
    {U"出资额", Field::kOther},
    {U"经营范围", Field::kOther},
    {U"登记机关", Field::kOther},
    {U"营业执照", Field::kOther},
};

// Invalid UTF-8 bytes are dropped: OCR output is valid, and a stray byte
// must not end the parse.
std::u32string DecodeUtf8(std::string_view s) {
  std::u32string out;
  for (size_t i = 0; i < s.size();) {
    const auto b = static_cast<uint8_t>(s[i]);
    const size_t n = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) {
      ++i;
      continue;
    }
    char32_t c = n == 1 ? b : b & (0x7F >> n);
    bool ok = true;
    for (size_t k = 1; k < n; ++k) {
      const auto t = static_cast<uint8_t>(s[i + k]);
      ok = ok && (t & 0xC0) == 0x80;
      c = (c << 6) | (t & 0x3F);
    }
    if (ok) out.push_back(c);
    i += ok ? n : 1;
  }
  return out;
}

std::string EncodeUtf8(std::u32string_view s) {
  std::string out;
  for (char32_t c : s) {
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (c >> 12)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (c >> 18)));
      out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

bool IsSpace(char32_t c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }
bool IsAsciiAlnum(char32_t c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

// Full-width forms (U+FF01..U+FF5E) and the ideographic space become ASCII.
std::u32string Fold(std::u32string_view line) {
  std::u32string out;
  for (char32_t c : line) {
    if (c >= 0xFF01 && c <= 0xFF5E) c -= 0xFEE0;
    if (c == 0x3000 || c == 0xA0) c = ' ';
    out.push_back(c);
  }
  return out;
}

// A run of spaces next to a non-ASCII character is dropped (the OCR puts
// spaces between Chinese characters), other runs become one space.
std::u32string Squeeze(std::u32string_view folded) {
  std::u32string out;
  for (size_t i = 0; i < folded.size();) {
    if (!IsSpace(folded[i])) {
      out.push_back(folded[i++]);
      continue;
    }
    size_t j = i;
    while (j < folded.size() && IsSpace(folded[j])) ++j;
    const bool wide_before = !out.empty() && out.back() >= 0x80;
    const bool wide_after = j < folded.size() && folded[j] >= 0x80;
    if (!out.empty() && j < folded.size() && !wide_before && !wide_after) out.push_back(' ');
    i = j;
  }
  return out;
}

// Separators OCR leaves around a value: colons, bars, dots, quotes.
// Brackets are kept: names such as "示例（福建）有限公司" use them.
bool IsSeparator(char32_t c) {
  static constexpr std::u32string_view kSeparators = U" :;|.,_-~'\"`、。，：；·•“”‘’";
  return kSeparators.find(c) != std::u32string_view::npos;
}

std::u32string Trim(std::u32string_view v) {
  size_t b = 0, e = v.size();
  while (b < e && IsSeparator(v[b])) ++b;
  while (e > b && IsSeparator(v[e - 1])) --e;
  return std::u32string(v.substr(b, e - b));
}

struct Match {
  size_t pos, len;
  Field field;
};

// Length of `label` at line[i], allowing separators between its characters
// (letter-spaced labels come out as "名 ， 称" or "类 ”型"); 0 if absent.
size_t MatchLabelAt(std::u32string_view line, size_t i, std::u32string_view label) {
  size_t j = i;
  for (size_t k = 0; k < label.size(); ++k, ++j) {
    while (k > 0 && j < line.size() && IsSeparator(line[j])) ++j;
    if (j >= line.size() || line[j] != label[k]) return 0;
  }
  return j - i;
}

std::vector<Match> FindLabels(std::u32string_view line) {
  std::vector<Match> out;
  for (size_t i = 0; i < line.size();) {
    size_t len = 0;
    const Label* hit = nullptr;
    for (const Label& l : kLabels) {
      if ((len = MatchLabelAt(line, i, l.text)) > 0) {
        hit = &l;
        break;
      }
    }
    if (hit == nullptr) {
      ++i;
      continue;
    }
    out.push_back({i, len, hit->field});
    i += len;
  }
  return out;
}

// When the 名称 label was misread ("名 ， 黎 X公司"): the first line without
// a label that ends like an organisation's name, less its leading one- or
// two-character fragments (what is left of a letter-spaced label).
std::string NameWithoutLabel(const std::vector<std::u32string>& folded) {
  static constexpr std::u32string_view kEndings[] = {U"公司", U"企业", U"合作社", U"事务所"};
  for (const std::u32string& raw : folded) {
    const std::u32string line = Trim(Squeeze(raw));
    const bool ends = std::any_of(std::begin(kEndings), std::end(kEndings), [&](auto e) {
      return line.size() > e.size() && line.ends_with(e);
    });
    if (!ends || !FindLabels(line).empty()) continue;
    size_t b = 0;
    while (b < raw.size()) {
      while (b < raw.size() && IsSpace(raw[b])) ++b;
      size_t e = b;
      while (e < raw.size() && !IsSpace(raw[e])) ++e;
      if (e == raw.size() || Trim(raw.substr(b, e - b)).size() > 2) break;
      b = e;
    }
    return EncodeUtf8(Trim(Squeeze(std::u32string_view(raw).substr(b))));
  }
  return {};
}

// The credit code after its label: the leading run of letters, digits and
// spaces, else its first space-separated token.
std::string CodeAfterLabel(std::u32string_view value) {
  size_t n = 0;
  while (n < value.size() && (IsAsciiAlnum(value[n]) || value[n] == ' ')) ++n;
  const std::string run = EncodeUtf8(value.substr(0, n));
  std::string code = NormaliseCreditCode(run);
  if (code.empty()) code = NormaliseCreditCode(run.substr(0, run.find(' ')));
  return code;
}

// Any 18-character run anywhere that is a plausible code.
std::string CodeAnywhere(const std::vector<std::u32string>& lines) {
  for (const auto& line : lines) {
    for (size_t i = 0; i < line.size();) {
      if (!IsAsciiAlnum(line[i])) {
        ++i;
        continue;
      }
      size_t j = i;
      while (j < line.size() && (IsAsciiAlnum(line[j]) || line[j] == ' ')) ++j;
      std::string code = NormaliseCreditCode(EncodeUtf8(line.substr(i, j - i)));
      if (!code.empty()) return code;
      i = j;
    }
  }
  return {};
}

}  // namespace

std::string NormaliseCreditCode(std::string_view text) {
  std::string code;
  for (char c : text) {
    if (c == ' ' || c == '\t') continue;
    switch (c) {
      case 'o': case 'O': c = '0'; break;
      case 'i': case 'I': case 'l': case '|': c = '1'; break;
      case 'z': case 'Z': c = '2'; break;
      case 's': case 'S': c = '5'; break;
      default:
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    code.push_back(c);
  }
  if (code.size() != kCodeLength) return {};
  // Characters 3-8 are the registering authority's region code (GB/T 2260):
  // digits only, so the letters a digit is read as are folded back.
  for (size_t i = 2; i < 8; ++i) {
    switch (code[i]) {
      case 'B': code[i] = '8'; break;
      case 'G': code[i] = '6'; break;
      case 'D': case 'Q': code[i] = '0'; break;
      default: break;
    }
    if (code[i] < '0' || code[i] > '9') return {};
  }
  for (char c : code) {
    if (kCodeAlphabet.find(c) == std::string_view::npos) return {};
  }
  return code;
}

LicenceFields ParseLicenceText(std::string_view text) {
  // Non-empty lines, folded, and folded + squeezed.
  std::vector<std::u32string> folded, lines;
  const std::u32string all = DecodeUtf8(text);
  for (size_t b = 0; b <= all.size();) {
    size_t e = all.find(U'\n', b);
    if (e == std::u32string::npos) e = all.size();
    std::u32string line = Fold(std::u32string_view(all).substr(b, e - b));
    if (!Squeeze(line).empty()) {
      lines.push_back(Squeeze(line));
      folded.push_back(std::move(line));
    }
    b = e + 1;
  }

  LicenceFields out;
  out.raw_text = std::string(text);
  auto slot = [&out](Field f) -> std::string* {
    switch (f) {
      case Field::kName: return &out.name;
      case Field::kCreditCode: return &out.credit_code;
      case Field::kLegalRep: return &out.legal_representative;
      case Field::kAddress: return &out.address;
      case Field::kOther: return nullptr;
    }
    return nullptr;
  };

  for (size_t li = 0; li < lines.size(); ++li) {
    const std::u32string_view line = lines[li];
    const std::vector<Match> labels = FindLabels(line);
    for (size_t k = 0; k < labels.size(); ++k) {
      std::string* dest = slot(labels[k].field);
      if (dest == nullptr || !dest->empty()) continue;
      const size_t begin = labels[k].pos + labels[k].len;
      const size_t end = k + 1 < labels.size() ? labels[k + 1].pos : line.size();
      std::u32string value = Trim(line.substr(begin, end - begin));
      // A label alone at the end of its line: the value is the next line,
      // unless that line starts with a label of its own.
      if (value.empty() && k + 1 == labels.size() && li + 1 < lines.size()) {
        const std::u32string_view next = lines[li + 1];
        const std::vector<Match> next_labels = FindLabels(next);
        if (next_labels.empty() || next_labels[0].pos > 0) {
          value = Trim(next.substr(0, next_labels.empty() ? next.size() : next_labels[0].pos));
        }
      }
      *dest = labels[k].field == Field::kCreditCode ? CodeAfterLabel(value) : EncodeUtf8(value);
    }
  }
  if (out.credit_code.empty()) out.credit_code = CodeAnywhere(lines);
  if (out.name.empty()) out.name = NameWithoutLabel(folded);
  return out;
}

}  // namespace sealkey::server
