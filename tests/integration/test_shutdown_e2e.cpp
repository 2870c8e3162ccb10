// Server hardening of the real binary: half-open connections cannot starve /healthz, and a
// SIGTERM under load loses no update that was answered 200.
#include <doctest/doctest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include <SQLiteCpp/Database.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <nlohmann/json.hpp>

#include "bot/fake_platform.hpp"
#include "server_process.hpp"
#include "test_ops_process.hpp"

using namespace tannha;
using namespace std::chrono_literals;
using nlohmann::json;
namespace asio = boost::asio;

namespace {

std::string zalo_private(const std::string& message_id) {
  return json{{"event_name", "message.text.received"},
              {"message",
               {{"from", {{"id", "6ede9afa66b88fe6d6a9"}, {"display_name", "Hoa"}}},
                {"chat", {{"id", "6ede9afa66b88fe6d6a9"}, {"chat_type", "PRIVATE"}}},
                {"text", "/lich"},
                {"message_id", message_id},
                {"date", 1764377131999LL}}}}
      .dump();
}

}  // namespace

TEST_CASE("shutdown: 60 half-open connections do not keep /healthz waiting, and are dropped at the read deadline") {
  test::fake_platform fp;
  fp.start();
  test::temp_dir dir;
  test::service_process srv(dir, "serve", test::ops_config("zalo", fp.base_url()));
  asio::io_context ioc;
  std::vector<std::unique_ptr<asio::ip::tcp::socket>> socks;
  for (int i = 0; i < 60; ++i) {
    auto s = std::make_unique<asio::ip::tcp::socket>(ioc);
    s->connect({asio::ip::make_address("127.0.0.1"), srv.port()});
    // Half the clients start a request and never finish it; the others send nothing at all.
    if (i % 2 == 0) asio::write(*s, asio::buffer(std::string("POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Le")));
    socks.push_back(std::move(s));
  }
  std::this_thread::sleep_for(100ms);
  for (int i = 0; i < 3; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    auto r = test::http_call(srv.port(), "GET", "/healthz");
    auto took = std::chrono::steady_clock::now() - t0;
    CHECK(r.status == 200);
    CHECK(took < 200ms);
  }
  // read_timeout_seconds = 1: the unfinished requests are closed by the server.
  std::this_thread::sleep_for(1500ms);
  int closed = 0;
  for (int i = 0; i < 60; i += 2) {
    socks[i]->non_blocking(true);
    char c;
    boost::system::error_code ec;
    socks[i]->read_some(asio::buffer(&c, 1), ec);
    if (ec == asio::error::eof || ec == asio::error::connection_reset) ++closed;
  }
  CHECK(closed == 30);
  CHECK(srv.stop() == 0);
}

TEST_CASE("shutdown: SIGTERM under load loses no accepted update, and the process ends within 10 s") {
  test::fake_platform fp;
  fp.start();
  fp.set_delay(300ms);  // sends are slow: the relay is busy when the stop comes
  test::temp_dir dir;
  test::service_process srv(dir, "serve", test::ops_config("zalo", fp.base_url()));
  std::mutex m;
  std::set<std::string> accepted;
  std::atomic<int> sent{0};
  std::atomic<bool> go{true};
  std::vector<std::thread> clients;
  for (int t = 0; t < 6; ++t) {
    clients.emplace_back([&, t] {
      for (int i = 0; go; ++i) {
        auto id = "load-" + std::to_string(t) + "-" + std::to_string(i);
        test::http_answer a;
        try {
          a = test::http_call(srv.port(), "POST", "/webhook", zalo_private(id),
                              {{"X-Bot-Api-Secret-Token", "bi-mat-thu-nghiem"}});
        } catch (...) {
          return;  // refused: the server stopped accepting
        }
        ++sent;
        if (a.status == 200) {
          std::lock_guard lock(m);
          accepted.insert(id);
        }
        if (a.status == 0) return;
      }
    });
  }
  while (sent < 60) std::this_thread::sleep_for(5ms);
  auto t0 = std::chrono::steady_clock::now();
  srv.terminate();
  int code = srv.stop();
  auto took = std::chrono::steady_clock::now() - t0;
  go = false;
  for (auto& c : clients) c.join();
  CHECK(code == 0);
  CHECK(took < 10s);
  MESSAGE("stopped in " << std::chrono::duration<double>(took).count() << " s with " << accepted.size()
                        << " updates accepted");

  SQLite::Database db(srv.db_path(), SQLite::OPEN_READONLY);
  std::set<std::string> stored;
  SQLite::Statement q(db, "SELECT update_id FROM processed_updates");
  while (q.executeStep()) stored.insert(q.getColumn(0).getString());
  REQUIRE(accepted.size() >= 60);
  for (const auto& id : accepted) {
    CAPTURE(id);
    CHECK(stored.contains(id));
  }
  // Every reply is either sent or still queued for the next start: none is lost.
  auto replies = db.execAndGet("SELECT COUNT(*) FROM outbox WHERE state IN ('pending', 'sent')").getInt();
  CHECK(replies == static_cast<int>(stored.size()));
  CHECK(srv.log().find("event=stopped") != std::string::npos);
}
