#include "pdf/source.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include <qpdf/QPDFXRefEntry.hh>

namespace sealkey::pdf::internal {
namespace {

// ISO 32000-1 section 7.2.2: white-space characters.
bool IsPdfSpace(uint8_t c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\0';
}

size_t SkipSpace(ByteView b, size_t pos) {
  while (pos < b.size() && IsPdfSpace(b[pos])) ++pos;
  return pos;
}

// Reads a run of decimal digits at `pos`; nullopt if there is none.
std::optional<size_t> ReadNumber(ByteView b, size_t& pos) {
  size_t start = pos, value = 0;
  while (pos < b.size() && std::isdigit(b[pos]) && pos - start < 15) {
    value = value * 10 + (b[pos] - '0');
    ++pos;
  }
  if (pos == start) return std::nullopt;
  return value;
}

bool StartsWith(ByteView b, size_t pos, std::string_view s) {
  return pos + s.size() <= b.size() && std::memcmp(b.data() + pos, s.data(), s.size()) == 0;
}

}  // namespace

Result<std::unique_ptr<SourcePdf>> SourcePdf::Open(ByteView bytes, bool recover) {
  if (!StartsWith(bytes, 0, "%PDF-")) {
    return Fail(ErrorCode::kMalformed, "not a PDF (no %PDF- header)", "pdf");
  }
  std::unique_ptr<SourcePdf> src(new SourcePdf(bytes));
  SEALKEY_RETURN_IF_ERROR(src->Load(recover));
  return src;
}

Status SourcePdf::Load(bool recover) {
  // A file being verified may be damaged (qpdf rebuilds the table then);
  // a file being signed must end with a usable cross-reference section.
  Status located = LocateLastXref();
  if (!located && !recover) return located;
  return Guard("cannot parse the PDF", [&]() -> Status {
    qpdf_.setSuppressWarnings(true);
    qpdf_.setAttemptRecovery(recover);
    qpdf_.processMemoryFile("input.pdf", reinterpret_cast<const char*>(bytes_.data()),
                            bytes_.size());
    if (qpdf_.isEncrypted()) {
      return Fail(ErrorCode::kUnsupported, "encrypted PDFs cannot be signed or checked here",
                  "pdf");
    }
    long long size = 0;
    QPDFObjectHandle trailer_size = qpdf_.getTrailer().getKey("/Size");
    if (trailer_size.isInteger()) size = trailer_size.getIntValue();
    for (const auto& [id, entry] : qpdf_.getXRefTable()) {
      size = std::max<long long>(size, id.getObj() + 1LL);
    }
    if (size < 1 || size > 8'000'000) {
      return Fail(ErrorCode::kMalformed, "the cross-reference /Size is out of range", "pdf");
    }
    next_object_ = static_cast<int>(size);
    if (!qpdf_.getRoot().isDictionary()) {
      return Fail(ErrorCode::kMalformed, "the trailer has no document catalog", "pdf");
    }
    return Ok();
  });
}

Status SourcePdf::LocateLastXref() {
  // ISO 32000-1 section 7.5.5: the file ends with startxref, an offset and
  // %%EOF; the offset names the last cross-reference section (7.5.4 table,
  // 7.5.8 stream).
  std::string_view text = AsChars(bytes_);
  size_t at = text.rfind("startxref");
  if (at == std::string_view::npos) {
    return Fail(ErrorCode::kMalformed, "no startxref at the end of the file", "pdf");
  }
  size_t pos = SkipSpace(bytes_, at + 9);
  auto offset = ReadNumber(bytes_, pos);
  if (!offset || *offset >= bytes_.size()) {
    return Fail(ErrorCode::kMalformed, "startxref has no valid offset", "pdf");
  }
  startxref_ = *offset;
  pos = SkipSpace(bytes_, startxref_);
  if (StartsWith(bytes_, pos, "xref")) {
    style_ = XrefStyle::kTable;
    return Ok();
  }
  size_t p = pos;
  bool obj = ReadNumber(bytes_, p) && (p = SkipSpace(bytes_, p), ReadNumber(bytes_, p)) &&
             StartsWith(bytes_, SkipSpace(bytes_, p), "obj");
  if (!obj) {
    return Fail(ErrorCode::kMalformed,
                "startxref does not point at a cross-reference section; repair the file first "
                "(e.g. qpdf in.pdf out.pdf)",
                "pdf");
  }
  style_ = XrefStyle::kStream;
  return Ok();
}

std::optional<size_t> SourcePdf::ObjectOffset(QPDFObjGen id) {
  try {
    auto table = qpdf_.getXRefTable();
    auto it = table.find(id);
    if (it == table.end() || it->second.getType() != 1) return std::nullopt;
    return static_cast<size_t>(it->second.getOffset());
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string UnparseDict(QPDFObjectHandle dict,
                        const std::vector<std::pair<std::string, std::string>>& overrides) {
  std::string out = "<<";
  for (const std::string& key : dict.getKeys()) {
    bool replaced = std::any_of(overrides.begin(), overrides.end(),
                                [&](const auto& o) { return o.first == key; });
    if (replaced) continue;
    out += " " + QPDFObjectHandle::newName(key).unparse() + " " + dict.getKey(key).unparse();
  }
  for (const auto& [key, value] : overrides) {
    out += " " + QPDFObjectHandle::newName(key).unparse() + " " + value;
  }
  return out + " >>";
}

std::string UnparseArrayAppend(QPDFObjectHandle array, const std::string& extra) {
  std::string out = "[";
  if (array.isArray()) {
    for (auto& item : array.getArrayAsVector()) out += " " + item.unparse();
  }
  return out + " " + extra + " ]";
}

}  // namespace sealkey::pdf::internal
