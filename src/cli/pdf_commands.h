// PDF signatures with a visible seal (issue 7, B16): the PDF side of
// `sealkey sign` (--pdf-out / --stamp / --seal) and `sealkey pdf verify`.
#pragma once

#include <cstddef>
#include <string>

#include "base/bytes.h"
#include "base/error.h"
#include "cli/command.h"

namespace CLI {
class App;
}

namespace sealkey::pdf {
struct PdfSignature;
}

namespace sealkey::cli {

struct PdfSignOptions {
  std::string device, cert, in, out;  // out: --pdf-out (default IN-signed.pdf)
  int page = 1;
  double x = 0, y = 0, w = 0, h = 0;  // points, origin bottom-left of the page
  std::string image;                  // --stamp: PNG or JPEG file
  std::string seal;                   // --seal: a seal image on the medium
  std::string sub_filter = "adbe.pkcs7.detached";
  std::string reason, location;
  size_t reserve = 16384;  // bytes kept for the CMS
  std::string revocation;  // reported with --json (set by `sealkey sign`)
};

// Adds the PDF options to `sealkey sign`.
void AddPdfSignOptions(CLI::App* sign, PdfSignOptions& o);
// Whether the options ask for a PDF signature (--pdf-out, --stamp or --seal).
bool WantsPdfSignature(const PdfSignOptions& o);

// Signs `input` (which must be a PDF; `o.in` is not read) as SignPdf does
// and returns the signed file, checked with the verifier; `made` (may be
// null) gets its signature.
Result<Bytes> SignPdfBytes(const GlobalOptions& g, const PdfSignOptions& o, ByteView input,
                           pdf::PdfSignature* made);

// Signs `o.in` (which must be a PDF) as a PAdES incremental update with the
// seal image at (x, y, w, h) on page `o.page`: the medium's "sign" operation
// makes the CMS over the ByteRange content. Writes `o.out`.
Status SignPdf(const GlobalOptions& g, const PdfSignOptions& o);

// `sealkey pdf verify FILE`.
void RegisterPdfCommands(CLI::App& app, CommandContext& ctx);

}  // namespace sealkey::cli
