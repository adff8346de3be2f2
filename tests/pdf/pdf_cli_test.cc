// `sealkey sign --stamp/--seal` and `sealkey pdf verify` end to end: a file
// device with keys generated inside (P-256, SM2), certificates from a test
// CA imported with `sealkey cert import`, a seal image stored on the device,
// and pdfsig judging the P-256 signatures.
#include <ctime>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "base/encoding.h"
#include "crypto/x509_build.h"
#include "pdf_testutil.h"

namespace sealkey::pdf {
namespace {

using sealkey::testing::CommandResult;
using sealkey::testing::ReadFileOrDie;
using sealkey::testing::RunCommand;
using sealkey::testing::WriteFile;

constexpr const char* kPin = "123456\n";

class PdfCliTest : public ::testing::Test {
 protected:
  void TearDown() override { Sk({"agent", "stop"}); }
  std::string F(const std::string& name) { return dir_.File(name); }
  CommandResult Sk(std::vector<std::string> args, const std::string& stdin_data = "") {
    std::vector<std::string> argv = {"env",
                                     "-u",
                                     "SEALKEY_PIN",
                                     "SEALKEY_LANG=en",
                                     "SEALKEY_HOME=" + F("home"),
                                     sealkey::testing::BinPath("sealkey")};
    if (!stdin_data.empty()) argv.push_back("--pin-stdin");
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv, stdin_data);
  }
  // A key generated in the device, its certificate issued by the test CA of
  // the same algorithm and imported; returns the certificate's ref.
  std::string KeyWithCertificate(crypto::KeyAlg alg, const std::string& cn) {
    const std::string name = std::string(crypto::KeyAlgToken(alg));
    auto g = Sk({"key", "generate", "-d", "pdfdev", "--alg", name, "--subject",
                 "/C=CN/O=测试单位/CN=" + cn, "-o", F(name + ".csr")},
                kPin);
    EXPECT_EQ(g.exit_code, 0) << g.err;
    auto csr = crypto::VerifyCsr(ReadFileOrDie(F(name + ".csr")));
    EXPECT_TRUE(csr.has_value());
    if (!csr) return "";
    const testing::Identity& ca = testing::IdentityFor(alg);
    crypto::CertificateTemplate t;
    t.subject = csr->subject;
    t.not_before = std::time(nullptr) - 3600;
    t.not_after = std::time(nullptr) + 30 * 86400;
    auto cert = crypto::IssueCertificate(t, csr->public_key, ca.ca_key, &ca.ca);
    EXPECT_TRUE(cert.has_value());
    if (!cert) return "";
    WriteFile(F(name + ".pem"), AsBytes(cert->Pem()));
    auto imp = Sk({"cert", "import", "-d", "pdfdev", F(name + ".pem")}, kPin);
    EXPECT_EQ(imp.exit_code, 0) << imp.err;
    // `sign -c` takes a ref or the SHA-1 thumbprint.
    return HexEncode(cert->Thumbprint(crypto::HashAlg::kSha1));
  }
  sealkey::testing::TempDir dir_;
};

TEST_F(PdfCliTest, StampsSignsAndVerifies) {
  auto created = Sk(
      {"device", "create", "--label", "pdfdev", "--kdf", "pbkdf2-sm3", "--kdf-iterations", "1000"},
      "123456\n87654321\n");
  ASSERT_EQ(created.exit_code, 0) << created.err;
  const std::string p256 = KeyWithCertificate(crypto::KeyAlg::kEcP256, "王五");
  const std::string sm2 = KeyWithCertificate(crypto::KeyAlg::kSm2, "赵六");
  ASSERT_FALSE(p256.empty());
  ASSERT_FALSE(sm2.empty());
  const std::string doc = testing::MakeTextPdf(dir_, "合同.pdf");
  WriteFile(F("seal.png"), testing::SealPng(160));

  // A stamp from a file, ETSI.CAdES.detached.
  auto s1 = Sk({"sign", "-d",         "pdfdev",      "-c",           p256,           "--in",
                doc,    "--stamp",    F("seal.png"), "--x",          "40",           "--y",
                "40",   "--width",    "120",         "--sub-filter", "cades",        "--reason",
                "同意", "--location", "上海",        "--pdf-out",    F("signed.pdf")},
               kPin);
  ASSERT_EQ(s1.exit_code, 0) << s1.err;
  EXPECT_NE(s1.out.find("Signed PDF"), std::string::npos) << s1.out;
  auto report = testing::Pdfsig(F("signed.pdf"));
  EXPECT_EQ(report.valid, 1) << report.out;
  EXPECT_NE(report.out.find("ETSI.CAdES.detached"), std::string::npos) << report.out;
  EXPECT_NE(report.out.find("王五"), std::string::npos) << report.out;
  std::string check;
  EXPECT_TRUE(testing::QpdfCheck(F("signed.pdf"), &check)) << check;
  testing::Raster page = testing::Render(F("signed.pdf"), 1);
  EXPECT_TRUE(page.IsRed(100, 453 - 100));

  auto v1 = Sk({"pdf", "verify", F("signed.pdf")});
  EXPECT_EQ(v1.exit_code, 0) << v1.err;
  EXPECT_NE(v1.out.find("Signature1: signature valid"), std::string::npos) << v1.out;
  EXPECT_NE(v1.out.find("CN=王五"), std::string::npos) << v1.out;
  // --ca: issued under the P-256 test CA, not under the RSA one.
  WriteFile(F("p256-ca.pem"), AsBytes(testing::IdentityFor(crypto::KeyAlg::kEcP256).ca.Pem()));
  WriteFile(F("rsa-ca.pem"), AsBytes(testing::IdentityFor(crypto::KeyAlg::kRsa2048).ca.Pem()));
  auto trusted = Sk({"pdf", "verify", "--ca", F("p256-ca.pem"), F("signed.pdf")});
  EXPECT_EQ(trusted.exit_code, 0) << trusted.err;
  auto untrusted = Sk({"pdf", "verify", "--ca", F("rsa-ca.pem"), F("signed.pdf")});
  EXPECT_EQ(untrusted.exit_code, 1);
  EXPECT_NE(untrusted.out.find("not issued under the --ca certificate"), std::string::npos)
      << untrusted.out;

  // The seal stored on the device, adbe.pkcs7.detached, over the signed
  // file (without the agent the PIN is asked for the seal and the signature).
  auto w = Sk({"seal", "write", "-d", "pdfdev", "-n", "公章", "--image", F("seal.png")}, kPin);
  ASSERT_EQ(w.exit_code, 0) << w.err;
  auto s2 = Sk({"--json", "sign", "-d", "pdfdev", "-c", p256, "--in", F("signed.pdf"), "--seal",
                "公章", "--x", "300", "--y", "40", "--width", "100", "--pdf-out", F("twice.pdf")},
               std::string(kPin) + kPin);
  ASSERT_EQ(s2.exit_code, 0) << s2.err;
  EXPECT_NE(s2.out.find("\"field\": \"Signature2\""), std::string::npos) << s2.out;
  report = testing::Pdfsig(F("twice.pdf"));
  EXPECT_EQ(report.valid, 2) << report.out;
  EXPECT_EQ(report.invalid, 0) << report.out;

  // SM2 through the medium: only sealkey's verifier can check it.
  auto s3 =
      Sk({"sign", "-d", "pdfdev", "-c", sm2, "--in", F("twice.pdf"), "--pdf-out", F("thrice.pdf")},
         kPin);
  ASSERT_EQ(s3.exit_code, 0) << s3.err;
  auto v3 = Sk({"--json", "pdf", "verify", F("thrice.pdf")});
  EXPECT_EQ(v3.exit_code, 0) << v3.err;
  EXPECT_NE(v3.out.find("\"valid\": true"), std::string::npos) << v3.out;
  EXPECT_NE(v3.out.find("CN=赵六"), std::string::npos) << v3.out;
  EXPECT_NE(v3.out.find("\"digest\": \"SM3\""), std::string::npos) << v3.out;

  // One changed byte in the signed part: exit 1, every signature fails.
  Bytes tampered = ReadFileOrDie(F("thrice.pdf"));
  tampered[10] ^= 0x01;
  WriteFile(F("tampered.pdf"), tampered);
  auto bad = Sk({"pdf", "verify", F("tampered.pdf")});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("3 of 3 signature(s) do not verify"), std::string::npos) << bad.err;

  // --stamp on something that is not a PDF.
  WriteFile(F("note.txt"), AsBytes("not a pdf"));
  auto not_pdf = Sk(
      {"sign", "-d", "pdfdev", "-c", p256, "--in", F("note.txt"), "--stamp", F("seal.png")}, kPin);
  EXPECT_EQ(not_pdf.exit_code, 1);
  EXPECT_NE(not_pdf.err.find("%PDF-"), std::string::npos) << not_pdf.err;
}

}  // namespace
}  // namespace sealkey::pdf
