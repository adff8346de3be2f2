// Internal to sealkey::seal: the DER pieces of GB/T 38540 structures that
// base/der.h does not provide (small INTEGERs, IA5String, UTF8String,
// GeneralizedTime, BOOLEAN) and the signature algorithm OIDs.
//
// Readers fail with kMalformed (kOutOfRange for well-formed values outside
// the allowed range) and put `field` in the error.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/der.h"
#include "base/error.h"

namespace sealkey::seal::detail {

inline constexpr uint8_t kTagBoolean = 0x01;

// OBJECT IDENTIFIER contents octets (no tag or length).
inline constexpr uint8_t kOidSm3WithSm2[] =  // 1.2.156.10197.1.501 (GM/T 0006)
    {0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x83, 0x75};
inline constexpr uint8_t kOidEcdsaWithSha256[] =  // 1.2.840.10045.4.3.2 (RFC 5758)
    {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02};
inline constexpr uint8_t kOidSha256WithRsa[] =  // 1.2.840.113549.1.1.11 (RFC 4055)
    {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b};

// Attaches `field` to an error from der::Reader (which names only the
// structure), keeping its message.
Error AtField(Error error, std::string_view field);

// INTEGER 0..2^63-1.
Bytes Integer(int64_t value);
// A non-negative INTEGER no greater than `max`.
Result<int64_t> ReadInteger(der::Reader& r, int64_t max, std::string_view field);

Bytes Ia5String(std::string_view text);  // the caller checked it is 7-bit
// An IA5String (every byte below 0x80).
Result<std::string> ReadIa5String(der::Reader& r, std::string_view field);

Bytes Utf8String(std::string_view text);
Result<std::string> ReadUtf8String(der::Reader& r, std::string_view field);

// GeneralizedTime "YYYYMMDDHHMMSSZ". kInvalidArgument naming `field` outside
// 1970-01-01 .. 9999-12-31.
Result<Bytes> GeneralizedTime(int64_t unix_seconds, std::string_view field);
// Reads "YYYYMMDDHHMMSS[.f]Z" as DER allows it (X.690 11.7: UTC, seconds
// present, a fraction without trailing zeros, which is dropped).
Result<int64_t> ReadGeneralizedTime(der::Reader& r, std::string_view field);

}  // namespace sealkey::seal::detail
