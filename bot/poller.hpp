#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include "bot/clock.hpp"
#include "bot/db_writer.hpp"
#include "bot/http_client.hpp"
#include "bot/intake.hpp"
#include "bot/metrics.hpp"
#include "bot/platform.hpp"
#include "storage/database.hpp"

namespace tannha::bot {

/// How the poller asks and waits.
struct poll_options {
  int timeout_seconds = 30;                       ///< how long the platform may hold one call
  std::chrono::milliseconds min_interval{500};    ///< least time between two calls that bring nothing
  double base_backoff_seconds = 1.0;              ///< after a failure: doubles up to max, jittered
  double max_backoff_seconds = 60.0;
  int dispatch_attempts = 5;                      ///< tries of one update while the database is busy
};

/// Reads the saved Telegram offset (next update_id to ask for) from poll_state.
std::optional<std::int64_t> load_poll_offset(storage::database& db, std::string_view platform);
/// Saves the Telegram offset in poll_state.
void save_poll_offset(storage::database& db, std::string_view platform, std::int64_t offset, domain::instant now);

/// Long polling (`tannha poll`): asks the platform's getUpdates in a loop and passes every
/// update to intake::process_update(), the same exactly-once path as the webhook.
/// Zalo brings one update per call (HTTP 408: nothing) and has no offset, so a redelivery is
/// caught by processed_updates; Telegram is asked from the saved offset (last update_id + 1),
/// which is written after each update is committed, so a restart does not read it again (and
/// if it did, processed_updates would catch it). Runs on the io_context's one thread.
class poller {
 public:
  /// `client` is used by this poller only (stop() cancels its calls); `url` is
  /// method_url(kind, cfg, "getUpdates").
  poller(boost::asio::any_io_executor ex, http_client& client, platform_kind kind, std::string url,
         intake& updates, storage::database& db, const clock& clk, metrics* m = nullptr, poll_options opt = {});
  poller(const poller&) = delete;
  poller& operator=(const poller&) = delete;

  /// Starts the loop on the executor.
  void start();
  /// Ends the loop: the call in flight is cancelled (what it would have brought is fetched
  /// again next time). Safe from any thread.
  void stop();
  /// True once the loop has ended.
  bool idle() const { return !running_; }
  /// The offset the next Telegram call will ask for.
  std::optional<std::int64_t> offset() const { return offset_; }
  /// Runs the database's work (updates, the offset) on `w`'s thread. Call before start().
  void set_writer(db_writer* w) { writer_ = w; }

 private:
  boost::asio::awaitable<void> run();
  boost::asio::awaitable<void> pause(std::chrono::steady_clock::duration d);
  std::chrono::milliseconds backoff(int failures);
  /// `f` on the writer when set, else here.
  template <class R>
  boost::asio::awaitable<R> on_db(std::function<R()> f) {
    if (!writer_) co_return f();
    co_return co_await writer_->run<R>(ex_, std::move(f));
  }

  boost::asio::any_io_executor ex_;
  http_client& client_;
  platform_kind kind_;
  std::string url_;  // holds the token: never logged
  intake& intake_;
  storage::database& db_;
  const clock& clock_;
  metrics* metrics_;
  poll_options opt_;
  db_writer* writer_ = nullptr;
  boost::asio::steady_timer timer_;
  std::optional<std::int64_t> offset_;
  std::mt19937 rng_;
  bool running_ = false;
  bool stopping_ = false;
};

}  // namespace tannha::bot
