// SecureBuffer: a move-only, fixed-size byte buffer for secrets (PINs,
// passwords, key shares, private-key DER). Its contents are wiped with
// OPENSSL_cleanse when it is destroyed or moved from, on every path.
//
// It has no stream operator and no implicit conversion to Bytes, so a secret
// cannot be logged or copied by accident. Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

namespace sealkey {

class SecureBuffer {
 public:
  SecureBuffer() = default;
  explicit SecureBuffer(size_t size);  // zero-filled
  explicit SecureBuffer(std::span<const uint8_t> data);
  static SecureBuffer FromString(std::string_view s);

  SecureBuffer(SecureBuffer&& other) noexcept;
  SecureBuffer& operator=(SecureBuffer&& other) noexcept;
  SecureBuffer(const SecureBuffer&) = delete;
  SecureBuffer& operator=(const SecureBuffer&) = delete;
  ~SecureBuffer();

  uint8_t* data() { return data_.get(); }
  const uint8_t* data() const { return data_.get(); }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::span<const uint8_t> span() const { return {data_.get(), size_}; }
  std::span<uint8_t> mutable_span() { return {data_.get(), size_}; }
  std::string_view view() const {
    return {reinterpret_cast<const char*>(data_.get()), size_};
  }

  // Keeps the first `size` bytes, wiping the rest; size must not grow.
  void Truncate(size_t size);
  // An explicit copy, for the rare place that needs two owners.
  SecureBuffer Clone() const { return SecureBuffer(span()); }

  // Constant-time comparison (CRYPTO_memcmp); false when sizes differ.
  bool Equals(std::span<const uint8_t> other) const;

 private:
  void Wipe();

  std::unique_ptr<uint8_t[]> data_;
  size_t size_ = 0;
};

}  // namespace sealkey
