#pragma once
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace tannha::bot {

/// The one thread that talks to the database's writing connection (docs/DESIGN.md §7): the
/// webhook's batches, the relay's marks, the scheduled posts and the poller's updates run
/// here, one after the other, so the I/O thread never waits on SQLite (a write lock held by
/// another process, a slow fsync) and keeps serving sockets and /healthz meanwhile.
class db_writer {
 public:
  db_writer() : thread_([this] { loop(); }) {}
  ~db_writer() { stop(); }
  db_writer(const db_writer&) = delete;
  db_writer& operator=(const db_writer&) = delete;

  /// Queues `job` (run on the writer thread, in order). Safe from any thread.
  void post(std::function<void()> job) {
    {
      std::lock_guard lock(m_);
      jobs_.push_back(std::move(job));
    }
    cv_.notify_one();
  }

  /// Runs `f` on the writer thread and resumes the caller on `ex` with its result (or its
  /// exception). The caller's coroutine keeps `ex`'s io_context busy until then.
  template <class R>
  boost::asio::awaitable<R> run(boost::asio::any_io_executor ex, std::function<R()> f) {
    boost::asio::steady_timer done(ex, boost::asio::steady_timer::time_point::max());
    std::optional<R> result;
    std::exception_ptr error;
    post([&] {
      try {
        result.emplace(f());
      } catch (...) {
        error = std::current_exception();
      }
      boost::asio::post(ex, [&done] { done.cancel(); });
    });
    co_await done.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    if (error) std::rethrow_exception(error);
    co_return std::move(*result);
  }

  /// Runs what is queued, then ends the thread. Safe to call more than once (not from a job).
  void stop() {
    {
      std::lock_guard lock(m_);
      stopping_ = true;
    }
    cv_.notify_one();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void loop() {
    std::unique_lock lock(m_);
    for (;;) {
      cv_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // stopping, nothing left
      auto job = std::move(jobs_.front());
      jobs_.pop_front();
      lock.unlock();
      try {
        job();
      } catch (...) {
        // Each job reports its own failures; one that escapes must not end the writer.
      }
      lock.lock();
    }
  }

  std::mutex m_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts once the rest is ready
};

}  // namespace tannha::bot
