#pragma once
// A relay over real HTTP to the fake platform on loopback, with a real outbox in a temporary
// SQLite file. Shared by the relay, delivery and relay-batch tests.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "bot/fake_platform.hpp"
#include "bot/http_client.hpp"
#include "bot/log.hpp"
#include "bot/relay.hpp"
#include "storage/database.hpp"
#include "storage/outbox.hpp"
#include "test_support.hpp"

namespace tannha::test {

/// The relay tests' settings: 5 attempts, backoff from 0.2 s up to 1 s, a 2 s send timeout and
/// rates that do not hold a test back (100/s per chat and in all, 6,000/min per group). Each
/// test changes the fields it is about.
inline bot::relay_config quick_relay_config() {
  bot::relay_config c;
  c.max_attempts = 5;
  c.base_backoff_seconds = 0.2;
  c.max_backoff_seconds = 1.0;
  c.per_chat_per_second = 100;
  c.per_group_per_minute = 6000;
  c.global_per_second = 100;
  c.request_timeout_seconds = 2;
  return c;
}

/// The relay, its outbox and the fake platform it sends to; run_until() drives the io_context.
struct http_relay_fixture {
  temp_dir dir;
  storage::database db{dir.file("relay.db")};
  storage::outbox ob{db};
  fake_platform fp;
  boost::asio::io_context ioc;
  bot::http_client client{ioc.get_executor()};
  bot::clock clk;
  bot::metrics m;
  std::unique_ptr<bot::relay> r;

  http_relay_fixture(bot::relay_config cfg, bot::platform_kind kind, std::chrono::milliseconds send_timeout) {
    bot::log_threshold() = bot::log_level::off;
    fp.start();
    bot::platform_config pc;
    pc.api_base = fp.base_url();
    pc.token = "TOKEN";
    r = std::make_unique<bot::relay>(ioc.get_executor(), ob,
                                     bot::make_http_sender(client, kind, bot::send_url(kind, pc), send_timeout), cfg,
                                     clk, &m);
  }
  virtual ~http_relay_fixture() {
    r->stop();
    run_until([&] { return r->idle(); }, std::chrono::seconds(5));
    fp.stop();
  }

  void enqueue(const std::string& chat, const std::string& text) { ob.enqueue(chat, text, clk.now()); }

  /// Runs the io_context in 5 ms slices until `done` or `timeout`; false on timeout.
  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      ioc.run_for(std::chrono::milliseconds(5));
      if (ioc.stopped()) ioc.restart();
    }
    return true;
  }

  /// When the fake platform received each request that `which` picks.
  std::vector<std::chrono::steady_clock::time_point> times(const std::function<bool(const recorded_request&)>& which) {
    std::vector<std::chrono::steady_clock::time_point> out;
    for (const auto& q : fp.requests())
      if (which(q)) out.push_back(q.at);
    return out;
  }
};

}  // namespace tannha::test
