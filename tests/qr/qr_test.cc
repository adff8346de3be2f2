// sealkey::qr: QR round trips (ASCII, Chinese, JPEG, a photo-like resampled
// code), refusals, and the sealkey:// link format.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "qr/qr_code.h"
#include "image/raster.h"
#include "qr/sealkey_link.h"
#include "testutil/testutil.h"

namespace sealkey::qr {
namespace {

using image::DecodeRaster;
using image::EncodeJpeg;
using image::EncodePng;

template <typename T>
void ExpectInvalid(const Result<T>& r, const std::string& field) {
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << r.error().ToString();
  EXPECT_EQ(r.error().field, field) << r.error().ToString();
}

// Deterministic noise (a 32-bit LCG, Numerical Recipes constants).
struct Lcg {
  uint32_t state = 12345;
  int Next(int range) {
    state = state * 1664525u + 1013904223u;
    return static_cast<int>((state >> 8) % static_cast<uint32_t>(range));
  }
};

// What a phone might see: the code scaled by `scale`, turned by `degrees`,
// placed off-centre on a `w` × `h` grey, unevenly lit background, with
// bilinear resampling (soft module edges), reduced contrast and noise.
GreyImage PhotoOf(const GreyImage& code, double scale, double degrees, int w, int h) {
  GreyImage out;
  out.width = w;
  out.height = h;
  out.pixels.resize(static_cast<size_t>(w) * h);
  const double a = degrees * M_PI / 180, c = std::cos(a), s = std::sin(a);
  const double cx = w * 0.55, cy = h * 0.45;  // where the code's centre lands
  Lcg noise;
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      // Inverse map: photo pixel -> code coordinates.
      const double dx = x - cx, dy = y - cy;
      const double u = (c * dx + s * dy) / scale + code.width / 2.0;
      const double v = (-s * dx + c * dy) / scale + code.height / 2.0;
      double value = 235;  // paper outside the code
      if (u >= 0 && v >= 0 && u < code.width - 1 && v < code.height - 1) {
        const int u0 = static_cast<int>(u), v0 = static_cast<int>(v);
        const double fu = u - u0, fv = v - v0;
        value = (1 - fu) * (1 - fv) * code.at(u0, v0) + fu * (1 - fv) * code.at(u0 + 1, v0) +
                (1 - fu) * fv * code.at(u0, v0 + 1) + fu * fv * code.at(u0 + 1, v0 + 1);
      }
      value = 40 + value * 0.75;     // ink is not black, paper not white
      value *= 0.8 + 0.2 * x / w;    // light from the right
      value += noise.Next(21) - 10;  // sensor noise
      out.pixels[static_cast<size_t>(y) * w + x] =
          static_cast<uint8_t>(std::clamp(value, 0.0, 255.0));
    }
  }
  return out;
}

TEST(QrCodeTest, AsciiRoundTrip) {
  const std::string text = "sealkey://project/42?server=https%3A%2F%2Fca.example.cn";
  auto png = EncodeQrPng(text);
  ASSERT_OK(png);
  ASSERT_GT(png->size(), 8u);
  EXPECT_EQ((*png)[1], 'P');
  auto image = DecodeRaster(*png);
  ASSERT_OK(image);
  // Version 4 (33 modules) plus a 4-module quiet zone a side, 8 px a module.
  EXPECT_EQ(image->width % 8, 0);
  EXPECT_EQ(image->width, image->height);
  EXPECT_EQ(image->at(0, 0), 255);        // quiet zone
  EXPECT_EQ(image->at(4 * 8, 4 * 8), 0);  // finder pattern corner
  auto text_back = DecodeQr(*png);
  ASSERT_OK(text_back);
  EXPECT_EQ(*text_back, text);
}

TEST(QrCodeTest, ChineseUtf8RoundTrip) {
  const std::string text = "电子发票（普通发票）校验：深圳市前海数字证书有限公司 ¥1234.56 ✓";
  for (int module_px : {1, 3, 8}) {
    auto png = EncodeQrPng(text, module_px);
    ASSERT_OK(png);
    auto back = DecodeQr(*png);
    ASSERT_OK(back);
    EXPECT_EQ(*back, text) << "module_px " << module_px;
  }
}

TEST(QrCodeTest, JpegRoundTrip) {
  const std::string text =
      "sealkey://use/Zk3v9QmT0aBcDeFgHiJkLw?server=https%3A%2F%2Frp.example.cn";
  auto image = EncodeQrImage(text, 6);
  ASSERT_OK(image);
  auto jpeg = EncodeJpeg(*image, 50);
  ASSERT_OK(jpeg);
  EXPECT_EQ((*jpeg)[0], 0xFF);
  EXPECT_EQ((*jpeg)[1], 0xD8);
  auto back = DecodeQr(*jpeg);
  ASSERT_OK(back);
  EXPECT_EQ(*back, text);
}

TEST(QrCodeTest, PhotoLikeScaledAndTurned) {
  const std::string text = "sealkey://project/cert-2026-a?server=https%3A%2F%2Fca.example.cn%2Fsk";
  auto code = EncodeQrImage(text, 5);
  ASSERT_OK(code);
  struct Shot {
    double scale, degrees;
  };
  for (const Shot& shot : {Shot{0.83, 7}, Shot{1.37, -11}, Shot{0.62, 31}, Shot{1.1, 93}}) {
    const GreyImage photo = PhotoOf(*code, shot.scale, shot.degrees, 640, 480);
    auto jpeg = EncodeJpeg(photo, 70);
    ASSERT_OK(jpeg);
    auto back = DecodeQr(*jpeg);
    ASSERT_OK(back);
    EXPECT_EQ(*back, text) << "scale " << shot.scale << " degrees " << shot.degrees;
  }
  // The same text below one pixel a module is beyond any decoder: the
  // distortion above is real, and a miss is reported as such.
  auto tiny = EncodeJpeg(PhotoOf(*code, 0.15, 7, 640, 480), 70);
  ASSERT_OK(tiny);
  ExpectInvalid(DecodeQr(*tiny), "image");
}

TEST(QrCodeTest, RefusesGarbageAndImagesWithoutCode) {
  Lcg lcg;
  Bytes random(4000);
  for (auto& b : random) b = static_cast<uint8_t>(lcg.Next(256));
  ExpectInvalid(DecodeQr(random), "image");
  ExpectInvalid(DecodeQr(ByteView()), "image");
  ExpectInvalid(DecodeQr(AsBytes("%PDF-1.7 not an image")), "image");

  auto png = EncodeQrPng("truncate me");
  ASSERT_OK(png);
  ExpectInvalid(DecodeQr(ByteView(png->data(), png->size() / 2)), "image");
  // A valid image of nothing: a grey gradient.
  GreyImage blank{120, 80, std::vector<uint8_t>(120 * 80)};
  for (size_t i = 0; i < blank.pixels.size(); ++i)
    blank.pixels[i] = static_cast<uint8_t>(i % 120 + 60);
  auto blank_png = EncodePng(blank);
  ASSERT_OK(blank_png);
  ExpectInvalid(DecodeQr(*blank_png), "image");
  auto blank_jpeg = EncodeJpeg(blank);
  ASSERT_OK(blank_jpeg);
  ExpectInvalid(DecodeQr(*blank_jpeg), "image");
  // A JPEG cut short decodes with warnings: refused, not half-read.
  ExpectInvalid(DecodeQr(ByteView(blank_jpeg->data(), blank_jpeg->size() - 40)), "image");
}

TEST(QrCodeTest, RefusesBadEncodeArguments) {
  ExpectInvalid(EncodeQrPng(""), "text");
  ExpectInvalid(EncodeQrPng("\xC3\x28"), "text");              // invalid UTF-8
  ExpectInvalid(EncodeQrPng("\xED\xA0\x80"), "text");          // a UTF-16 surrogate
  ExpectInvalid(EncodeQrPng(std::string(4000, 'x')), "text");  // beyond version 40-M
  ExpectInvalid(EncodeQrPng("ok", 0), "module_px");
  ExpectInvalid(EncodeQrPng("ok", kMaxModulePx + 1), "module_px");
}

TEST(SealkeyLinkTest, FormatAndParseRoundTrip) {
  SealkeyLink project{LinkKind::kProject, "42", "https://ca.example.cn/sealkey"};
  const std::string text = FormatSealkeyLink(project);
  EXPECT_EQ(text, "sealkey://project/42?server=https%3A%2F%2Fca.example.cn%2Fsealkey");
  auto parsed = ParseSealkeyLink(text);
  ASSERT_OK(parsed);
  EXPECT_EQ(parsed->kind, LinkKind::kProject);
  EXPECT_EQ(parsed->id, "42");
  EXPECT_EQ(parsed->server, "https://ca.example.cn/sealkey");

  SealkeyLink use{LinkKind::kUse, "q2Zk-9_xYw", "http://127.0.0.1:8080"};
  auto use_back = ParseSealkeyLink(FormatSealkeyLink(use));
  ASSERT_OK(use_back);
  EXPECT_EQ(use_back->kind, LinkKind::kUse);
  EXPECT_EQ(use_back->id, "q2Zk-9_xYw");
  EXPECT_EQ(use_back->server, "http://127.0.0.1:8080");
  EXPECT_EQ(LinkKindName(use_back->kind), "use");

  // Unescaped ':' and '/' are allowed in a query (RFC 3986 3.4); IPv6 hosts too.
  auto plain = ParseSealkeyLink("sealkey://use/abc?server=http://[::1]:8080/x");
  ASSERT_OK(plain);
  EXPECT_EQ(plain->server, "http://[::1]:8080/x");

  // And through a QR code.
  auto png = EncodeQrPng(text);
  ASSERT_OK(png);
  auto scanned = DecodeQr(*png);
  ASSERT_OK(scanned);
  auto from_code = ParseSealkeyLink(*scanned);
  ASSERT_OK(from_code);
  EXPECT_EQ(from_code->server, project.server);
}

TEST(SealkeyLinkTest, RejectsEverythingElse) {
  const char* bad[] = {
      "",
      "https://ca.example.cn/project/42",
      "SEALKEY://project/42?server=https%3A%2F%2Fa.cn",  // scheme is lower case
      "sealkey://order/42?server=https%3A%2F%2Fa.cn",    // unknown kind
      "sealkey://Project/42?server=https%3A%2F%2Fa.cn",
      "sealkey://project?server=https%3A%2F%2Fa.cn",  // no id
      "sealkey://project/?server=https%3A%2F%2Fa.cn",
      "sealkey://project/4%202?server=https%3A%2F%2Fa.cn",  // bad id characters
      "sealkey://project/42/x?server=https%3A%2F%2Fa.cn",
      "sealkey://project/42",  // no server
      "sealkey://project/42?",
      "sealkey://project/42?server=",
      "sealkey://project/42?srv=https%3A%2F%2Fa.cn",
      "sealkey://project/42?server=ftp%3A%2F%2Fa.cn",  // not http(s)
      "sealkey://project/42?server=javascript%3Aalert(1)",
      "sealkey://project/42?server=file%3A%2F%2F%2Fetc%2Fpasswd",
      "sealkey://project/42?server=https%3A%2F%2F",                   // no host
      "sealkey://project/42?server=https%3A%2F%2Fbank.cn%40evil.cn",  // user info
      "sealkey://project/42?server=https%3A%2F%2Fa.cn%3A",            // empty port
      "sealkey://project/42?server=https%3A%2F%2Fa.cn%3A123456",
      "sealkey://project/42?server=https%3A%2F%2Fa.cn%2Fx%3Fy%3D1",  // query in server
      "sealkey://project/42?server=https%3A%2F%2Fa.cn%2F%20x",       // space in path
      "sealkey://project/42?server=https%3A%2F%2Fa.cn%ZZ",           // bad escape
      "sealkey://project/42?server=https%3A%2F%2Fa.cn%4",
      "sealkey://project/42?server=https%3A%2F%2Fa.cn&server=https%3A%2F%2Fb.cn",
      "sealkey://project/42?server=https%3A%2F%2Fa.cn&extra=1",
      "sealkey://project/42?x=1&server=https%3A%2F%2Fa.cn",
      "sealkey://project/42?server=https%3A%2F%2Fa.cn#frag",
  };
  for (const char* text : bad) {
    auto r = ParseSealkeyLink(text);
    EXPECT_FALSE(r.has_value()) << text;
    if (!r) {
      EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << text;
      EXPECT_EQ(r.error().field, "link") << text;
    }
  }
  ExpectInvalid(
      ParseSealkeyLink("sealkey://project/" + std::string(129, 'a') + "?server=https%3A%2F%2Fa.cn"),
      "link");
  ExpectInvalid(ParseSealkeyLink("sealkey://project/42?server=https%3A%2F%2Fa.cn%2F" +
                                 std::string(2100, 'p')),
                "link");
}

}  // namespace
}  // namespace sealkey::qr
