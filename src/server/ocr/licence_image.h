// Internal to sealkey::ocr: turning uploaded bytes into a Leptonica image for
// Tesseract. Not part of the public header, so Leptonica's, libpng's,
// libjpeg's and poppler's headers stay inside this folder.
#pragma once

#include <memory>
#include <string>

#include <leptonica/allheaders.h>

#include "base/bytes.h"
#include "base/error.h"

namespace sealkey::server {

struct PixDeleter {
  void operator()(Pix* pix) const { pixDestroy(&pix); }
};
using PixPtr = std::unique_ptr<Pix, PixDeleter>;

// PDFs are rendered at kPdfDpi, and every image is scaled down so that its
// longer side has at most kMaxOcrSide pixels (more costs OCR time and gains
// nothing on a licence).
inline constexpr int kPdfDpi = 300;
inline constexpr int kMaxOcrSide = 4000;

// Decodes a JPEG or PNG (sniffed by magic, within kMaxLicenceSide and
// kMaxLicenceArea), or renders the first page of a PDF, into an 8-bit grey
// image on a white background, at most kMaxOcrSide a side, whose resolution
// is set when known (0 otherwise). kInvalidArgument naming `field` for
// anything else, for truncated or corrupt data and for encrypted PDFs.
// Prints nothing: poppler's messages are switched off for the process.
Result<PixPtr> DecodeLicenceImage(ByteView data, const char* field);

// The decoders DecodeLicenceImage uses for rasters (raster_decode.cc); they
// do not scale. JPEGs are turned as their Exif orientation says.
Result<PixPtr> DecodePng(ByteView data, const char* field);
Result<PixPtr> DecodeJpeg(ByteView data, const char* field);

// kInvalidArgument naming `field`, in English and Chinese.
inline tl::unexpected<Error> ImageError(const char* field, std::string en, std::string zh) {
  Error e{ErrorCode::kInvalidArgument, field, std::move(en)};
  e.message_zh = std::move(zh);
  return Fail(std::move(e));
}

}  // namespace sealkey::server
