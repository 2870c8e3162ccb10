#pragma once
#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <string_view>

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
/// and host name checked). One connection per call for now: sends are few and spaced by the
/// rate limits, so keeping connections alive is left for later.
class http_client {
 public:
  explicit http_client(boost::asio::any_io_executor ex);

  /// POSTs a JSON body. Never throws for network errors: those come back as status 0 with
  /// `error` set. The whole exchange (resolve, connect, TLS, write, read) must end within
  /// `timeout`.
  boost::asio::awaitable<http_reply> post_json(std::string url, std::string body, std::chrono::milliseconds timeout);
  /// GETs a URL; otherwise as post_json().
  boost::asio::awaitable<http_reply> get(std::string url, std::chrono::milliseconds timeout);

  /// Closes every connection this client has in flight; those calls return status 0 with
  /// error "cancelled". For shutdown (a long poll may otherwise hold the process for its whole
  /// timeout). Call on the executor's thread.
  void cancel();
  /// Calls in flight now.
  std::size_t in_flight() const { return open_.size(); }

  /// The TLS context (tests may add a CA; production uses the system store).
  boost::asio::ssl::context& tls_context() { return tls_; }

 private:
  boost::asio::awaitable<http_reply> request(bool post, std::string url, std::string body,
                                             std::chrono::milliseconds timeout);

  boost::asio::any_io_executor ex_;
  boost::asio::ssl::context tls_;
  std::set<boost::beast::tcp_stream*> open_;  // connections in flight, for cancel()
};

}  // namespace tannha::bot
