#pragma once
#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <iosfwd>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include "bot/clock.hpp"
#include "bot/config.hpp"
#include "bot/health.hpp"
#include "bot/metrics.hpp"
#include "bot/platform.hpp"
#include "storage/outbox.hpp"

namespace tannha::bot {

class http_client;

/// Sends one message to one chat; how the relay reaches a platform (or the console, or a test).
using sender = std::function<boost::asio::awaitable<send_result>(const std::string& chat_id, const std::string& text)>;

/// The console platform's sender: prints "→ [chat_id] text" to `out` and always succeeds.
sender make_console_sender(std::ostream& out);
/// A sender that POSTs `encode_send(kind, …)` to `url` ({api_base}/bot{token}/sendMessage)
/// through `client` and interprets the answer. `client` must outlive the sender.
sender make_http_sender(http_client& client, platform_kind kind, std::string url, std::chrono::milliseconds timeout);

/// What to do with an outbox row after one attempt.
struct relay_decision {
  enum class action { sent, retry, dead };
  action what = action::retry;
  std::chrono::milliseconds delay{0};  ///< for retry: wait before the next attempt
  std::string error;                   ///< for retry/dead: kept as last_error
  bool counted = true;                 ///< retry: the try adds to attempts (not after a retry_after)
};

/// Exponential backoff: base·2^attempts_before capped at max, scaled by 0.5 + 0.5·jitter01
/// ("equal jitter": at least half the step, so retries from many chats spread out).
std::chrono::milliseconds backoff_delay(int attempts_before, const relay_config& cfg, double jitter01);

/// The relay's policy for one attempt's result, `attempts_before` attempts having been made,
/// the message queued `age` ago. ok → sent; permanent (400, 403) → dead at once; retry → dead
/// once age reaches give_up_after_hours, or when this was attempt max_attempts and the answer
/// did not say "later" (send_result::later or a retry_after); else retry after retry_after
/// when the platform gave one (not counted as an attempt), else after backoff_delay().
relay_decision decide_send(const send_result& r, int attempts_before, const relay_config& cfg, double jitter01,
                           std::chrono::seconds age = std::chrono::seconds(0));

/// At most `count` events in any `window`: the exact form of "20 messages a minute in a group"
/// (a token bucket of the same rate would let twice that through a window after a quiet spell).
class rate_window {
 public:
  using time_point = std::chrono::steady_clock::time_point;
  /// `per_second` <= 0: unlimited. Otherwise count = ceil(per_second) (at least 1) and the
  /// window is count / per_second seconds, so 1.0 → 1 a second, 30 → 30 a second, 0.5 → 1 in 2 s.
  /// Every window is kept 5% longer than asked, a margin for network jitter.
  static rate_window per_second(double per_second);
  /// `per_minute` <= 0: unlimited; else at most per_minute in any 60 s.
  static rate_window per_minute(int per_minute);
  rate_window(std::size_t count, std::chrono::steady_clock::duration window);

  /// How long until one more event fits (zero when it does now).
  std::chrono::steady_clock::duration wait(time_point now);
  /// Records one event at `now` (call when wait() is zero).
  void take(time_point now);
  /// True when no recorded event is inside the window any more (the state can be forgotten).
  bool quiet(time_point now);

 private:
  void expire(time_point now);
  std::size_t count_;  // 0: unlimited
  std::chrono::steady_clock::duration window_;
  std::deque<time_point> events_;
};

/// Adds the outbox_pending and outbox_dead gauges, read from `ob` at each scrape.
void register_outbox_gauges(metrics& m, storage::outbox& ob);

/// The outbox relay: a coroutine on the io_context that sends each chat's due head message,
/// one at a time per chat (so order per chat holds) and several chats at once (so one slow or
/// failing chat never holds back the others), within per-chat, per-group and global rates
/// (sliding windows: per_chat_per_second, per_group_per_minute, global_per_second). Every
/// attempt writes one log line `event=send id=… attempt=… result=sent|retry|dead ms=…` once
/// its outcome is recorded.
/// Under load it works in batches: each turn of the loop records every attempt finished since
/// the last turn in ONE write transaction, then asks the outbox once for as many due heads as
/// there are free send slots (none while every slot is busy). The loop turns at once when half
/// the slots or more are free, otherwise at most batch_interval (2 ms) after the first
/// unrecorded send finished, so a sent message stays unrecorded for at most one turn (a crash
/// in that window may send it again after restart; at most max_in_flight messages are in
/// flight or unrecorded at any time). The loop also wakes on notify() or polls every 500 ms. Run the io_context on one thread (the outbox
/// shares the SQLite connection with the dispatcher); the relay must outlive its run().
/// Its decisions are functions of the time it is given (step()): the loop reads the injected
/// monotonic clock and only sleeps on a timer, so tests drive time by calling step() themselves.
class relay {
 public:
  /// `steady`: the monotonic clock for rates, holds and batching (empty: the steady clock);
  /// `clk` gives the database's instants.
  relay(boost::asio::any_io_executor ex, storage::outbox& ob, sender send, relay_config cfg, const clock& clk,
        metrics* m = nullptr, monotonic_clock steady = {});
  relay(const relay&) = delete;
  relay& operator=(const relay&) = delete;

  /// Which chats are groups (for per_group_per_minute). Default: ids starting with '-'
  /// (Telegram groups); the caller may pass the configured units' chat ids instead.
  void set_group_predicate(std::function<bool(const std::string&)> is_group);
  /// Most sends in flight at once (distinct chats). Default 8.
  void set_max_in_flight(std::size_t n) { max_in_flight_ = n == 0 ? 1 : n; }
  /// Where each turn reports its heartbeat and whether its marks were written (/healthz).
  void set_health(health* h) { health_ = h; }
  /// Writes a batch of marks elsewhere (the database's writer thread) and calls `done(ok)`
  /// back on the relay's executor. Unset: mark_many() on the outbox, inline.
  using mark_writer = std::function<void(std::vector<storage::outbox_mark>, std::function<void(bool)> done)>;
  /// Records finished attempts through `w` (call before start()): the loop does not wait for
  /// the database, and starts no send until the marks before it are written.
  void set_mark_writer(mark_writer w) { mark_writer_ = std::move(w); }

  /// Starts the loop on the executor.
  void start();
  /// Wakes the loop now (new rows were queued). Safe from any thread.
  void notify();
  /// Stops taking new rows; sends in flight finish and are recorded. Safe from any thread.
  void stop();
  /// True once the loop has ended: no send is in flight and every finished attempt is
  /// recorded (or, the database refusing it three times over, logged as relay_marks_lost).
  bool idle() const { return !running_ && in_flight_.empty() && !marks_in_flight_; }
  /// Chats whose rate state is held now.
  std::size_t tracked_chats() const { return chats_.size(); }
  /// Forgets the rate state of chats with no send in their windows and nothing in flight or
  /// on hold (the loop does it every minute, so the map does not grow with every chat ever
  /// served). Call on the executor's thread.
  void forget_quiet_chats() { prune(now_()); }

  /// One turn of the loop at `now`, as run() does each time it wakes: records the finished
  /// sends and starts the sends now allowed. Returns how long the loop would sleep (unless
  /// woken() meanwhile), or nullopt once stopped with nothing left. run() calls it; a test that
  /// drives time calls it instead of start(), running the executor between calls.
  std::optional<std::chrono::steady_clock::duration> step(std::chrono::steady_clock::time_point now);
  /// True when a send finished, notify() or stop() came since the last step(): the loop turns
  /// again at once instead of sleeping.
  bool woken() const { return notified_; }

 private:
  struct chat_state {
    rate_window per_chat;
    rate_window per_group;
    std::chrono::steady_clock::time_point hold_until{};
    std::int64_t held_row = 0;  // the row hold_until was set for (its DB time is whole seconds)
  };

  // One finished attempt waiting to be recorded, with what its log line needs.
  struct finished {
    storage::outbox_mark mark;
    int attempt = 0;
    long long ms = 0;
    long long delay_ms = 0;  // retry only
  };

  boost::asio::awaitable<void> run();
  boost::asio::awaitable<void> send_one(storage::outbox_row row);
  /// Decides what becomes of an attempt and queues it for recording (the next turn).
  void note_finished(const storage::outbox_row& row, const send_result& r,
                     std::chrono::steady_clock::time_point started);
  /// Records every finished attempt in one transaction, then logs them; false (all kept for
  /// the next turn) when the database refused.
  bool record_finished();
  /// With a mark writer: hands the finished attempts to it (unless a batch is with it already
  /// or the last one failed less than a second ago); true once nothing is left unrecorded.
  bool record_finished_async(std::chrono::steady_clock::time_point now);
  /// Counts and logs attempts once they are in the database.
  void recorded(const std::vector<finished>& done);
  /// One turn: records the finished sends, then starts new ones. Returns how long the loop
  /// may sleep, or nullopt once stopping and nothing is left in flight or unrecorded.
  std::optional<std::chrono::steady_clock::duration> turn(std::chrono::steady_clock::time_point now);
  /// Takes the due heads the free slots and the rates allow and starts their sends; returns
  /// how long the loop may sleep before one of the others could go.
  std::chrono::steady_clock::duration start_sends(std::chrono::steady_clock::time_point now);
  /// How long the head must wait (in flight, held for a retry, or a rate full); nullopt when it
  /// may go now, its rate tokens taken. Sets global_full when the global rate stops every chat.
  std::optional<std::chrono::steady_clock::duration> must_wait(const storage::outbox_head& h,
                                                               std::chrono::steady_clock::time_point now,
                                                               domain::instant db_now, bool& global_full);
  chat_state& state_of(const std::string& chat_id, std::chrono::steady_clock::time_point now);
  void prune(std::chrono::steady_clock::time_point now);
  void wake();

  boost::asio::any_io_executor ex_;
  storage::outbox& outbox_;
  sender send_;
  relay_config cfg_;
  const clock& clock_;
  metrics* metrics_;
  health* health_ = nullptr;
  monotonic_clock now_;
  std::function<bool(const std::string&)> is_group_;
  std::size_t max_in_flight_ = 8;

  boost::asio::steady_timer wake_;
  rate_window global_;
  std::unordered_map<std::string, chat_state> chats_;  // pruned once quiet, so it does not grow
  std::chrono::steady_clock::time_point last_prune_{};
  std::set<std::string> in_flight_;
  std::vector<finished> finished_;  // sent or failed, not yet recorded: flushed each turn
  std::chrono::steady_clock::time_point first_finished_{};  // when the oldest of finished_ finished
  std::chrono::steady_clock::time_point last_turn_{};  // the last turn that touched the database
  std::mt19937 rng_;
  bool running_ = false;
  bool stopping_ = false;
  bool notified_ = false;
  int failed_stop_records_ = 0;  // records the database refused since stop()
  mark_writer mark_writer_;
  bool marks_in_flight_ = false;  // a batch of marks is with the mark writer
  bool marks_failed_ = false;     // the last batch was refused (retried after marks_retry_at_)
  std::chrono::steady_clock::time_point marks_retry_at_{};
};

}  // namespace tannha::bot
