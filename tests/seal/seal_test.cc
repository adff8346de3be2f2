// Seal images (seal/seal_image.h): the PNG container, transparency, colour,
// and that the texts land where the layout puts them, checked on the decoded
// pixels and, for the personal seal, by Tesseract (chi_sim) reading it back.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <functional>
#include <string>

#include "seal/seal_image.h"
#include "testutil/testutil.h"

// fontconfig, which pango loads fonts through, keeps its configuration and
// font patterns for the life of the process (freed only by FcFini, which
// pango's per-thread font maps forbid): not leaks of this code. Read by
// LeakSanitizer in the ASan build, unused otherwise.
extern "C" const char* __lsan_default_suppressions() { return "leak:libfontconfig.so\n"; }

namespace sealkey::seal {
namespace {

constexpr const char* kOrg = "北京测试科技有限公司";

struct PngHeader {
  uint32_t width = 0, height = 0;
  int bit_depth = 0, colour_type = 0;
};

// Reads the IHDR chunk, which PNG requires right after the signature.
PngHeader ReadHeader(const Bytes& png) {
  static const uint8_t kMagic[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  EXPECT_GE(png.size(), 33u);
  EXPECT_TRUE(std::equal(kMagic, kMagic + 8, png.begin()));
  EXPECT_EQ(AsChars(ByteView(png).subspan(12, 4)), "IHDR");
  auto be32 = [&](size_t at) {
    return uint32_t{png[at]} << 24 | uint32_t{png[at + 1]} << 16 | uint32_t{png[at + 2]} << 8 |
           png[at + 3];
  };
  return {be32(16), be32(20), png[24], png[25]};
}

RgbaImage Decode(const Result<Bytes>& png) {
  EXPECT_TRUE(png.has_value()) << png.error().ToString();
  if (!png) return {};
  auto img = DecodePng(*png);
  EXPECT_TRUE(img.has_value()) << img.error().ToString();
  return img ? *img : RgbaImage{};
}

bool Opaque(const uint8_t* p) { return p[3] >= 128; }
bool Red(const uint8_t* p) { return p[0] >= 200 && p[1] <= 40 && p[2] <= 40; }

// Opaque pixels for which `in(x, y)` holds.
int Ink(const RgbaImage& img, const std::function<bool(int, int)>& in) {
  int n = 0;
  for (int y = 0; y < img.height; ++y) {
    for (int x = 0; x < img.width; ++x) n += in(x, y) && Opaque(img.Pixel(x, y));
  }
  return n;
}

// Pixels inside `in` that differ between two renderings of the same size.
int Differences(const RgbaImage& a, const RgbaImage& b, const std::function<bool(int, int)>& in) {
  int n = 0;
  for (int y = 0; y < a.height; ++y) {
    for (int x = 0; x < a.width; ++x) {
      n += in(x, y) && std::abs(a.Pixel(x, y)[3] - b.Pixel(x, y)[3]) > 64;
    }
  }
  return n;
}

// The colour contract of every seal image: transparent corners, red ink, and
// (almost) nothing opaque that is not red.
void ExpectRedOnTransparent(const RgbaImage& img, double min_share, double max_share) {
  ASSERT_GT(img.width, 0);
  for (int y : {0, 1, 2, img.height - 3, img.height - 2, img.height - 1}) {
    for (int x : {0, 1, 2, img.width - 3, img.width - 2, img.width - 1}) {
      EXPECT_EQ(img.Pixel(x, y)[3], 0) << "corner pixel " << x << "," << y;
    }
  }
  int opaque = 0, red = 0, off_colour = 0;
  for (int y = 0; y < img.height; ++y) {
    for (int x = 0; x < img.width; ++x) {
      const uint8_t* p = img.Pixel(x, y);
      opaque += Opaque(p);
      red += Opaque(p) && Red(p);
      off_colour += p[3] >= 200 && !Red(p);
    }
  }
  const double total = double(img.width) * img.height;
  EXPECT_GE(red / total, min_share);
  EXPECT_LE(opaque / total, max_share);
  EXPECT_LE(off_colour, opaque / 1000) << off_colour << " opaque pixels are not red";
}

TEST(RoundSeal, IsATransparentRedPngOfTheRequestedSize) {
  auto png = RenderRoundSeal({kOrg, "合同专用章", "1101080012345"});
  ASSERT_OK(png);
  const PngHeader h = ReadHeader(*png);
  EXPECT_EQ(h.width, 600u);
  EXPECT_EQ(h.height, 600u);
  EXPECT_EQ(h.bit_depth, 8);
  EXPECT_EQ(h.colour_type, 6) << "RGBA";
  RgbaImage img = Decode(png);
  ExpectRedOnTransparent(img, 0.08, 0.45);
  // The border: every direction from the centre crosses it near the rim.
  for (int deg = 0; deg < 360; deg += 15) {
    const double a = deg * M_PI / 180;
    bool hit = false;
    for (double r = 0.44 * 600; r < 0.49 * 600 && !hit; r += 1) {
      hit = Opaque(img.Pixel(int(300 + r * std::cos(a)), int(300 + r * std::sin(a))));
    }
    EXPECT_TRUE(hit) << "no border at " << deg << "°";
  }
  EXPECT_TRUE(Opaque(img.Pixel(300, 300))) << "the star's centre";

  auto small = RenderRoundSeal({kOrg, "", "", 200});
  ASSERT_OK(small);
  EXPECT_EQ(ReadHeader(*small).width, 200u);
  ExpectRedOnTransparent(Decode(small), 0.08, 0.5);
}

TEST(RoundSeal, TextsAreDrawnWhereTheLayoutPutsThem) {
  const RgbaImage bare = Decode(RenderRoundSeal({kOrg}));
  const RgbaImage centre = Decode(RenderRoundSeal({kOrg, "合同专用章"}));
  const RgbaImage code = Decode(RenderRoundSeal({kOrg, "", "1101080012345"}));
  const RgbaImage other = Decode(RenderRoundSeal({"上海示例贸易股份有限公司"}));
  ASSERT_EQ(bare.width, 600);
  auto upper_arc = [](int x, int y) {  // between the star and the border, above the centre
    const double r = std::hypot(x - 300, y - 300);
    return y < 250 && r > 110 && r < 255;
  };
  auto below_star = [](int x, int y) { return std::abs(x - 300) < 130 && y > 385 && y < 460; };
  auto bottom_arc = [](int x, int y) {
    const double r = std::hypot(x - 300, y - 300);
    return y > 500 && r > 200 && r < 270 && std::abs(x - 300) < 150;
  };
  EXPECT_GT(Ink(bare, upper_arc), 6000) << "the organisation name";
  EXPECT_EQ(Ink(bare, below_star), 0);
  EXPECT_EQ(Ink(bare, bottom_arc), 0);
  EXPECT_GT(Ink(centre, below_star), 2000) << "the centre text";
  EXPECT_EQ(Ink(centre, bottom_arc), 0);
  EXPECT_GT(Ink(code, bottom_arc), 600) << "the code";
  EXPECT_EQ(Ink(code, below_star), 0);
  // Another name changes the arc and nothing else.
  EXPECT_GT(Differences(bare, other, upper_arc), 3000);
  EXPECT_EQ(
      Differences(bare, other, [](int x, int y) { return std::hypot(x - 300, y - 300) < 100; }), 0);
}

TEST(RoundSeal, RejectsBadInputNamingTheField) {
  auto field = [](const RoundSealSpec& spec) {
    auto r = RenderRoundSeal(spec);
    EXPECT_FALSE(r.has_value());
    if (r) return std::string("(no error)");
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << r.error().ToString();
    return r.error().field;
  };
  std::string forty_one;
  for (int i = 0; i < 41; ++i) forty_one += "国";
  EXPECT_EQ(field({""}), "organisation");
  EXPECT_EQ(field({forty_one}), "organisation");
  EXPECT_OK(RenderRoundSeal({forty_one.substr(0, 40 * 3), "", "", 200}));  // 40 is the limit
  EXPECT_EQ(field({"测试\n公司"}), "organisation");
  EXPECT_EQ(field({"测试\x7f公司"}), "organisation");
  EXPECT_EQ(field({"\xe6\xb5"}), "organisation") << "truncated UTF-8";
  EXPECT_EQ(field({"\xc0\xaf"}), "organisation") << "overlong UTF-8";
  EXPECT_EQ(field({kOrg, "合同专用章合同专用章合同专用章"}), "centre_text");
  EXPECT_EQ(field({kOrg, "", std::string(25, '1')}), "code_text");
  EXPECT_EQ(field({kOrg, "", "12\t34"}), "code_text");
  EXPECT_EQ(field({kOrg, "", "", 10}), "size_px");
  EXPECT_EQ(field({kOrg, "", "", 5000}), "size_px");
}

TEST(PersonalSeal, CharactersFollowTheNamingRule) {
  using V = std::vector<std::string>;
  EXPECT_EQ(PersonalSealCharacters("张三").value(), (V{"张", "三", "之", "印"}));
  EXPECT_EQ(PersonalSealCharacters("王小明").value(), (V{"王", "小", "明", "印"}));
  EXPECT_EQ(PersonalSealCharacters("欧阳娜娜").value(), (V{"欧", "阳", "娜", "娜"}));
  for (const char* bad : {"", "张", "欧阳娜娜娜", "张 三", "张\u3000三", "张\x01三", "\xff\xfe"}) {
    auto r = PersonalSealCharacters(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(r.error().field, "name");
  }
  EXPECT_NE(PersonalSealCharacters("欧阳娜娜娜").error().message.find("2 to 4"), std::string::npos);
  EXPECT_EQ(RenderPersonalSeal("张三", 20).error().field, "size_px");
  EXPECT_EQ(RenderPersonalSeal("司马相如长卿").error().field, "name");
}

TEST(PersonalSeal, IsATransparentRedSquareWithOneCharacterPerCell) {
  auto png = RenderPersonalSeal("张三");
  ASSERT_OK(png);
  const PngHeader h = ReadHeader(*png);
  EXPECT_EQ(h.width, 400u);
  EXPECT_EQ(h.height, 400u);
  EXPECT_EQ(h.colour_type, 6);
  const RgbaImage zhang = Decode(png);
  ExpectRedOnTransparent(zhang, 0.25, 0.75);
  // The border runs along all four sides.
  for (int t = 20; t < 380; t += 20) {
    EXPECT_TRUE(Opaque(zhang.Pixel(t, 12)) && Opaque(zhang.Pixel(t, 387)) &&
                Opaque(zhang.Pixel(12, t)) && Opaque(zhang.Pixel(387, t)))
        << "border at " << t;
  }
  // Cells inside the border: right column 张 三, left column 之 印.
  auto cell = [](int col, int row) {
    return [=](int x, int y) {
      return x >= 50 + col * 155 && x < 195 + col * 155 && y >= 50 + row * 155 &&
             y < 195 + row * 155;
    };
  };
  for (int col : {0, 1}) {
    for (int row : {0, 1}) EXPECT_GT(Ink(zhang, cell(col, row)), 3000) << col << "," << row;
  }
  // 李三: only the top-right cell changes.
  const RgbaImage li = Decode(RenderPersonalSeal("李三"));
  EXPECT_GT(Differences(zhang, li, cell(1, 0)), 1500);
  EXPECT_EQ(Differences(zhang, li, cell(1, 1)), 0);
  EXPECT_EQ(Differences(zhang, li, cell(0, 0)), 0);
  EXPECT_EQ(Differences(zhang, li, cell(0, 1)), 0);
}

// Tesseract reads the characters back from the inside of the border laid
// over white (a binary PPM, which Leptonica reads), row by row: 明王 / 印小.
TEST(PersonalSeal, TesseractReadsTheName) {
  const RgbaImage img = Decode(RenderPersonalSeal("王小明"));
  ASSERT_EQ(img.width, 400);
  constexpr int kCrop = 40;  // the border ends at 34
  std::string ppm = "P6\n320 320\n255\n";
  for (int y = kCrop; y < 400 - kCrop; ++y) {
    for (int x = kCrop; x < 400 - kCrop; ++x) {
      const uint8_t* p = img.Pixel(x, y);
      for (int k = 0; k < 3; ++k)
        ppm += static_cast<char>((p[k] * p[3] + 255 * (255 - p[3])) / 255);
    }
  }
  testing::TempDir dir;
  testing::WriteFile(dir.File("seal.ppm"), AsBytes(ppm));
  auto r = testing::RunCommand(
      {"tesseract", dir.File("seal.ppm"), "stdout", "-l", "chi_sim", "--psm", "6"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string text;
  for (char ch : r.out) {
    if (ch != ' ' && ch != '\n') text += ch;
  }
  EXPECT_EQ(text, "明王印小") << r.out;
}

TEST(DecodePng, RejectsWhatIsNotAPng) {
  EXPECT_ERROR_CODE(DecodePng(ToBytes("GIF89a not a png at all, really")), ErrorCode::kMalformed);
  auto png = RenderPersonalSeal("张三", 100);
  ASSERT_OK(png);
  Bytes cut(png->begin(), png->begin() + png->size() / 2);
  EXPECT_ERROR_CODE(DecodePng(cut), ErrorCode::kMalformed);
}

}  // namespace
}  // namespace sealkey::seal
