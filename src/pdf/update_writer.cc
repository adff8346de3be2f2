#include "pdf/update_writer.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <ctime>

#include <zlib.h>

namespace sealkey::pdf::internal {
namespace {

void Append(Bytes& out, std::string_view s) { out.insert(out.end(), s.begin(), s.end()); }

// Runs of consecutive object numbers: each becomes one subsection (table)
// or one /Index pair (stream).
std::vector<std::pair<int, int>> Runs(const std::vector<int>& sorted) {
  std::vector<std::pair<int, int>> runs;  // (first, count)
  for (int n : sorted) {
    if (!runs.empty() && runs.back().first + runs.back().second == n) {
      ++runs.back().second;
    } else {
      runs.emplace_back(n, 1);
    }
  }
  return runs;
}

// The trailer entries an update carries over: /Root, /Info, /ID.
std::string CarriedTrailerEntries(SourcePdf& src) {
  QPDFObjectHandle trailer = src.qpdf().getTrailer();
  std::string out;
  for (const char* key : {"/Root", "/Info", "/ID"}) {
    if (trailer.hasKey(key)) out += std::string(" ") + key + " " + trailer.getKey(key).unparse();
  }
  return out;
}

}  // namespace

Result<WrittenUpdate> WriteIncrementalUpdate(SourcePdf& src, const std::vector<NewObject>& objects,
                                             int size) {
  return Guard("cannot write the update", [&]() -> Result<WrittenUpdate> {
    WrittenUpdate out;
    ByteView original = src.bytes();
    out.file.assign(original.begin(), original.end());
    // Section 7.5.6: the update follows the original's %%EOF on a new line.
    if (out.file.back() != '\n' && out.file.back() != '\r') out.file.push_back('\n');

    std::map<int, int> generations;
    for (const NewObject& o : objects) {
      if (o.num <= 0 || o.num >= size || out.offsets.count(o.num)) {
        return Fail(ErrorCode::kInternal, "bad object number in the update", "pdf");
      }
      out.offsets[o.num] = out.file.size();
      generations[o.num] = o.gen;
      Append(out.file, std::to_string(o.num) + " " + std::to_string(o.gen) + " obj\n");
      out.file.insert(out.file.end(), o.body.begin(), o.body.end());
      Append(out.file, "\nendobj\n");
    }
    const std::string carried = CarriedTrailerEntries(src);
    const std::string prev = " /Prev " + std::to_string(src.startxref());

    if (src.xref_style() == XrefStyle::kTable) {
      // Section 7.5.4: 20-byte entries "nnnnnnnnnn ggggg n\r\n".
      const size_t xref_at = out.file.size();
      Append(out.file, "xref\n");
      std::vector<int> nums;
      for (const auto& [n, off] : out.offsets) nums.push_back(n);
      for (auto [first, count] : Runs(nums)) {
        Append(out.file, std::to_string(first) + " " + std::to_string(count) + "\n");
        for (int n = first; n < first + count; ++n) {
          char entry[32];
          std::snprintf(entry, sizeof entry, "%010zu %05d n\r\n", out.offsets[n], generations[n]);
          Append(out.file, entry);
        }
      }
      Append(out.file, "trailer\n<< /Size " + std::to_string(size) + carried + prev +
                           " >>\nstartxref\n" + std::to_string(xref_at) + "\n%%EOF\n");
      return out;
    }

    // Section 7.5.8: the stream lists itself too; type 1 entries with
    // widths 1, 4 (8 for files past 4 GiB) and 2 bytes.
    const int xref_num = size;
    const size_t xref_at = out.file.size();
    out.offsets[xref_num] = xref_at;
    generations[xref_num] = 0;
    const int offset_width = xref_at > 0xffffffffULL ? 8 : 4;
    Bytes rows;
    std::string index;
    std::vector<int> nums;
    for (const auto& [n, off] : out.offsets) nums.push_back(n);
    for (auto [first, count] : Runs(nums)) {
      index += " " + std::to_string(first) + " " + std::to_string(count);
      for (int n = first; n < first + count; ++n) {
        rows.push_back(1);
        for (int i = offset_width - 1; i >= 0; --i) {
          rows.push_back(static_cast<uint8_t>(static_cast<uint64_t>(out.offsets[n]) >> (8 * i)));
        }
        rows.push_back(static_cast<uint8_t>(generations[n] >> 8));
        rows.push_back(static_cast<uint8_t>(generations[n]));
      }
    }
    auto packed = Deflate(rows);
    if (!packed) return Fail(packed.error());
    Append(out.file, std::to_string(xref_num) + " 0 obj\n");
    Bytes body = StreamBody("/Type /XRef /Size " + std::to_string(size + 1) + carried + prev +
                                " /W [1 " + std::to_string(offset_width) + " 2] /Index [" + index +
                                " ] /Filter /FlateDecode",
                            *packed);
    out.file.insert(out.file.end(), body.begin(), body.end());
    Append(out.file, "\nendobj\nstartxref\n" + std::to_string(xref_at) + "\n%%EOF\n");
    return out;
  });
}

Bytes StreamBody(const std::string& dict_entries, ByteView data) {
  Bytes out;
  Append(out, "<< " + dict_entries + " /Length " + std::to_string(data.size()) + " >>\nstream\n");
  out.insert(out.end(), data.begin(), data.end());
  Append(out, "\nendstream");
  return out;
}

Result<Bytes> Deflate(ByteView data) {
  uLongf size = compressBound(static_cast<uLong>(data.size()));
  Bytes out(size);
  if (compress2(out.data(), &size, data.data(), static_cast<uLong>(data.size()), 9) != Z_OK) {
    return Fail(ErrorCode::kInternal, "zlib compression failed", "pdf");
  }
  out.resize(size);
  return out;
}

std::string FormatNumber(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 4);
  if (ec != std::errc()) return "0";
  std::string s(buf, end);
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

std::string PdfDate(int64_t unix_seconds) {
  time_t t = static_cast<time_t>(unix_seconds);
  struct tm tm {};
  gmtime_r(&t, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "D:%04d%02d%02d%02d%02d%02d+00'00'", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

}  // namespace sealkey::pdf::internal
