#include "invoice/tax_id.h"

#include <string>

namespace sealkey::invoice {

Status ValidateTaxId(std::string_view tax_id) {
  // GB 32100-2015 section 4 (code structure) and appendix B (check character).
  static constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  static constexpr int kWeights[17] = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                       29, 25, 13, 8,  24, 10, 30, 28};
  if (tax_id.size() != 18) {
    return Fail(ErrorCode::kInvalidArgument,
                "must be an 18-character unified social credit code (got " +
                    std::to_string(tax_id.size()) + " characters)",
                "tax_id");
  }
  int sum = 0;
  for (size_t i = 0; i < tax_id.size(); ++i) {
    const size_t value = kAlphabet.find(tax_id[i]);
    if (value == std::string_view::npos) {
      return Fail(ErrorCode::kInvalidArgument,
                  "character " + std::to_string(i + 1) +
                      " is not one of 0-9 and A-Z without I, O, S, V and Z (upper case)",
                  "tax_id");
    }
    if (i < 17) sum += static_cast<int>(value) * kWeights[i];
  }
  const int check = (31 - sum % 31) % 31;
  if (kAlphabet[check] != tax_id[17]) {
    return Fail(ErrorCode::kInvalidArgument, "the check character does not match (mistyped code?)",
                "tax_id");
  }
  return Ok();
}

}  // namespace sealkey::invoice
