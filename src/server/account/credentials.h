// Credentials shared by person accounts and operator accounts: bearer tokens
// (256-bit random, base64url) stored only as SHA-256 hashes, and Argon2id
// password hashes (libsodium crypto_pwhash_str, interactive limits).
#pragma once

#include <string>

#include "base/error.h"
#include "base/secure_buffer.h"

namespace sealkey::server {

// A fresh opaque token: 32 random bytes, base64url without padding.
std::string NewToken();
// SHA-256 (hex) of a bearer token or ticket: the only form the server stores.
std::string TokenHashOf(const std::string& token);
// An Argon2id hash string of `password` (salt and parameters included).
Result<std::string> HashPassword(const SecureBuffer& password);
// Whether `password` matches a hash made by HashPassword.
bool PasswordMatches(const std::string& hash, const SecureBuffer& password);

}  // namespace sealkey::server
