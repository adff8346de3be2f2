// The agent's PIN cache (D11): one verified PIN per device, kept until its
// expiry. The duration is fixed when the PIN is entered, so a changed
// setting takes effect at the next PIN entry. Entries are SecureBuffers,
// wiped on expiry, erase and destruction. Thread-safe.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "base/clock.h"
#include "base/secure_buffer.h"

namespace sealkey::client {

class PinCache {
 public:
  explicit PinCache(const Clock& clock) : clock_(clock) {}

  // Caches `pin` for `minutes` (0 caches nothing).
  void Put(const std::string& device_id, const SecureBuffer& pin, int minutes);
  // A copy of the cached PIN if present and not expired.
  std::optional<SecureBuffer> Get(const std::string& device_id);
  void Erase(const std::string& device_id);
  void Clear();
  size_t size();

 private:
  struct Entry {
    SecureBuffer pin;
    Clock::TimePoint expires;
  };
  const Clock& clock_;
  std::mutex mu_;
  std::map<std::string, Entry> entries_;
};

}  // namespace sealkey::client
