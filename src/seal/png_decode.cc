// DecodePng (seal_image.h): libpng through cairo, which sealkey::seal links
// anyway, into straight (not premultiplied) RGBA.
#include <cairo.h>

#include <algorithm>

#include "seal/canvas.h"
#include "seal/seal_image.h"

namespace sealkey::seal {
namespace {

struct PngSource {
  ByteView data;
  size_t pos = 0;
};

cairo_status_t ReadFromBytes(void* closure, unsigned char* data, unsigned int length) {
  auto* src = static_cast<PngSource*>(closure);
  if (length > src->data.size() - src->pos) return CAIRO_STATUS_READ_ERROR;
  std::copy_n(src->data.begin() + src->pos, length, data);
  src->pos += length;
  return CAIRO_STATUS_SUCCESS;
}

}  // namespace

Result<RgbaImage> DecodePng(ByteView png) {
  static constexpr uint8_t kMagic[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  // Signature, then IHDR: length, "IHDR", width, height (big-endian).
  if (png.size() < 24 || !std::equal(kMagic, kMagic + 8, png.begin()) ||
      AsChars(png.subspan(12, 4)) != "IHDR") {
    return Fail(ErrorCode::kMalformed, "not a PNG image", "png");
  }
  auto be32 = [&](size_t at) {
    return uint32_t{png[at]} << 24 | uint32_t{png[at + 1]} << 16 | uint32_t{png[at + 2]} << 8 |
           png[at + 3];
  };
  if (be32(16) > 8192 || be32(20) > 8192) {
    return Fail(ErrorCode::kOutOfRange, "PNG is larger than 8192x8192 pixels", "png");
  }
  PngSource src{png};
  std::unique_ptr<cairo_surface_t, detail::CairoDeleter> surface(
      cairo_image_surface_create_from_png_stream(ReadFromBytes, &src));
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
    return Fail(ErrorCode::kMalformed, "PNG cannot be decoded", "png");
  }
  cairo_surface_flush(surface.get());
  const cairo_format_t format = cairo_image_surface_get_format(surface.get());
  if (format != CAIRO_FORMAT_ARGB32 && format != CAIRO_FORMAT_RGB24) {
    return Fail(ErrorCode::kUnsupported, "PNG pixel format is not supported", "png");
  }
  RgbaImage img;
  img.width = cairo_image_surface_get_width(surface.get());
  img.height = cairo_image_surface_get_height(surface.get());
  img.rgba.resize(size_t(img.width) * img.height * 4);
  const int stride = cairo_image_surface_get_stride(surface.get());
  const unsigned char* data = cairo_image_surface_get_data(surface.get());
  for (int y = 0; y < img.height; ++y) {
    const auto* row = reinterpret_cast<const uint32_t*>(data + size_t(y) * stride);
    for (int x = 0; x < img.width; ++x) {
      // Native-endian 0xAARRGGBB, colour premultiplied by alpha.
      const uint32_t p = row[x];
      const uint32_t a = format == CAIRO_FORMAT_ARGB32 ? p >> 24 : 255;
      auto straight = [a](uint32_t c) {
        return static_cast<uint8_t>(a == 0 ? 0 : std::min<uint32_t>(255, (c * 255 + a / 2) / a));
      };
      uint8_t* out = &img.rgba[(size_t(y) * img.width + x) * 4];
      out[0] = straight(p >> 16 & 0xff);
      out[1] = straight(p >> 8 & 0xff);
      out[2] = straight(p & 0xff);
      out[3] = static_cast<uint8_t>(a);
    }
  }
  return img;
}

}  // namespace sealkey::seal
