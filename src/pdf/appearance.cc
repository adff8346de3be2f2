#include "pdf/appearance.h"

#include <algorithm>

#include <png.h>

namespace sealkey::pdf::internal {
namespace {

constexpr int kMaxSide = 4096;

Error BadImage(const std::string& why) {
  return Error{ErrorCode::kInvalidArgument, "image", "seal image: " + why};
}

bool IsPng(ByteView b) {
  static constexpr uint8_t kMagic[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  return b.size() >= 8 && std::equal(kMagic, kMagic + 8, b.begin());
}

Result<SealImage> LoadPng(ByteView file) {
  png_image png{};
  png.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&png, file.data(), file.size())) {
    std::string why = png.message;
    png_image_free(&png);
    return Fail(BadImage("not a readable PNG (" + why + ")"));
  }
  if (png.width == 0 || png.height == 0 || png.width > kMaxSide || png.height > kMaxSide) {
    png_image_free(&png);
    return Fail(BadImage("at most 4096 pixels a side"));
  }
  png.format = PNG_FORMAT_RGBA;
  Bytes rgba(PNG_IMAGE_SIZE(png));
  if (!png_image_finish_read(&png, nullptr, rgba.data(), 0, nullptr)) {
    std::string why = png.message;
    png_image_free(&png);
    return Fail(BadImage("cannot decode the PNG (" + why + ")"));
  }
  SealImage out;
  out.width = static_cast<int>(png.width);
  out.height = static_cast<int>(png.height);
  const size_t pixels = static_cast<size_t>(out.width) * out.height;
  bool gray = true, opaque = true;
  for (size_t i = 0; i < pixels; ++i) {
    const uint8_t* p = &rgba[i * 4];
    gray = gray && p[0] == p[1] && p[1] == p[2];
    opaque = opaque && p[3] == 0xff;
  }
  Bytes samples, alpha;
  samples.reserve(pixels * (gray ? 1 : 3));
  for (size_t i = 0; i < pixels; ++i) {
    const uint8_t* p = &rgba[i * 4];
    if (gray) {
      samples.push_back(p[0]);
    } else {
      samples.insert(samples.end(), p, p + 3);
    }
    if (!opaque) alpha.push_back(p[3]);
  }
  out.color_space = gray ? "/DeviceGray" : "/DeviceRGB";
  out.filter = "/FlateDecode";
  auto data = Deflate(samples);
  if (!data) return Fail(data.error());
  out.data = std::move(*data);
  if (!opaque) {
    auto mask = Deflate(alpha);
    if (!mask) return Fail(mask.error());
    out.alpha = std::move(*mask);
  }
  return out;
}

// ITU-T T.81 annex B: markers FF xx; a start-of-frame segment (SOF0-SOF15
// but DHT C4, JPG C8 and DAC CC) holds precision, height, width, components.
Result<SealImage> LoadJpeg(ByteView b) {
  size_t pos = 2;
  while (pos + 4 <= b.size()) {
    if (b[pos] != 0xff) return Fail(BadImage("damaged JPEG"));
    uint8_t marker = b[pos + 1];
    if (marker == 0xff) {
      ++pos;
      continue;
    }
    size_t length = static_cast<size_t>(b[pos + 2]) << 8 | b[pos + 3];
    if (length < 2 || pos + 2 + length > b.size()) return Fail(BadImage("damaged JPEG"));
    bool sof =
        marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
    if (sof) {
      if (length < 8) return Fail(BadImage("damaged JPEG"));
      const uint8_t* f = &b[pos + 4];
      SealImage out;
      out.height = f[1] << 8 | f[2];
      out.width = f[3] << 8 | f[4];
      int components = f[5];
      if (f[0] != 8 || (components != 1 && components != 3)) {
        return Fail(BadImage("only 8-bit grey or colour JPEGs"));
      }
      if (out.width == 0 || out.height == 0 || out.width > kMaxSide || out.height > kMaxSide) {
        return Fail(BadImage("at most 4096 pixels a side"));
      }
      out.color_space = components == 1 ? "/DeviceGray" : "/DeviceRGB";
      out.filter = "/DCTDecode";
      out.data.assign(b.begin(), b.end());
      return out;
    }
    if (marker == 0xda) break;  // start of scan before any frame header
    pos += 2 + length;
  }
  return Fail(BadImage("JPEG without a frame header"));
}

std::string Ref(int num) { return std::to_string(num) + " 0 R"; }

}  // namespace

Result<SealImage> LoadSealImage(ByteView image) {
  if (IsPng(image)) return LoadPng(image);
  if (image.size() > 3 && image[0] == 0xff && image[1] == 0xd8) return LoadJpeg(image);
  return Fail(BadImage("must be PNG or JPEG"));
}

Result<std::vector<NewObject>> AppearanceObjects(const SealImage* image, double width,
                                                 double height, int form_num, int image_num,
                                                 int smask_num) {
  std::vector<NewObject> out;
  std::string form = "/Type /XObject /Subtype /Form /BBox [0 0 " + FormatNumber(width) + " " +
                     FormatNumber(height) + "]";
  if (image == nullptr) {
    out.push_back({form_num, 0, StreamBody(form, {})});
    return out;
  }
  // Section 8.9.5: an image is drawn into the unit square, so cm scales it
  // to the fitted size and moves it to the centre of the box.
  const double scale = std::min(width / image->width, height / image->height);
  const double w = image->width * scale, h = image->height * scale;
  const std::string content = "q " + FormatNumber(w) + " 0 0 " + FormatNumber(h) + " " +
                              FormatNumber((width - w) / 2) + " " + FormatNumber((height - h) / 2) +
                              " cm /Im0 Do Q";
  form += " /Resources << /XObject << /Im0 " + Ref(image_num) + " >> >>";
  out.push_back({form_num, 0, StreamBody(form, AsBytes(content))});

  std::string dims = "/Type /XObject /Subtype /Image /Width " + std::to_string(image->width) +
                     " /Height " + std::to_string(image->height) + " /BitsPerComponent 8";
  std::string image_dict =
      dims + " /ColorSpace " + image->color_space + " /Filter " + image->filter;
  if (!image->alpha.empty()) image_dict += " /SMask " + Ref(smask_num);
  out.push_back({image_num, 0, StreamBody(image_dict, image->data)});
  if (!image->alpha.empty()) {
    out.push_back(
        {smask_num, 0,
         StreamBody(dims + " /ColorSpace /DeviceGray /Filter /FlateDecode", image->alpha)});
  }
  return out;
}

}  // namespace sealkey::pdf::internal
