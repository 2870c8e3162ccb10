#include "bot/http_client.hpp"

#include <openssl/ssl.h>

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
  tls_.set_default_verify_paths();
  tls_.set_verify_mode(ssl::verify_peer);
  tls_.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                   ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
}

namespace {

// Reads and writes one request on an already connected stream (plain or TLS).
template <class Stream>
asio::awaitable<http_reply> exchange(Stream& stream, http::request<http::string_body>& req) {
  http_reply out;
  auto [wec, wn] = co_await http::async_write(stream, req, as_tuple_awaitable);
  (void)wn;
  if (wec) {
    out.error = "write: " + wec.message();
    co_return out;
  }
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(1024 * 1024);
  auto [rec, rn] = co_await http::async_read(stream, buffer, parser, as_tuple_awaitable);
  (void)rn;
  if (rec) {
    out.error = "read: " + rec.message();
    co_return out;
  }
  out.status = static_cast<int>(parser.get().result_int());
  out.body = std::move(parser.get().body());
  co_return out;
}

}  // namespace

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

  // Resolve, with the deadline enforced by a timer that cancels the resolver.
  auto resolver = std::make_shared<tcp::resolver>(ex_);
  auto timer = std::make_shared<asio::steady_timer>(ex_);
  timer->expires_at(deadline);
  timer->async_wait([resolver](boost::system::error_code ec) {
    if (!ec) resolver->cancel();
  });
  auto [rec, results] = co_await resolver->async_resolve(u->host, u->port, as_tuple_awaitable);
  timer->cancel();
  if (rec) {
    out.error = rec == asio::error::operation_aborted ? "resolve: timeout" : "resolve: " + rec.message();
    co_return out;
  }

  http::request<http::string_body> req{post ? http::verb::post : http::verb::get, u->target, 11};
  bool default_port = u->port == (u->tls ? "443" : "80");
  req.set(http::field::host, default_port ? u->host : u->host + ":" + u->port);
  req.set(http::field::user_agent, "tannha/0.1");
  if (post) req.set(http::field::content_type, "application/json");
  req.set(http::field::accept, "application/json");
  req.keep_alive(false);
  if (post) {
    req.body() = std::move(body);
    req.prepare_payload();
  }

  // Registered for cancel() while the connection is open.
  struct registration {
    std::set<beast::tcp_stream*>& set;
    beast::tcp_stream* s;
    registration(std::set<beast::tcp_stream*>& set_, beast::tcp_stream* s_) : set(set_), s(s_) { set.insert(s); }
    ~registration() { set.erase(s); }
  };
  auto note_cancel = [&](http_reply& r, const beast::tcp_stream& s) {
    if (!s.socket().is_open() && r.status == 0) r.error = "cancelled (" + r.error + ")";
  };

  auto note_timeout = [&](http_reply& r) {
    if (std::chrono::steady_clock::now() >= deadline) r.error = "timeout (" + r.error + ")";
  };

  if (!u->tls) {
    beast::tcp_stream stream(ex_);
    registration reg(open_, &stream);
    stream.expires_at(deadline);
    auto [cec, ep] = co_await stream.async_connect(results, as_tuple_awaitable);
    (void)ep;
    if (cec) {
      out.error = "connect: " + cec.message();
      note_timeout(out);
      co_return out;
    }
    out = co_await exchange(stream, req);
    if (out.status == 0) note_timeout(out);
    note_cancel(out, stream);
    boost::system::error_code ignore;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignore);
    co_return out;
  }

  beast::ssl_stream<beast::tcp_stream> stream(ex_, tls_);
  auto& layer = beast::get_lowest_layer(stream);
  registration reg(open_, &layer);
  layer.expires_at(deadline);
  // SNI, and the certificate must name the host.
  if (!SSL_set_tlsext_host_name(stream.native_handle(), u->host.c_str())) {
    out.error = "tls: cannot set SNI";
    co_return out;
  }
  stream.set_verify_callback(ssl::host_name_verification(u->host));
  auto [cec, ep] = co_await layer.async_connect(results, as_tuple_awaitable);
  (void)ep;
  if (cec) {
    out.error = "connect: " + cec.message();
    note_timeout(out);
    co_return out;
  }
  auto [hec] = co_await stream.async_handshake(ssl::stream_base::client, as_tuple_awaitable);
  if (hec) {
    out.error = "tls handshake: " + hec.message();
    note_timeout(out);
    co_return out;
  }
  out = co_await exchange(stream, req);
  if (out.status == 0) note_timeout(out);
  note_cancel(out, layer);
  if (!layer.socket().is_open()) co_return out;
  // A polite TLS shutdown; servers often just close, which is fine here.
  layer.expires_after(std::chrono::seconds(2));
  co_await stream.async_shutdown(as_tuple_awaitable);
  co_return out;
}

}  // namespace tannha::bot
