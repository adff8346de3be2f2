#include "cli/output.h"

#include <cstdlib>
#include <ctime>

namespace sealkey::cli {

Lang CurrentLang() {
  static const Lang lang = [] {
    for (const char* var : {"SEALKEY_LANG", "LC_ALL", "LC_MESSAGES", "LANG"}) {
      const char* v = std::getenv(var);
      if (v && *v) return std::string_view(v).starts_with("zh") ? Lang::kZh : Lang::kEn;
    }
    return Lang::kEn;
  }();
  return lang;
}

std::string_view Tr(std::string_view en, std::string_view zh) {
  return CurrentLang() == Lang::kZh ? zh : en;
}

std::string FormatLocalTime(int64_t unix_seconds) {
  time_t t = static_cast<time_t>(unix_seconds);
  struct tm tm {};
  localtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %Z", &tm);
  return buf;
}

std::string FormatIsoUtc(int64_t unix_seconds) {
  time_t t = static_cast<time_t>(unix_seconds);
  struct tm tm {};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string PadLabel(std::string_view label, size_t width) {
  size_t cols = 0;
  for (size_t i = 0; i < label.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(label[i]);
    if ((c & 0xc0) == 0x80) continue;  // UTF-8 continuation byte
    cols += c >= 0xe0 ? 2 : 1;         // 3/4-byte sequences here are CJK
  }
  std::string out(label);
  if (cols < width) out.append(width - cols, ' ');
  return out;
}

}  // namespace sealkey::cli
