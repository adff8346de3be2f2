// The authorisation letter (授权委托书) of an administrator transfer (B9,
// manual 4.9.3) as a one-page A4 PDF: the organisation, the administrator
// who hands the role over and the employee who receives it, the transfer's
// number and date, and the administrator's handwritten signature image. The
// administrator then signs the PDF itself (PAdES) with a certificate. Same
// drawing surface as the invoice (cairo + pango, CJK font embedded).
#pragma once

#include <string>

#include "base/bytes.h"
#include "base/error.h"

namespace sealkey::invoice {

struct AuthorisationLetter {
  std::string organisation;
  std::string credit_code;
  std::string from_name;  // the current administrator's verified name
  std::string to_name;    // the employee's verified name
  std::string transfer_number;
  std::string date;       // YYYY-MM-DD
  Bytes signature_png;    // the administrator's handwritten signature
};

// Fields longer than their boxes are kInvalidArgument naming them; a
// signature that is empty or not a PNG cairo can read is kInvalidArgument
// "signature".
Result<Bytes> RenderAuthorisationLetterPdf(const AuthorisationLetter& letter);

}  // namespace sealkey::invoice
