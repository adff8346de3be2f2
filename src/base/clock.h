// Time source. Production code takes a Clock& so tests can move time with a
// FakeClock instead of sleeping (PIN cache expiry, SMS code validity ...).
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace sealkey {

class Clock {
 public:
  using TimePoint = std::chrono::system_clock::time_point;
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
  int64_t NowUnixSeconds() const;
};

// The wall clock. Thread-safe.
class SystemClock final : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::system_clock::now(); }
  static SystemClock& Instance();
};

// A clock that only moves when told to. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(TimePoint start = TimePoint(std::chrono::seconds(1'800'000'000)))
      : now_(start) {}
  TimePoint Now() const override;
  void Advance(std::chrono::nanoseconds d);
  void Set(TimePoint t);

 private:
  mutable std::mutex mu_;
  TimePoint now_;
};

// The calendar date in China Standard Time (UTC+8, no daylight saving) as
// "YYYY-MM-DD": the date printed on invoices, forms and letters.
std::string ChinaDate(int64_t unix_seconds);

}  // namespace sealkey
