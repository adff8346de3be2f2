// sealkey::invoice: amounts in capitals (the PBOC rules' own examples and the
// zero cases around 万 and 亿), credit codes, document checks, and the PDF as
// poppler sees it: one page, the texts, embedded fonts, a readable QR code.
#include <cstdint>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "invoice/amount_words.h"
#include "invoice/invoice.h"
#include "invoice/tax_id.h"
#include "qr/qr_code.h"
#include "testutil/testutil.h"

// fontconfig, which pango loads fonts through, keeps its configuration and
// font patterns for the life of the process (freed only by FcFini, which
// pango's per-thread font maps forbid): not leaks of this code. Read by
// LeakSanitizer in the ASan build (as in seal_test), unused otherwise.
extern "C" const char* __lsan_default_suppressions() { return "leak:libfontconfig.so\n"; }

namespace sealkey::invoice {
namespace {

using sealkey::testing::ReadFileOrDie;
using sealkey::testing::RunCommand;
using sealkey::testing::TempDir;
using sealkey::testing::WriteFile;

struct WordsCase {
  int64_t fen;
  const char* words;
};

TEST(AmountInWordsTest, Table) {
  const WordsCase cases[] = {
      // 《正确填写票据和结算凭证的基本规定》第三条 examples, without "人民币".
      {140950, "壹仟肆佰零玖元伍角"},
      {600714, "陆仟零柒元壹角肆分"},
      {168032, "壹仟陆佰捌拾元零叁角贰分"},
      {10700053, "壹拾万柒仟元零伍角叁分"},
      {1640902, "壹万陆仟肆佰零玖元零贰分"},
      {32504, "叁佰贰拾伍元零肆分"},
      // The brief's and everyday amounts.
      {123456, "壹仟贰佰叁拾肆元伍角陆分"},
      {10000, "壹佰元整"},
      {5, "伍分"},
      {50, "伍角"},
      {15, "壹角伍分"},
      {0, "零元整"},
      {100, "壹元整"},
      {1000, "壹拾元整"},
      {1050, "壹拾元零伍角"},  // 元 position zero before 角: 零 (like 捌拾元零叁角)
      {1005, "壹拾元零伍分"},
      {1500, "壹拾伍元整"},
      {2000, "贰拾元整"},
      {20030, "贰佰元零叁角"},
      {20033, "贰佰元零叁角叁分"},
      {20003, "贰佰元零叁分"},
      {101000, "壹仟零壹拾元整"},
      {100100, "壹仟零壹元整"},
      {60000, "陆佰元整"},
      {70001, "柒佰元零壹分"},
      // Zeros around 万 and 亿.
      {10050000, "壹拾万零伍佰元整"},
      {10000000, "壹拾万元整"},
      {100000000, "壹佰万元整"},
      {1000000100, "壹仟万零壹元整"},
      {1001000000, "壹仟零壹万元整"},
      {1010000000, "壹仟零壹拾万元整"},
      {10000000000, "壹亿元整"},
      {10000700000, "壹亿零柒仟元整"},
      {11000000000, "壹亿壹仟万元整"},
      {10100000000, "壹亿零壹佰万元整"},
      {100000700000, "壹拾亿零柒仟元整"},
      {100100000000, "壹拾亿零壹佰万元整"},
      {100000000000000, "壹万亿元整"},
      {100010000000000, "壹万零壹亿元整"},
      {1000000000000000000, "壹亿亿元整"},
      {std::numeric_limits<int64_t>::max(),
       "玖亿贰仟贰佰叁拾叁万柒仟贰佰零叁亿陆仟捌佰伍拾肆万柒仟柒佰伍拾捌元零柒分"},
      // Red-letter (negative) amounts.
      {-123456, "负壹仟贰佰叁拾肆元伍角陆分"},
      {-5, "负伍分"},
  };
  for (const WordsCase& c : cases) {
    EXPECT_EQ(AmountInWords(c.fen), c.words) << c.fen;
  }
  EXPECT_EQ(AmountInWords(std::numeric_limits<int64_t>::min()).substr(0, 3), "负");
}

TEST(AmountInWordsTest, FormatYuan) {
  EXPECT_EQ(FormatYuan(123456), "1234.56");
  EXPECT_EQ(FormatYuan(5), "0.05");
  EXPECT_EQ(FormatYuan(0), "0.00");
  EXPECT_EQ(FormatYuan(-150), "-1.50");
  EXPECT_EQ(FormatYuan(std::numeric_limits<int64_t>::min()), "-92233720368547758.08");
}

TEST(TaxIdTest, CreditCodes) {
  // STANDARDS.md 8 (GB 32100-2015 appendix B).
  EXPECT_OK(ValidateTaxId("91310110666007217T"));
  EXPECT_OK(ValidateTaxId("91310115591693856A"));
  const char* bad[] = {
      "91310110666007217U",  // wrong check character
      "91310115591693856a",  // lower case
      "9131011066600721IT",  // I is never used
      "91310110666007217",   // 17 characters
      "310110666007217",     // a 15-character tax registration number
      "91310110666007217TX", "",
  };
  for (const char* id : bad) {
    auto status = ValidateTaxId(id);
    ASSERT_FALSE(status.has_value()) << id;
    EXPECT_EQ(status.error().code, ErrorCode::kInvalidArgument) << id;
    EXPECT_EQ(status.error().field, "tax_id") << id;
  }
}

InvoiceDocument Sample() {
  InvoiceDocument doc;
  doc.number = "26442000000012345678";
  doc.issue_date = "2026-11-24";
  doc.seller = {"深圳海印数字认证服务有限公司", "91310110666007217T",
                "深圳市南山区粤海街道科技南十二路 18 号 0755-26991234",
                "招商银行深圳科技园支行 755912345610801"};
  doc.buyer = {BuyerKind::kCompany, "上海云栈信息技术有限公司", "91310115591693856A",
               "上海市浦东新区张江路 88 号 021-50801234",
               "中国工商银行上海张江支行 1001234509000012345"};
  doc.lines.push_back(
      {"*信息技术服务*数字证书服务费", "SM2 机构证书（1 年）", "套", 2, 28302, 56604, 600, 3396});
  doc.lines.push_back({"*信息技术服务*电子印章服务费", "", "枚", 1, 9435, 9435, 600, 566});
  doc.totals = SumLines(doc.lines);  // 660.39 + 39.62 = 700.01
  doc.remarks = "订单号：SK20261124000123\n项目：上海云栈 2026 年度数字证书";
  doc.issuer = "王小明";
  doc.verification_text = "https://sealkey.example.cn/v/26442000000012345678?c=7f3a9c";
  return doc;
}

void ExpectInvalidField(const InvoiceDocument& doc, const std::string& field) {
  auto status = ValidateInvoice(doc);
  ASSERT_FALSE(status.has_value()) << "expected " << field;
  EXPECT_EQ(status.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(status.error().field, field) << status.error().ToString();
  EXPECT_FALSE(RenderInvoicePdf(doc).has_value()) << field;
}

TEST(InvoiceCheckTest, RefusesInconsistentDocuments) {
  ASSERT_OK(ValidateInvoice(Sample()));
  EXPECT_EQ(Sample().totals.total_fen, 70001);

  auto doc = Sample();
  doc.number = "2644200000001234567a";
  ExpectInvalidField(doc, "number");
  doc = Sample();
  doc.issue_date = "2026-02-29";
  ExpectInvalidField(doc, "issue_date");
  doc = Sample();
  doc.seller.tax_id = "91310110666007217U";
  ExpectInvalidField(doc, "seller.tax_id");
  doc = Sample();
  doc.buyer.tax_id.clear();
  ExpectInvalidField(doc, "buyer.tax_id");
  doc = Sample();
  doc.buyer.kind = BuyerKind::kPersonal;  // a person has no tax id on the invoice
  ExpectInvalidField(doc, "buyer.tax_id");
  doc = Sample();
  doc.buyer.name = "上海云栈\t信息";
  ExpectInvalidField(doc, "buyer.name");
  doc = Sample();
  doc.buyer.name = "\xE4\xB8";  // truncated UTF-8
  ExpectInvalidField(doc, "buyer.name");
  doc = Sample();
  doc.lines[0].amount_fen += 2;  // 2 × 283.02 ≠ 566.06
  ExpectInvalidField(doc, "lines[0].amount");
  doc = Sample();
  doc.lines[1].tax_fen += 7;  // beyond the ±0.06 tolerance
  ExpectInvalidField(doc, "lines[1].tax");
  doc = Sample();
  doc.lines[1].tax_fen += 6;  // within it, but the totals no longer add up
  ExpectInvalidField(doc, "totals.tax");
  doc.totals = SumLines(doc.lines);
  EXPECT_OK(ValidateInvoice(doc));
  doc = Sample();
  doc.totals.total_fen += 1;
  ExpectInvalidField(doc, "totals.total");
  doc = Sample();
  doc.lines.assign(kMaxInvoiceLines + 1, doc.lines[1]);
  doc.totals = SumLines(doc.lines);
  ExpectInvalidField(doc, "lines");
  doc = Sample();
  doc.verification_text.clear();
  ExpectInvalidField(doc, "verification_text");
}

// Runs a poppler tool and returns its stdout.
std::string Poppler(const std::vector<std::string>& argv) {
  auto r = RunCommand(argv);
  EXPECT_EQ(r.exit_code, 0) << argv[0] << ": " << r.err;
  return r.out;
}

// The value of a "Key:   value" line of pdfinfo, or "" when absent.
std::string InfoValue(const std::string& info, const std::string& key) {
  const size_t at = info.find("\n" + key + ":");
  if (at == std::string::npos) return "";
  const size_t start = info.find_first_not_of(' ', at + key.size() + 2);
  return info.substr(start, info.find('\n', start) - start);
}

TEST(InvoicePdfTest, OnePageWithTextFontsAndQrCode) {
  const InvoiceDocument doc = Sample();
  auto pdf = RenderInvoicePdf(doc);
  ASSERT_OK(pdf);
  TempDir dir;
  const std::string path = dir.File("invoice.pdf");
  WriteFile(path, *pdf);

  const std::string info = Poppler({"pdfinfo", path});
  EXPECT_EQ(InfoValue(info, "Pages"), "1") << info;
  EXPECT_EQ(InfoValue(info, "Page size"), "680.315 x 396.85 pts") << info;  // 240 × 140 mm
  EXPECT_EQ(InfoValue(info, "Creator"), "sealkey") << info;

  const std::string text = Poppler({"pdftotext", "-layout", path, "-"});
  for (const std::string& expected :
       {std::string("电子发票（普通发票）"), doc.number, std::string("2026年11月24日"),
        doc.buyer.name, doc.buyer.tax_id, doc.seller.name, std::string("价税合计"),
        std::string("柒佰元零壹分"), AmountInWords(doc.totals.total_fen), std::string("¥700.01"),
        std::string("¥660.39"), std::string("¥39.62"), std::string("*信息技术服务*数字证书服务费"),
        std::string("283.02"), std::string("6%"), std::string("SK20261124000123"), doc.issuer}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected << " not in:\n" << text;
  }

  // Every font is embedded (pdffonts: the "emb" column), and there is one.
  const std::string fonts = Poppler({"pdffonts", path});
  size_t font_lines = 0;
  std::istringstream lines(fonts);
  std::string line;
  for (int i = 0; std::getline(lines, line); ++i) {
    if (i < 2 || line.empty()) continue;  // header and rule
    ++font_lines;
    EXPECT_NE(line.find(" yes "), std::string::npos) << line;
    EXPECT_NE(line.find("WenQuanYi"), std::string::npos) << line;
  }
  EXPECT_GE(font_lines, 1u) << fonts;

  // The QR code on the rendered page reads back as the verification text.
  Poppler({"pdftoppm", "-png", "-r", "150", "-singlefile", path, dir.File("page")});
  auto decoded = qr::DecodeQr(ReadFileOrDie(dir.File("page.png")));
  ASSERT_OK(decoded);
  EXPECT_EQ(*decoded, doc.verification_text);

  // The same document renders to the same bytes (no wall-clock dates).
  auto again = RenderInvoicePdf(doc);
  ASSERT_OK(again);
  EXPECT_EQ(*again, *pdf);
}

TEST(InvoicePdfTest, PersonalBuyerAndOverflow) {
  InvoiceDocument doc = Sample();
  doc.buyer = {BuyerKind::kPersonal, "李娜", "", "", ""};
  auto pdf = RenderInvoicePdf(doc);
  ASSERT_OK(pdf);
  TempDir dir;
  WriteFile(dir.File("personal.pdf"), *pdf);
  const std::string text = Poppler({"pdftotext", dir.File("personal.pdf"), "-"});
  EXPECT_NE(text.find("李娜"), std::string::npos) << text;

  // Eight lines with long wrapping names cannot fit the items area.
  doc.lines.assign(kMaxInvoiceLines, doc.lines[1]);
  for (auto& line : doc.lines)
    line.name = std::string(20, 'x') + "*信息技术服务*电子印章服务费（含年度维护与技术支持）";
  doc.totals = SumLines(doc.lines);
  ASSERT_OK(ValidateInvoice(doc));
  auto too_many = RenderInvoicePdf(doc);
  ASSERT_FALSE(too_many.has_value());
  EXPECT_EQ(too_many.error().field, "lines");
}

}  // namespace
}  // namespace sealkey::invoice
