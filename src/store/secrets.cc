#include "store/secrets.h"

#include "base/atomic_file.h"
#include "base/file.h"
#include "crypto/random.h"

namespace sealkey::store {

Result<SecureBuffer> LoadOrCreateSecret(const std::string& data_dir, const std::string& name) {
  std::string dir = data_dir + "/secrets";
  SEALKEY_RETURN_IF_ERROR(MakeDirs(dir, 0700));
  std::string path = dir + "/" + name;
  auto existing = ReadFile(path, "secret", 64);
  if (existing) {
    if (existing->size() != 32) {
      return Fail(ErrorCode::kMalformed, path + " is not a 32-byte key", "data-dir");
    }
    return SecureBuffer(*existing);
  }
  if (existing.error().code != ErrorCode::kNotFound) return Fail(existing.error());
  SecureBuffer key = crypto::RandomSecret(32);
  SEALKEY_RETURN_IF_ERROR(WriteFileAtomic(path, key.span(), 0600));
  return key;
}

}  // namespace sealkey::store
