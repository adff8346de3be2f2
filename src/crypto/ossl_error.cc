#include "crypto/ossl_error.h"

#include <openssl/err.h>

namespace sealkey::crypto {

Error OpensslError(ErrorCode code, std::string_view what, std::string field) {
  std::string message(what);
  unsigned long first = ERR_get_error();
  if (first != 0) {
    char buf[256];
    ERR_error_string_n(first, buf, sizeof buf);
    const char* reason = ERR_reason_error_string(first);
    message += ": ";
    message += reason ? reason : buf;
  }
  ERR_clear_error();
  return Error{code, std::move(field), std::move(message)};
}

void ClearOpensslErrors() { ERR_clear_error(); }

}  // namespace sealkey::crypto
