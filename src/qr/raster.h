// 8-bit grey images in and out of PNG and JPEG, through libpng's simplified
// API and libjpeg. These are the only image codecs of sealkey::qr: a QR code
// needs no colour, and decoding to grey is what the detector reads.
//
// Decoding is quiet (no library writes to stderr), refuses images larger
// than kMaxRasterSide a side or kMaxRasterArea pixels before allocating, and
// composites transparency onto white (a QR drawn on a transparent background
// stays readable). Every failure is kInvalidArgument naming "image".
#pragma once

#include <cstdint>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"

namespace sealkey::qr {

inline constexpr uint32_t kMaxRasterSide = 10000;
inline constexpr uint64_t kMaxRasterArea = 40'000'000;

// Row-major, one byte a pixel, 0 black .. 255 white; pixels.size() == width * height.
struct GreyImage {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> pixels;

  uint8_t at(int x, int y) const { return pixels[static_cast<size_t>(y) * width + x]; }
};

enum class RasterFormat { kPng, kJpeg };

// PNG or JPEG, told apart by their signatures; anything else is refused.
Result<GreyImage> DecodeRaster(ByteView data);

// A grey PNG of `image` (which must be non-empty and consistent).
Result<Bytes> EncodePng(const GreyImage& image);

// A baseline grey JPEG of `image`; quality 1..100.
Result<Bytes> EncodeJpeg(const GreyImage& image, int quality = 85);

}  // namespace sealkey::qr
