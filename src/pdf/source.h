// Internal to src/pdf: the original document as qpdf parsed it, plus what an
// incremental update needs that qpdf does not expose (the last startxref and
// the style of the cross-reference section it points at).
#pragma once

#include <cstddef>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <qpdf/QPDF.hh>
#include <qpdf/QPDFObjGen.hh>
#include <qpdf/QPDFObjectHandle.hh>

#include "base/bytes.h"
#include "base/error.h"

namespace sealkey::pdf::internal {

enum class XrefStyle { kTable, kStream };

class SourcePdf {
 public:
  // Parses `bytes`, which must outlive the SourcePdf. With `recover` qpdf
  // rebuilds a damaged cross-reference (for verifying what is there);
  // without, damage is kMalformed (an update to such a file would not hold).
  // Encrypted files are kUnsupported.
  static Result<std::unique_ptr<SourcePdf>> Open(ByteView bytes, bool recover);

  QPDF& qpdf() { return qpdf_; }
  ByteView bytes() const { return bytes_; }
  // The offset after the last "startxref" and the style of that section.
  size_t startxref() const { return startxref_; }
  XrefStyle xref_style() const { return style_; }
  // The first object number an update may use (the trailer's /Size, or
  // more if the table holds higher numbers).
  int next_object_number() const { return next_object_; }
  // Where an object that is not in an object stream starts in the file.
  std::optional<size_t> ObjectOffset(QPDFObjGen id);

 private:
  explicit SourcePdf(ByteView bytes) : bytes_(bytes) {}
  Status Load(bool recover);
  Status LocateLastXref();

  ByteView bytes_;
  QPDF qpdf_;
  size_t startxref_ = 0;
  XrefStyle style_ = XrefStyle::kTable;
  int next_object_ = 1;
};

// qpdf reports errors by throwing; this runs `f` (returning Result<T>) and
// turns an exception into kMalformed naming `what`.
template <typename F>
auto Guard(std::string_view what, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kMalformed, std::string(what) + ": " + e.what(), "pdf");
  }
}

// "<< /Key value ... >>" for `dict` with `overrides` (a name like "/Annots"
// mapped to PDF text) replacing or adding entries. Indirect values stay
// references.
std::string UnparseDict(QPDFObjectHandle dict,
                        const std::vector<std::pair<std::string, std::string>>& overrides);

// "[ a b ... extra ]" for an array with one more element.
std::string UnparseArrayAppend(QPDFObjectHandle array, const std::string& extra);

}  // namespace sealkey::pdf::internal
