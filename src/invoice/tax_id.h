// Taxpayer identification numbers on invoices.
#pragma once

#include <string_view>

#include "base/error.h"

namespace sealkey::invoice {

// Accepts an 18-character unified social credit code (统一社会信用代码,
// GB 32100-2015): characters from "0123456789ABCDEFGHJKLMNPQRTUWXY" (upper
// case; I, O, S, V and Z are never used) whose 18th is the check character
// over the first 17 (weights 3^i mod 31; check = 31 - sum mod 31, 31 -> 0).
//
// Older taxpayer numbers (15-character tax registration numbers, 17, 18 or
// 20-character ones built from ID numbers) are refused: every organisation
// now holds a credit code, and the platform only invoices verified
// organisations whose code it has already checked the same way. Lower case is
// refused too: an invoice prints the code exactly as given.
//
// The same check exists in the server layer (server/kyc/id_numbers.h
// ValidateCreditCode, which also upper-cases user input); sealkey::invoice
// sits below the server and cannot link it, so the 20-line rule lives here
// too. kInvalidArgument naming "tax_id".
Status ValidateTaxId(std::string_view tax_id);

}  // namespace sealkey::invoice
