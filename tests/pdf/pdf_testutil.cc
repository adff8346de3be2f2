#include "pdf_testutil.h"

#include <cstdio>
#include <ctime>
#include <map>
#include <sstream>

#include <zlib.h>

#include "crypto/cms.h"
#include "crypto/x509_build.h"

namespace sealkey::pdf::testing {
namespace {

using sealkey::testing::RunCommand;

void PutU32(Bytes& out, uint32_t v) {
  for (int i = 3; i >= 0; --i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

void PngChunk(Bytes& out, const char* type, ByteView data) {
  PutU32(out, static_cast<uint32_t>(data.size()));
  Bytes typed(type, type + 4);
  typed.insert(typed.end(), data.begin(), data.end());
  out.insert(out.end(), typed.begin(), typed.end());
  PutU32(out, static_cast<uint32_t>(crc32(0, typed.data(), static_cast<uInt>(typed.size()))));
}

crypto::Certificate Issue(const char* subject, const crypto::PublicKey& key,
                          const crypto::PrivateKey& issuer_key, const crypto::Certificate* issuer,
                          bool is_ca) {
  crypto::CertificateTemplate t;
  t.subject = crypto::ParseDistinguishedName(subject).value();
  t.not_before = std::time(nullptr) - 3600;
  t.not_after = std::time(nullptr) + 365 * 86400;
  t.is_ca = is_ca;
  return crypto::IssueCertificate(t, key, issuer_key, issuer).value();
}

}  // namespace

const Identity& IdentityFor(crypto::KeyAlg alg) {
  static std::map<crypto::KeyAlg, Identity> cache;
  auto it = cache.find(alg);
  if (it != cache.end()) return it->second;
  auto ca_key = crypto::PrivateKey::Generate(alg).value();
  auto ca =
      Issue("/C=CN/O=测试 CA/CN=Test Root CA", ca_key.Public().value(), ca_key, nullptr, true);
  auto key = crypto::PrivateKey::Generate(alg).value();
  auto cert = Issue("/C=CN/O=测试单位/CN=张三", key.Public().value(), ca_key, &ca, false);
  return cache
      .emplace(alg, Identity{std::move(ca_key), std::move(ca), std::move(key), std::move(cert)})
      .first->second;
}

Bytes SealPng(int size) {
  Bytes raw;
  const double c = (size - 1) / 2.0, r = size * 0.45;
  for (int y = 0; y < size; ++y) {
    raw.push_back(0);  // filter: none
    for (int x = 0; x < size; ++x) {
      bool in = (x - c) * (x - c) + (y - c) * (y - c) <= r * r;
      raw.insert(raw.end(),
                 {static_cast<uint8_t>(in ? 220 : 0), static_cast<uint8_t>(in ? 20 : 0),
                  static_cast<uint8_t>(in ? 20 : 0), static_cast<uint8_t>(in ? 255 : 0)});
    }
  }
  uLongf packed_size = compressBound(raw.size());
  Bytes packed(packed_size);
  compress2(packed.data(), &packed_size, raw.data(), raw.size(), 9);
  packed.resize(packed_size);
  Bytes png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  Bytes ihdr;
  PutU32(ihdr, size);
  PutU32(ihdr, size);
  ihdr.insert(ihdr.end(), {8, 6, 0, 0, 0});  // 8-bit RGBA, no interlace
  PngChunk(png, "IHDR", ihdr);
  PngChunk(png, "IDAT", packed);
  PngChunk(png, "IEND", {});
  return png;
}

std::string MakeTextPdf(const sealkey::testing::TempDir& dir, const std::string& name) {
  const std::string text = "采购合同\n甲方：测试单位\n乙方：示例公司\n";
  sealkey::testing::WriteFile(dir.File(name + ".txt"), AsBytes(text));
  auto r = RunCommand({"pango-view", "-q", "--font=WenQuanYi Zen Hei 14", "--dpi=72",
                       "--margin=200", "-o", dir.File(name), dir.File(name + ".txt")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return dir.File(name);
}

Bytes HandWrittenPdf(const std::string& catalog_extra) {
  const std::string content = "BT /F1 24 Tf 72 720 Td (Contract) Tj ET";
  std::vector<std::string> objects = {
      "<< /Type /Catalog /Pages 2 0 R " + catalog_extra + ">>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 595 842] >>",
      "<< /Type /Page /Parent 2 0 R /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
      "<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content + "\nendstream",
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  };
  std::string pdf = "%PDF-1.4\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  size_t xref = pdf.size();
  pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f\r\n";
  for (size_t off : offsets) {
    char line[32];
    std::snprintf(line, sizeof line, "%010zu 00000 n\r\n", off);
    pdf += line;
  }
  pdf += "trailer\n<< /Size " + std::to_string(objects.size() + 1) +
         " /Root 1 0 R >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF";  // no final EOL
  return ToBytes(pdf);
}

Bytes SignPdfWith(ByteView pdf, const Identity& id, const StampOptions& options) {
  auto prepared = PreparePdfSignature(pdf, options);
  EXPECT_TRUE(prepared.has_value()) << prepared.error().ToString();
  if (!prepared) return {};
  crypto::KeySigner signer(id.key);
  crypto::CmsSignParams params;
  params.extra_certs = {&id.ca};
  if (options.sub_filter == SubFilter::kCadesDetached) {
    params.signing_certificate_v2 = true;
  } else {
    params.signing_time = std::time(nullptr);
  }
  auto cms = crypto::CmsSignDetached(signer, id.cert, prepared->SignedContent(), params);
  EXPECT_TRUE(cms.has_value()) << cms.error().ToString();
  if (!cms) return {};
  auto done = FinishPdfSignature(std::move(*prepared), *cms);
  EXPECT_TRUE(done.has_value()) << done.error().ToString();
  return done ? *done : Bytes{};
}

PdfsigReport Pdfsig(const std::string& path) {
  PdfsigReport report;
  auto r = RunCommand({"pdfsig", path});
  report.out = r.out + r.err;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    if (line.find("Signature Validation:") == std::string::npos) continue;
    if (line.find("Signature is Valid.") != std::string::npos) {
      ++report.valid;
    } else {
      ++report.invalid;
    }
  }
  return report;
}

bool QpdfCheck(const std::string& path, std::string* output) {
  auto r = RunCommand({"qpdf", "--check", path});
  if (output) *output = r.out + r.err;
  return r.exit_code == 0 && r.out.find("No syntax or stream encoding errors") != std::string::npos;
}

bool Raster::IsRed(int x, int y) const {
  const uint8_t* p = &rgb[(static_cast<size_t>(y) * width + x) * 3];
  return p[0] > 180 && p[1] < 90 && p[2] < 90;
}

bool Raster::IsWhite(int x, int y) const {
  const uint8_t* p = &rgb[(static_cast<size_t>(y) * width + x) * 3];
  return p[0] > 240 && p[1] > 240 && p[2] > 240;
}

Raster Render(const std::string& path, int page) {
  Raster out;
  auto r = RunCommand({"pdftoppm", "-r", "72", "-f", std::to_string(page), "-l",
                       std::to_string(page), "-singlefile", path, path + ".render"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  Bytes ppm = sealkey::testing::ReadFileOrDie(path + ".render.ppm");
  // Netpbm P6: "P6" width height maxval, each followed by one white-space.
  std::string header(ppm.begin(), ppm.begin() + std::min<size_t>(ppm.size(), 64));
  int maxval = 0, used = 0;
  if (std::sscanf(header.c_str(), "P6 %d %d %d%n", &out.width, &out.height, &maxval, &used) != 3 ||
      maxval != 255) {
    ADD_FAILURE() << "pdftoppm did not write an 8-bit PPM";
    return out;
  }
  out.rgb.assign(ppm.begin() + used + 1, ppm.end());
  EXPECT_EQ(out.rgb.size(), static_cast<size_t>(out.width) * out.height * 3);
  return out;
}

}  // namespace sealkey::pdf::testing
