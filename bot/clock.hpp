#pragma once
#include <chrono>
#include <functional>

#include "domain/time.hpp"

namespace tannha::bot {

/// The process clock: the system clock, or one that starts at a chosen instant (--clock) and
/// runs on from it at real speed.
class clock {
 public:
  clock() = default;
  /// A clock that reads `start` now and advances in real time from here.
  explicit clock(domain::instant start)
      : offset_(start - std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now())) {}
  domain::instant now() const {
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()) + offset_;
  }
  /// Moves the clock on by `by` (tests that drive time; not for a clock other threads read).
  void advance(std::chrono::seconds by) { offset_ += by; }

 private:
  std::chrono::seconds offset_{0};
};

/// Monotonic time for waits and rates: the steady clock, or a test's hand-driven one.
using monotonic_clock = std::function<std::chrono::steady_clock::time_point()>;

}  // namespace tannha::bot
