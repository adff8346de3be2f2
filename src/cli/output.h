// Output helpers for the CLI: language choice (Simplified Chinese when the
// locale or SEALKEY_LANG says zh, English otherwise), labels, time format.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sealkey::cli {

enum class Lang { kEn, kZh };

// SEALKEY_LANG, then LC_ALL, LC_MESSAGES, LANG; "zh*" selects Chinese.
Lang CurrentLang();

// Picks the text for the current language.
std::string_view Tr(std::string_view en, std::string_view zh);

// "2026-11-24 08:15:44 CST" in the local time zone.
std::string FormatLocalTime(int64_t unix_seconds);
// "2026-11-24T00:15:44Z".
std::string FormatIsoUtc(int64_t unix_seconds);

// Pads `label` with spaces to `width` display columns (CJK counts as 2).
std::string PadLabel(std::string_view label, size_t width);

}  // namespace sealkey::cli
