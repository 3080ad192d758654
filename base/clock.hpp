// base/clock.hpp: the time seam. Everything that reads "now" takes a Clock&, so tests can run
// hours of backoff and deadlines in microseconds with FakeClock.
//
// Times are wall-clock (system_clock) because Kubernetes status carries wall-clock timestamps
// (startTime, lastTransitionTime) and durable state must survive a restart; code that waits
// converts a wall-clock deadline into a timeout just before it blocks.
#pragma once

#include <chrono>

namespace base {

using TimePoint = std::chrono::system_clock::time_point;
using Duration = std::chrono::system_clock::duration;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

class RealClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
};

// A clock that moves only when told to.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(TimePoint start = TimePoint(std::chrono::hours(24 * 365 * 56)))
      : now_(start) {}
  TimePoint now() const override { return now_; }
  void advance(Duration d) { now_ += d; }
  void set(TimePoint t) { now_ = t; }

 private:
  TimePoint now_;
};

// The time left until `deadline`, never negative.
inline Duration remaining(const Clock& clock, TimePoint deadline) {
  Duration left = deadline - clock.now();
  return left < Duration::zero() ? Duration::zero() : left;
}

}  // namespace base
