#include "server/account/credentials.h"

#include <sodium.h>

#include "base/encoding.h"
#include "crypto/digest.h"
#include "crypto/random.h"

namespace sealkey::server {

std::string NewToken() {
  std::string t = Base64Encode(crypto::RandomBytes(32));
  for (char& c : t) c = c == '+' ? '-' : c == '/' ? '_' : c;  // base64url
  while (!t.empty() && t.back() == '=') t.pop_back();
  return t;
}

std::string TokenHashOf(const std::string& token) {
  return HexEncode(crypto::Hash(crypto::HashAlg::kSha256, AsBytes(token)));
}

Result<std::string> HashPassword(const SecureBuffer& pw) {
  static const bool ready = sodium_init() >= 0;
  char out[crypto_pwhash_STRBYTES];
  if (!ready || crypto_pwhash_str(out, reinterpret_cast<const char*>(pw.data()), pw.size(),
                                  crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                  crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return Fail(ErrorCode::kInternal, "password hashing failed");
  }
  return std::string(out);
}

bool PasswordMatches(const std::string& hash, const SecureBuffer& pw) {
  return crypto_pwhash_str_verify(hash.c_str(), reinterpret_cast<const char*>(pw.data()),
                                  pw.size()) == 0;
}

}  // namespace sealkey::server
