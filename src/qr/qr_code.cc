// zxing-cpp 1.4 (Debian 12): MultiFormatWriter encodes (it throws on content
// too long for any version), ReadBarcode decodes. ZX_USE_UTF8 selects the
// std::string Result::text() of 1.4's transition API.
#define ZX_USE_UTF8 1

#include "qr/qr_code.h"

#include <exception>

#include <ZXing/BarcodeFormat.h>
#include <ZXing/BitMatrix.h>
#include <ZXing/CharacterSet.h>
#include <ZXing/DecodeHints.h>
#include <ZXing/ImageView.h>
#include <ZXing/MultiFormatWriter.h>
#include <ZXing/ReadBarcode.h>

namespace sealkey::qr {

using image::DecodeRaster;
using image::EncodePng;
using image::kMaxRasterSide;

namespace {

constexpr int kQuietZoneModules = 4;  // ISO/IEC 18004:2015 section 9.1
// MultiFormatWriter's 0..8 scale; QRWriter maps (level - 1) / 2 to
// L, M, Q, H, so 3 is M.
constexpr int kEccLevelM = 3;

// Strict UTF-8 (RFC 3629): no overlongs, surrogates or code points past U+10FFFF.
bool IsUtf8(std::string_view s) {
  static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    const int n = c < 0x80             ? 0
                  : (c & 0xE0) == 0xC0 ? 1
                  : (c & 0xF0) == 0xE0 ? 2
                  : (c & 0xF8) == 0xF0 ? 3
                                       : -1;
    if (n < 0 || s.size() - i <= static_cast<size_t>(n)) return false;
    uint32_t cp = n == 0 ? c : c & (0x3F >> n);
    for (int k = 1; k <= n; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n + 1;
  }
  return true;
}

bool IsAscii(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

}  // namespace

Result<GreyImage> EncodeQrImage(std::string_view text, int module_px) {
  if (module_px < 1 || module_px > kMaxModulePx) {
    return Fail(ErrorCode::kInvalidArgument,
                "must be 1.." + std::to_string(kMaxModulePx) + " pixels", "module_px");
  }
  if (text.empty()) return Fail(ErrorCode::kInvalidArgument, "is empty", "text");
  if (!IsUtf8(text)) return Fail(ErrorCode::kInvalidArgument, "is not valid UTF-8", "text");
  ZXing::BitMatrix matrix;
  try {
    ZXing::MultiFormatWriter writer(ZXing::BarcodeFormat::QRCode);
    writer.setEccLevel(kEccLevelM).setMargin(kQuietZoneModules);
    // ASCII needs no ECI (and keeps zxing free to pick numeric or
    // alphanumeric mode); anything else is declared UTF-8.
    if (!IsAscii(text)) writer.setEncoding(ZXing::CharacterSet::UTF8);
    matrix = writer.encode(std::string(text), 0, 0);  // one pixel a module
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kInvalidArgument,
                std::string("cannot be encoded as a QR code (") + e.what() + ")", "text");
  }
  GreyImage image;
  image.width = matrix.width() * module_px;
  image.height = matrix.height() * module_px;
  if (image.width > static_cast<int>(kMaxRasterSide) ||
      image.height > static_cast<int>(kMaxRasterSide)) {
    return Fail(ErrorCode::kInvalidArgument, "is too large for this text", "module_px");
  }
  image.pixels.assign(static_cast<size_t>(image.width) * image.height, 255);
  for (int y = 0; y < image.height; ++y) {
    uint8_t* row = image.pixels.data() + static_cast<size_t>(y) * image.width;
    for (int x = 0; x < image.width; ++x) {
      if (matrix.get(x / module_px, y / module_px)) row[x] = 0;
    }
  }
  return image;
}

Result<Bytes> EncodeQrPng(std::string_view text, int module_px) {
  auto image = EncodeQrImage(text, module_px);
  if (!image) return Fail(std::move(image.error()));
  return EncodePng(*image);
}

Result<std::string> DecodeQr(const GreyImage& image) {
  if (image.width <= 0 || image.height <= 0 ||
      image.pixels.size() != static_cast<size_t>(image.width) * image.height) {
    return Fail(ErrorCode::kInvalidArgument, "the image is empty or inconsistent", "image");
  }
  ZXing::ImageView view(image.pixels.data(), image.width, image.height, ZXing::ImageFormat::Lum);
  ZXing::DecodeHints hints;
  hints.setFormats(ZXing::BarcodeFormat::QRCode)
      .setTryHarder(true)
      .setTryRotate(true)
      .setTryDownscale(true);
  ZXing::Result result;
  try {
    result = ZXing::ReadBarcode(view, hints);
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kInternal, std::string("QR decoding failed: ") + e.what());
  }
  if (!result.isValid()) {
    return Fail(ErrorCode::kInvalidArgument, "no readable QR code was found in the image", "image");
  }
  return result.text();
}

Result<std::string> DecodeQr(ByteView image) {
  auto pixels = DecodeRaster(image);
  if (!pixels) return Fail(std::move(pixels.error()));
  return DecodeQr(*pixels);
}

}  // namespace sealkey::qr
