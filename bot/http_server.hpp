#pragma once
#include <atomic>
#include <chrono>
#include <cstddef>
#include <list>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "bot/config.hpp"
#include "bot/routes.hpp"
#include "domain/result.hpp"

namespace tannha::bot {

/// The HTTP/1.1 transport (Beast, C++20 coroutines) in front of a route_table: accepts
/// connections, reads each request under the limits (header 16 KiB, body_limit, read and idle
/// timeouts, max_connections, idle connections shed when crowded), asks the routes for the
/// answer — gathering updates that arrive together into one commit — and writes it; stops
/// gracefully. Everything runs on the given io_context, which should be run by ONE thread (the
/// dispatcher and the outbox share a SQLite connection). The server must outlive its run().
class http_server {
 public:
  http_server(boost::asio::io_context& ioc, route_table& routes, server_config cfg);
  ~http_server();
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  /// Binds `cfg.listen` (see parse_listen_address(); port 0 picks a free one) and starts
  /// accepting. Returns the bound port, or a failure naming the address.
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
  boost::asio::awaitable<void> session(boost::asio::ip::tcp::socket socket);
  /// Queues a decoded update for the next flush() and waits until it has its response.
  boost::asio::awaitable<void> commit_soon(pending_update& p);
  /// Commits every queued update, in batches of one transaction each.
  void flush();
  void do_stop();
  void shed_idle();

  boost::asio::io_context& ioc_;
  route_table& routes_;
  server_config cfg_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::atomic<std::size_t> active_{0};
  bool stopping_ = false;
  std::list<session_entry> sessions_;  // touched only on the io_context's thread
  std::vector<waiting_update> queue_;  // updates waiting for the next flush(), same thread
  bool flush_posted_ = false;
};

}  // namespace tannha::bot
