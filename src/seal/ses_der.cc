#include "seal/ses_der.h"

#include <cstdio>

namespace sealkey::seal::detail {
namespace {

constexpr int64_t kMinTime = 0;             // 1970-01-01T00:00:00Z
constexpr int64_t kMaxTime = 253402300799;  // 9999-12-31T23:59:59Z

// Days since 1970-01-01 of a proleptic Gregorian date, and back
// (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms").
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void CivilFromDays(int64_t z, int64_t& y, int64_t& m, int64_t& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = yoe + era * 400 + (m <= 2);
}

int DaysInMonth(int64_t y, int64_t m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

tl::unexpected<Error> Malformed(std::string message, std::string_view field) {
  return Fail(ErrorCode::kMalformed, std::move(message), std::string(field));
}

}  // namespace

Error AtField(Error error, std::string_view field) {
  error.field = std::string(field);
  return error;
}

Bytes Integer(int64_t value) {
  uint8_t be[8];
  for (int i = 7; i >= 0; --i, value >>= 8) be[i] = static_cast<uint8_t>(value & 0xff);
  return der::UnsignedInteger(be);
}

Result<int64_t> ReadInteger(der::Reader& r, int64_t max, std::string_view field) {
  auto magnitude = r.ReadUnsignedInteger();
  if (!magnitude) return Fail(AtField(magnitude.error(), field));
  if (magnitude->size() > 8)
    return Fail(ErrorCode::kOutOfRange, "INTEGER too large", std::string(field));
  uint64_t v = 0;
  for (uint8_t b : *magnitude) v = v << 8 | b;
  if (v > static_cast<uint64_t>(max)) {
    return Fail(ErrorCode::kOutOfRange,
                "INTEGER " + std::to_string(v) + " is above " + std::to_string(max),
                std::string(field));
  }
  return static_cast<int64_t>(v);
}

Bytes Ia5String(std::string_view text) { return der::Tlv(der::kIa5String, AsBytes(text)); }

Result<std::string> ReadIa5String(der::Reader& r, std::string_view field) {
  auto v = r.Read(der::kIa5String);
  if (!v) return Fail(AtField(v.error(), field));
  for (uint8_t b : *v) {
    if (b >= 0x80) return Malformed("IA5String holds a byte above 0x7f", field);
  }
  return std::string(AsChars(*v));
}

Bytes Utf8String(std::string_view text) { return der::Tlv(der::kUtf8String, AsBytes(text)); }

Result<std::string> ReadUtf8String(der::Reader& r, std::string_view field) {
  auto v = r.Read(der::kUtf8String);
  if (!v) return Fail(AtField(v.error(), field));
  return std::string(AsChars(*v));
}

Result<Bytes> GeneralizedTime(int64_t t, std::string_view field) {
  if (t < kMinTime || t > kMaxTime) {
    return Fail(ErrorCode::kInvalidArgument, "must lie between 1970 and 9999", std::string(field));
  }
  int64_t y, m, d;
  CivilFromDays(t / 86400, y, m, d);
  const int64_t sec = t % 86400;
  char text[32];
  std::snprintf(text, sizeof text, "%04d%02d%02d%02d%02d%02dZ", int(y), int(m), int(d),
                int(sec / 3600), int(sec / 60 % 60), int(sec % 60));
  return der::Tlv(der::kGeneralizedTime, AsBytes(std::string_view(text, 15)));
}

Result<int64_t> ReadGeneralizedTime(der::Reader& r, std::string_view field) {
  auto v = r.Read(der::kGeneralizedTime);
  if (!v) return Fail(AtField(v.error(), field));
  const std::string_view s = AsChars(*v);
  auto digits = [&](size_t at, size_t n) -> int64_t {
    int64_t out = 0;
    for (size_t i = at; i < at + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return -1;
      out = out * 10 + (s[i] - '0');
    }
    return out;
  };
  if (s.size() < 15 || s.back() != 'Z') {
    return Malformed("GeneralizedTime is not YYYYMMDDHHMMSS[.f]Z", field);
  }
  if (s.size() > 15) {
    // ".f...fZ": at least one digit, no trailing zero (X.690 11.7.3).
    const std::string_view frac = s.substr(14, s.size() - 15);
    const bool all_digits = frac.find_first_not_of("0123456789", 1) == std::string_view::npos;
    if (frac.size() < 2 || frac[0] != '.' || !all_digits || frac.back() == '0') {
      return Malformed("GeneralizedTime fraction is not DER", field);
    }
  }
  const int64_t y = digits(0, 4), mo = digits(4, 2), d = digits(6, 2), h = digits(8, 2),
                mi = digits(10, 2), sec = digits(12, 2);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 ||
      sec > 59 || d > DaysInMonth(y, mo)) {
    return Malformed("GeneralizedTime is not a valid date and time", field);
  }
  const int64_t t = DaysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
  if (t < kMinTime) return Fail(ErrorCode::kOutOfRange, "time is before 1970", std::string(field));
  return t;
}

}  // namespace sealkey::seal::detail
