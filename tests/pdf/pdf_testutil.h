// Helpers for pdf_test: signing identities (a CA and its leaf per key type),
// test PDFs and seal images made at test time, and the external checkers
// (pdfsig, qpdf --check, pdftoppm).
#pragma once

#include <string>
#include <vector>

#include "base/bytes.h"
#include "crypto/key.h"
#include "crypto/x509.h"
#include "pdf/pdf.h"
#include "testutil/testutil.h"

namespace sealkey::pdf::testing {

struct Identity {
  crypto::PrivateKey ca_key;
  crypto::Certificate ca;
  crypto::PrivateKey key;
  crypto::Certificate cert;  // issued by `ca`, valid from an hour ago for a year
};
// Generated once per algorithm.
const Identity& IdentityFor(crypto::KeyAlg alg);

// A size x size RGBA PNG: a red (220, 20, 20) disc on a transparent ground.
Bytes SealPng(int size);

// A one-page Chinese text PDF from pango-view (cairo: xref table), 498 x 453 pt.
std::string MakeTextPdf(const sealkey::testing::TempDir& dir, const std::string& name);
// A minimal hand-written PDF (MediaBox inherited from /Pages, no /Info, /ID,
// no end-of-line after %%EOF); `catalog_extra` goes into the catalog.
Bytes HandWrittenPdf(const std::string& catalog_extra = "");

// Prepare, CMS over the ranges (signingTime for pkcs7; signing-certificate-v2
// and no signingTime for CAdES), finish. Fails the test on error.
Bytes SignPdfWith(ByteView pdf, const Identity& id, const StampOptions& options);

struct PdfsigReport {
  int valid = 0;    // "Signature is Valid."
  int invalid = 0;  // any other "Signature Validation:" line
  std::string out;
};
PdfsigReport Pdfsig(const std::string& path);
// qpdf --check; true when it reports no errors (warnings fail it too).
bool QpdfCheck(const std::string& path, std::string* output);

struct Raster {
  int width = 0, height = 0;
  Bytes rgb;
  bool IsRed(int x, int y) const;  // pixel coordinates, origin top-left
  bool IsWhite(int x, int y) const;
};
// pdftoppm at 72 dpi (one pixel per point) of page `page`.
Raster Render(const std::string& path, int page);

}  // namespace sealkey::pdf::testing
