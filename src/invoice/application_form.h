// The certificate application form (B10) as a one-page A4 PDF: the blank
// template e-mailed to applicants who fill it in by hand, and the form
// filled from the order and signed online with a handwritten signature
// image. Same drawing surface as the invoice (cairo + pango, CJK font
// embedded).
#pragma once

#include <string>

#include "base/bytes.h"
#include "base/error.h"

namespace sealkey::invoice {

struct ApplicationForm {
  std::string order_number;  // empty on the blank template
  std::string product;
  std::string applicant_name;
  std::string id_number_masked;
  std::string phone;
  std::string organisation;  // organisation profiles
  std::string credit_code;
  std::string date;          // YYYY-MM-DD
  Bytes signature_png;       // the handwritten signature; empty: a blank box
};

// Fields longer than the boxes are refused (kInvalidArgument naming them); a
// signature that is not a PNG cairo can read is kInvalidArgument "signature".
Result<Bytes> RenderApplicationFormPdf(const ApplicationForm& form);

}  // namespace sealkey::invoice
