#include "bot/relay.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <iterator>
#include <memory>
#include <ostream>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "bot/http_client.hpp"
#include "bot/log.hpp"
#include "bot/log_escaped.hpp"

namespace tannha::bot {

namespace asio = boost::asio;
using steady = std::chrono::steady_clock;
using std::chrono::milliseconds;

// ---------------------------------------------------------------------------------------------
// senders

namespace {

asio::awaitable<send_result> print_send(std::ostream* out, std::string chat_id, std::string text) {
  *out << "→ [" << chat_id << "] " << text << std::endl;
  co_return send_result{send_status::ok, std::nullopt, {}, {}};
}

asio::awaitable<send_result> http_send(http_client* client, platform_kind kind, std::string url,
                                       milliseconds timeout, std::string chat_id, std::string text) {
  auto reply = co_await client->post_json(std::move(url), encode_send(kind, chat_id, text), timeout);
  auto r = interpret_send_response(kind, reply.status, reply.body);
  if (reply.status == 0) r.error = reply.error;
  co_return r;
}

}  // namespace

sender make_console_sender(std::ostream& out) {
  // The coroutine takes its arguments by value: the caller's strings may go away.
  return [o = &out](const std::string& chat_id, const std::string& text) { return print_send(o, chat_id, text); };
}

sender make_http_sender(http_client& client, platform_kind kind, std::string url, milliseconds timeout) {
  return [c = &client, kind, url = std::move(url), timeout](const std::string& chat_id, const std::string& text) {
    return http_send(c, kind, url, timeout, chat_id, text);
  };
}

// ---------------------------------------------------------------------------------------------
// policy

milliseconds backoff_delay(int attempts_before, const relay_config& cfg, double jitter01) {
  double base = std::max(0.0, cfg.base_backoff_seconds);
  double cap = std::max(base, cfg.max_backoff_seconds);
  double step = base * std::pow(2.0, std::clamp(attempts_before, 0, 40));
  step = std::min(step, cap);
  double j = std::clamp(jitter01, 0.0, 1.0);
  return milliseconds(static_cast<long long>(std::ceil(step * (0.5 + 0.5 * j) * 1000.0)));
}

relay_decision decide_send(const send_result& r, int attempts_before, const relay_config& cfg, double jitter01,
                           std::chrono::seconds age) {
  relay_decision d;
  switch (r.status) {
    case send_status::ok:
      d.what = relay_decision::action::sent;
      return d;
    case send_status::permanent:
      d.what = relay_decision::action::dead;
      d.error = r.error.empty() ? "permanent error" : r.error;
      return d;
    case send_status::retry:
      break;
  }
  d.error = r.error.empty() ? "temporary error" : r.error;
  // "Later" answers never exhaust a message however long they last: only its age does.
  const bool later = r.later || r.retry_after.has_value();
  if (age >= std::chrono::hours(std::max(1, cfg.give_up_after_hours))) {
    d.what = relay_decision::action::dead;
    d.error = "gave up after " + std::to_string(std::max(1, cfg.give_up_after_hours)) + " h: " + d.error;
    return d;
  }
  if (!later && attempts_before + 1 >= std::max(1, cfg.max_attempts)) {
    d.what = relay_decision::action::dead;
    d.error = "gave up after " + std::to_string(attempts_before + 1) + " attempts: " + d.error;
    return d;
  }
  d.what = relay_decision::action::retry;
  // A retry_after is the platform's own schedule: it replaces the backoff and is no failed try.
  d.counted = !r.retry_after.has_value();
  d.delay = r.retry_after ? milliseconds(std::int64_t{*r.retry_after} * 1000) : backoff_delay(attempts_before, cfg, jitter01);
  return d;
}

// ---------------------------------------------------------------------------------------------
// sliding window

rate_window rate_window::per_second(double per_second) {
  if (per_second <= 0) return rate_window(0, steady::duration::zero());
  double count = std::max(1.0, std::ceil(per_second - 1e-9));
  std::chrono::duration<double> window(count / per_second);
  return rate_window(static_cast<std::size_t>(count), std::chrono::duration_cast<steady::duration>(window));
}

rate_window rate_window::per_minute(int per_minute) {
  if (per_minute <= 0) return rate_window(0, steady::duration::zero());
  return rate_window(static_cast<std::size_t>(per_minute), std::chrono::minutes(1));
}

// 5% more than the window itself: the platform measures arrivals, which network jitter may
// bring closer together than our sends were.
rate_window::rate_window(std::size_t count, steady::duration window) : count_(count), window_(window + window / 20) {}

void rate_window::expire(time_point now) {
  while (!events_.empty() && events_.front() + window_ <= now) events_.pop_front();
}

steady::duration rate_window::wait(time_point now) {
  if (count_ == 0) return steady::duration::zero();
  expire(now);
  if (events_.size() < count_) return steady::duration::zero();
  return events_.front() + window_ - now;
}

void rate_window::take(time_point now) {
  if (count_ == 0) return;
  expire(now);
  events_.push_back(now);
}

bool rate_window::quiet(time_point now) {
  expire(now);
  return events_.empty();
}

void register_outbox_gauges(metrics& m, storage::outbox& ob) {
  // Partial-index counts: a scrape costs the same however many messages were ever sent.
  m.gauge_callback("outbox_pending", "Outbox messages waiting to be sent.",
                   [&ob] { return static_cast<double>(ob.pending_count()); });
  m.gauge_callback("outbox_dead", "Outbox messages given up on (see `tannha outbox --state dead`).",
                   [&ob] { return static_cast<double>(ob.dead_count()); });
}

// ---------------------------------------------------------------------------------------------
// relay

relay::relay(asio::any_io_executor ex, storage::outbox& ob, sender send, relay_config cfg, const clock& clk,
             metrics* m, monotonic_clock steady)
    : ex_(ex),
      outbox_(ob),
      send_(std::move(send)),
      cfg_(cfg),
      clock_(clk),
      metrics_(m),
      now_(steady ? std::move(steady) : monotonic_clock([] { return steady::now(); })),
      is_group_([](const std::string& id) { return !id.empty() && id.front() == '-'; }),
      wake_(ex),
      global_(rate_window::per_second(cfg.global_per_second)),
      rng_(std::random_device{}()) {}

void relay::set_group_predicate(std::function<bool(const std::string&)> is_group) {
  is_group_ = std::move(is_group);
}

void relay::start() {
  asio::post(ex_, [this] {
    if (running_ || stopping_) return;
    running_ = true;
    asio::co_spawn(ex_, run(), log_escaped("relay"));
  });
}

void relay::wake() {
  notified_ = true;
  wake_.cancel();
}

void relay::notify() {
  asio::post(ex_, [this] { wake(); });
}

void relay::stop() {
  asio::post(ex_, [this] {
    stopping_ = true;
    wake();
  });
}

relay::chat_state& relay::state_of(const std::string& chat_id, steady::time_point now) {
  auto it = chats_.find(chat_id);
  if (it == chats_.end()) {
    (void)now;
    it = chats_
             .emplace(chat_id, chat_state{rate_window::per_second(cfg_.per_chat_per_second),
                                          rate_window::per_minute(cfg_.per_group_per_minute), {}})
             .first;
  }
  return it->second;
}

void relay::prune(steady::time_point now) {
  // A chat whose windows hold no recent send and that waits for nothing is as good as new.
  for (auto it = chats_.begin(); it != chats_.end();) {
    auto& cs = it->second;
    if (!in_flight_.contains(it->first) && cs.hold_until <= now && cs.per_chat.quiet(now) && cs.per_group.quiet(now)) {
      it = chats_.erase(it);
    } else {
      ++it;
    }
  }
}

namespace {
// While most send slots are busy, finished sends and notifications wait this long at most so
// that one transaction and one query serve several of them.
constexpr auto batch_interval = milliseconds(2);
// Failed attempts to record the last finished sends before stop() gives up on them.
constexpr int stop_record_tries = 3;
}  // namespace

asio::awaitable<void> relay::run() {
  log_info("relay_started");
  for (;;) {
    auto sleep = step(now_());
    if (!sleep) break;
    if (notified_) continue;
    wake_.expires_after(std::max<steady::duration>(*sleep, milliseconds(1)));
    co_await wake_.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  running_ = false;
  if (health_) health_->relay_stopped();
  log_info("relay_stopped", {{"in_flight", in_flight_.size()}});
}

std::optional<steady::duration> relay::step(steady::time_point now) {
  notified_ = false;
  // Most slots busy: gather finished sends (up to batch_interval after the first of them)
  // and notifications (up to batch_interval after the last turn) before turning again.
  bool busy = !in_flight_.empty() && in_flight_.size() * 2 > max_in_flight_;
  auto turn_at = (finished_.empty() ? last_turn_ : first_finished_) + batch_interval;
  if (!stopping_ && busy && now < turn_at) return turn_at - now;
  return turn(now);
}

std::optional<steady::duration> relay::turn(steady::time_point now) {
  last_turn_ = now;
  if (health_) health_->relay_turned(steady::now());  // real time: /healthz compares with it
  bool db_ok = true;
  if (mark_writer_) {
    db_ok = record_finished_async(now);
  } else {
    const bool had_marks = !finished_.empty();
    db_ok = !had_marks || record_finished();
    if (health_ && had_marks) db_ok ? health_->write_ok() : health_->write_failed();
  }
  steady::duration sleep = db_ok ? steady::duration(milliseconds(500)) : steady::duration(std::chrono::seconds(1));
  if (stopping_) {
    if (!mark_writer_ && !db_ok && ++failed_stop_records_ >= stop_record_tries) {
      // Left pending in the database: sent again after a restart (the documented window).
      log_error("relay_marks_lost", {{"rows", finished_.size()}});
      finished_.clear();
    }
    if (in_flight_.empty() && finished_.empty() && !marks_in_flight_) return std::nullopt;
    return sleep;  // a finishing send (or the mark writer) wakes us
  }
  if (now - last_prune_ >= std::chrono::seconds(60)) {
    prune(now);
    last_prune_ = now;
  }
  // Rows go out only once every earlier outcome is recorded: due() must not offer a head that
  // was sent but is still pending in the database.
  // start_sends() starts from the same 500 ms and says 1 s itself when the database failed.
  if (db_ok && in_flight_.size() < max_in_flight_) sleep = start_sends(now);
  return sleep;
}

steady::duration relay::start_sends(steady::time_point now) {
  steady::duration sleep = milliseconds(500);
  if (auto gwait = global_.wait(now); gwait > steady::duration::zero()) return std::min(sleep, gwait);

  std::vector<storage::outbox_row> rows;
  std::optional<domain::instant> next_due;
  const auto db_now = clock_.now();
  bool global_full = false;
  // Decides each due head in id order; a head taken has its rate tokens taken.
  auto take = [&](const storage::outbox_head& h) {
    if (global_full) return false;
    auto wait = must_wait(h, now, db_now, global_full);
    if (wait) sleep = std::min(sleep, *wait);
    return !wait;
  };
  try {
    // A little ahead: a retry's exact wait is held in memory, and the DB's whole seconds
    // (rounded up) must not add up to a second to it.
    rows = outbox_.due(db_now + std::chrono::seconds(2), static_cast<int>(max_in_flight_ - in_flight_.size()), take);
    next_due = outbox_.next_due();
  } catch (const std::exception&) {
    log_error("relay_db_failed", {{"step", "due"}});
    return std::chrono::seconds(1);
  }
  for (auto& row : rows) {
    in_flight_.insert(row.chat_id);
    asio::co_spawn(ex_, send_one(std::move(row)), log_escaped("relay_send"));
  }
  // A row waiting for its retry time: wake when it is due (the DB holds whole seconds).
  if (next_due) {
    auto d = *next_due - clock_.now();
    if (d > std::chrono::seconds(0)) sleep = std::min<steady::duration>(sleep, d);
  }
  return sleep;
}

std::optional<steady::duration> relay::must_wait(const storage::outbox_head& h, steady::time_point now,
                                                domain::instant db_now, bool& global_full) {
  // One send in flight per chat, so order per chat holds; its finishing wakes the loop.
  if (in_flight_.contains(h.chat_id)) return steady::duration::max();
  auto& cs = state_of(h.chat_id, now);
  if (cs.held_row != h.id) {
    // No exact wait known for this row (e.g. after a restart): its DB time decides.
    auto db_wait = h.next_attempt_at - db_now;
    if (db_wait > std::chrono::seconds(0)) return std::chrono::duration_cast<steady::duration>(db_wait);
  } else if (cs.hold_until > now) {
    return cs.hold_until - now;
  }
  auto wait = cs.per_chat.wait(now);
  const bool group = is_group_ && is_group_(h.chat_id);
  if (group) wait = std::max(wait, cs.per_group.wait(now));
  if (wait > steady::duration::zero()) return wait;
  if (auto gw = global_.wait(now); gw > steady::duration::zero()) {
    global_full = true;  // no other chat may go either
    return gw;
  }
  cs.per_chat.take(now);
  if (group) cs.per_group.take(now);
  global_.take(now);
  return std::nullopt;
}

bool relay::record_finished_async(steady::time_point now) {
  if (marks_in_flight_) return false;  // its completion wakes the loop
  if (finished_.empty()) return true;
  if (marks_failed_ && now < marks_retry_at_) return false;
  marks_in_flight_ = true;
  auto batch = std::make_shared<std::vector<finished>>(std::move(finished_));
  finished_.clear();
  std::vector<storage::outbox_mark> marks;
  marks.reserve(batch->size());
  for (const auto& f : *batch) marks.push_back(f.mark);
  mark_writer_(std::move(marks), [this, batch](bool ok) {
    marks_in_flight_ = false;
    marks_failed_ = !ok;
    if (ok) {
      recorded(*batch);
    } else {
      log_error("relay_db_failed", {{"step", "mark"}, {"rows", batch->size()}});
      // Kept, in order, before whatever finished meanwhile; tried again in a second.
      batch->insert(batch->end(), std::make_move_iterator(finished_.begin()), std::make_move_iterator(finished_.end()));
      finished_ = std::move(*batch);
      first_finished_ = now_();
      marks_retry_at_ = now_() + std::chrono::seconds(1);
      if (stopping_ && ++failed_stop_records_ >= stop_record_tries) {
        log_error("relay_marks_lost", {{"rows", finished_.size()}});
        finished_.clear();
      }
    }
    wake();
  });
  return false;
}

bool relay::record_finished() {
  std::vector<storage::outbox_mark> marks;
  marks.reserve(finished_.size());
  for (const auto& f : finished_) marks.push_back(f.mark);
  try {
    outbox_.mark_many(marks);
  } catch (const std::exception&) {
    log_error("relay_db_failed", {{"step", "mark"}, {"rows", marks.size()}});
    return false;
  }
  recorded(finished_);
  finished_.clear();
  return true;
}

void relay::recorded(const std::vector<finished>& done) {
  // Counted and logged once recorded, so what a scrape or the log says is in the database.
  for (const auto& f : done) {
    switch (f.mark.what) {
      case storage::outbox_mark::kind::sent:
        if (metrics_) metrics_->inc("outbox_sent_total");
        log_info("send", {{"id", f.mark.id}, {"attempt", f.attempt}, {"result", "sent"}, {"ms", f.ms}});
        break;
      case storage::outbox_mark::kind::retry:
        if (metrics_) metrics_->inc("outbox_failed_total", {{"kind", "retry"}});
        log_warn("send", {{"id", f.mark.id}, {"attempt", f.attempt}, {"result", "retry"}, {"ms", f.ms},
                          {"delay_ms", f.delay_ms}, {"error", f.mark.detail}});
        break;
      case storage::outbox_mark::kind::dead:
        if (metrics_) metrics_->inc("outbox_failed_total", {{"kind", "dead"}});
        log_error("send", {{"id", f.mark.id}, {"attempt", f.attempt}, {"result", "dead"}, {"ms", f.ms},
                           {"error", f.mark.detail}});
        break;
    }
  }
}

asio::awaitable<void> relay::send_one(storage::outbox_row row) {
  auto started = now_();
  send_result r;
  try {
    r = co_await send_(row.chat_id, row.text);
  } catch (...) {
    // Whatever a sender throws is a failed attempt, tried again like a network error.
    r.status = send_status::retry;
    r.error = "sender failed";
  }
  try {
    note_finished(row, r, started);
  } catch (...) {
    // Nothing recorded: the row stays pending and is sent again (at least once, as after a crash).
    log_error("relay_send_failed", {{"id", row.id}, {"exception", current_exception_type()}});
  }
  // Whatever happened, the chat's lane is free again: its next message is not held forever.
  in_flight_.erase(row.chat_id);
  wake();  // the loop decides whether to turn now or gather a few more
}

void relay::note_finished(const storage::outbox_row& row, const send_result& r, steady::time_point started) {
  auto now = now_();
  std::chrono::duration<double> took = now - started;
  if (metrics_) metrics_->observe("send_seconds", took.count());

  std::uniform_real_distribution<double> dist(0.0, 1.0);
  auto d = decide_send(r, row.attempts, cfg_, dist(rng_),
                       std::chrono::duration_cast<std::chrono::seconds>(clock_.now() - row.created_at));
  finished f;
  f.mark.id = row.id;
  f.attempt = row.attempts + 1;
  f.ms = static_cast<long long>(took.count() * 1000);
  switch (d.what) {
    case relay_decision::action::sent:
      f.mark.what = storage::outbox_mark::kind::sent;
      f.mark.at = clock_.now();
      f.mark.detail = r.message_id;
      break;
    case relay_decision::action::retry: {
      // The DB keeps whole seconds (for restarts); the exact wait is held in memory.
      auto& cs = state_of(row.chat_id, now);
      cs.hold_until = now + d.delay;
      cs.held_row = row.id;
      f.mark.what = storage::outbox_mark::kind::retry;
      f.mark.at = clock_.now() + std::chrono::ceil<std::chrono::seconds>(d.delay);
      f.mark.detail = d.error;
      f.mark.counted = d.counted;
      f.delay_ms = static_cast<long long>(d.delay.count());
      break;
    }
    case relay_decision::action::dead:
      f.mark.what = storage::outbox_mark::kind::dead;
      f.mark.at = clock_.now();
      f.mark.detail = d.error;
      break;
  }
  // The chat stays out of due() until this is recorded: the next turn records before it asks.
  if (finished_.empty()) first_finished_ = now;
  finished_.push_back(std::move(f));
}

}  // namespace tannha::bot
