#pragma once
#include <chrono>
#include <cstddef>
#include <optional>

namespace tannha::log {

/// Lets at most `burst` lines of one kind through per `window`, so that a flood (a client
/// guessing the webhook secret) cannot fill the disk with the same warning; what it held back
/// is counted and reported on the next line it lets through. Not thread-safe: one per owner.
class limiter {
 public:
  using clock = std::chrono::steady_clock;

  limiter(std::size_t burst, clock::duration window) : burst_(burst), window_(window) {}

  /// nullopt: drop this line. Otherwise write it, with the number of lines dropped since the
  /// last one written (0 when none).
  std::optional<std::size_t> allow(clock::time_point now) {
    if (now - window_start_ >= window_) {
      window_start_ = now;
      used_ = 0;
    }
    if (used_ >= burst_) {
      ++suppressed_;
      return std::nullopt;
    }
    ++used_;
    const auto dropped = suppressed_;
    suppressed_ = 0;
    return dropped;
  }

 private:
  std::size_t burst_;
  clock::duration window_;
  clock::time_point window_start_{};
  std::size_t used_ = 0;
  std::size_t suppressed_ = 0;
};

}  // namespace tannha::log
