#pragma once
#include <atomic>
#include <chrono>
#include <cstddef>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "bot/config.hpp"
#include "bot/db_writer.hpp"
#include "bot/routes.hpp"
#include "domain/result.hpp"
#include "log/limiter.hpp"

namespace tannha::bot {

/// The HTTP/1.1 transport (Beast, C++20 coroutines) in front of a route_table: accepts
/// connections, reads each request under the limits (header 16 KiB, body_limit, header, read
/// and idle timeouts, max_connections and max_connections_per_address), asks the routes for the
/// answer — gathering updates that arrive together into one commit — and writes it; stops
/// gracefully. Everything runs on the given io_context, which should be run by ONE thread;
/// commits run there too, or on the database's writer thread (set_writer()), so that sockets
/// are served while SQLite waits. The server must outlive its run().
/// When full (in all, or for one client address), the connection that has held its place
/// longest without a request — idle, or still sending its header — is closed for the new one;
/// connections mid-request are never shed. Loopback clients get loopback_reserve places more,
/// so /healthz stays reachable from the host when every place is busy.
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

  /// Commits batches on `w`'s thread instead of this one (one batch at a time; updates that
  /// arrive meanwhile form the next). Call before start(); `w` must outlive the server's run.
  void set_writer(db_writer* w) { writer_ = w; }

  /// Places beyond max_connections (and the per-address cap) kept for loopback clients.
  static constexpr std::size_t loopback_reserve = 8;

  /// The end of a graceful stop's patience: closes every connection, busy ones too (a request
  /// still arriving was not accepted; one being answered was already committed). Call after
  /// stop(); safe from any thread.
  void force_close();

 private:
  enum class phase { idle, header, busy };
  struct session_entry {
    std::unique_ptr<boost::beast::tcp_stream> stream;
    boost::asio::ip::address peer;
    phase state = phase::idle;
    bool busy = false;  // from a request's first byte until its answer is written
    std::chrono::steady_clock::time_point idle_since{};  // when it began waiting for a request
    std::chrono::steady_clock::time_point since{};  // entered its phase (idle: waiting; header: first byte)
    bool counted = true;  // still counted in live_ and per_address_ (false once shed)
  };
  using session_iter = std::list<session_entry>::iterator;

  struct waiting_update {
    pending_update* update;
    boost::asio::steady_timer* done;  // cancelled when the update's response is set
  };

  boost::asio::awaitable<void> listen();
  boost::asio::awaitable<void> session(session_iter entry);
  /// Whether a new connection from `peer` may have a place, shedding one when full.
  bool admit(const boost::asio::ip::address& peer);
  /// Closes the connection that has waited longest without a request (of `peer` only, when
  /// given); false when every candidate is mid-request.
  bool shed_one(const std::optional<boost::asio::ip::address>& peer);
  /// Stops counting a connection (shed, or ended).
  void uncount(session_entry& e);
  /// Queues a decoded update for the next flush() and waits until it has its response.
  boost::asio::awaitable<void> commit_soon(pending_update& p);
  /// Commits every queued update, in batches of one transaction each (on the writer, when
  /// set: then the next flush waits until this one is done).
  void flush();
  /// Commits `waiting` in batches of at most 128, setting each update's response.
  void commit_batches(std::vector<waiting_update>& waiting);
  void do_stop();
  void shed_idle();

  boost::asio::io_context& ioc_;
  route_table& routes_;
  server_config cfg_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::atomic<std::size_t> active_{0};
  bool stopping_ = false;
  std::list<session_entry> sessions_;  // touched only on the io_context's thread
  std::size_t live_ = 0;  // sessions not shed, same thread
  std::map<boost::asio::ip::address, std::size_t> per_address_;  // live sessions per client address
  log::limiter shed_log_{5, std::chrono::minutes{1}};
  std::vector<waiting_update> queue_;  // updates waiting for the next flush(), same thread
  bool flush_posted_ = false;
  db_writer* writer_ = nullptr;
  bool commit_in_flight_ = false;  // a batch is with the writer
};

}  // namespace tannha::bot
