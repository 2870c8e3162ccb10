#pragma once
#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <list>
#include <mutex>
#include <optional>
#include <span>
#include <variant>
#include <vector>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "bot/config.hpp"
#include "bot/metrics.hpp"
#include "bot/platform.hpp"
#include "domain/result.hpp"
#include "handlers/dispatcher.hpp"
#include "handlers/incoming_message.hpp"

namespace tannha::bot {

namespace http = boost::beast::http;

/// A request as the webhook app sees it.
using http_request = http::request<http::string_body>;
/// A response of the webhook app.
using http_response = http::response<http::string_body>;

/// What became of one update body, from a webhook post or a long poll.
enum class update_result {
  malformed,   ///< not a payload we understand (webhook: 400)
  ignored,     ///< valid, nothing to do (200)
  dispatched,  ///< through the dispatcher, committed (200)
  failed,      ///< the dispatcher threw (database busy or full): nothing kept, deliver again (500)
};

/// A webhook post that passed every check and decoded to an update, waiting for the
/// dispatcher (the server gathers these into one transaction: group commit).
struct pending_update {
  handlers::incoming_message message;
  unsigned version = 11;
  bool keep_alive = true;
  std::chrono::steady_clock::time_point started{};
  http_response response;  ///< the answer, set by webhook_app::dispatch_pending()
};

/// What webhook_app::accept() decided: the answer now, or an update to dispatch first.
using webhook_step = std::variant<http_response, pending_update>;

/// The webhook's logic as a plain function of a request (DESIGN §8), free of sockets so it is
/// tested by building requests directly. The server calls check_header() before reading a body.
class webhook_app {
 public:
  /// Processes one decoded update; may throw on unexpected faults (answered with 500).
  using dispatch_fn = std::function<handlers::dispatch_outcome(const handlers::incoming_message&)>;
  /// Processes several decoded updates in one transaction; outcomes in order. Throws (and then
  /// nothing was kept) when the database cannot be written.
  using batch_dispatch_fn = std::function<std::vector<handlers::dispatch_outcome>(
      std::span<const handlers::incoming_message* const>)>;

  /// `secret` empty: only the console platform accepts unauthenticated posts; zalo/telegram
  /// then refuse every post (401), since running without a secret is a misconfiguration.
  webhook_app(server_config cfg, platform_kind kind, std::string secret, dispatch_fn dispatch,
              std::function<bool()> healthy, metrics& m);

  /// Dispatches batches with one call (one commit) instead of one dispatch_fn call each.
  void set_batch_dispatch(batch_dispatch_fn f) { batch_dispatch_ = std::move(f); }

  /// Called after an update was processed (the relay's notify(), so replies go out at once).
  void set_on_dispatched(std::function<void()> f) { on_dispatched_ = std::move(f); }

  /// Compares with the configured secret in constant time (both sides hashed first, so
  /// neither the content nor the length leaks through timing).
  bool secret_ok(std::string_view header_value) const;

  /// The answer decided from the header alone — 405, 401, 413 — or nullopt to read the body.
  /// The server calls it before reading any body byte.
  std::optional<http_response> check_header(const http::request_header<>& h);

  /// Answers one complete request: webhook, /healthz, /metrics, or 404. The same as accept()
  /// followed, for an update, by dispatch_pending() of it alone.
  http_response handle(const http_request& req);

  /// The first half of handle(): every answer that needs no dispatch (errors, ignored updates,
  /// /healthz, /metrics, 404), or the decoded update to dispatch.
  webhook_step accept(const http_request& req);

  /// The second half: dispatches the updates (one transaction when a batch dispatcher is set)
  /// and sets each one's response — 200 once committed, 500 when nothing could be kept.
  void dispatch_pending(std::span<pending_update* const> batch);

  /// Decodes one update body and passes it to the dispatcher: the one path of every update,
  /// whether posted to the webhook or fetched by polling. Counts it in updates_total, writes
  /// one log line (ids and outcome only, never text) and wakes the relay when replies may have
  /// been queued. `source` ("webhook" | "poll") goes into the log line.
  update_result process_update(std::string_view body, std::string_view source = "webhook");

  /// A bare error answer (400 unreadable request, 413 too large…), counted in the metrics.
  http_response error_response(http::status status, unsigned version);

  const server_config& config() const { return cfg_; }
  metrics& stats() { return metrics_; }

 private:
  http_response answer(http::status status, unsigned version, bool keep_alive, std::string body,
                       std::string_view content_type);
  std::optional<std::string_view> secret_header(const http::request_header<>& h) const;
  void count_update(std::string_view result);
  /// Decodes a body: the result when there is nothing to dispatch (malformed, ignored).
  std::variant<update_result, handlers::incoming_message> decode(std::string_view body, std::string_view source);
  /// Dispatches decoded updates, counts and logs each, wakes the relay; results in order.
  std::vector<update_result> dispatch_all(std::span<const handlers::incoming_message* const> msgs,
                                          std::string_view source);

  server_config cfg_;
  platform_kind kind_;
  bool secret_empty_;
  unsigned char secret_digest_[32]{};
  dispatch_fn dispatch_;
  batch_dispatch_fn batch_dispatch_;
  std::function<bool()> healthy_;
  std::function<void()> on_dispatched_;
  metrics& metrics_;
  std::mutex dispatch_mutex_;  // the dispatcher owns one SQLite connection: one update at a time
};

/// The HTTP/1.1 server (Beast, C++20 coroutines) in front of a webhook_app. Everything runs on
/// the given io_context, which should be run by ONE thread (the dispatcher and the outbox
/// share a SQLite connection). The server must outlive the io_context's run().
class http_server {
 public:
  http_server(boost::asio::io_context& ioc, webhook_app& app, server_config cfg);
  ~http_server();
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  /// Binds `cfg.listen` ("host:port"; port 0 picks a free one) and starts accepting.
  /// Returns the bound port, or a failure naming the address.
  domain::result<unsigned short> start();

  /// Graceful stop: closes the acceptor and idle keep-alive connections; requests in flight
  /// are answered, then their connections close. Safe to call from any thread, more than once.
  void stop();

  /// Open connections now.
  std::size_t connections() const { return active_.load(); }

  /// The end of a graceful stop's patience: closes every connection, busy ones too (a request
  /// still arriving was not accepted; one being answered was already committed). Call after
  /// stop(); safe from any thread.
  void force_close();

 private:
  struct session_entry {
    boost::beast::tcp_stream* stream = nullptr;
    bool busy = false;
    std::chrono::steady_clock::time_point idle_since{};  // when it began waiting for a request
  };

  struct waiting_update {
    pending_update* update;
    boost::asio::steady_timer* done;  // cancelled when the update's response is set
  };

  boost::asio::awaitable<void> listen();
  /// Queues a decoded update for the next flush() and waits until it has its response.
  boost::asio::awaitable<void> dispatch_soon(pending_update& p);
  /// Dispatches every queued update, in batches of one transaction each.
  void flush();
  boost::asio::awaitable<void> session(boost::asio::ip::tcp::socket socket);
  void do_stop();
  void shed_idle();

  boost::asio::io_context& ioc_;
  webhook_app& app_;
  server_config cfg_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::atomic<std::size_t> active_{0};
  bool stopping_ = false;
  std::list<session_entry> sessions_;  // touched only on the io_context's thread
  std::vector<waiting_update> queue_;  // updates waiting for the next flush(), same thread
  bool flush_posted_ = false;
};

}  // namespace tannha::bot
