// Long polling (issue 4): getUpdates answers read for both platforms, and the poller against the
// fake platform — Zalo one update per call with 408 for nothing, Telegram with a saved offset.
#include <doctest/doctest.h>

#include <chrono>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "bot/fake_platform.hpp"
#include "bot/http_client.hpp"
#include "bot/log.hpp"
#include "bot/poller.hpp"
#include "bot/routes.hpp"
#include "storage/database.hpp"
#include "test_support.hpp"

using namespace tannha;
using namespace tannha::bot;
using namespace std::chrono_literals;
namespace asio = boost::asio;
using nlohmann::json;

namespace {

std::string zalo_update(const std::string& message_id, const std::string& text = "/lich") {
  return json{{"event_name", "message.text.received"},
              {"message",
               {{"from", {{"id", "u1"}, {"display_name", "A"}}},
                {"chat", {{"id", "c1"}, {"chat_type", "PRIVATE"}}},
                {"text", text},
                {"message_id", message_id},
                {"date", 1764377131000LL}}}}
      .dump();
}

std::string telegram_update(std::int64_t id, const std::string& text = "/lich") {
  return json{{"update_id", id},
              {"message",
               {{"message_id", id},
                {"from", {{"id", 111}, {"is_bot", false}, {"first_name", "A"}}},
                {"chat", {{"id", 111}, {"type", "private"}}},
                {"date", 1764377131},
                {"text", text}}}}
      .dump();
}

// A poller against the fake platform; the "dispatcher" records ids and, like processed_updates,
// reports a repeated id as a duplicate.
struct poll_fixture {
  test::temp_dir dir;
  storage::database db{dir.file("poll.db")};
  test::fake_platform fp;
  asio::io_context ioc;
  http_client client{ioc.get_executor()};
  bot::clock clk;
  metrics m;
  std::vector<std::string> seen;        // every update the dispatcher was given
  std::set<std::string> processed;      // ids processed once
  int fail_dispatches = 0;              // the next N dispatches throw (database busy)
  std::unique_ptr<webhook_app> app;
  std::unique_ptr<poller> p;
  platform_kind kind;

  explicit poll_fixture(platform_kind k) : kind(k) {
    log_threshold() = log_level::off;
    fp.start();
    fp.set_poll_hold(100ms);
    if (k == platform_kind::telegram) fp.serve_updates_telegram_style();
    app = std::make_unique<webhook_app>(
        server_config{}, k, "secret",
        [this](const handlers::incoming_message& msg) {
          if (fail_dispatches > 0) {
            --fail_dispatches;
            throw std::runtime_error("database is locked");
          }
          seen.push_back(msg.update_id);
          return processed.insert(msg.update_id).second ? handlers::dispatch_outcome::processed
                                                        : handlers::dispatch_outcome::duplicate;
        },
        [] { return true; }, m);
    make_poller();
  }
  ~poll_fixture() {
    stop();
    fp.stop();
  }
  void make_poller() {
    platform_config pc;
    pc.api_base = fp.base_url();
    pc.token = "TOKEN";
    poll_options opt;
    opt.timeout_seconds = 1;
    opt.min_interval = 50ms;
    opt.base_backoff_seconds = 0.1;
    opt.max_backoff_seconds = 0.4;
    p = std::make_unique<poller>(ioc.get_executor(), client, kind, method_url(kind, pc, "getUpdates"), app->updates(),
                                 db, clk, &m, opt);
  }
  void stop() {
    if (!p) return;
    p->stop();
    run_until([&] { return p->idle(); }, 5s);
  }
  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      ioc.run_for(5ms);
      if (ioc.stopped()) ioc.restart();
    }
    return true;
  }
};

}  // namespace

TEST_CASE("poll: Zalo getUpdates answers are read — one update, 408 for nothing, errors in a 200") {
  auto one = interpret_poll_response(platform_kind::zalo, 200, R"({"ok":true,"result":)" + zalo_update("m1") + "}");
  REQUIRE(one.what == poll_answer::how::updates);
  REQUIRE(one.updates.size() == 1);
  CHECK(decode_update(platform_kind::zalo, one.updates[0]).message.update_id == "m1");
  CHECK(interpret_poll_response(platform_kind::zalo, 408, "").what == poll_answer::how::empty);
  CHECK(interpret_poll_response(platform_kind::zalo, 200, R"({"ok":false,"error_code":408})").what ==
        poll_answer::how::empty);
  CHECK(interpret_poll_response(platform_kind::zalo, 200, R"({"ok":false,"description":"Request timeout"})").what ==
        poll_answer::how::empty);
  auto err = interpret_poll_response(platform_kind::zalo, 200, R"({"ok":false,"error_code":-124,"description":"x"})");
  CHECK(err.what == poll_answer::how::retry);
  CHECK(interpret_poll_response(platform_kind::zalo, 0, "").what == poll_answer::how::retry);
  CHECK(interpret_poll_response(platform_kind::zalo, 200, "not json").what == poll_answer::how::retry);
  CHECK(encode_get_updates(platform_kind::zalo, 5, 30) == R"({"timeout":30})");
}

TEST_CASE("poll: Telegram getUpdates answers are read — a list with ids, 409 and retry_after") {
  auto list = interpret_poll_response(platform_kind::telegram, 200,
                                      R"({"ok":true,"result":[)" + telegram_update(7) + "," + telegram_update(8) + "]}");
  REQUIRE(list.what == poll_answer::how::updates);
  CHECK(list.update_ids == std::vector<std::int64_t>{7, 8});
  CHECK(interpret_poll_response(platform_kind::telegram, 200, R"({"ok":true,"result":[]})").what ==
        poll_answer::how::empty);
  auto conflict = interpret_poll_response(
      platform_kind::telegram, 409, R"({"ok":false,"error_code":409,"description":"Conflict: webhook is active"})");
  CHECK(conflict.what == poll_answer::how::retry);
  CHECK(conflict.conflict);
  auto flood = interpret_poll_response(platform_kind::telegram, 429,
                                       R"({"ok":false,"error_code":429,"parameters":{"retry_after":3}})");
  CHECK(flood.retry_after == 3);
  CHECK(json::parse(encode_get_updates(platform_kind::telegram, 42, 30)) == json{{"offset", 42}, {"timeout", 30}});
  CHECK(json::parse(encode_get_updates(platform_kind::telegram, std::nullopt, 30)) == json{{"timeout", 30}});
}

TEST_CASE("poll: Zalo updates are fetched one per call and a redelivered one is processed once") {
  poll_fixture f(platform_kind::zalo);
  f.fp.push_update(zalo_update("m1"));
  f.fp.push_update(zalo_update("m2"));
  f.fp.push_update(zalo_update("m1"));  // the platform delivers it again
  f.p->start();
  REQUIRE(f.run_until([&] { return f.seen.size() == 3; }, 5s));
  CHECK(f.processed == std::set<std::string>{"m1", "m2"});
  CHECK(f.m.counter_value("updates_total", {{"result", "duplicate"}}) == 1);
  CHECK(f.m.counter_value("updates_total", {{"result", "processed"}}) == 2);
  // Nothing more: the next calls end with 408 and the poller keeps asking.
  auto calls_before = f.fp.poll_calls().size();
  REQUIRE(f.run_until([&] { return f.fp.poll_calls().size() >= calls_before + 2; }, 3s));
  auto calls = f.fp.poll_calls();
  CHECK(calls[0].target == "/botTOKEN/getUpdates");
  CHECK(calls[0].method == "POST");
  CHECK(json::parse(calls[0].body) == json{{"timeout", 1}});
  CHECK(calls[calls_before].answered_status == 408);
  CHECK(f.fp.request_count() == 0);  // no stray sends
}

TEST_CASE("poll: Telegram is asked from the saved offset, so a restart reads nothing twice") {
  poll_fixture f(platform_kind::telegram);
  f.fp.push_update(telegram_update(100));
  f.fp.push_update(telegram_update(101));
  f.p->start();
  REQUIRE(f.run_until([&] { return f.seen.size() == 2 && f.fp.updates_waiting() == 0; }, 5s));
  CHECK(f.p->offset() == 102);
  CHECK(load_poll_offset(f.db, "telegram") == 102);
  f.stop();

  // A new process: the offset comes from the database.
  f.fp.push_update(telegram_update(102));
  auto calls_before = f.fp.poll_calls().size();
  f.make_poller();
  f.p->start();
  REQUIRE(f.run_until([&] { return f.seen.size() == 3; }, 5s));
  auto calls = f.fp.poll_calls();
  REQUIRE(calls.size() > calls_before);
  CHECK(json::parse(calls[calls_before].body).value("offset", 0) == 102);
  CHECK(f.seen == std::vector<std::string>{"100", "101", "102"});
  CHECK(f.processed.size() == 3);
}

TEST_CASE("poll: a failing getUpdates is retried after a pause, and a busy database does not lose an update") {
  poll_fixture f(platform_kind::telegram);
  f.fp.fail_next_polls(2, 502, "bad gateway");
  f.fail_dispatches = 1;
  f.fp.push_update(telegram_update(5));
  f.p->start();
  REQUIRE(f.run_until([&] { return f.seen.size() == 1; }, 5s));
  auto calls = f.fp.poll_calls();
  REQUIRE(calls.size() >= 3);
  CHECK(calls[0].answered_status == 502);
  CHECK(calls[1].answered_status == 502);
  CHECK(calls[1].at - calls[0].at >= 45ms);  // backoff 0.1 s, at least half
  CHECK(f.m.counter_value("poll_requests_total", {{"result", "error"}}) == 2);
  CHECK(f.processed == std::set<std::string>{"5"});
  REQUIRE(f.run_until([&] { return f.p->offset() == 6; }, 3s));
}

TEST_CASE("poll: stop ends a long poll in flight at once") {
  poll_fixture f(platform_kind::zalo);
  f.fp.set_poll_hold(10s);
  f.p->start();
  REQUIRE(f.run_until([&] { return f.fp.poll_calls().size() == 1; }, 3s));
  f.run_until([] { return false; }, 50ms);
  auto t0 = std::chrono::steady_clock::now();
  f.p->stop();
  REQUIRE(f.run_until([&] { return f.p->idle(); }, 3s));
  CHECK(std::chrono::steady_clock::now() - t0 < 500ms);
}
