#include "bot/poller.hpp"

#include <algorithm>
#include <cmath>
#include <exception>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "bot/log.hpp"
#include "bot/log_escaped.hpp"
#include "storage/poll_state.hpp"

namespace tannha::bot {

namespace asio = boost::asio;
using steady = std::chrono::steady_clock;
using std::chrono::milliseconds;

std::optional<std::int64_t> load_poll_offset(storage::database& db, std::string_view platform) {
  return storage::poll_state(db).offset(platform);
}

void save_poll_offset(storage::database& db, std::string_view platform, std::int64_t offset, domain::instant now) {
  storage::poll_state(db).save(platform, offset, now);
}

poller::poller(asio::any_io_executor ex, http_client& client, platform_kind kind, std::string url, intake& updates,
               storage::database& db, const clock& clk, metrics* m, poll_options opt)
    : ex_(ex),
      client_(client),
      kind_(kind),
      url_(std::move(url)),
      intake_(updates),
      db_(db),
      clock_(clk),
      metrics_(m),
      opt_(opt),
      timer_(ex),
      rng_(std::random_device{}()) {
  if (metrics_) {
    metrics_->describe("poll_requests_total", "counter", "getUpdates calls, by result (updates|empty|error).");
  }
}

void poller::start() {
  asio::post(ex_, [this] {
    if (running_ || stopping_) return;
    running_ = true;
    asio::co_spawn(ex_, run(), log_escaped("poller"));
  });
}

void poller::stop() {
  asio::post(ex_, [this] {
    stopping_ = true;
    timer_.cancel();
    client_.cancel();
  });
}

milliseconds poller::backoff(int failures) {
  double base = std::max(0.01, opt_.base_backoff_seconds);
  double step = std::min(std::max(base, opt_.max_backoff_seconds), base * std::pow(2.0, std::clamp(failures - 1, 0, 30)));
  std::uniform_real_distribution<double> jitter(0.5, 1.0);
  return milliseconds(static_cast<long long>(step * jitter(rng_) * 1000.0));
}

asio::awaitable<void> poller::pause(steady::duration d) {
  if (stopping_ || d <= steady::duration::zero()) co_return;
  timer_.expires_after(d);
  co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
}

asio::awaitable<void> poller::run() {
  const std::string platform(to_string(kind_));
  if (kind_ == platform_kind::telegram) {
    try {
      offset_ = co_await on_db<std::optional<std::int64_t>>([&] { return load_poll_offset(db_, platform); });
    } catch (const std::exception&) {
      log_error("poll_db_failed", {{"step", "load_offset"}});
    }
  }
  log_info("poll_started", {{"platform", platform}, {"offset", offset_ ? std::to_string(*offset_) : std::string("none")}});
  const auto call_timeout = std::chrono::seconds(opt_.timeout_seconds + 10);
  int failures = 0;
  while (!stopping_) {
    auto started = steady::now();
    auto reply = co_await client_.post_json(url_, encode_get_updates(kind_, offset_, opt_.timeout_seconds), call_timeout);
    if (stopping_) break;
    auto answer = interpret_poll_response(kind_, reply.status, reply.body);
    if (reply.status == 0) answer.error = reply.error;  // the client's text never holds the URL

    if (answer.what == poll_answer::how::retry) {
      ++failures;
      if (metrics_) metrics_->inc("poll_requests_total", {{"result", "error"}});
      auto wait = answer.retry_after ? milliseconds(std::int64_t{*answer.retry_after} * 1000) : backoff(failures);
      log_warn("poll_failed", {{"platform", platform}, {"http", reply.status}, {"error", answer.error},
                               {"retry_ms", static_cast<long long>(wait.count())}});
      if (answer.conflict) {
        log_error("poll_conflict", {{"platform", platform},
                                    {"hint", "a webhook is set; run `tannha webhook delete` to poll"}});
      }
      co_await pause(wait);
      continue;
    }
    failures = 0;
    if (answer.what == poll_answer::how::empty) {
      if (metrics_) metrics_->inc("poll_requests_total", {{"result", "empty"}});
      // A platform holds an empty call for its timeout; one that answers at once is not spun on.
      co_await pause(opt_.min_interval - (steady::now() - started));
      continue;
    }
    if (metrics_) metrics_->inc("poll_requests_total", {{"result", "updates"}});

    for (std::size_t i = 0; i < answer.updates.size() && !stopping_; ++i) {
      auto id = i < answer.update_ids.size() ? answer.update_ids[i] : -1;
      bool done = false;
      for (int attempt = 1; attempt <= std::max(1, opt_.dispatch_attempts); ++attempt) {
        const auto& body = answer.updates[i];
        if (kept(co_await on_db<update_result>([&] { return intake_.process_update(body, "poll"); }))) {
          done = true;
          break;
        }
        if (stopping_) break;
        co_await pause(backoff(attempt));
        if (stopping_) break;
      }
      if (!done) {
        if (kind_ == platform_kind::telegram) {
          // Not confirmed: the next call from the same offset brings it again.
          log_warn("poll_update_deferred", {{"platform", platform}, {"update_id", id}});
          break;
        }
        // Zalo will not deliver it again: say so plainly in the log (no content).
        log_error("poll_update_dropped", {{"platform", platform}});
        continue;
      }
      if (kind_ == platform_kind::telegram && id >= 0 && (!offset_ || id + 1 > *offset_)) {
        offset_ = id + 1;
        try {
          auto next = *offset_;
          co_await on_db<bool>([&] {
            save_poll_offset(db_, platform, next, clock_.now());
            return true;
          });
        } catch (const std::exception&) {
          // The offset in memory still moves on; after a restart processed_updates catches repeats.
          log_error("poll_db_failed", {{"step", "save_offset"}});
        }
      }
    }
  }
  running_ = false;
  log_info("poll_stopped", {{"platform", platform}});
}

}  // namespace tannha::bot
