// QR codes (B8): encoding text into a PNG and finding the QR code in a PNG or
// JPEG, such as a phone photo of a screen or of a printed invoice. zxing-cpp
// does the symbology (kept private); the pixels are sealkey::image's.
//
// Text is UTF-8 both ways: EncodeQrPng writes byte mode with ECI 26 (UTF-8)
// whenever the text is not plain ASCII, so Chinese reads back exactly, in
// sealkey and in phone scanners alike. Error correction is level M (15%),
// which survives the blur and JPEG artefacts of a photo. All functions are
// thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/error.h"
#include "image/raster.h"

namespace sealkey::qr {

using image::GreyImage;

inline constexpr int kMaxModulePx = 64;

// The QR symbol for `text` as a black-on-white grey image: `module_px`
// pixels a module (1..kMaxModulePx) and the standard 4-module quiet zone.
// kInvalidArgument naming "text" when the text is empty, not UTF-8 or too
// long for a QR code (about 2300 ASCII bytes at level M); "module_px" when
// that is out of range.
Result<GreyImage> EncodeQrImage(std::string_view text, int module_px = 8);

// EncodeQrImage as an 8-bit grey PNG.
Result<Bytes> EncodeQrPng(std::string_view text, int module_px = 8);

// The text of the first QR code found in `image` (PNG or JPEG; the code may
// be small, turned or tilted within a larger picture, e.g. a whole page).
// kInvalidArgument naming "image" when the bytes are not a readable image or
// hold no readable QR code.
Result<std::string> DecodeQr(ByteView image);

// The same over already decoded pixels.
Result<std::string> DecodeQr(const GreyImage& image);

}  // namespace sealkey::qr
