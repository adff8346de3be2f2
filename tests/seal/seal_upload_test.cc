// The applicant's own seal image (seal/seal_image.h AcceptUploadedImage):
// PNG transparency kept exactly, a JPEG made an opaque PNG, and the limits.
#include <gtest/gtest.h>

#include "image/raster.h"
#include "seal/seal_image.h"
#include "testutil/testutil.h"

namespace sealkey::seal {
namespace {

image::RgbaImage Gradient(int w, int h) {
  image::RgbaImage img{w, h, std::vector<uint8_t>(size_t(w) * h * 4)};
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      uint8_t* p = &img.rgba[(size_t(y) * w + x) * 4];
      p[0] = 0xe6;
      p[1] = static_cast<uint8_t>(x);
      p[3] = static_cast<uint8_t>(y * 255 / (h - 1));
    }
  }
  return img;
}

void ExpectRefused(const Result<UploadedImage>& r, const std::string& words) {
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().field, "seal_image");
  EXPECT_NE(r.error().message.find(words), std::string::npos) << r.error().message;
  EXPECT_FALSE(r.error().message_zh.empty());
}

TEST(AcceptUploadedImage, KeepsPngPixelsAndTransparency) {
  const image::RgbaImage img = Gradient(120, 80);
  auto png = image::EncodePng(img);
  ASSERT_OK(png);
  Bytes with_text = *png;  // an ancillary tEXt chunk (CRC left zero) is dropped
  const Bytes chunk = {0, 0, 0, 5, 't', 'E', 'X', 't', 'a', 0, 'b', 'c', 'd', 0, 0, 0, 0};
  with_text.insert(with_text.end() - 12, chunk.begin(), chunk.end());
  auto accepted = AcceptUploadedImage(with_text, "seal_image");
  ASSERT_OK(accepted);
  EXPECT_EQ(accepted->width, 120);
  EXPECT_EQ(accepted->height, 80);
  auto back = image::DecodeRasterRgba(accepted->png);
  ASSERT_OK(back);
  EXPECT_TRUE(*back == img);
  EXPECT_EQ(accepted->png, *png);
}

TEST(AcceptUploadedImage, MakesAJpegAnOpaquePng) {
  auto jpeg = image::EncodeJpeg({100, 70, std::vector<uint8_t>(100 * 70, 200)});
  ASSERT_OK(jpeg);
  auto accepted = AcceptUploadedImage(*jpeg, "seal_image");
  ASSERT_OK(accepted);
  auto back = DecodePng(accepted->png);
  ASSERT_OK(back);
  EXPECT_EQ(back->width, 100);
  EXPECT_EQ(back->Pixel(50, 30)[3], 255);
  EXPECT_NEAR(back->Pixel(50, 30)[0], 200, 2);
}

TEST(AcceptUploadedImage, RefusesWhatIsNotASensibleImage) {
  ExpectRefused(AcceptUploadedImage(ToBytes("GIF89a, or just text"), "seal_image"), "PNG or JPEG");
  ExpectRefused(AcceptUploadedImage(Bytes{}, "seal_image"), "empty");
  ExpectRefused(AcceptUploadedImage(Bytes(kMaxUploadBytes + 1, 0x89), "seal_image"), "1 MiB");
  ExpectRefused(AcceptUploadedImage(*image::EncodePng(Gradient(63, 100)), "seal_image"), "64..2048");
  ExpectRefused(AcceptUploadedImage(*image::EncodePng(Gradient(2049, 64)), "seal_image"), "64..2048");
  image::RgbaImage clear{80, 80, std::vector<uint8_t>(80 * 80 * 4, 0)};
  ExpectRefused(AcceptUploadedImage(*image::EncodePng(clear), "seal_image"), "transparent");
  Bytes cut = *image::EncodePng(Gradient(100, 100));
  cut.resize(cut.size() - 40);
  ExpectRefused(AcceptUploadedImage(cut, "seal_image"), "cannot be decoded");
}

}  // namespace
}  // namespace sealkey::seal
