#pragma once
// A lean fake Bot API for the harnesses: answers every POST .../sendMessage like Zalo does
// ({"ok":true,...}), counts what it answered, and optionally keeps every body (crash test).
// One thread, Beast coroutines, keep-alive. GET /stats answers {"delivered":N,"requests":M}.
#include <atomic>
#include <cstdint>
#include <mutex>
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
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

namespace tannha::bench {

/// The fake platform API server, serving from its own thread.
class fake_api {
 public:
  /// `record`: keep every sendMessage body (for checks after the run).
  explicit fake_api(bool record = false) : record_(record) {}
  ~fake_api() { stop(); }
  fake_api(const fake_api&) = delete;
  fake_api& operator=(const fake_api&) = delete;

  /// Listens on 127.0.0.1:`port` (0: a free one); returns the bound port.
  unsigned short start(unsigned short port = 0) {
    namespace asio = boost::asio;
    acceptor_.open(asio::ip::tcp::v4());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind({asio::ip::make_address("127.0.0.1"), port});
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    asio::co_spawn(ioc_, accept_loop(), asio::detached);
    thread_ = std::thread([this] { ioc_.run(); });
    return port_;
  }

  /// Stops serving and joins the thread. Idempotent.
  void stop() {
    if (!thread_.joinable()) return;
    boost::asio::post(ioc_, [this] {
      boost::system::error_code ec;
      acceptor_.close(ec);
      ioc_.stop();
    });
    thread_.join();
  }

  unsigned short port() const { return port_; }
  /// sendMessage calls answered ok.
  std::uint64_t delivered() const { return delivered_.load(); }
  /// Every body received so far (only when recording).
  std::vector<std::string> bodies() const {
    std::lock_guard lock(m_);
    return bodies_;
  }

 private:
  boost::asio::awaitable<void> accept_loop() {
    namespace asio = boost::asio;
    for (;;) {
      auto [ec, sock] = co_await acceptor_.async_accept(asio::as_tuple(asio::use_awaitable));
      if (ec) co_return;
      sock.set_option(asio::ip::tcp::no_delay(true), ec);
      asio::co_spawn(ioc_, serve(std::move(sock)), asio::detached);
    }
  }

  boost::asio::awaitable<void> serve(boost::asio::ip::tcp::socket sock) {
    namespace asio = boost::asio;
    namespace beast = boost::beast;
    namespace http = beast::http;
    beast::tcp_stream stream(std::move(sock));
    beast::flat_buffer buffer;
    for (;;) {
      http::request<http::string_body> req;
      auto [ec, n] = co_await http::async_read(stream, buffer, req, asio::as_tuple(asio::use_awaitable));
      (void)n;
      if (ec) break;
      http::response<http::string_body> res{http::status::ok, req.version()};
      res.set(http::field::content_type, "application/json");
      res.keep_alive(req.keep_alive());
      std::string_view target = req.target();
      if (req.method() == http::verb::post && target.ends_with("/sendMessage")) {
        auto id = delivered_.fetch_add(1) + 1;
        if (record_) {
          std::lock_guard lock(m_);
          bodies_.push_back(std::move(req.body()));
        }
        res.body() = R"({"ok":true,"result":{"message_id":"f)" + std::to_string(id) + R"(","date":1764377401000}})";
      } else if (req.method() == http::verb::post && target.ends_with("/getMe")) {
        // Asked once at start-up (the bot's names): answered, not counted as a delivery.
        res.body() = R"({"ok":true,"result":{"id":"fakebot0000"}})";
      } else if (req.method() == http::verb::get && target == "/stats") {
        res.body() = R"({"delivered":)" + std::to_string(delivered_.load()) + "}";
      } else {
        res.result(http::status::not_found);
        res.body() = R"({"ok":false,"error_code":404,"description":"not found"})";
      }
      res.prepare_payload();
      auto [wec, wn] = co_await http::async_write(stream, res, asio::as_tuple(asio::use_awaitable));
      (void)wn;
      if (wec || !res.keep_alive()) break;
    }
    boost::system::error_code ignore;
    stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignore);
  }

  bool record_;
  boost::asio::io_context ioc_{1};
  boost::asio::ip::tcp::acceptor acceptor_{ioc_};
  std::thread thread_;
  unsigned short port_ = 0;
  std::atomic<std::uint64_t> delivered_{0};
  mutable std::mutex m_;
  std::vector<std::string> bodies_;
};

}  // namespace tannha::bench
