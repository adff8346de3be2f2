#include "invoice/amount_words.h"

#include <array>

namespace sealkey::invoice {
namespace {

constexpr std::array<const char*, 10> kDigits = {"零", "壹", "贰", "叁", "肆",
                                                 "伍", "陆", "柒", "捌", "玖"};
constexpr std::array<const char*, 4> kPlaceUnits = {"", "拾", "佰", "仟"};

// 1..9999: skip leading zeros, one 零 for a run of zeros between digits,
// nothing for trailing zeros.
std::string GroupInWords(unsigned n) {
  std::string out;
  bool zero = false;
  unsigned divisor = 1000;
  for (int place = 3; place >= 0; --place, divisor /= 10) {
    const unsigned digit = n / divisor % 10;
    if (digit == 0) {
      zero = !out.empty();
      continue;
    }
    if (zero) out += kDigits[0];
    zero = false;
    out += kDigits[digit];
    out += kPlaceUnits[place];
  }
  return out;
}

// n > 0, without 元. Above 10^8 the part above 亿 is itself a number
// (壹万零壹亿 for 10001 亿, 壹亿亿 for 10^16). The lower part takes a
// 零 when its leading digit is zero (壹拾万零伍佰), which also covers a
// wholly zero 万 group (壹亿零柒仟); zeros that end the upper part are
// absorbed by its unit (壹拾万柒仟).
std::string YuanInWords(uint64_t n) {
  constexpr uint64_t kYi = 100000000, kWan = 10000;
  if (n < kWan) return GroupInWords(static_cast<unsigned>(n));
  const uint64_t unit = n >= kYi ? kYi : kWan;
  const uint64_t high = n / unit, low = n % unit;
  std::string out = (unit == kYi ? YuanInWords(high) : GroupInWords(static_cast<unsigned>(high))) +
                    (unit == kYi ? "亿" : "万");
  if (low == 0) return out;
  if (low < unit / 10) out += kDigits[0];
  return out + YuanInWords(low);
}

}  // namespace

std::string AmountInWords(int64_t fen) {
  // Magnitude in uint64: -INT64_MIN does not fit an int64.
  const uint64_t magnitude =
      fen < 0 ? static_cast<uint64_t>(-(fen + 1)) + 1 : static_cast<uint64_t>(fen);
  const uint64_t yuan = magnitude / 100;
  const unsigned jiao = static_cast<unsigned>(magnitude / 10 % 10);
  const unsigned fen_digit = static_cast<unsigned>(magnitude % 10);

  std::string out = fen < 0 ? "负" : "";
  if (magnitude == 0) return "零元整";
  if (yuan > 0) out += YuanInWords(yuan) + "元";
  if (jiao == 0 && fen_digit == 0) return out + "整";
  if (jiao > 0) {
    if (yuan > 0 && yuan % 10 == 0) out += kDigits[0];
    out += kDigits[jiao];
    out += "角";
  } else if (yuan > 0) {
    out += kDigits[0];
  }
  if (fen_digit > 0) {
    out += kDigits[fen_digit];
    out += "分";
  }
  return out;
}

std::string FormatYuan(int64_t fen) {
  const uint64_t magnitude =
      fen < 0 ? static_cast<uint64_t>(-(fen + 1)) + 1 : static_cast<uint64_t>(fen);
  std::string cents = std::to_string(magnitude % 100);
  if (cents.size() < 2) cents.insert(0, "0");
  return (fen < 0 ? "-" : "") + std::to_string(magnitude / 100) + "." + cents;
}

}  // namespace sealkey::invoice
