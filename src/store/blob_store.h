// Uploaded files (ID card photos, business licences): stored under
// DATA/blobs/<first 2 hex>/<sha256 hex>, named by content hash (so the same
// file is stored once), written atomically. Content is sniffed: only the
// kinds a caller allows are accepted, whatever the client claims.
#pragma once

#include <cstdint>
#include <string>

#include "base/bytes.h"
#include "base/error.h"

namespace sealkey::store {

enum BlobKind : unsigned { kJpeg = 1, kPng = 2, kPdf = 4 };

struct BlobRef {
  std::string sha256;  // hex
  std::string mime;    // image/jpeg, image/png, application/pdf
  size_t size = 0;
};

// The kind of `data` by its magic bytes, or 0.
unsigned SniffBlobKind(ByteView data);

class BlobStore {
 public:
  explicit BlobStore(std::string dir) : dir_(std::move(dir)) {}
  // kInvalidArgument naming `field` when empty, too large or not an allowed kind.
  Result<BlobRef> Put(ByteView data, unsigned allowed_kinds, size_t max_size, const char* field);
  Result<Bytes> Get(const std::string& sha256) const;

 private:
  std::string PathOf(const std::string& sha256) const;
  std::string dir_;
};

}  // namespace sealkey::store
