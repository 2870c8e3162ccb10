// The outbound HTTP client keeps connections alive (issue 7): several calls to one server
// share a connection, and a connection the server closed is replaced without failing a call.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include "bot/http_client.hpp"

using namespace tannha;
using namespace tannha::bot;
using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

// An HTTP/1.1 server on 127.0.0.1 in its own thread that keeps connections alive and counts
// the connections it accepted and closed.
class keepalive_server {
 public:
  std::atomic<int> accepted{0}, closed{0}, requests{0};
  std::atomic<bool> say_close{false};  // answer with Connection: close
  std::atomic<int> drop_request{0};    // close without answering the n-th request (1-based)

  keepalive_server() {
    acceptor_.open(tcp::v4());
    acceptor_.bind({asio::ip::make_address("127.0.0.1"), 0});
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    asio::co_spawn(ioc_, accept_loop(), asio::detached);
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~keepalive_server() {
    asio::post(ioc_, [this] {
      boost::system::error_code ec;
      acceptor_.close(ec);
      ioc_.stop();
    });
    thread_.join();
  }
  keepalive_server(const keepalive_server&) = delete;
  keepalive_server& operator=(const keepalive_server&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/botT/sendMessage"; }

  /// Closes every open connection from the server's side (as an idle timeout would).
  void close_all() {
    asio::post(ioc_, [this] {
      for (auto* s : open_) {
        boost::system::error_code ignore;
        s->socket().shutdown(tcp::socket::shutdown_both, ignore);
        s->socket().close(ignore);
      }
    });
  }

  bool wait_for(const std::atomic<int>& counter, int n) const {
    for (auto deadline = std::chrono::steady_clock::now() + 5s; std::chrono::steady_clock::now() < deadline;) {
      if (counter.load() >= n) return true;
      std::this_thread::sleep_for(5ms);
    }
    return counter.load() >= n;
  }

 private:
  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, sock] = co_await acceptor_.async_accept(asio::as_tuple(asio::use_awaitable));
      if (ec) co_return;
      ++accepted;
      asio::co_spawn(ioc_, serve(std::move(sock)), asio::detached);
    }
  }

  asio::awaitable<void> serve(tcp::socket sock) {
    beast::tcp_stream stream(std::move(sock));
    open_.insert(&stream);
    beast::flat_buffer buffer;
    for (;;) {
      http::request<http::string_body> req;
      auto [ec, n] = co_await http::async_read(stream, buffer, req, asio::as_tuple(asio::use_awaitable));
      (void)n;
      if (ec) break;
      int number = ++requests;
      if (number == drop_request.load()) break;
      http::response<http::string_body> res{http::status::ok, req.version()};
      res.set(http::field::content_type, "application/json");
      res.keep_alive(req.keep_alive() && !say_close.load());
      res.body() = R"({"ok":true,"result":{"message_id":")" + std::to_string(number) + R"("}})";
      res.prepare_payload();
      auto [wec, wn] = co_await http::async_write(stream, res, asio::as_tuple(asio::use_awaitable));
      (void)wn;
      if (wec || !res.keep_alive()) break;
    }
    open_.erase(&stream);
    boost::system::error_code ignore;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignore);
    stream.socket().close(ignore);
    ++closed;
  }

  asio::io_context ioc_;
  tcp::acceptor acceptor_{ioc_};
  std::thread thread_;
  unsigned short port_ = 0;
  std::set<beast::tcp_stream*> open_;  // the server thread's only
};

// Runs `n` posts one after another and returns their replies.
std::vector<http_reply> post_in_turn(asio::io_context& ioc, http_client& client, const std::string& url, int n) {
  auto fut = asio::co_spawn(
      ioc,
      [&]() -> asio::awaitable<std::vector<http_reply>> {
        std::vector<http_reply> out;
        for (int i = 0; i < n; ++i) out.push_back(co_await client.post_json(url, R"({"i":)" + std::to_string(i) + "}", 2s));
        co_return out;
      },
      asio::use_future);
  ioc.run();
  ioc.restart();
  return fut.get();
}

}  // namespace

TEST_CASE("http client: several posts to a keep-alive server share one connection") {
  keepalive_server srv;
  asio::io_context ioc;
  http_client client(ioc.get_executor());
  auto replies = post_in_turn(ioc, client, srv.url(), 5);
  REQUIRE(replies.size() == 5);
  for (const auto& r : replies) CHECK(r.status == 200);
  CHECK(replies[4].body.find(R"("message_id":"5")") != std::string::npos);
  CHECK(srv.accepted == 1);
  CHECK(srv.requests == 5);
  CHECK(client.idle_connections() == 1);
  CHECK(client.in_flight() == 0);
}

TEST_CASE("http client: calls at the same time get connections of their own, reused afterwards") {
  keepalive_server srv;
  asio::io_context ioc;
  http_client client(ioc.get_executor());
  std::vector<std::future<http_reply>> futs;
  for (int i = 0; i < 3; ++i) futs.push_back(asio::co_spawn(ioc, client.post_json(srv.url(), "{}", 2s), asio::use_future));
  ioc.run();
  ioc.restart();
  for (auto& f : futs) CHECK(f.get().status == 200);
  CHECK(srv.accepted == 3);
  CHECK(client.idle_connections() == 3);
  auto replies = post_in_turn(ioc, client, srv.url(), 4);
  for (const auto& r : replies) CHECK(r.status == 200);
  CHECK(srv.accepted == 3);  // no new connection
}

TEST_CASE("http client: a kept-alive connection the server closed is replaced and the call succeeds") {
  keepalive_server srv;
  asio::io_context ioc;
  http_client client(ioc.get_executor());
  REQUIRE(post_in_turn(ioc, client, srv.url(), 1).at(0).status == 200);
  srv.close_all();  // e.g. the server's idle timeout
  REQUIRE(srv.wait_for(srv.closed, 1));
  std::this_thread::sleep_for(50ms);  // the FIN reaches the client's socket
  auto replies = post_in_turn(ioc, client, srv.url(), 2);
  CHECK(replies.at(0).status == 200);
  CHECK(replies.at(1).status == 200);
  CHECK(srv.accepted == 2);  // one new connection, then kept alive again
  CHECK(srv.requests == 3);  // nothing was sent twice
}

TEST_CASE("http client: a post the server took and never answered is not sent again") {
  keepalive_server srv;
  srv.drop_request = 2;  // the second request, on the kept-alive connection, gets no answer
  asio::io_context ioc;
  http_client client(ioc.get_executor());
  auto replies = post_in_turn(ioc, client, srv.url(), 3);
  CHECK(replies.at(0).status == 200);
  CHECK(replies.at(1).status == 0);  // the server may have acted on it: the caller decides
  CHECK_FALSE(replies.at(1).error.empty());
  CHECK(replies.at(2).status == 200);
  CHECK(srv.requests == 3);
  CHECK(srv.accepted == 2);
}

TEST_CASE("http client: Connection: close from the server is honoured") {
  keepalive_server srv;
  srv.say_close = true;
  asio::io_context ioc;
  http_client client(ioc.get_executor());
  auto replies = post_in_turn(ioc, client, srv.url(), 3);
  for (const auto& r : replies) CHECK(r.status == 200);
  CHECK(srv.accepted == 3);
  CHECK(client.idle_connections() == 0);
}

TEST_CASE("http client: cancel() closes the idle pooled connections too") {
  keepalive_server srv;
  asio::io_context ioc;
  http_client client(ioc.get_executor());
  REQUIRE(post_in_turn(ioc, client, srv.url(), 1).at(0).status == 200);
  REQUIRE(client.idle_connections() == 1);
  client.cancel();
  CHECK(client.idle_connections() == 0);
  CHECK(srv.wait_for(srv.closed, 1));  // the server saw it go
  CHECK(post_in_turn(ioc, client, srv.url(), 1).at(0).status == 200);  // later calls connect afresh
  CHECK(srv.accepted == 2);
}
