#include "base/secure_buffer.h"

#include <cstring>
#include <stdexcept>

#include <openssl/crypto.h>

namespace sealkey {

SecureBuffer::SecureBuffer(size_t size)
    : data_(size ? new uint8_t[size]() : nullptr), size_(size) {}

SecureBuffer::SecureBuffer(std::span<const uint8_t> data) : SecureBuffer(data.size()) {
  if (size_) std::memcpy(data_.get(), data.data(), size_);
}

SecureBuffer SecureBuffer::FromString(std::string_view s) {
  return SecureBuffer(std::span<const uint8_t>(
      reinterpret_cast<const uint8_t*>(s.data()), s.size()));
}

SecureBuffer::SecureBuffer(SecureBuffer&& other) noexcept
    : data_(std::move(other.data_)), size_(other.size_) {
  other.size_ = 0;
}

SecureBuffer& SecureBuffer::operator=(SecureBuffer&& other) noexcept {
  if (this != &other) {
    Wipe();
    data_ = std::move(other.data_);
    size_ = other.size_;
    other.size_ = 0;
  }
  return *this;
}

SecureBuffer::~SecureBuffer() { Wipe(); }

void SecureBuffer::Wipe() {
  if (data_ && size_) OPENSSL_cleanse(data_.get(), size_);
  data_.reset();
  size_ = 0;
}

void SecureBuffer::Truncate(size_t size) {
  if (size > size_) throw std::logic_error("SecureBuffer::Truncate cannot grow");
  OPENSSL_cleanse(data_.get() + size, size_ - size);
  size_ = size;
}

bool SecureBuffer::Equals(std::span<const uint8_t> other) const {
  if (other.size() != size_) return false;
  if (size_ == 0) return true;
  return CRYPTO_memcmp(data_.get(), other.data(), size_) == 0;
}

}  // namespace sealkey
