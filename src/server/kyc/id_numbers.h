// Chinese identity numbers (STANDARDS.md 8), each failing with a bilingual
// error naming the field.
//
// Resident ID (GB 11643-1999): 6-digit region, 8-digit birth date, 3-digit
// sequence, check character; weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2,
// sum mod 11 indexes "10X98765432". The birth date must be a real date from
// 1900 up to today.
//
// Unified social credit code (GB 32100-2015): 18 characters from
// "0123456789ABCDEFGHJKLMNPQRTUWXY"; weights 1 3 9 27 19 26 16 17 20 29 25
// 13 8 24 10 30 28; check = 31 - (sum mod 31), 31 -> 0.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/error.h"

namespace sealkey::server {

// Returns the number with a lower-case x upper-cased.
Result<std::string> ValidateResidentId(std::string_view text, int64_t today_unix,
                                       const char* field = "id_number");
// A person's name: 2-30 characters (a middle dot, as in 阿依古丽·买买提, is
// fine), no digits or control characters.
Status CheckPersonName(const std::string& name, const char* field = "name");
// Returns the code upper-cased.
Result<std::string> ValidateCreditCode(std::string_view text, const char* field = "credit_code");

}  // namespace sealkey::server
