// PAdES with a visible seal (issue 7, B16), library level: PDFs made at test
// time (pango-view/cairo with an xref table, the same through qpdf with
// object and xref streams, a hand-written one) signed with RSA-2048, P-256
// and SM2 keys under both sub filters; poppler's pdfsig and qpdf --check
// judge the RSA/P-256 results, sealkey's verifier all of them; tampering,
// a second signature, the stamp on the rendered page, and refusals.
#include "pdf/pdf.h"

#include <algorithm>
#include <ctime>
#include <string>

#include <gtest/gtest.h>

#include "crypto/cms.h"
#include "pdf_testutil.h"

namespace sealkey::pdf {
namespace {

using crypto::KeyAlg;
using sealkey::testing::ReadFileOrDie;
using sealkey::testing::RunCommand;
using sealkey::testing::WriteFile;
using testing::IdentityFor;
using testing::Pdfsig;
using testing::QpdfCheck;
using testing::SignPdfWith;

StampOptions Stamp(SubFilter f) {
  StampOptions o;
  o.page = 1;
  o.x = 40;
  o.y = 40;
  o.width = 120;
  o.height = 120;
  o.image = testing::SealPng(200);
  o.sub_filter = f;
  o.name = "张三";
  o.reason = "同意 / approved";
  o.location = "北京";
  o.signing_time = std::time(nullptr);
  return o;
}

class PdfTest : public ::testing::Test {
 protected:
  std::string F(const std::string& name) { return dir_.File(name); }
  // Writes `pdf` as `name` and expects qpdf --check to pass.
  std::string Save(const std::string& name, ByteView pdf) {
    WriteFile(F(name), pdf);
    std::string out;
    EXPECT_TRUE(QpdfCheck(F(name), &out)) << name << ":\n" << out;
    return F(name);
  }
  sealkey::testing::TempDir dir_;
};

TEST_F(PdfTest, EveryKeyTypeAndSubFilterVerifies) {
  Bytes original = ReadFileOrDie(testing::MakeTextPdf(dir_, "doc.pdf"));
  for (KeyAlg alg : {KeyAlg::kRsa2048, KeyAlg::kEcP256, KeyAlg::kSm2}) {
    for (SubFilter f : {SubFilter::kPkcs7Detached, SubFilter::kCadesDetached}) {
      const std::string name =
          std::string(crypto::KeyAlgToken(alg)) + "-" + std::string(SubFilterName(f)) + ".pdf";
      SCOPED_TRACE(name);
      const StampOptions options = Stamp(f);
      Bytes signed_pdf = SignPdfWith(original, IdentityFor(alg), options);
      ASSERT_FALSE(signed_pdf.empty());
      // Incremental: the original bytes are untouched.
      ASSERT_GT(signed_pdf.size(), original.size());
      EXPECT_TRUE(std::equal(original.begin(), original.end(), signed_pdf.begin()));
      std::string path = Save(name, signed_pdf);

      auto sigs = VerifyPdfSignatures(signed_pdf);
      ASSERT_OK(sigs);
      ASSERT_EQ(sigs->size(), 1u);
      const PdfSignature& s = (*sigs)[0];
      EXPECT_TRUE(s.valid) << (s.error ? s.error->ToString() : "");
      EXPECT_TRUE(s.covers_whole_document);
      EXPECT_EQ(s.sub_filter, SubFilterName(f));
      EXPECT_EQ(s.signer_subject, "C=CN, O=测试单位, CN=张三");
      EXPECT_EQ(s.field_name, "Signature1");
      EXPECT_EQ(s.name, "张三");
      EXPECT_EQ(s.reason, "同意 / approved");
      EXPECT_EQ(s.location, "北京");
      EXPECT_EQ(s.digest, alg == KeyAlg::kSm2 ? "SM3" : "SHA-256");
      EXPECT_EQ(s.signing_time.has_value(), f == SubFilter::kPkcs7Detached);
      EXPECT_EQ(s.claimed_time, options.signing_time);
      EXPECT_EQ(s.ranges[0].offset, 0u);
      EXPECT_EQ(s.ranges[1].offset + s.ranges[1].length, signed_pdf.size());

      if (alg == KeyAlg::kSm2) continue;  // NSS has no SM2
      auto report = Pdfsig(path);
      EXPECT_EQ(report.valid, 1) << report.out;
      EXPECT_EQ(report.invalid, 0) << report.out;
      EXPECT_NE(report.out.find(std::string(SubFilterName(f))), std::string::npos) << report.out;
      EXPECT_NE(report.out.find("Total document signed"), std::string::npos) << report.out;
    }
  }
}

TEST_F(PdfTest, XrefStreamOriginGetsAnXrefStreamUpdate) {
  std::string text = testing::MakeTextPdf(dir_, "doc.pdf");
  auto q = RunCommand({"qpdf", "--object-streams=generate", text, F("objstm.pdf")});
  ASSERT_EQ(q.exit_code, 0) << q.err;
  Bytes original = ReadFileOrDie(F("objstm.pdf"));
  ASSERT_NE(AsChars(original).find("/ObjStm"), std::string::npos);  // pages are compressed

  Bytes signed_pdf =
      SignPdfWith(original, IdentityFor(KeyAlg::kEcP256), Stamp(SubFilter::kCadesDetached));
  ASSERT_FALSE(signed_pdf.empty());
  std::string_view update = AsChars(signed_pdf).substr(original.size());
  EXPECT_NE(update.find("/Type /XRef"), std::string::npos);
  EXPECT_EQ(update.find("\nxref\n"), std::string::npos);
  std::string path = Save("objstm-signed.pdf", signed_pdf);
  auto report = Pdfsig(path);
  EXPECT_EQ(report.valid, 1) << report.out;
  auto sigs = VerifyPdfSignatures(signed_pdf);
  ASSERT_OK(sigs);
  ASSERT_EQ(sigs->size(), 1u);
  EXPECT_TRUE((*sigs)[0].valid);
}

TEST_F(PdfTest, HandWrittenPdfWithInheritedMediaBox) {
  Bytes original = testing::HandWrittenPdf();
  StampOptions o = Stamp(SubFilter::kPkcs7Detached);
  o.x = 595 - 130;  // the top-right corner of an A4 page
  o.y = 842 - 130;
  Bytes signed_pdf = SignPdfWith(original, IdentityFor(KeyAlg::kRsa2048), o);
  ASSERT_FALSE(signed_pdf.empty());
  std::string path = Save("hand.pdf", signed_pdf);
  EXPECT_EQ(Pdfsig(path).valid, 1) << Pdfsig(path).out;
  testing::Raster page = testing::Render(path, 1);
  ASSERT_EQ(page.width, 595);
  EXPECT_TRUE(page.IsRed(595 - 70, 70));  // the disc's centre, from the top-left
}

TEST_F(PdfTest, TamperingInEitherRangeIsDetected) {
  Bytes original = ReadFileOrDie(testing::MakeTextPdf(dir_, "doc.pdf"));
  Bytes good =
      SignPdfWith(original, IdentityFor(KeyAlg::kEcP256), Stamp(SubFilter::kPkcs7Detached));
  ASSERT_FALSE(good.empty());
  auto sigs = VerifyPdfSignatures(good);
  ASSERT_OK(sigs);
  ASSERT_EQ(sigs->size(), 1u);
  const ByteRange second = (*sigs)[0].ranges[1];

  // Range 1: the binary comment on the header's second line. Range 2: the
  // widget's /F 4 (print) becomes /F 6 (print, hidden): still a valid PDF.
  Bytes first_range = good;
  first_range[10] ^= 0x01;
  Bytes second_range = good;
  size_t flags = AsChars(good).find("/F 4", second.offset);
  ASSERT_NE(flags, std::string::npos);
  second_range[flags + 3] = '6';
  for (const auto& [name, bytes] : {std::pair{"t1.pdf", first_range}, {"t2.pdf", second_range}}) {
    SCOPED_TRACE(name);
    WriteFile(F(name), bytes);
    auto report = Pdfsig(F(name));
    EXPECT_EQ(report.valid, 0) << report.out;
    EXPECT_EQ(report.invalid, 1) << report.out;
    auto result = VerifyPdfSignatures(bytes);
    ASSERT_OK(result);
    ASSERT_EQ(result->size(), 1u);
    EXPECT_FALSE((*result)[0].valid);
    ASSERT_TRUE((*result)[0].error.has_value());
    EXPECT_EQ((*result)[0].error->code, ErrorCode::kVerifyFailed) << (*result)[0].error->ToString();
  }
}

// No single changed byte in the signed ranges may leave a valid signature,
// and no changed byte anywhere may crash qpdf or the verifier. (Inside
// /Contents, the CMS's certificates are not covered by its signature: that
// is what chain validation, `sealkey pdf verify --ca`, is for.)
TEST_F(PdfTest, NoChangedByteInTheRangesKeepsItValid) {
  Bytes good = SignPdfWith(testing::HandWrittenPdf(), IdentityFor(KeyAlg::kEcP256),
                           Stamp(SubFilter::kPkcs7Detached));
  ASSERT_FALSE(good.empty());
  auto sigs = VerifyPdfSignatures(good);
  ASSERT_OK(sigs);
  ASSERT_EQ(sigs->size(), 1u);
  const size_t hole_begin = (*sigs)[0].ranges[0].length, hole_end = (*sigs)[0].ranges[1].offset;
  size_t checked = 0;
  for (size_t at = 0; at < good.size(); ++at) {
    const bool in_hole = at >= hole_begin && at < hole_end;
    if (in_hole && at % 61 != 0) continue;
    Bytes bad = good;
    bad[at] ^= 0x01;
    auto result = VerifyPdfSignatures(bad);
    if (in_hole) continue;  // only: it did not crash
    bool valid = result && !result->empty() &&
                 std::all_of(result->begin(), result->end(), [](const auto& s) { return s.valid; });
    EXPECT_FALSE(valid) << "byte " << at << " changed and the signature still verifies";
    ++checked;
  }
  EXPECT_EQ(checked, good.size() - (hole_end - hole_begin));
}

TEST_F(PdfTest, SecondSignatureKeepsTheFirstValid) {
  Bytes original = ReadFileOrDie(testing::MakeTextPdf(dir_, "doc.pdf"));
  Bytes once =
      SignPdfWith(original, IdentityFor(KeyAlg::kEcP256), Stamp(SubFilter::kPkcs7Detached));
  ASSERT_FALSE(once.empty());
  StampOptions second = Stamp(SubFilter::kCadesDetached);
  second.x = 300;
  second.name = "李四";
  Bytes twice = SignPdfWith(once, IdentityFor(KeyAlg::kRsa2048), second);
  ASSERT_FALSE(twice.empty());
  EXPECT_TRUE(std::equal(once.begin(), once.end(), twice.begin()));
  std::string path = Save("twice.pdf", twice);

  auto report = Pdfsig(path);
  EXPECT_EQ(report.valid, 2) << report.out;
  EXPECT_EQ(report.invalid, 0) << report.out;
  auto sigs = VerifyPdfSignatures(twice);
  ASSERT_OK(sigs);
  ASSERT_EQ(sigs->size(), 2u);
  EXPECT_TRUE((*sigs)[0].valid);
  EXPECT_TRUE((*sigs)[1].valid);
  EXPECT_EQ((*sigs)[0].field_name, "Signature1");
  EXPECT_EQ((*sigs)[1].field_name, "Signature2");
  EXPECT_FALSE((*sigs)[0].covers_whole_document);
  EXPECT_TRUE((*sigs)[1].covers_whole_document);
  EXPECT_EQ((*sigs)[1].name, "李四");

  // A third, SM2, on top: sealkey still verifies all three.
  Bytes thrice = SignPdfWith(twice, IdentityFor(KeyAlg::kSm2), Stamp(SubFilter::kPkcs7Detached));
  ASSERT_FALSE(thrice.empty());
  Save("thrice.pdf", thrice);
  auto all = VerifyPdfSignatures(thrice);
  ASSERT_OK(all);
  ASSERT_EQ(all->size(), 3u);
  for (const auto& s : *all) EXPECT_TRUE(s.valid) << s.field_name;
}

TEST_F(PdfTest, TheSealIsDrawnInsideTheRectangleOnly) {
  std::string text = testing::MakeTextPdf(dir_, "doc.pdf");
  Bytes signed_pdf = SignPdfWith(ReadFileOrDie(text), IdentityFor(KeyAlg::kEcP256),
                                 Stamp(SubFilter::kPkcs7Detached));
  ASSERT_FALSE(signed_pdf.empty());
  std::string path = Save("stamped.pdf", signed_pdf);
  testing::Raster before = testing::Render(text, 1);
  testing::Raster after = testing::Render(path, 1);
  ASSERT_EQ(after.width, 498);
  ASSERT_EQ(after.height, 453);
  // The rectangle (40, 40, 120, 120) from the bottom-left is columns
  // 40..160 and rows 293..413 from the top-left; the disc fills 90% of it.
  const int top = 453 - 160;
  EXPECT_FALSE(before.IsRed(100, top + 60));
  EXPECT_TRUE(after.IsRed(100, top + 60));  // centre
  EXPECT_TRUE(after.IsRed(100, top + 15));  // near the top of the disc
  EXPECT_TRUE(after.IsWhite(43, top + 3));  // a corner: transparent (soft mask)
  int red_outside = 0, red_inside = 0;
  for (int y = 0; y < after.height; ++y) {
    for (int x = 0; x < after.width; ++x) {
      bool inside = x >= 40 && x < 160 && y >= top && y < top + 120;
      if (after.IsRed(x, y)) ++(inside ? red_inside : red_outside);
    }
  }
  EXPECT_EQ(red_outside, 0);
  EXPECT_GT(red_inside, 120 * 120 / 2);
}

TEST_F(PdfTest, Refusals) {
  Bytes pdf = testing::HandWrittenPdf();
  StampOptions o = Stamp(SubFilter::kPkcs7Detached);
  o.page = 2;
  EXPECT_ERROR_CODE(PreparePdfSignature(pdf, o), ErrorCode::kOutOfRange);
  o = Stamp(SubFilter::kPkcs7Detached);
  o.x = 500;  // 500 + 120 > 595
  EXPECT_ERROR_CODE(PreparePdfSignature(pdf, o), ErrorCode::kOutOfRange);
  o = Stamp(SubFilter::kPkcs7Detached);
  o.image = ToBytes("GIF89a");
  EXPECT_ERROR_CODE(PreparePdfSignature(pdf, o), ErrorCode::kInvalidArgument);
  EXPECT_ERROR_CODE(PreparePdfSignature(AsBytes("hello"), Stamp(SubFilter::kPkcs7Detached)),
                    ErrorCode::kMalformed);
  EXPECT_ERROR_CODE(ParseSubFilter("adbe.pkcs7.sha1"), ErrorCode::kInvalidArgument);

  // A CMS larger than the reserve.
  o = Stamp(SubFilter::kPkcs7Detached);
  o.contents_size = 1024;
  auto prepared = PreparePdfSignature(pdf, o);
  ASSERT_OK(prepared);
  EXPECT_ERROR_CODE(FinishPdfSignature(*prepared, Bytes(1025, 0x30)), ErrorCode::kOutOfRange);
  // A prepared but unsigned file: the signature is reported, not valid.
  auto unsigned_sigs = VerifyPdfSignatures(prepared->bytes);
  ASSERT_OK(unsigned_sigs);
  ASSERT_EQ(unsigned_sigs->size(), 1u);
  EXPECT_FALSE((*unsigned_sigs)[0].valid);

  // Encrypted documents.
  WriteFile(F("plain.pdf"), pdf);
  auto enc =
      RunCommand({"qpdf", "--encrypt", "", "owner", "256", "--", F("plain.pdf"), F("enc.pdf")});
  ASSERT_EQ(enc.exit_code, 0) << enc.err;
  EXPECT_ERROR_CODE(
      PreparePdfSignature(ReadFileOrDie(F("enc.pdf")), Stamp(SubFilter::kPkcs7Detached)),
      ErrorCode::kUnsupported);
  // A damaged cross-reference table (object 1 is not at 19) is refused,
  // while the verifier still reads what it can.
  Bytes damaged = pdf;
  size_t entry = AsChars(damaged).find("0000000009 00000 n");
  ASSERT_NE(entry, std::string::npos);
  damaged[entry + 8] = '1';
  EXPECT_ERROR_CODE(PreparePdfSignature(damaged, Stamp(SubFilter::kPkcs7Detached)),
                    ErrorCode::kMalformed);
  EXPECT_OK(VerifyPdfSignatures(damaged));
  // A certified document that allows no changes (DocMDP P=1).
  Bytes certified = testing::HandWrittenPdf(
      "/Perms << /DocMDP << /Type /Sig /Reference [ << /Type /SigRef /TransformMethod /DocMDP "
      "/TransformParams << /Type /TransformParams /P 1 /V /1.2 >> >> ] >> >> ");
  EXPECT_ERROR_CODE(PreparePdfSignature(certified, Stamp(SubFilter::kPkcs7Detached)),
                    ErrorCode::kFailedPrecondition);
  // An unsigned PDF has no signatures.
  auto none = VerifyPdfSignatures(pdf);
  ASSERT_OK(none);
  EXPECT_TRUE(none->empty());
}

TEST_F(PdfTest, JpegStampIsEmbeddedAsIs) {
  std::string text = testing::MakeTextPdf(dir_, "doc.pdf");
  auto r = RunCommand({"pdftoppm", "-jpeg", "-r", "30", "-singlefile", text, F("picture")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  StampOptions o = Stamp(SubFilter::kPkcs7Detached);
  o.image = ReadFileOrDie(F("picture.jpg"));
  Bytes signed_pdf = SignPdfWith(testing::HandWrittenPdf(), IdentityFor(KeyAlg::kEcP256), o);
  ASSERT_FALSE(signed_pdf.empty());
  EXPECT_NE(AsChars(signed_pdf).find("/Filter /DCTDecode"), std::string::npos);
  EXPECT_NE(AsChars(signed_pdf).find(AsChars(o.image)), std::string::npos);
  std::string path = Save("jpeg.pdf", signed_pdf);
  EXPECT_EQ(Pdfsig(path).valid, 1);
}

TEST_F(PdfTest, InvisibleSignature) {
  StampOptions o = Stamp(SubFilter::kPkcs7Detached);
  o.image.clear();
  o.field_name = "审批";
  Bytes signed_pdf = SignPdfWith(testing::HandWrittenPdf(), IdentityFor(KeyAlg::kEcP256), o);
  ASSERT_FALSE(signed_pdf.empty());
  std::string path = Save("invisible.pdf", signed_pdf);
  EXPECT_EQ(Pdfsig(path).valid, 1);
  auto sigs = VerifyPdfSignatures(signed_pdf);
  ASSERT_OK(sigs);
  ASSERT_EQ(sigs->size(), 1u);
  EXPECT_EQ((*sigs)[0].field_name, "审批");
  // The same name again is refused.
  EXPECT_ERROR_CODE(PreparePdfSignature(signed_pdf, o), ErrorCode::kAlreadyExists);
}

// ETSI.CAdES.detached needs ESS signing-certificate-v2 (RFC 5035); OpenSSL's
// CMS verification checks it against the signer's certificate (ESS cert IDs).
TEST_F(PdfTest, CmsSigningCertificateV2) {
  const std::string content = "PAdES content";
  WriteFile(F("content"), AsBytes(content));
  for (KeyAlg alg : {KeyAlg::kEcP256, KeyAlg::kRsa2048, KeyAlg::kSm2}) {
    for (crypto::HashAlg hash : {crypto::HashAlg::kSha256, crypto::HashAlg::kSha384}) {
      SCOPED_TRACE(std::string(crypto::KeyAlgToken(alg)) + " " + std::string(HashName(hash)));
      const auto& id = IdentityFor(alg);
      crypto::KeySigner signer(id.key);
      crypto::CmsSignParams params;
      params.options.hash = hash;
      auto plain = crypto::CmsSignDetached(signer, id.cert, AsBytes(content), params);
      ASSERT_OK(plain);
      params.signing_certificate_v2 = true;
      auto cades = crypto::CmsSignDetached(signer, id.cert, AsBytes(content), params);
      ASSERT_OK(cades);
      // 1.2.840.113549.1.9.16.2.47 and the certificate's hash.
      const std::string oid = "\x2a\x86\x48\x86\xf7\x0d\x01\x09\x10\x02\x2f";
      EXPECT_EQ(AsChars(*plain).find(oid), std::string::npos);
      EXPECT_NE(AsChars(*cades).find(oid), std::string::npos);
      crypto::HashAlg cert_hash = alg == KeyAlg::kSm2 ? crypto::HashAlg::kSm3 : hash;
      Bytes digest = crypto::Hash(cert_hash, id.cert.Der());
      EXPECT_NE(AsChars(*cades).find(AsChars(digest)), std::string::npos);
      EXPECT_OK(crypto::CmsVerifyDetached(*cades, AsBytes(content)));
      if (alg == KeyAlg::kSm2) continue;  // OpenSSL 3.0 cannot verify SM2 CMS
      WriteFile(F("ca.pem"), AsBytes(id.ca.Pem()));
      WriteFile(F("cades.der"), *cades);
      auto r = RunCommand({"openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in",
                           F("cades.der"), "-content", F("content"), "-CAfile", F("ca.pem"),
                           "-purpose", "any", "-out", "/dev/null"});
      EXPECT_EQ(r.exit_code, 0) << r.err;
    }
  }
}

}  // namespace
}  // namespace sealkey::pdf
