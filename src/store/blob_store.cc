#include "store/blob_store.h"

#include <algorithm>
#include <filesystem>

#include "base/atomic_file.h"
#include "base/encoding.h"
#include "base/file.h"
#include "crypto/digest.h"

namespace sealkey::store {

unsigned SniffBlobKind(ByteView d) {
  static const uint8_t kPngMagic[] = {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a};
  if (d.size() >= 3 && d[0] == 0xff && d[1] == 0xd8 && d[2] == 0xff) return kJpeg;
  if (d.size() >= 8 && std::equal(kPngMagic, kPngMagic + 8, d.begin())) return kPng;
  if (d.size() >= 5 && AsChars(d.first(5)) == "%PDF-") return kPdf;
  return 0;
}

std::string BlobStore::PathOf(const std::string& h) const {
  return dir_ + "/" + h.substr(0, 2) + "/" + h;
}

Result<BlobRef> BlobStore::Put(ByteView data, unsigned allowed, size_t max_size, const char* field) {
  Error e{ErrorCode::kInvalidArgument, field, ""};
  if (data.empty()) {
    e.message = "is empty";
    e.message_zh = "文件为空";
    return Fail(e);
  }
  if (data.size() > max_size) {
    e.message = "is larger than " + std::to_string(max_size / 1024) + " KiB";
    e.message_zh = "文件超过 " + std::to_string(max_size / 1024) + " KiB";
    return Fail(e);
  }
  unsigned kind = SniffBlobKind(data);
  if (!(kind & allowed)) {
    e.message = std::string("is not a ") + ((allowed & kPdf) ? "JPEG, PNG or PDF" : "JPEG or PNG") +
                " file (checked by content)";
    e.message_zh = std::string("不是 ") + ((allowed & kPdf) ? "JPEG、PNG 或 PDF" : "JPEG 或 PNG") +
                   " 文件（按内容检查）";
    return Fail(e);
  }
  BlobRef ref;
  ref.sha256 = HexEncode(crypto::Hash(crypto::HashAlg::kSha256, data));
  ref.mime = kind == kJpeg ? "image/jpeg" : kind == kPng ? "image/png" : "application/pdf";
  ref.size = data.size();
  std::string path = PathOf(ref.sha256);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    SEALKEY_RETURN_IF_ERROR(MakeDirs(std::filesystem::path(path).parent_path().string(), 0700));
    SEALKEY_RETURN_IF_ERROR(WriteFileAtomic(path, data, 0600));
  }
  return ref;
}

Result<Bytes> BlobStore::Get(const std::string& sha256) const {
  if (sha256.size() != 64 || sha256.find_first_not_of("0123456789abcdef") != std::string::npos) {
    return Fail(ErrorCode::kInvalidArgument, "not a blob reference", "blob");
  }
  return ReadFile(PathOf(sha256), "blob");
}

}  // namespace sealkey::store
