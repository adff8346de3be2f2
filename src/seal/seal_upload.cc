// Seal images from outside: PNG decoding for callers that inspect pixels,
// and the applicant's own seal image (B12), both through sealkey::image.
// An upload is re-encoded rather than stored as it came, so what goes into a
// SESeal is pixels only: no ancillary chunks, no trailing data.
#include <string>

#include "seal/seal_image.h"

namespace sealkey::seal {
namespace {

tl::unexpected<Error> Refused(const char* field, std::string en, std::string zh) {
  Error e{ErrorCode::kInvalidArgument, field, std::move(en)};
  e.message_zh = std::move(zh);
  return Fail(std::move(e));
}

}  // namespace

Result<RgbaImage> DecodePng(ByteView png) {
  auto info = image::InspectRaster(png);
  if (!info || info->format != image::RasterFormat::kPng) {
    return Fail(ErrorCode::kMalformed, "not a PNG image", "png");
  }
  if (info->width > 8192 || info->height > 8192) {
    return Fail(ErrorCode::kOutOfRange, "PNG is larger than 8192x8192 pixels", "png");
  }
  auto img = image::DecodeRasterRgba(png);
  if (!img) return Fail(ErrorCode::kMalformed, "PNG cannot be decoded", "png");
  return img;
}

Result<UploadedImage> AcceptUploadedImage(ByteView upload, const char* field) {
  const std::string mib = std::to_string(kMaxUploadBytes >> 20);
  if (upload.empty()) return Refused(field, "is empty", "图片为空");
  if (upload.size() > kMaxUploadBytes) {
    return Refused(field, "must be at most " + mib + " MiB", "图片不得超过 " + mib + " MiB");
  }
  auto info = image::InspectRaster(upload);
  if (!info) {
    return Refused(field, "must be a PNG or JPEG image (" + info.error().message + ")",
                   "须为 PNG 或 JPEG 图片");
  }
  const std::string lo = std::to_string(kMinUploadSidePx), hi = std::to_string(kMaxUploadSidePx);
  if (info->width < kMinUploadSidePx || info->height < kMinUploadSidePx ||
      info->width > kMaxUploadSidePx || info->height > kMaxUploadSidePx) {
    return Refused(field,
                   "must be " + lo + ".." + hi + " pixels wide and high (it is " +
                       std::to_string(info->width) + "x" + std::to_string(info->height) + ")",
                   "图片宽高须为 " + lo + "–" + hi + " 像素");
  }
  auto pixels = image::DecodeRasterRgba(upload);
  if (!pixels) {
    return Refused(field, "cannot be decoded: " + pixels.error().message,
                   "图片无法解码（数据不完整或已损坏）");
  }
  bool visible = false;
  for (size_t i = 3; i < pixels->rgba.size() && !visible; i += 4) visible = pixels->rgba[i] != 0;
  if (!visible) return Refused(field, "is entirely transparent", "图片完全透明");
  auto png = image::EncodePng(*pixels);
  if (!png) return Fail(png.error());
  if (png->size() > kMaxUploadBytes) {
    return Refused(field, "is larger than " + mib + " MiB once converted to PNG; use a smaller image",
                   "转换为 PNG 后超过 " + mib + " MiB，请使用更小的图片");
  }
  return UploadedImage{std::move(*png), pixels->width, pixels->height};
}

}  // namespace sealkey::seal
