// Input rules of the account domain, each failing with a bilingual error
// naming the field.
#pragma once

#include <string>
#include <string_view>

#include "base/error.h"
#include "base/secure_buffer.h"

namespace sealkey::server {

// Mainland mobile numbers: 1[3-9] + 9 digits, optional +86 / 86 prefix,
// spaces and dashes ignored. Returns E.164 ("+8613800138000").
Result<std::string> NormalizePhone(std::string_view text, const char* field = "phone");

// B2: 8-16 characters with at least 3 of upper case, lower case, digits,
// other characters; the message says what is missing.
Status CheckPasswordPolicy(const SecureBuffer& password, const char* field = "password");

// An e-mail address: local@domain.tld, at most 254 characters, nothing that
// could split a header.
Status CheckEmail(const std::string& email, const char* field = "email");

// SMS code purposes.
bool ValidPurpose(std::string_view purpose);

}  // namespace sealkey::server
