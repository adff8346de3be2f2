// Server secrets kept in the data directory: DATA/secrets/<name>, 32 random
// bytes, mode 0600 in a 0700 directory, made on first use (the SMS-code MAC
// key, the CA key-encryption key, the KMC key).
#pragma once

#include <string>

#include "base/error.h"
#include "base/secure_buffer.h"

namespace sealkey::store {

// kMalformed (field "data-dir") when the file exists but is not 32 bytes.
Result<SecureBuffer> LoadOrCreateSecret(const std::string& data_dir, const std::string& name);

}  // namespace sealkey::store
