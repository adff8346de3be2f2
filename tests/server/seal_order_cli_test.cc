// B12, the applicant's own seal image: uploaded with the seal order, checked
// by content (a text file named .png, an oversized file, a too small or a
// truncated image are refused and no order is made), carried through
// payment and review, and issued exactly: the saved image has the uploaded
// pixels and transparency, and the GB/T 38540 SESeal, verified, holds it.
#include <cmath>
#include <string>

#include <gtest/gtest.h>

#include "image/raster.h"
#include "seal/ses_seal.h"
#include "server/order_cli_fixture.h"

namespace sealkey {
namespace {

// A red ring on a transparent background with soft (partly transparent)
// edges: what a scanned and cleaned seal looks like.
image::RgbaImage Stamp(int w, int h) {
  image::RgbaImage img{w, h, std::vector<uint8_t>(size_t(w) * h * 4, 0)};
  const double r = std::min(w, h) * 0.45;
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const double d = std::abs(std::hypot(x - w / 2.0, y - h / 2.0) - r * 0.85);
      uint8_t* p = &img.rgba[(size_t(y) * w + x) * 4];
      p[0] = 0xe6;
      p[3] = static_cast<uint8_t>(std::clamp(255.0 * (r * 0.12 - d) / 4.0, 0.0, 255.0));
      if (p[3] == 0) p[0] = 0;  // fully transparent pixels carry no colour
    }
  }
  return img;
}

Bytes Png(const image::RgbaImage& img) {
  auto png = image::EncodePng(img);
  EXPECT_TRUE(png.has_value());
  return png.value_or(Bytes{});
}

TEST_P(OrderCliTest, UploadedSealImageIsIssuedAsUploaded) {
  ASSERT_EQ(SkIn(op_, {"operator", "product", "add", "--id", "seal-personal", "--kind", "seal",
                       "--name", "个人电子印章", "--seal-type", "personal", "--price", "50",
                       "--roles", "natural_person"}).exit_code, 0);
  std::string serial = PJ({"cert", "request", "-d", "d1"})["serial"];
  auto create = [&](const std::string& file) {
    return P({"order", "create", "--product", "seal-personal", "--cert-serial", serial,
              "--seal-image", file});
  };
  // Refused by content and size, each naming the field; no order is made.
  testing::WriteFile(home_.File("text.png"), AsBytes("this is a text file, not a picture\n"));
  Bytes big = Png(Stamp(300, 200));
  big.resize(big.size() + (1 << 20), 0);  // a real PNG, then padding past 1 MiB
  testing::WriteFile(home_.File("big.png"), big);
  testing::WriteFile(home_.File("tiny.png"), Png(Stamp(32, 32)));
  Bytes cut = Png(Stamp(300, 200));
  cut.resize(cut.size() / 2);
  testing::WriteFile(home_.File("cut.png"), cut);
  for (const auto& [file, why] : {std::pair{"text.png", "PNG or JPEG"},
                                  std::pair{"big.png", "at most 1 MiB"},
                                  std::pair{"tiny.png", "64..2048 pixels"},
                                  std::pair{"cut.png", "cannot be decoded"}}) {
    auto refused = create(home_.File(file));
    EXPECT_NE(refused.exit_code, 0) << file;
    EXPECT_NE(refused.err.find("seal_image: "), std::string::npos) << file << ": " << refused.err;
    EXPECT_NE(refused.err.find(why), std::string::npos) << file << ": " << refused.err;
  }
  // In Chinese too (the CLI asks for the language of its locale).
  auto zh = testing::RunCommand({"env", "SEALKEY_HOME=" + home_.path(), "SEALKEY_LANG=zh_CN",
                                 testing::BinPath("sealkey"), "--server", server_->url(), "order",
                                 "create", "--product", "seal-personal", "--cert-serial", serial,
                                 "--seal-image", home_.File("tiny.png")});
  EXPECT_NE(zh.err.find("seal_image: 图片宽高须为 64–2048 像素"), std::string::npos) << zh.err;
  EXPECT_EQ(PJ({"order", "list"})["orders"].size(), 0u);
  // A certificate product takes no seal image.
  EXPECT_NE(P({"order", "create", "--product", "personal-sm2", "-d", "d1", "--seal-image",
               home_.File("tiny.png")}).err.find("--seal-image"), std::string::npos);
  // A JPEG is accepted too (stored as PNG); this order is then cancelled.
  auto photo = image::EncodeJpeg({128, 96, std::vector<uint8_t>(128 * 96, 90)}, 90);
  ASSERT_TRUE(photo.has_value());
  testing::WriteFile(home_.File("photo.jpg"), *photo);
  auto jpeg_order = create(home_.File("photo.jpg"));
  ASSERT_EQ(jpeg_order.exit_code, 0) << jpeg_order.err;
  // The PNG: issued as uploaded.
  const image::RgbaImage stamp = Stamp(300, 200);
  const Bytes uploaded = Png(stamp);
  testing::WriteFile(home_.File("stamp.png"), uploaded);
  json created = PJ({"order", "create", "--product", "seal-personal", "--cert-serial", serial,
                     "--seal-image", home_.File("stamp.png")});
  ASSERT_TRUE(created.contains("seal_image_sha256")) << created.dump();
  std::string id = std::to_string(created["id"].get<int64_t>());
  WalkToPaid(id, "50.00", "张三");
  auto approved = SkIn(op_, {"--json", "operator", "order", "approve", id});
  ASSERT_EQ(approved.exit_code, 0) << approved.err;
  ASSERT_EQ(P({"seal", "issued", "--save-dir", home_.File("seals")}).exit_code, 0);
  const Bytes saved = testing::ReadFileOrDie(home_.File("seals/seal-1.png"));
  EXPECT_EQ(saved, uploaded);  // a canonical RGBA PNG re-encodes to itself
  auto pixels = image::DecodeRasterRgba(saved);
  ASSERT_TRUE(pixels.has_value());
  EXPECT_TRUE(*pixels == stamp);  // transparency and colour exactly
  auto parsed = seal::ParseAndVerifySeal(testing::ReadFileOrDie(home_.File("seals/seal-1.ses")));
  ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString();
  EXPECT_EQ(parsed->info.png, saved);
  EXPECT_EQ(parsed->info.type, seal::kSealTypePersonal);
  EXPECT_EQ(parsed->info.width_mm, 20);
  EXPECT_EQ(parsed->info.height_mm, 13);  // 20 mm wide, the image's 3:2
  EXPECT_EQ(parsed->info.name, "张三");
}

}  // namespace
}  // namespace sealkey
