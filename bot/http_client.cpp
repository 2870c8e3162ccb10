#include "bot/http_client.hpp"

#include <openssl/ssl.h>

#include <sys/socket.h>

#include <cerrno>
#include <charconv>
#include <memory>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

namespace tannha::bot {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
constexpr auto as_tuple_awaitable = asio::as_tuple(asio::use_awaitable);

std::optional<parsed_url> parse_url(std::string_view url) {
  parsed_url out;
  std::string_view rest;
  if (url.starts_with("https://")) {
    out.tls = true;
    rest = url.substr(8);
  } else if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else {
    return std::nullopt;
  }
  auto slash = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, slash);
  out.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (out.target.front() == '?') out.target.insert(out.target.begin(), '/');
  if (authority.empty() || authority.find('@') != std::string_view::npos) return std::nullopt;

  std::string_view host = authority, port;
  if (authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = authority.substr(1, close - 1);
    auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return std::nullopt;
      port = after.substr(1);
    }
  } else if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return std::nullopt;
  if (!port.empty()) {
    unsigned n = 0;
    auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), n);
    if (ec != std::errc{} || p != port.data() + port.size() || n == 0 || n > 65535) return std::nullopt;
  }
  out.host = std::string(host);
  out.port = port.empty() ? (out.tls ? "443" : "80") : std::string(port);
  return out;
}

http_client::http_client(asio::any_io_executor ex) : ex_(std::move(ex)), tls_(ssl::context::tls_client) {
  // The system's CAs are loaded at the first TLS connection (open()): reading them costs tens of
  // milliseconds, paid at every start-up otherwise, also by clients that never use TLS.
  tls_.set_verify_mode(ssl::verify_peer);
  tls_.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                   ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
}

namespace {

// Idle connections kept per scheme, host and port, and how long one may wait for reuse (a
// server's keep-alive timeout is usually longer; one closed earlier is noticed when taken).
// At least as many as the relay may have in flight (relay.max_in_flight, 32 in the bench):
// with fewer, every send beyond them closed its connection and the next opened a new one
// (resolve, connect: ~2.5 % of the server's CPU under load).
constexpr std::size_t max_idle_per_host = 64;
constexpr auto max_idle_age = std::chrono::seconds(30);

// What one request/response exchange came to, and whether the connection may be used again.
struct exchange_result {
  http_reply reply;
  bool wrote = false;       // the whole request was written
  bool got_bytes = false;   // some of an answer was read
  bool reusable = false;    // a complete answer, keep-alive, nothing unread after it
};

// Writes one request and reads its answer on a connected stream (plain or TLS).
template <class Stream>
asio::awaitable<exchange_result> exchange(Stream& stream, http::request<http::string_body>& req) {
  exchange_result x;
  auto [wec, wn] = co_await http::async_write(stream, req, as_tuple_awaitable);
  (void)wn;
  if (wec) {
    x.reply.error = "write: " + wec.message();
    co_return x;
  }
  x.wrote = true;
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(1024 * 1024);
  auto [rec, rn] = co_await http::async_read(stream, buffer, parser, as_tuple_awaitable);
  x.got_bytes = rn > 0 || parser.got_some() || buffer.size() > 0;
  if (rec) {
    x.reply.error = "read: " + rec.message();
    co_return x;
  }
  x.reply.status = static_cast<int>(parser.get().result_int());
  x.reusable = parser.get().keep_alive() && !parser.need_eof() && buffer.size() == 0;
  x.reply.body = std::move(parser.get().body());
  co_return x;
}

// True when an idle socket has neither data nor an end of stream waiting: a server that
// closed a kept-alive connection has sent its FIN (and a TLS one its close_notify) by now.
bool idle_and_open(tcp::socket& sock) {
  if (!sock.is_open()) return false;
  char byte;
  auto n = ::recv(sock.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

}  // namespace

struct http_client::connection {
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> secure;
  std::chrono::steady_clock::time_point idle_since{};

  beast::tcp_stream& lowest() { return plain ? *plain : beast::get_lowest_layer(*secure); }
  void close() {
    boost::system::error_code ignore;
    lowest().socket().shutdown(tcp::socket::shutdown_both, ignore);
    lowest().socket().close(ignore);
  }
};

namespace {
// Registered for cancel() while a call uses the connection.
struct registration {
  std::set<beast::tcp_stream*>& set;
  beast::tcp_stream* s;
  registration(std::set<beast::tcp_stream*>& set_, beast::tcp_stream* s_) : set(set_), s(s_) { set.insert(s); }
  ~registration() { set.erase(s); }
  registration(const registration&) = delete;
  registration& operator=(const registration&) = delete;
};
}  // namespace

http_client::~http_client() = default;

std::size_t http_client::idle_connections() const {
  std::size_t n = 0;
  for (const auto& [key, list] : idle_) n += list.size();
  return n;
}

asio::awaitable<http_reply> http_client::post_json(std::string url, std::string body,
                                                   std::chrono::milliseconds timeout) {
  return request(true, std::move(url), std::move(body), timeout);
}

asio::awaitable<http_reply> http_client::get(std::string url, std::chrono::milliseconds timeout) {
  return request(false, std::move(url), {}, timeout);
}

void http_client::cancel() {
  for (auto* s : open_) {
    boost::system::error_code ignore;
    s->socket().close(ignore);
  }
  for (auto& [key, list] : idle_)
    for (auto& c : list) c->close();
  idle_.clear();
}

std::unique_ptr<http_client::connection> http_client::take_idle(const std::string& key) {
  auto it = idle_.find(key);
  if (it == idle_.end()) return nullptr;
  auto& list = it->second;
  auto now = std::chrono::steady_clock::now();
  std::unique_ptr<connection> out;
  // The most recently used first: the likeliest to be still open on the server's side.
  while (!list.empty() && !out) {
    auto c = std::move(list.back());
    list.pop_back();
    if (now - c->idle_since < max_idle_age && idle_and_open(c->lowest().socket())) out = std::move(c);
    else c->close();
  }
  if (list.empty()) idle_.erase(it);
  return out;
}

void http_client::keep_idle(const std::string& key, std::unique_ptr<connection> c) {
  auto& list = idle_[key];
  if (list.size() >= max_idle_per_host) {
    c->close();
    return;
  }
  c->lowest().expires_never();
  c->idle_since = std::chrono::steady_clock::now();
  list.push_back(std::move(c));
}

asio::awaitable<std::unique_ptr<http_client::connection>> http_client::open(
    const parsed_url& u, std::chrono::steady_clock::time_point deadline, http_reply& out) {
  auto note_timeout = [&](http_reply& r) {
    if (std::chrono::steady_clock::now() >= deadline) r.error = "timeout (" + r.error + ")";
  };

  // Resolve, with the deadline enforced by a timer that cancels the resolver.
  auto resolver = std::make_shared<tcp::resolver>(ex_);
  auto timer = std::make_shared<asio::steady_timer>(ex_);
  timer->expires_at(deadline);
  timer->async_wait([resolver](boost::system::error_code ec) {
    if (!ec) resolver->cancel();
  });
  auto [rec, results] = co_await resolver->async_resolve(u.host, u.port, as_tuple_awaitable);
  timer->cancel();
  if (rec) {
    out.error = rec == asio::error::operation_aborted ? "resolve: timeout" : "resolve: " + rec.message();
    co_return nullptr;
  }

  auto c = std::make_unique<connection>();
  if (u.tls) {
    if (!system_cas_loaded_) {
      tls_.set_default_verify_paths();
      system_cas_loaded_ = true;
    }
    c->secure = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(ex_, tls_);
    // SNI, and the certificate must name the host.
    if (!SSL_set_tlsext_host_name(c->secure->native_handle(), u.host.c_str())) {
      out.error = "tls: cannot set SNI";
      co_return nullptr;
    }
    c->secure->set_verify_callback(ssl::host_name_verification(u.host));
  } else {
    c->plain = std::make_unique<beast::tcp_stream>(ex_);
  }
  auto& layer = c->lowest();
  registration reg(open_, &layer);
  layer.expires_at(deadline);
  auto [cec, ep] = co_await layer.async_connect(results, as_tuple_awaitable);
  (void)ep;
  if (cec) {
    out.error = "connect: " + cec.message();
    note_timeout(out);
    co_return nullptr;
  }
  if (u.tls) {
    auto [hec] = co_await c->secure->async_handshake(ssl::stream_base::client, as_tuple_awaitable);
    if (hec) {
      out.error = "tls handshake: " + hec.message();
      note_timeout(out);
      co_return nullptr;
    }
  }
  co_return c;
}

asio::awaitable<http_reply> http_client::request(bool post, std::string url, std::string body,
                                                 std::chrono::milliseconds timeout) {
  http_reply out;
  auto u = parse_url(url);
  if (!u) {
    out.error = "bad url";
    co_return out;
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const std::string key = (u->tls ? "https://" : "http://") + u->host + ":" + u->port;

  http::request<http::string_body> req{post ? http::verb::post : http::verb::get, u->target, 11};
  bool default_port = u->port == (u->tls ? "443" : "80");
  req.set(http::field::host, default_port ? u->host : u->host + ":" + u->port);
  req.set(http::field::user_agent, "tannha/0.1");
  if (post) req.set(http::field::content_type, "application/json");
  req.set(http::field::accept, "application/json");
  req.keep_alive(true);
  if (post) {
    req.body() = std::move(body);
    req.prepare_payload();
  }

  for (int attempt = 0;; ++attempt) {
    auto c = attempt == 0 ? take_idle(key) : nullptr;
    const bool reused = c != nullptr;
    if (!c) {
      out = http_reply{};
      c = co_await open(*u, deadline, out);
      if (!c) co_return out;
    }
    auto& layer = c->lowest();
    exchange_result x;
    {
      registration reg(open_, &layer);
      layer.expires_at(deadline);
      // (if/else, not ?: — g++ 12 mishandles co_await inside a conditional expression)
      if (c->plain) x = co_await exchange(*c->plain, req);
      else x = co_await exchange(*c->secure, req);
    }
    if (x.reply.status != 0) {
      if (x.reusable && layer.socket().is_open()) keep_idle(key, std::move(c));
      else c->close();
      co_return x.reply;
    }
    const bool timed_out = std::chrono::steady_clock::now() >= deadline;
    const bool cancelled = !timed_out && !layer.socket().is_open();  // a timeout closes it too
    c->close();
    // A kept-alive connection the server closed meanwhile: the request never reached it
    // (not fully written, nothing answered), so one more try on a new connection is safe.
    if (reused && attempt == 0 && !cancelled && !timed_out && !x.got_bytes && (!x.wrote || !post)) continue;
    out = std::move(x.reply);
    if (timed_out) out.error = "timeout (" + out.error + ")";
    if (cancelled) out.error = "cancelled (" + out.error + ")";
    co_return out;
  }
}

}  // namespace tannha::bot
