// PNG and JPEG decoding straight through libpng and libjpeg rather than
// Leptonica's readers, for two reasons: their default error handlers print
// to stderr ("libpng error: ...", "Premature end of JPEG file") for every
// bad upload, and a JPEG's Exif orientation (how a phone photo is meant to
// be turned) must be honoured before OCR. Both decoders give 8-bit grey.
#include <algorithm>
#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <jpeglib.h>
#include <png.h>

#include "image/jpeg_quiet.h"
#include "server/ocr/licence_image.h"
#include "server/ocr/licence_ocr.h"

namespace sealkey::server {
namespace {

bool SizeAllowed(uint64_t w, uint64_t h) {
  return w > 0 && h > 0 && w <= kMaxLicenceSide && h <= kMaxLicenceSide &&
         w * h <= kMaxLicenceArea;
}

tl::unexpected<Error> TooLarge(const char* field) {
  return ImageError(field, "the image must be at most " + std::to_string(kMaxLicenceSide) +
                               " pixels a side and " + std::to_string(kMaxLicenceArea / 1000000) +
                               " million pixels",
                    "图片每边不得超过 " + std::to_string(kMaxLicenceSide) + " 像素，总计不超过 " +
                        std::to_string(kMaxLicenceArea / 1000000) + " 百万像素");
}

tl::unexpected<Error> Corrupt(const char* field) {
  return ImageError(field, "the image data is truncated or corrupt", "图片数据不完整或已损坏");
}

// Rows of `width` grey bytes into a new 8 bpp Pix.
PixPtr ToPix(const std::vector<uint8_t>& grey, int width, int height) {
  PixPtr pix(pixCreate(width, height, 8));
  if (!pix) return pix;
  const int wpl = pixGetWpl(pix.get());
  for (int y = 0; y < height; ++y) {
    l_uint32* line = pixGetData(pix.get()) + static_cast<size_t>(y) * wpl;
    const uint8_t* row = grey.data() + static_cast<size_t>(y) * width;
    for (int x = 0; x < width; ++x) SET_DATA_BYTE(line, x, row[x]);
  }
  return pix;
}

// --- JPEG ------------------------------------------------------------------

uint32_t ReadUint(const uint8_t* p, int n, bool big_endian) {
  uint32_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | p[big_endian ? i : n - 1 - i];
  return v;
}

// Exif (CIPA DC-008) orientation tag 0x0112 of IFD0 in an APP1 segment:
// "Exif\0\0", then a TIFF header (II/MM, 42, IFD0 offset) and 12-byte
// entries (tag, type, count, value). 1 when absent or unreadable.
int ExifOrientation(const jpeg_saved_marker_ptr markers) {
  for (auto m = markers; m != nullptr; m = m->next) {
    if (m->marker != JPEG_APP0 + 1 || m->data_length < 14 ||
        std::memcmp(m->data, "Exif\0\0", 6) != 0) {
      continue;
    }
    const uint8_t* tiff = m->data + 6;
    const size_t size = m->data_length - 6;
    if (tiff[0] != tiff[1] || (tiff[0] != 'I' && tiff[0] != 'M')) return 1;
    const bool be = tiff[0] == 'M';
    const uint32_t ifd = ReadUint(tiff + 4, 4, be);
    if (ifd > size - 2) return 1;
    const uint32_t count = ReadUint(tiff + ifd, 2, be);
    for (uint32_t i = 0; i < count && ifd + 2 + 12 * (i + 1) <= size; ++i) {
      const uint8_t* e = tiff + ifd + 2 + 12 * i;
      if (ReadUint(e, 2, be) == 0x0112 && ReadUint(e + 2, 2, be) == 3) {
        const uint32_t v = ReadUint(e + 8, 2, be);
        return v >= 1 && v <= 8 ? static_cast<int>(v) : 1;
      }
    }
    return 1;
  }
  return 1;
}

struct JpegOut {
  std::vector<uint8_t> grey;
  int width = 0, height = 0, orientation = 1, dpi = 0;
  bool too_large = false;
};

// No C++ object lives in the frames longjmp skips (they are libjpeg's).
bool DecodeJpegGrey(ByteView data, JpegOut& out) {
  jpeg_decompress_struct cinfo;
  image::QuietJpegErrors errors;
  image::UseQuietErrors(cinfo, errors);
  if (setjmp(errors.jump) != 0) {
    jpeg_destroy_decompress(&cinfo);
    return false;
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, data.data(), static_cast<unsigned long>(data.size()));
  jpeg_save_markers(&cinfo, JPEG_APP0 + 1, 0xFFFF);
  jpeg_read_header(&cinfo, TRUE);
  if (!SizeAllowed(cinfo.image_width, cinfo.image_height)) {
    out.too_large = true;
    jpeg_destroy_decompress(&cinfo);
    return false;
  }
  out.orientation = ExifOrientation(cinfo.marker_list);
  // libjpeg scales by 1/2, 1/4 or 1/8 almost for free while decoding.
  const unsigned side = std::max(cinfo.image_width, cinfo.image_height);
  cinfo.scale_num = 1;
  cinfo.scale_denom = 1;
  while (cinfo.scale_denom < 8 && side / (cinfo.scale_denom * 2) >= kMaxOcrSide) {
    cinfo.scale_denom *= 2;
  }
  cinfo.out_color_space = JCS_GRAYSCALE;
  jpeg_start_decompress(&cinfo);
  if (cinfo.density_unit == 1) out.dpi = cinfo.X_density / static_cast<int>(cinfo.scale_denom);
  out.width = static_cast<int>(cinfo.output_width);
  out.height = static_cast<int>(cinfo.output_height);
  out.grey.resize(static_cast<size_t>(out.width) * out.height);
  while (cinfo.output_scanline < cinfo.output_height) {
    JSAMPROW row = out.grey.data() + static_cast<size_t>(cinfo.output_scanline) * out.width;
    jpeg_read_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  return errors.warnings == 0;
}

// Turns the stored pixels the way Exif says they are displayed: for
// orientations 1-8, quarter turns clockwise and then a horizontal (H) or
// vertical (V) flip.
PixPtr Orient(PixPtr pix, int orientation) {
  static constexpr struct {
    int quads;
    char flip;
  } kTurns[9] = {{0, 0}, {0, 0}, {0, 'H'}, {2, 0}, {0, 'V'}, {1, 'H'}, {1, 0}, {1, 'V'}, {3, 0}};
  const auto turn = kTurns[orientation >= 1 && orientation <= 8 ? orientation : 1];
  if (pix && turn.quads != 0) pix.reset(pixRotateOrth(pix.get(), turn.quads));
  if (pix && turn.flip == 'H') pix.reset(pixFlipLR(nullptr, pix.get()));
  if (pix && turn.flip == 'V') pix.reset(pixFlipTB(nullptr, pix.get()));
  return pix;
}

}  // namespace

Result<PixPtr> DecodePng(ByteView data, const char* field) {
  // libpng's simplified API keeps its messages in image.message.
  png_image image;
  std::memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&image, data.data(), data.size())) {
    return ImageError(field, "not a readable PNG image", "不是可读取的 PNG 图片");
  }
  if (!SizeAllowed(image.width, image.height)) {
    png_image_free(&image);
    return TooLarge(field);
  }
  image.format = PNG_FORMAT_GRAY;  // transparency is composed over the background
  const png_color white = {255, 255, 255};
  std::vector<uint8_t> grey(PNG_IMAGE_SIZE(image));
  if (!png_image_finish_read(&image, &white, grey.data(), 0, nullptr)) return Corrupt(field);
  PixPtr pix = ToPix(grey, static_cast<int>(image.width), static_cast<int>(image.height));
  if (!pix) return Fail(ErrorCode::kInternal, "out of memory decoding the image", field);
  return pix;
}

Result<PixPtr> DecodeJpeg(ByteView data, const char* field) {
  JpegOut out;
  if (!DecodeJpegGrey(data, out)) return out.too_large ? TooLarge(field) : Corrupt(field);
  PixPtr pix = Orient(ToPix(out.grey, out.width, out.height), out.orientation);
  if (!pix) return Fail(ErrorCode::kInternal, "out of memory decoding the image", field);
  pixSetResolution(pix.get(), out.dpi, out.dpi);
  return pix;
}

}  // namespace sealkey::server
