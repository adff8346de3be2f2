// PNG through libpng's simplified API (png_image_*), which reports errors in
// image.message instead of printing them; JPEG through libjpeg with an error
// manager that longjmps and counts warnings (a truncated or corrupt stream
// decodes with warnings, and is refused).
#include "qr/raster.h"

#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <jpeglib.h>
#include <png.h>

namespace sealkey::qr {
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

bool Consistent(const GreyImage& image) {
  return image.width > 0 && image.height > 0 && SizeAllowed(image.width, image.height) &&
         image.pixels.size() == static_cast<size_t>(image.width) * image.height;
}

// --- PNG -------------------------------------------------------------------

Result<GreyImage> DecodePng(ByteView data) {
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
  png.format = PNG_FORMAT_GRAY;
  GreyImage image;
  image.width = static_cast<int>(png.width);
  image.height = static_cast<int>(png.height);
  image.pixels.assign(static_cast<size_t>(image.width) * image.height, 255);
  const png_color white = {255, 255, 255};  // alpha is composited onto this
  if (!png_image_finish_read(&png, &white, image.pixels.data(), 0, nullptr)) {
    return ImageError(std::string("the PNG data is truncated or corrupt (") + png.message + ")");
  }
  return image;
}

// --- JPEG ------------------------------------------------------------------

struct QuietErrors {
  jpeg_error_mgr mgr;
  std::jmp_buf jump;
  int warnings = 0;
};

[[noreturn]] void JpegError(j_common_ptr c) {
  std::longjmp(reinterpret_cast<QuietErrors*>(c->err)->jump, 1);
}
void JpegMessage(j_common_ptr c, int level) {
  if (level < 0) ++reinterpret_cast<QuietErrors*>(c->err)->warnings;
}
void JpegOutput(j_common_ptr) {}

enum class JpegOutcome { kOk, kCorrupt, kTooLarge };

// No C++ object with a destructor lives in this frame, which longjmp may
// leave; `out` belongs to the caller.
JpegOutcome DecodeJpegInto(ByteView data, GreyImage& out) {
  jpeg_decompress_struct cinfo;
  QuietErrors errors;
  cinfo.err = jpeg_std_error(&errors.mgr);
  errors.mgr.error_exit = JpegError;
  errors.mgr.emit_message = JpegMessage;
  errors.mgr.output_message = JpegOutput;
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
  cinfo.out_color_space = JCS_GRAYSCALE;
  jpeg_start_decompress(&cinfo);
  out.width = static_cast<int>(cinfo.output_width);
  out.height = static_cast<int>(cinfo.output_height);
  out.pixels.resize(static_cast<size_t>(out.width) * out.height);
  while (cinfo.output_scanline < cinfo.output_height) {
    JSAMPROW row = out.pixels.data() + static_cast<size_t>(cinfo.output_scanline) * out.width;
    jpeg_read_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  return errors.warnings == 0 ? JpegOutcome::kOk : JpegOutcome::kCorrupt;
}

Result<GreyImage> DecodeJpeg(ByteView data) {
  GreyImage image;
  switch (DecodeJpegInto(data, image)) {
    case JpegOutcome::kOk:
      return image;
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
  QuietErrors errors;
  cinfo.err = jpeg_std_error(&errors.mgr);
  errors.mgr.error_exit = JpegError;
  errors.mgr.emit_message = JpegMessage;
  errors.mgr.output_message = JpegOutput;
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

}  // namespace

Result<GreyImage> DecodeRaster(ByteView data) {
  static constexpr uint8_t kPngSignature[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (data.size() >= sizeof kPngSignature &&
      std::memcmp(data.data(), kPngSignature, sizeof kPngSignature) == 0) {
    return DecodePng(data);
  }
  if (data.size() >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF) {
    return DecodeJpeg(data);
  }
  return ImageError("not a PNG or JPEG image");
}

Result<Bytes> EncodePng(const GreyImage& image) {
  if (!Consistent(image))
    return ImageError("the image to encode is empty, too large or inconsistent");
  png_image png;
  std::memset(&png, 0, sizeof png);
  png.version = PNG_IMAGE_VERSION;
  png.width = static_cast<png_uint_32>(image.width);
  png.height = static_cast<png_uint_32>(image.height);
  png.format = PNG_FORMAT_GRAY;
  png_alloc_size_t size = 0;
  if (!png_image_write_get_memory_size(png, size, 0, image.pixels.data(), 0, nullptr)) {
    return Fail(ErrorCode::kInternal, std::string("PNG encoding failed: ") + png.message);
  }
  Bytes out(size);
  if (!png_image_write_to_memory(&png, out.data(), &size, 0, image.pixels.data(), 0, nullptr)) {
    return Fail(ErrorCode::kInternal, std::string("PNG encoding failed: ") + png.message);
  }
  out.resize(size);
  return out;
}

Result<Bytes> EncodeJpeg(const GreyImage& image, int quality) {
  if (!Consistent(image))
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

}  // namespace sealkey::qr
