// Internal to src/pdf: writing an incremental update (ISO 32000-1 section
// 7.5.6) after the original bytes, and the bits of PDF syntax the new objects
// need.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"
#include "pdf/source.h"

namespace sealkey::pdf::internal {

struct NewObject {
  int num = 0;
  int gen = 0;
  Bytes body;  // what goes between "num gen obj" and "endobj"
};

struct WrittenUpdate {
  Bytes file;                     // original || update
  std::map<int, size_t> offsets;  // object number -> offset of "num gen obj"
};

// Appends `objects` (new numbers, or new versions of existing objects with
// their generation), then a cross-reference section in the style of the
// original's last one (a table with a trailer, or a /Type /XRef stream, which
// then takes the number `size`), whose trailer carries /Size, /Prev and the
// original's /Root, /Info and /ID. `size` is one past the highest object
// number in use.
Result<WrittenUpdate> WriteIncrementalUpdate(SourcePdf& src, const std::vector<NewObject>& objects,
                                             int size);

// "<< dict_entries /Length n >>\nstream\n" data "\nendstream".
Bytes StreamBody(const std::string& dict_entries, ByteView data);

// zlib (RFC 1950) compression, for /FlateDecode.
Result<Bytes> Deflate(ByteView data);

// A real number in PDF syntax: fixed point, at most 4 decimals, no exponent,
// independent of the locale (section 7.3.3).
std::string FormatNumber(double v);

// "D:YYYYMMDDHHmmSS+00'00'" in UTC (section 7.9.4).
std::string PdfDate(int64_t unix_seconds);

}  // namespace sealkey::pdf::internal
