// Raster images in and out of PNG and JPEG, through libpng's simplified API
// and libjpeg: the one PNG/JPEG codec that sealkey::qr (grey, what a QR
// detector reads) and sealkey::seal (colour with transparency, seal images)
// share.
//
// Decoding is quiet (no library writes to stderr), refuses images larger
// than kMaxRasterSide a side or kMaxRasterArea pixels before allocating, and
// refuses truncated or corrupt data (libjpeg's warnings count as errors).
// Every decoding failure is kInvalidArgument naming "image". All functions
// are thread-safe.
#pragma once

#include <cstdint>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"

namespace sealkey::image {

inline constexpr uint32_t kMaxRasterSide = 10000;
inline constexpr uint64_t kMaxRasterArea = 40'000'000;

// Row-major, one byte a pixel, 0 black .. 255 white; pixels.size() == width * height.
struct GreyImage {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> pixels;

  uint8_t at(int x, int y) const { return pixels[static_cast<size_t>(y) * width + x]; }
};

// Rows top to bottom, 4 bytes a pixel (R, G, B, A, not premultiplied);
// rgba.size() == width * height * 4.
struct RgbaImage {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> rgba;

  const uint8_t* Pixel(int x, int y) const { return &rgba[(size_t(y) * width + x) * 4]; }
  bool operator==(const RgbaImage&) const = default;
};

enum class RasterFormat { kPng, kJpeg };

// What the headers say, without decoding the pixels.
struct RasterInfo {
  RasterFormat format = RasterFormat::kPng;
  int width = 0;
  int height = 0;
  bool has_alpha = false;  // a PNG with an alpha channel or a tRNS chunk
};

// PNG or JPEG, told apart by their signatures (never by a name or a claimed
// type); anything else, or a header that does not parse, is refused. Sizes
// beyond the limits above are reported, not refused: callers apply their own.
Result<RasterInfo> InspectRaster(ByteView data);

// Grey pixels; transparency is composited onto white (a QR drawn on a
// transparent background stays readable).
Result<GreyImage> DecodeRaster(ByteView data);

// Colour pixels; a JPEG (grey, RGB or CMYK) comes out opaque.
Result<RgbaImage> DecodeRasterRgba(ByteView data);

// A grey PNG of `image` (which must be non-empty and consistent).
Result<Bytes> EncodePng(const GreyImage& image);

// An 8-bit RGBA PNG of `image` (non-empty and consistent), no ancillary chunks.
Result<Bytes> EncodePng(const RgbaImage& image);

// A baseline grey JPEG of `image`; quality 1..100.
Result<Bytes> EncodeJpeg(const GreyImage& image, int quality = 85);

}  // namespace sealkey::image
