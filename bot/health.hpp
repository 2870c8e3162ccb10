#pragma once
#include <atomic>
#include <chrono>
#include <string>

namespace tannha::bot {

/// What /healthz reports: whether the latest write to the database succeeded (an update's
/// batch, the relay's marks, a scheduled post) and whether the relay's loop is turning. Fed
/// from any thread, read without touching the database, so /healthz answers even while
/// SQLite waits.
class health {
 public:
  using time_point = std::chrono::steady_clock::time_point;

  /// A write transaction committed: writes are healthy again.
  void write_ok() { write_failing_.store(false); }
  /// A write transaction failed (busy, disk full, I/O, corrupt pages): unhealthy until the
  /// next one commits.
  void write_failed() { write_failing_.store(true); }
  /// The relay's loop turned at `now` (its heartbeat; it turns at least every second).
  void relay_turned(time_point now) { relay_beat_.store(now.time_since_epoch().count()); }
  /// The relay stopped on purpose (graceful stop): no heartbeat is expected any more.
  void relay_stopped() { relay_beat_.store(0); }

  /// The background integrity check found damaged pages: unhealthy until the server stops.
  void database_damaged() { damaged_.store(true); }

  /// Empty when healthy; otherwise one word for /healthz: "database" (damaged pages found),
  /// "writes" (the latest write failed), "relay" (its loop has not turned for `relay_patience`).
  std::string problem(time_point now, std::chrono::seconds relay_patience = std::chrono::seconds(10)) const {
    if (damaged_.load()) return "database";
    if (write_failing_.load()) return "writes";
    auto beat = relay_beat_.load();
    if (beat != 0 && now - time_point(time_point::duration(beat)) > relay_patience) return "relay";
    return {};
  }

 private:
  std::atomic<bool> write_failing_{false};
  std::atomic<bool> damaged_{false};
  std::atomic<time_point::rep> relay_beat_{0};  // 0: no relay (yet), nothing to watch
};

}  // namespace tannha::bot
