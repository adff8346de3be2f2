// PNG through libpng's simplified API (png_image_*), which reports errors in
// image.message instead of printing them; JPEG through libjpeg with an error
// manager that longjmps and counts warnings (a truncated or corrupt stream
// decodes with warnings, and is refused).
#include "image/raster.h"

#include "image/jpeg_quiet.h"

#include <algorithm>
#include <csetjmp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <jpeglib.h>
#include <png.h>

namespace sealkey::image {
namespace {

tl::unexpected<Error> ImageError(std::string message) {
  return Fail(ErrorCode::kInvalidArgument, std::move(message), "image");
}

bool SizeAllowed(uint64_t w, uint64_t h) {
  return w > 0 && h > 0 && w <= kMaxRasterSide && h <= kMaxRasterSide && w * h <= kMaxRasterArea;
}

tl::unexpected<Error> TooLarge() {
  return ImageError("the image must be at most " + std::to_string(kMaxRasterSide) +
                    " pixels a side and " + std::to_string(kMaxRasterArea / 1000000) +
                    " million pixels");
}

bool Consistent(int width, int height, size_t bytes, size_t channels) {
  return width > 0 && height > 0 && SizeAllowed(width, height) &&
         bytes == static_cast<size_t>(width) * height * channels;
}

bool IsPng(ByteView data) {
  static constexpr uint8_t kPngSignature[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  return data.size() >= sizeof kPngSignature &&
         std::memcmp(data.data(), kPngSignature, sizeof kPngSignature) == 0;
}

bool IsJpeg(ByteView data) {
  return data.size() >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF;
}

// --- PNG -------------------------------------------------------------------

// Decodes into `pixels` as `format` (PNG_FORMAT_GRAY or PNG_FORMAT_RGBA);
// with GRAY, transparency is composited onto white.
Status DecodePngInto(ByteView data, uint32_t format, int& width, int& height,
                     std::vector<uint8_t>& pixels) {
  png_image png;
  std::memset(&png, 0, sizeof png);
  png.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&png, data.data(), data.size())) {
    return ImageError(std::string("not a readable PNG (") + png.message + ")");
  }
  if (!SizeAllowed(png.width, png.height)) {
    png_image_free(&png);
    return TooLarge();
  }
  png.format = format;
  width = static_cast<int>(png.width);
  height = static_cast<int>(png.height);
  pixels.assign(PNG_IMAGE_SIZE(png), 255);
  const png_color white = {255, 255, 255};  // alpha is composited onto this
  if (!png_image_finish_read(&png, &white, pixels.data(), 0, nullptr)) {
    return ImageError(std::string("the PNG data is truncated or corrupt (") + png.message + ")");
  }
  return Ok();
}

// --- JPEG ------------------------------------------------------------------

enum class JpegOutcome { kOk, kCorrupt, kTooLarge };

// No C++ object with a destructor lives in this frame, which longjmp may
// leave; `pixels` belongs to the caller. `space` is JCS_GRAYSCALE or JCS_RGB.
JpegOutcome DecodeJpegInto(ByteView data, J_COLOR_SPACE space, int& width, int& height,
                           std::vector<uint8_t>& pixels) {
  jpeg_decompress_struct cinfo;
  QuietJpegErrors errors;
  UseQuietErrors(cinfo, errors);
  if (setjmp(errors.jump) != 0) {
    jpeg_destroy_decompress(&cinfo);
    return JpegOutcome::kCorrupt;
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, data.data(), static_cast<unsigned long>(data.size()));
  jpeg_read_header(&cinfo, TRUE);
  if (!SizeAllowed(cinfo.image_width, cinfo.image_height)) {
    jpeg_destroy_decompress(&cinfo);
    return JpegOutcome::kTooLarge;
  }
  cinfo.out_color_space = space;
  jpeg_start_decompress(&cinfo);
  width = static_cast<int>(cinfo.output_width);
  height = static_cast<int>(cinfo.output_height);
  const size_t row_bytes = static_cast<size_t>(width) * cinfo.output_components;
  pixels.resize(row_bytes * height);
  while (cinfo.output_scanline < cinfo.output_height) {
    JSAMPROW row = pixels.data() + static_cast<size_t>(cinfo.output_scanline) * row_bytes;
    jpeg_read_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  return errors.warnings == 0 ? JpegOutcome::kOk : JpegOutcome::kCorrupt;
}

// Reads only the header: kOk with the size, or kCorrupt.
JpegOutcome InspectJpegInto(ByteView data, int& width, int& height) {
  jpeg_decompress_struct cinfo;
  QuietJpegErrors errors;
  UseQuietErrors(cinfo, errors);
  if (setjmp(errors.jump) != 0) {
    jpeg_destroy_decompress(&cinfo);
    return JpegOutcome::kCorrupt;
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, data.data(), static_cast<unsigned long>(data.size()));
  jpeg_read_header(&cinfo, TRUE);
  width = static_cast<int>(cinfo.image_width);
  height = static_cast<int>(cinfo.image_height);
  jpeg_destroy_decompress(&cinfo);
  return JpegOutcome::kOk;
}

Status DecodeJpeg(ByteView data, J_COLOR_SPACE space, int& width, int& height,
                  std::vector<uint8_t>& pixels) {
  switch (DecodeJpegInto(data, space, width, height, pixels)) {
    case JpegOutcome::kOk:
      return Ok();
    case JpegOutcome::kTooLarge:
      return TooLarge();
    case JpegOutcome::kCorrupt:
      break;
  }
  return ImageError("the JPEG data is truncated or corrupt");
}

// Same frame discipline as DecodeJpegInto; libjpeg mallocs `*buffer`.
bool EncodeJpegInto(const GreyImage& image, int quality, unsigned char** buffer,
                    unsigned long* size) {
  jpeg_compress_struct cinfo;
  QuietJpegErrors errors;
  UseQuietErrors(cinfo, errors);
  if (setjmp(errors.jump) != 0) {
    jpeg_destroy_compress(&cinfo);
    return false;
  }
  jpeg_create_compress(&cinfo);
  jpeg_mem_dest(&cinfo, buffer, size);
  cinfo.image_width = static_cast<JDIMENSION>(image.width);
  cinfo.image_height = static_cast<JDIMENSION>(image.height);
  cinfo.input_components = 1;
  cinfo.in_color_space = JCS_GRAYSCALE;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, quality, TRUE);
  jpeg_start_compress(&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW row = const_cast<uint8_t*>(image.pixels.data()) +
                   static_cast<size_t>(cinfo.next_scanline) * image.width;
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  return true;
}

Result<Bytes> EncodePngAs(const void* pixels, int width, int height, uint32_t format) {
  png_image png;
  std::memset(&png, 0, sizeof png);
  png.version = PNG_IMAGE_VERSION;
  png.width = static_cast<png_uint_32>(width);
  png.height = static_cast<png_uint_32>(height);
  png.format = format;
  png_alloc_size_t size = 0;
  if (!png_image_write_get_memory_size(png, size, 0, pixels, 0, nullptr)) {
    return Fail(ErrorCode::kInternal, std::string("PNG encoding failed: ") + png.message);
  }
  Bytes out(size);
  if (!png_image_write_to_memory(&png, out.data(), &size, 0, pixels, 0, nullptr)) {
    return Fail(ErrorCode::kInternal, std::string("PNG encoding failed: ") + png.message);
  }
  out.resize(size);
  return out;
}

tl::unexpected<Error> NotAnImage() { return ImageError("not a PNG or JPEG image"); }

}  // namespace

Result<RasterInfo> InspectRaster(ByteView data) {
  RasterInfo info;
  if (IsPng(data)) {
    png_image png;
    std::memset(&png, 0, sizeof png);
    png.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&png, data.data(), data.size())) {
      return ImageError(std::string("not a readable PNG (") + png.message + ")");
    }
    info.width = static_cast<int>(std::min<png_uint_32>(png.width, INT32_MAX));
    info.height = static_cast<int>(std::min<png_uint_32>(png.height, INT32_MAX));
    info.has_alpha = (png.format & PNG_FORMAT_FLAG_ALPHA) != 0;
    png_image_free(&png);
    return info;
  }
  if (IsJpeg(data)) {
    info.format = RasterFormat::kJpeg;
    if (InspectJpegInto(data, info.width, info.height) != JpegOutcome::kOk) {
      return ImageError("the JPEG header is truncated or corrupt");
    }
    return info;
  }
  return NotAnImage();
}

Result<GreyImage> DecodeRaster(ByteView data) {
  GreyImage image;
  if (IsPng(data)) {
    SEALKEY_RETURN_IF_ERROR(
        DecodePngInto(data, PNG_FORMAT_GRAY, image.width, image.height, image.pixels));
  } else if (IsJpeg(data)) {
    SEALKEY_RETURN_IF_ERROR(
        DecodeJpeg(data, JCS_GRAYSCALE, image.width, image.height, image.pixels));
  } else {
    return NotAnImage();
  }
  return image;
}

Result<RgbaImage> DecodeRasterRgba(ByteView data) {
  RgbaImage image;
  if (IsPng(data)) {
    SEALKEY_RETURN_IF_ERROR(
        DecodePngInto(data, PNG_FORMAT_RGBA, image.width, image.height, image.rgba));
    return image;
  }
  if (!IsJpeg(data)) return NotAnImage();
  std::vector<uint8_t> rgb;
  SEALKEY_RETURN_IF_ERROR(DecodeJpeg(data, JCS_RGB, image.width, image.height, rgb));
  image.rgba.resize(static_cast<size_t>(image.width) * image.height * 4);
  for (size_t i = 0, n = rgb.size() / 3; i < n; ++i) {
    image.rgba[i * 4] = rgb[i * 3];
    image.rgba[i * 4 + 1] = rgb[i * 3 + 1];
    image.rgba[i * 4 + 2] = rgb[i * 3 + 2];
    image.rgba[i * 4 + 3] = 255;
  }
  return image;
}

Result<Bytes> EncodePng(const GreyImage& image) {
  if (!Consistent(image.width, image.height, image.pixels.size(), 1))
    return ImageError("the image to encode is empty, too large or inconsistent");
  return EncodePngAs(image.pixels.data(), image.width, image.height, PNG_FORMAT_GRAY);
}

Result<Bytes> EncodePng(const RgbaImage& image) {
  if (!Consistent(image.width, image.height, image.rgba.size(), 4))
    return ImageError("the image to encode is empty, too large or inconsistent");
  return EncodePngAs(image.rgba.data(), image.width, image.height, PNG_FORMAT_RGBA);
}

Result<Bytes> EncodeJpeg(const GreyImage& image, int quality) {
  if (!Consistent(image.width, image.height, image.pixels.size(), 1))
    return ImageError("the image to encode is empty, too large or inconsistent");
  if (quality < 1 || quality > 100) {
    return Fail(ErrorCode::kInvalidArgument, "must be 1..100", "quality");
  }
  unsigned char* buffer = nullptr;
  unsigned long size = 0;
  const bool ok = EncodeJpegInto(image, quality, &buffer, &size);
  Bytes out;
  if (ok) out.assign(buffer, buffer + size);
  std::free(buffer);
  if (!ok) return Fail(ErrorCode::kInternal, "JPEG encoding failed");
  return out;
}

}  // namespace sealkey::image
