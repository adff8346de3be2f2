// PAdES signatures with a visible seal (issue 7, B16): prepare a PDF for
// signing as an incremental update, put the detached CMS in, and verify the
// signatures of a PDF with sealkey's own CMS verifier (which, unlike poppler's
// NSS, knows SM2).
//
// Signing is two steps so that the key can live anywhere (a medium, the
// agent): PreparePdfSignature appends a revision holding the seal's widget,
// its appearance and a signature dictionary whose /Contents is a zero-filled
// hole; the caller signs PreparedPdf::SignedContent() (the file minus the
// hole, ISO 32000-1 section 12.8.1) into a detached CMS; FinishPdfSignature
// writes the CMS into the hole. The original bytes are never changed, so
// earlier signatures stay valid.
//
// The original is parsed with qpdf (cross-reference tables and streams,
// object streams); the update is written by sealkey (qpdf cannot write
// incremental updates) in the style of the original's last cross-reference
// section. Encrypted PDFs are not supported.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"

namespace sealkey::pdf {

enum class SubFilter {
  kPkcs7Detached,  // adbe.pkcs7.detached (ISO 32000-1 section 12.8.3.3)
  kCadesDetached,  // ETSI.CAdES.detached (ETSI EN 319 142-1, PAdES baseline)
};
// "adbe.pkcs7.detached" / "ETSI.CAdES.detached".
std::string_view SubFilterName(SubFilter f);
// Accepts those names and the short forms "pkcs7" and "cades".
Result<SubFilter> ParseSubFilter(std::string_view text);

struct StampOptions {
  int page = 1;  // 1-based
  // The seal's rectangle in PDF points (1/72 in), origin at the lower-left
  // corner of the page's MediaBox. The image keeps its aspect ratio and is
  // centred in the rectangle.
  double x = 0, y = 0, width = 0, height = 0;
  // PNG (alpha becomes a soft mask) or baseline/progressive JPEG; empty makes
  // an invisible signature (zero rectangle, empty appearance).
  Bytes image;
  SubFilter sub_filter = SubFilter::kPkcs7Detached;
  std::string name, reason, location;  // UTF-8; empty ones are left out
  int64_t signing_time = 0;            // Unix seconds, for /M
  size_t contents_size = 16384;        // bytes reserved for the DER CMS
  std::string field_name;              // empty: "Signature<n>", unused in the form
};

struct ByteRange {
  size_t offset = 0;
  size_t length = 0;
};

struct PreparedPdf {
  Bytes bytes;                      // the whole file, /Contents still zeros
  std::array<ByteRange, 2> ranges;  // /ByteRange: before and after /Contents
  size_t contents_offset = 0;       // the first hex digit of /Contents
  size_t contents_size = 0;         // bytes of DER /Contents can take

  // The bytes the CMS signs: ranges[0] || ranges[1].
  Bytes SignedContent() const;
};

// Errors: kMalformed (not a PDF, damaged cross-reference), kUnsupported
// (encrypted), kOutOfRange (no such page, rectangle off the page, reserve
// size), kInvalidArgument (bad image, empty rectangle for a stamp).
Result<PreparedPdf> PreparePdfSignature(ByteView pdf, const StampOptions& options);

// Writes `cms_der` into /Contents. kOutOfRange when it does not fit.
Result<Bytes> FinishPdfSignature(PreparedPdf prepared, ByteView cms_der);

struct PdfSignature {
  std::string field_name;
  std::string sub_filter;               // e.g. "adbe.pkcs7.detached"
  std::string name, reason, location;   // from the signature dictionary
  std::string pdf_time;                 // /M as written
  std::optional<int64_t> claimed_time;  // /M in Unix seconds, when it parses
  std::array<ByteRange, 2> ranges;
  // ByteRange reaches the end of the file: nothing was appended after this
  // signature. An earlier signature of a document signed again is false.
  bool covers_whole_document = false;
  bool valid = false;
  std::optional<Error> error;  // why it is not valid
  // From the CMS, when it parsed:
  std::string signer_subject, signer_issuer, signer_serial;
  std::optional<int64_t> signing_time;  // the CMS signingTime attribute
  std::string digest;                   // e.g. "SHA-256", "SM3"
  Bytes signer_certificate;             // DER, for chain checks by the caller
  std::vector<Bytes> certificates;      // every certificate the CMS embeds (DER)
};

// Every signature field with a value, in form order. Each one is checked:
// /ByteRange starts at 0 and skips exactly this dictionary's /Contents hex
// string, and the detached CMS (crypto::CmsVerifyDetached, SM2 included)
// verifies over the two ranges. Certificate chains and revocation are not
// checked. Errors only when the file cannot be parsed at all.
Result<std::vector<PdfSignature>> VerifyPdfSignatures(ByteView pdf);

// Whether `updated` is `original` with incremental updates that only add a
// signature: every object of `original` reads the same in `updated`'s last
// revision, except a page's /Annots, the catalog's /AcroForm and an existing
// AcroForm's /Fields and /SigFlags (revision_check.cc). The caller checks that
// `original` is a prefix of `updated`. kInvalidArgument (field "pdf") naming
// the first changed object; kMalformed when either does not parse.
Status CheckOnlySignaturesAdded(ByteView original, ByteView updated);

}  // namespace sealkey::pdf
