#pragma once
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/tcp_stream.hpp>

namespace tannha::bot {

/// The answer to one outbound request. status 0: no HTTP answer (see error).
struct http_reply {
  int status = 0;
  std::string body;
  std::string error;  ///< network/TLS/timeout error text; never holds the URL (it has the token)
};

/// A split http:// or https:// URL.
struct parsed_url {
  bool tls = false;
  std::string host;    ///< without brackets for IPv6 literals
  std::string port;    ///< explicit or the scheme's default
  std::string target;  ///< path and query, at least "/"
};

/// Parses "http(s)://host[:port][/path]"; nullopt for anything else.
std::optional<parsed_url> parse_url(std::string_view url);

/// An async HTTP/1.1 client over TCP or TLS (peer verified against the system store, SNI
/// and host name checked) that keeps connections alive: after a complete answer without
/// `Connection: close` the connection goes to a small idle pool per scheme, host and port
/// (at most 64, each kept at most 30 s) and the next call to the same place reuses it instead
/// of connecting again. A pooled connection the server has closed (or that holds unread
/// bytes) is dropped when taken; any error drops the connection in use. A call on a reused
/// connection that fails before its request was fully written, with no answer byte read, is
/// made once more on a fresh connection (the server cannot have acted on it); a GET also when
/// the write completed. Anything else comes back as the error, as for a fresh connection.
/// Use it on one thread (the executor's).
class http_client {
 public:
  explicit http_client(boost::asio::any_io_executor ex);
  ~http_client();
  http_client(const http_client&) = delete;
  http_client& operator=(const http_client&) = delete;

  /// POSTs a JSON body. Never throws for network errors: those come back as status 0 with
  /// `error` set. The whole exchange (resolve, connect, TLS, write, read) must end within
  /// `timeout`.
  boost::asio::awaitable<http_reply> post_json(std::string url, std::string body, std::chrono::milliseconds timeout);
  /// GETs a URL; otherwise as post_json().
  boost::asio::awaitable<http_reply> get(std::string url, std::chrono::milliseconds timeout);

  /// Closes every connection this client has in flight, and every idle pooled one; the calls
  /// in flight return status 0 with error "cancelled". For shutdown (a long poll may otherwise
  /// hold the process for its whole timeout). Later calls connect afresh. Call on the
  /// executor's thread.
  void cancel();
  /// Calls in flight now (with a connection open or being opened).
  std::size_t in_flight() const { return open_.size(); }
  /// Idle connections kept for reuse now (all hosts).
  std::size_t idle_connections() const;

  /// The TLS context (tests may add a CA; production uses the system store).
  boost::asio::ssl::context& tls_context() { return tls_; }

 private:
  struct connection;  // one TCP or TLS connection (http_client.cpp)

  boost::asio::awaitable<http_reply> request(bool post, std::string url, std::string body,
                                             std::chrono::milliseconds timeout);
  /// Resolves and connects (and shakes hands for TLS) before `deadline`; null with
  /// `out.error` set on failure.
  boost::asio::awaitable<std::unique_ptr<connection>> open(const parsed_url& u,
                                                           std::chrono::steady_clock::time_point deadline,
                                                           http_reply& out);
  /// An idle connection to `key` that still looks usable, or null.
  std::unique_ptr<connection> take_idle(const std::string& key);
  /// Pools a connection after a complete exchange.
  void keep_idle(const std::string& key, std::unique_ptr<connection> c);

  boost::asio::any_io_executor ex_;
  boost::asio::ssl::context tls_;
  bool system_cas_loaded_ = false;  // set_default_verify_paths() done (at the first TLS connection)
  std::set<boost::beast::tcp_stream*> open_;  // connections in use by a call, for cancel()
  std::map<std::string, std::vector<std::unique_ptr<connection>>> idle_;  // by "scheme://host:port"
};

}  // namespace tannha::bot
