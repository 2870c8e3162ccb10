// Server hardening (issue 4): header limits and the connection cap under crowding.
#include <doctest/doctest.h>

#include <sys/socket.h>
#include <sys/time.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "bot/http_server.hpp"
#include "bot/log.hpp"

using namespace tannha;
using namespace tannha::bot;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

namespace {

struct running_server {
  asio::io_context ioc;
  metrics m;
  webhook_app app;
  http_server server;
  std::thread thread;
  unsigned short port = 0;

  explicit running_server(server_config cfg)
      : app(cfg, platform_kind::zalo, "secret-123",
            [](const handlers::incoming_message&) { return handlers::dispatch_outcome::processed; },
            [] { return true; }, m),
        server(ioc, app.routes(), cfg) {
    log_threshold() = log_level::off;
    port = *server.start();
    thread = std::thread([this] { ioc.run(); });
  }
  ~running_server() {
    server.stop();
    thread.join();
  }
};

server_config config_with(int max_connections, int idle_seconds) {
  server_config c;
  c.listen = "127.0.0.1:0";
  c.read_timeout_seconds = 1;
  c.idle_timeout_seconds = idle_seconds;
  c.max_connections = max_connections;
  return c;
}

std::unique_ptr<tcp::socket> connect(asio::io_context& ioc, unsigned short port) {
  auto s = std::make_unique<tcp::socket>(ioc);
  s->connect({asio::ip::make_address("127.0.0.1"), port});
  timeval tv{3, 0};
  ::setsockopt(s->native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return s;
}

}  // namespace

TEST_CASE("ops server: a request with headers over 16 KiB is 431 and the server keeps serving") {
  running_server s(config_with(64, 30));
  asio::io_context ioc;
  auto c = connect(ioc, s.port);
  asio::write(*c, asio::buffer("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n"));
  boost::beast::flat_buffer buf;
  http::response<http::string_body> res;
  boost::system::error_code ec;
  http::read(*c, buf, res, ec);
  REQUIRE_FALSE(ec);
  CHECK(res.result() == http::status::request_header_fields_too_large);

  auto d = connect(ioc, s.port);
  asio::write(*d, asio::buffer(std::string("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")));
  boost::beast::flat_buffer buf2;
  http::response<http::string_body> ok;
  http::read(*d, buf2, ok, ec);
  REQUIRE_FALSE(ec);
  CHECK(ok.result() == http::status::ok);
}

TEST_CASE("ops server: when connections run short, silent ones give their place to new clients") {
  running_server s(config_with(8, 30));  // crowded from 6 on; idle_timeout 30 s, read_timeout 1 s
  asio::io_context ioc;
  std::vector<std::unique_ptr<tcp::socket>> silent;
  for (int i = 0; i < 6; ++i) silent.push_back(connect(ioc, s.port));
  std::this_thread::sleep_for(1300ms);  // silent for longer than a request may take
  // A new client arrives: it is served, and the silent ones are closed.
  auto c = connect(ioc, s.port);
  asio::write(*c, asio::buffer(std::string("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")));
  boost::beast::flat_buffer buf;
  http::response<http::string_body> res;
  boost::system::error_code ec;
  http::read(*c, buf, res, ec);
  REQUIRE_FALSE(ec);
  CHECK(res.result() == http::status::ok);
  int closed = 0;
  for (auto& q : silent) {
    char ch;
    boost::system::error_code rec;
    q->read_some(asio::buffer(&ch, 1), rec);
    if (rec == asio::error::eof || rec == asio::error::connection_reset) ++closed;
  }
  CHECK(closed == 6);
  CHECK(s.m.counter_value("http_connections_shed_total") == 6);
}

TEST_CASE("ops server: below the crowding mark, an idle keep-alive connection is left alone") {
  running_server s(config_with(64, 30));
  asio::io_context ioc;
  auto quiet = connect(ioc, s.port);
  std::this_thread::sleep_for(1300ms);
  auto c = connect(ioc, s.port);
  asio::write(*quiet, asio::buffer(std::string("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")));
  boost::beast::flat_buffer buf;
  http::response<http::string_body> res;
  boost::system::error_code ec;
  http::read(*quiet, buf, res, ec);
  REQUIRE_FALSE(ec);
  CHECK(res.result() == http::status::ok);
}
