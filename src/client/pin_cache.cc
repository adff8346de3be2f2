#include "client/pin_cache.h"

namespace sealkey::client {

void PinCache::Put(const std::string& device_id, const SecureBuffer& pin, int minutes) {
  std::lock_guard<std::mutex> lock(mu_);
  if (minutes <= 0) {
    entries_.erase(device_id);
    return;
  }
  entries_.insert_or_assign(device_id,
                            Entry{pin.Clone(), clock_.Now() + std::chrono::minutes(minutes)});
}

std::optional<SecureBuffer> PinCache::Get(const std::string& device_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(device_id);
  if (it == entries_.end()) return std::nullopt;
  if (clock_.Now() >= it->second.expires) {
    entries_.erase(it);
    return std::nullopt;
  }
  return it->second.pin.Clone();
}

void PinCache::Erase(const std::string& device_id) {
  std::lock_guard<std::mutex> lock(mu_);
  entries_.erase(device_id);
}

void PinCache::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  entries_.clear();
}

size_t PinCache::size() {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

}  // namespace sealkey::client
