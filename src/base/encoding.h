// Text encodings of binary data. Decoders are strict and say which
// character is wrong; they never accept partial input.
#pragma once

#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/error.h"

namespace sealkey {

// Lower-case hex without separators.
std::string HexEncode(ByteView data);
// Upper-case hex with `sep` between bytes, e.g. "AB:CD" (thumbprints).
std::string HexEncodeUpper(ByteView data, std::string_view sep = "");
// Accepts upper/lower case; ignores ':' and whitespace between byte pairs.
Result<Bytes> HexDecode(std::string_view text);

// RFC 4648 base64 with padding.
std::string Base64Encode(ByteView data);
// Strict RFC 4648: padding required, ASCII whitespace (line breaks) ignored.
Result<Bytes> Base64Decode(std::string_view text);

// The bytes of the first PEM block labelled `label` (RFC 7468) in `text`,
// e.g. label "CERTIFICATE REQUEST". kNotFound when there is no such block;
// kMalformed when its END line is missing or its body is not base64 (PEM
// header lines included).
Result<Bytes> PemDecode(std::string_view text, std::string_view label);

}  // namespace sealkey
