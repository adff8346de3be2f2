// Business-licence OCR (B6): ParseLicenceText on OCR-like text, then real
// Tesseract runs over a licence rendered at test time with a CJK font
// (pango-view for PNG and PDF, pdftoppm for JPEG; scripts/setup-deps
// installs them), and refusals of bad uploads.
#include <cstdlib>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "server/ocr/licence_ocr.h"
#include "testutil/testutil.h"

namespace sealkey::server {
namespace {

using sealkey::testing::RunCommand;
using sealkey::testing::TempDir;

// A valid GB 32100 code (check character 3 computed with the standard's weights).
constexpr char kCode[] = "91350100M000100Y43";

TEST(ParseLicenceTextTest, CleanText) {
  const std::string text =
      "营业执照\n统一社会信用代码 91350100M000100Y43\n名称 福建省示例科技有限公司\n"
      "法定代表人 张三\n住所 福州市鼓楼区五四路100号\n";
  const LicenceFields f = ParseLicenceText(text);
  EXPECT_EQ(f.credit_code, kCode);
  EXPECT_EQ(f.name, "福建省示例科技有限公司");
  EXPECT_EQ(f.legal_representative, "张三");
  EXPECT_EQ(f.address, "福州市鼓楼区五四路100号");
  EXPECT_EQ(f.raw_text, text);
}

// What Tesseract makes of a real layout: letter-spaced labels with stray
// marks, full-width colons, the other column on the same line, a value on
// the next line, letters for digits in the code.
TEST(ParseLicenceTextTest, NoisyTwoColumnText) {
  const LicenceFields f = ParseLicenceText(
      "营 业 执 照\n(副本)\n\n统一社会信用代码 ９I35OIOOMOOOIOOY43\n"
      "名 ， 称 ：福建 省示例科技有限公司     注册资本 壹佰万元整\n"
      "类 ”型 有限责任公司 (自然人投资或控股)  成立日期 2020年01月01日\n"
      "法定代表人: 张 三  营业期限 长期\n\n住 所\n 福州市鼓楼区五四路 100 号 \n"
      "经营范围 软件开发；信息技术咨询服务。\n");
  EXPECT_EQ(f.credit_code, kCode);
  EXPECT_EQ(f.name, "福建省示例科技有限公司");
  EXPECT_EQ(f.legal_representative, "张三");
  EXPECT_EQ(f.address, "福州市鼓楼区五四路100号");
}

TEST(ParseLicenceTextTest, BranchAndSoleTraderLabels) {
  const LicenceFields branch = ParseLicenceText(
      "名称：福建省示例科技有限公司福州分公司\n负责人：李四\n营业场所：福州市台江区八一七中路1号\n");
  EXPECT_EQ(branch.name, "福建省示例科技有限公司福州分公司");
  EXPECT_EQ(branch.legal_representative, "李四");
  EXPECT_EQ(branch.address, "福州市台江区八一七中路1号");
  const LicenceFields trader = ParseLicenceText(
      "名称 鼓楼区王五小吃店\n经营者 王五\n主要经营场所 福州市鼓楼区杨桥路2号\n");
  EXPECT_EQ(trader.legal_representative, "王五");
  EXPECT_EQ(trader.address, "福州市鼓楼区杨桥路2号");
}

TEST(ParseLicenceTextTest, MisreadLabels) {
  // The code's label is garbled and the name's label is lost: the code is
  // still found by its shape, the name by its ending.
  const LicenceFields f = ParseLicenceText(
      "统一社会信用伐码\n913S01D0M000100Y43\n名 ， 黎 福建省示例科技有限公司\n法定代表人 张三\n");
  EXPECT_EQ(f.credit_code, kCode);
  EXPECT_EQ(f.name, "福建省示例科技有限公司");
  EXPECT_EQ(f.legal_representative, "张三");
  EXPECT_EQ(f.address, "");
}

TEST(ParseLicenceTextTest, MissingFieldsStayEmpty) {
  for (const char* text : {"", "营业执照\n", "名称\n法定代表人\n住所\n", "\xFF\xFE garbage \x80",
                           "统一社会信用代码 91350100M000100Y4\n名称：\n"}) {
    const LicenceFields f = ParseLicenceText(text);
    EXPECT_EQ(f.name, "") << text;
    EXPECT_EQ(f.credit_code, "") << text;
    EXPECT_EQ(f.legal_representative, "") << text;
    EXPECT_EQ(f.address, "") << text;
  }
}

TEST(NormaliseCreditCodeTest, FoldsConfusionsOnlyInACode) {
  EXPECT_EQ(NormaliseCreditCode("91350100M000100Y43"), kCode);
  EXPECT_EQ(NormaliseCreditCode("9i35o1oom000l00y43"), kCode);
  EXPECT_EQ(NormaliseCreditCode("913 501 00M 000 100 Y43"), kCode);
  EXPECT_EQ(NormaliseCreditCode("91B5G1D0M000100Y43"), "91856100M000100Y43");  // region digits
  EXPECT_EQ(NormaliseCreditCode("91350100M000100V43"), "");  // V is no confusion
  EXPECT_EQ(NormaliseCreditCode("91A50100M000100Y43"), "");  // region must be digits
  EXPECT_EQ(NormaliseCreditCode("91350100M000100Y4"), "");
  EXPECT_EQ(NormaliseCreditCode("91350100M000100Y433"), "");
  EXPECT_EQ(NormaliseCreditCode("91350100M000100Y4#"), "");
}

// A copy of a JPEG with an Exif APP1 segment after SOI whose IFD0 holds
// only the orientation tag (CIPA DC-008: 0x0112, SHORT, count 1).
Bytes WithExifOrientation(const Bytes& jpeg, uint16_t orientation, bool big_endian) {
  auto u16 = [big_endian](Bytes& out, uint16_t v) {
    out.push_back(static_cast<uint8_t>(big_endian ? v >> 8 : v & 0xFF));
    out.push_back(static_cast<uint8_t>(big_endian ? v & 0xFF : v >> 8));
  };
  auto u32 = [&u16, big_endian](Bytes& out, uint32_t v) {
    u16(out, static_cast<uint16_t>(big_endian ? v >> 16 : v & 0xFFFF));
    u16(out, static_cast<uint16_t>(big_endian ? v & 0xFFFF : v >> 16));
  };
  Bytes tiff = ToBytes(big_endian ? "MM" : "II");
  u16(tiff, 42);
  u32(tiff, 8);  // IFD0 right after the header
  u16(tiff, 1);  // one entry
  u16(tiff, 0x0112);
  u16(tiff, 3);
  u32(tiff, 1);
  u16(tiff, orientation);
  u16(tiff, 0);
  u32(tiff, 0);  // no next IFD
  const Bytes app1 = Concat({AsBytes(std::string_view("Exif\0\0", 6)), tiff});
  const uint8_t marker[] = {0xFF, 0xD8, 0xFF, 0xE1, static_cast<uint8_t>((app1.size() + 2) >> 8),
                            static_cast<uint8_t>((app1.size() + 2) & 0xFF)};
  return Concat({marker, app1, ByteView(jpeg).subspan(2)});
}

// A licence as a person would upload it, rendered once for all the OCR
// tests: upright as PNG, PDF and JPEG, and as phone photos stored turned a
// quarter either way (one on tinted paper at JPEG quality 50).
class LicenceOcrTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<TempDir>();
    const std::string text =
        "营 业 执 照\n（副本）\n\n统一社会信用代码  91350100M000100Y43\n\n"
        "名　　称  福建省示例科技有限公司\n类　　型  有限责任公司（自然人投资或控股）\n"
        "法定代表人  张三\n注册资本  壹佰万元整\n成立日期  2020年01月01日\n"
        "住　　所  福州市鼓楼区五四路100号\n";
    testing::WriteFile(dir_->File("licence.txt"), AsBytes(text));
    auto run = [](const std::vector<std::string>& argv) {
      auto r = RunCommand(argv);
      if (r.exit_code != 0) render_error_ += argv[0] + ": " + r.err;
    };
    auto pango = [&run](const std::string& out, const std::string& extra) {
      run({"pango-view", "-q", "--font=WenQuanYi Zen Hei 14", "--dpi=200", "--margin=60",
           "--background=" + std::string(extra.empty() ? "white" : "#eadfc8"),
           "--rotate=" + (extra.empty() ? "0" : extra), "-o", dir_->File(out),
           dir_->File("licence.txt")});
    };
    pango("licence.png", "");
    pango("licence.pdf", "");
    pango("turned_left.pdf", "90");  // pango turns anticlockwise
    pango("turned_right.pdf", "-90");
    run({"pdftoppm", "-jpeg", "-r", "200", "-singlefile", dir_->File("licence.pdf"),
         dir_->File("licence")});
    run({"pdftoppm", "-jpeg", "-jpegopt", "quality=50", "-r", "150", "-singlefile",
         dir_->File("turned_left.pdf"), dir_->File("turned_left")});
    run({"pdftoppm", "-jpeg", "-r", "200", "-singlefile", dir_->File("turned_right.pdf"),
         dir_->File("turned_right")});
  }
  static void TearDownTestSuite() { dir_.reset(); }

  void SetUp() override { ASSERT_EQ(render_error_, "") << "run scripts/setup-deps"; }

  static Bytes Read(const char* name) { return testing::ReadFileOrDie(dir_->File(name)); }

  static void ExpectLicenceFields(const Bytes& upload) {
    auto f = ReadBusinessLicence(upload);
    ASSERT_OK(f);
    EXPECT_EQ(f->credit_code, kCode) << f->raw_text;
    EXPECT_EQ(f->name, "福建省示例科技有限公司") << f->raw_text;
    EXPECT_EQ(f->legal_representative, "张三") << f->raw_text;
    EXPECT_EQ(f->address, "福州市鼓楼区五四路100号") << f->raw_text;
    EXPECT_NE(f->raw_text.find("营业执照"), std::string::npos) << f->raw_text;
  }

  static std::unique_ptr<TempDir> dir_;
  static std::string render_error_;
};
std::unique_ptr<TempDir> LicenceOcrTest::dir_;
std::string LicenceOcrTest::render_error_;

TEST_F(LicenceOcrTest, Png) { ExpectLicenceFields(Read("licence.png")); }
TEST_F(LicenceOcrTest, Jpeg) { ExpectLicenceFields(Read("licence.jpg")); }
TEST_F(LicenceOcrTest, PdfFirstPage) { ExpectLicenceFields(Read("licence.pdf")); }

// Exif orientation 6: turn 90 degrees clockwise to view (big-endian TIFF).
TEST_F(LicenceOcrTest, JpegExifOrientation6) {
  ExpectLicenceFields(WithExifOrientation(Read("turned_left.jpg"), 6, true));
}
// Exif orientation 8: turn 90 degrees anticlockwise (little-endian TIFF).
TEST_F(LicenceOcrTest, JpegExifOrientation8) {
  ExpectLicenceFields(WithExifOrientation(Read("turned_right.jpg"), 8, false));
}

TEST_F(LicenceOcrTest, RefusesWhatIsNotALicenceImage) {
  std::mt19937 rng(42);
  Bytes random(4096);
  for (auto& b : random) b = static_cast<uint8_t>(rng());
  const Bytes png = Read("licence.png"), jpeg = Read("licence.jpg"), pdf = Read("licence.pdf");
  const Bytes png_head(png.begin(), png.begin() + png.size() / 2);
  const Bytes jpeg_head(jpeg.begin(), jpeg.begin() + jpeg.size() / 2);
  const Bytes pdf_head(pdf.begin(), pdf.begin() + 40);
  Bytes png_magic_only = ToBytes("\x89PNG\r\n\x1A\n");
  png_magic_only.insert(png_magic_only.end(), random.begin(), random.end());
  const Bytes* const cases[] = {&random, &png_head, &jpeg_head, &pdf_head, &png_magic_only};
  for (const Bytes* bad : cases) {
    auto r = ReadBusinessLicence(*bad);
    ASSERT_FALSE(r) << "accepted " << bad->size() << " bytes";
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << r.error().ToString();
    EXPECT_EQ(r.error().field, "licence");
    EXPECT_FALSE(r.error().message_zh.empty());
  }
  auto empty = ReadBusinessLicence({}, "business_licence");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(empty.error().field, "business_licence");
}

TEST_F(LicenceOcrTest, MissingLanguageDataIsAClearError) {
  TempDir empty;
  const char* old = std::getenv("TESSDATA_PREFIX");
  const std::optional<std::string> saved = old ? std::optional<std::string>(old) : std::nullopt;
  setenv("TESSDATA_PREFIX", empty.path().c_str(), 1);
  auto r = ReadBusinessLicence(Read("licence.png"));
  saved ? setenv("TESSDATA_PREFIX", saved->c_str(), 1) : unsetenv("TESSDATA_PREFIX");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInternal);
  EXPECT_NE(r.error().message.find("chi_sim"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace sealkey::server
