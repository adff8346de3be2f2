// Internal to sealkey::seal: checks on the UTF-8 text that goes onto a seal
// image or into a seal's DER (names, codes, identifiers).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace sealkey::seal::detail {

// Splits `text` into its code points, each as its own UTF-8 string.
// kInvalidArgument naming `field` when the text is not well-formed UTF-8
// (overlong forms, surrogates and values above U+10FFFF included), contains a
// control character (C0, DEL, C1, U+2028/U+2029), is empty, or has more than
// `max_chars` code points.
Result<std::vector<std::string>> SplitChars(std::string_view text, size_t max_chars,
                                            std::string_view field);

// Printable ASCII (0x20..0x7e), 1..max_chars bytes; kInvalidArgument naming
// `field` otherwise. IA5String fields of the seal format use it.
Status CheckPrintableAscii(std::string_view text, size_t max_chars, std::string_view field);

}  // namespace sealkey::seal::detail
