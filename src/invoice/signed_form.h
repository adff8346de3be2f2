// Internal to sealkey::invoice: the one-page A4 documents a person signs by
// hand - the certificate application form and the administrator's
// authorisation letter: a title and a subtitle, a table of labelled values,
// a paragraph, and a signature box with the date.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"

namespace sealkey::invoice::detail {

struct SignedForm {
  std::string title, subtitle;
  std::vector<std::pair<std::string, std::string>> rows;  // label, value
  double label_width_mm = 50;  // the table's first column
  std::string paragraph;
  double paragraph_font_mm = 3.4;
  double paragraph_height_mm = 24;
  std::string signer_label;  // e.g. "申请人签名："
  Bytes signature_png;       // may be empty: an empty box to sign on paper
  std::string date;
};

// kInvalidArgument naming "signature" when the image is not a PNG.
Result<Bytes> RenderSignedForm(const SignedForm& form);

}  // namespace sealkey::invoice::detail
