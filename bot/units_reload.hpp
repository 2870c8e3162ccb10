#pragma once
#include <chrono>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "bot/config.hpp"
#include "bot/metrics.hpp"
#include "domain/unit.hpp"

namespace tannha::bot {

/// What a reload changes in the units, by id.
struct units_change {
  int added = 0;
  int removed = 0;
  int changed = 0;  ///< units whose stored part (name, group, villages, leaders) differs
};

/// The units of `after` that sync_config must write: the new ones and those whose stored part
/// (name, chat_id, villages, admins) differs from `before`; `change`, when given, gets the counts.
std::vector<domain::unit> units_to_store(const std::vector<domain::unit>& before,
                                         const std::vector<domain::unit>& after, units_change* change = nullptr);

/// Re-reads the units of the config (its [[units]] blocks and unit folders) on request (SIGHUP),
/// off the I/O thread, and hands a good set to `apply`; a config with any problem is refused
/// whole, its problems logged by file, line and key (never by value), and the running units stay.
/// Settings other than the units are not reloaded: a change to them is logged as waiting for a
/// restart. Outcomes are counted in config_reloads_total{result="ok|refused|failed"}.
class units_reloader {
 public:
  /// Called on the I/O thread with every unit of the new config and those of them to store;
  /// must call `done` on the I/O thread, true once the new units are served, false when they
  /// could not be stored (the old ones then stay).
  using apply_fn = std::function<void(std::vector<domain::unit> all, std::vector<domain::unit> to_store,
                                      std::function<void(bool)> done)>;

  /// `current`: the config being served (its `source` is the file read again).
  units_reloader(boost::asio::any_io_executor io, config current, apply_fn apply, metrics& stats);
  /// Waits for a reading in progress (its result is dropped).
  ~units_reloader();
  units_reloader(const units_reloader&) = delete;
  units_reloader& operator=(const units_reloader&) = delete;

  /// Starts a reload; one asked for while another runs follows it (several make one). I/O thread.
  void request();
  /// No further reload starts (the service is stopping). I/O thread.
  void stop() { stopped_ = true; }

 private:
  void start();
  void read_done(domain::result<config> next, std::vector<config_problem> problems);
  void finish();

  boost::asio::any_io_executor io_;
  config current_;
  apply_fn apply_;
  metrics& stats_;
  std::thread reader_;
  bool running_ = false;
  bool again_ = false;
  bool stopped_ = false;
  std::chrono::steady_clock::time_point started_{};
  /// Cleared by the destructor so that a reading finishing late touches nothing.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace tannha::bot
