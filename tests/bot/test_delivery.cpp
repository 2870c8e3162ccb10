// Delivery you can trust (issue 4): the relay under platform faults and rate limits, measured
// from the fake platform's own timestamps; dead messages made visible; long replies split.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "bot/fake_platform.hpp"
#include "bot/relay_fixture.hpp"
#include "bot/http_client.hpp"
#include "bot/log.hpp"
#include "bot/relay.hpp"
#include "handlers/dispatcher.hpp"
#include "handlers/text.hpp"
#include "storage/database.hpp"
#include "storage/outbox.hpp"
#include "storage/unit_repository.hpp"
#include "test_support.hpp"

using namespace tannha;
using namespace tannha::bot;
using namespace std::chrono_literals;
namespace asio = boost::asio;
using test::fake_platform;
using steady = std::chrono::steady_clock;

namespace {

// One attempt more and longer gaps than the relay tests' settings: enough room to watch the
// backoff grow.
relay_config quick_config() {
  auto c = test::quick_relay_config();
  c.max_attempts = 6;
  c.max_backoff_seconds = 2.0;
  c.global_per_second = 1000;
  return c;
}

struct delivery_fixture : test::http_relay_fixture {
  explicit delivery_fixture(relay_config cfg = quick_config(), platform_kind kind = platform_kind::zalo,
                            std::chrono::milliseconds send_timeout = 2s)
      : http_relay_fixture(cfg, kind, send_timeout) {}
};

// Most events inside any window of `w` (the window closed at its start, open at its end).
std::size_t most_in_window(std::vector<steady::time_point> t, steady::duration w) {
  std::sort(t.begin(), t.end());
  std::size_t best = 0;
  for (std::size_t i = 0, j = 0; i < t.size(); ++i) {
    while (t[i] - t[j] >= w) ++j;
    best = std::max(best, i - j + 1);
  }
  return best;
}

double seconds(steady::duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

TEST_CASE("delivery: a Zalo ok:false inside HTTP 200 is retried, then sent") {
  delivery_fixture f;
  f.fp.fail_next(1, 200, fake_platform::error_body(-32, "Internal error"));
  f.fp.fail_next(1, 200, R"({"ok":false})");  // no code at all: retried too
  f.enqueue("Z", "z1");
  f.r->start();
  REQUIRE(f.run_until([&] { return f.ob.counts().sent == 1; }, 10s));
  auto reqs = f.fp.requests();
  REQUIRE(reqs.size() == 3);
  CHECK(reqs[0].answered_status == 200);
  CHECK(reqs[2].text() == "z1");
  CHECK(f.m.counter_value("outbox_failed_total", {{"kind", "retry"}}) == 2);
}

TEST_CASE("delivery: timeouts are retried with growing gaps, then the message goes out") {
  delivery_fixture f(quick_config(), platform_kind::zalo, 300ms);
  f.fp.set_delay(600ms);  // every answer comes after the sender gave up
  f.enqueue("A", "slow");
  f.r->start();
  REQUIRE(f.run_until(
      [&] {
        if (f.fp.request_count() >= 3) f.fp.set_delay(0ms);  // the platform recovers
        return f.ob.counts().sent == 1;
      },
      15s));
  auto t = f.times([](const auto&) { return true; });
  REQUIRE(t.size() >= 4);
  // Each gap is the 300 ms timeout plus a backoff of base·2^n·[0.5, 1]: 100–200, 200–400, 400–800 ms.
  auto g1 = t[1] - t[0], g2 = t[2] - t[1], g3 = t[3] - t[2];
  CHECK(g1 >= 390ms);
  CHECK(g2 >= 490ms);
  CHECK(g3 >= 690ms);
  CHECK(g3 > g1);
  MESSAGE("timeout retry gaps (s): " << seconds(g1) << ", " << seconds(g2) << ", " << seconds(g3));
  auto row = f.ob.list("sent", 1).at(0);
  CHECK(row.attempts >= 4);
}

TEST_CASE("delivery: 500s are retried with growing gaps") {
  delivery_fixture f;
  f.fp.fail_next(3, 500, "oops");
  f.enqueue("A", "hello");
  f.r->start();
  REQUIRE(f.run_until([&] { return f.ob.counts().sent == 1; }, 10s));
  auto t = f.times([](const auto&) { return true; });
  REQUIRE(t.size() == 4);
  CHECK(t[1] - t[0] >= 95ms);   // base 0.2 s, at least half
  CHECK(t[2] - t[1] >= 195ms);  // 0.4 s, at least half
  CHECK(t[3] - t[2] >= 395ms);  // 0.8 s, at least half
  CHECK(t[3] - t[2] > t[1] - t[0]);
}

TEST_CASE("delivery: a 400 is dead on the first try, visible, and retried by an operator") {
  delivery_fixture f;
  register_outbox_gauges(f.m, f.ob);
  auto t0 = f.clk.now();
  f.fp.fail_chat("A", 400, fake_platform::error_body(400, "Bad Request: chat not found"));
  f.enqueue("A", "a1");
  f.enqueue("B", "b1");
  f.enqueue("B", "b2");
  f.r->start();
  REQUIRE(f.run_until([&] { auto c = f.ob.counts(); return c.dead == 1 && c.sent == 2; }, 10s));
  int tries_a = 0;
  for (const auto& q : f.fp.requests()) tries_a += q.chat_id() == "A";
  CHECK(tries_a == 1);

  auto text = f.m.render();
  CHECK(text.find("tannha_outbox_dead 1\n") != std::string::npos);
  CHECK(text.find("tannha_outbox_pending 0\n") != std::string::npos);
  auto dead = f.ob.dead_since(t0, 10);
  REQUIRE(dead.size() == 1);
  CHECK(dead[0].text == "a1");
  CHECK(dead[0].failed_at.has_value());
  CHECK(f.ob.count_dead_since(t0) == 1);
  CHECK(f.ob.count_dead_since(t0 + std::chrono::hours(1)) == 0);

  // The operator fixes the cause and retries: it goes out, and is dead no more.
  f.fp.clear();
  {
    storage::write_transaction tx(f.db);
    CHECK(f.ob.retry_dead(dead[0].id, f.clk.now()) == 1);
    tx.commit();
  }
  f.r->notify();
  REQUIRE(f.run_until([&] { return f.ob.counts().sent == 3; }, 10s));
  CHECK(f.ob.dead_count() == 0);
  CHECK(f.ob.count_dead_since(t0) == 0);
}

TEST_CASE("delivery: the platform's message id is kept with a sent message") {
  delivery_fixture f;
  f.enqueue("A", "a1");
  f.r->start();
  REQUIRE(f.run_until([&] { return f.ob.counts().sent == 1; }, 10s));
  CHECK(f.ob.list("sent", 1).at(0).platform_message_id == "fake1");
}

TEST_CASE("delivery: order per chat holds through failures, and a failing chat holds back no other") {
  delivery_fixture f;
  f.fp.fail_next(2, 503, "busy");
  for (int i = 1; i <= 5; ++i) f.enqueue("A", "a" + std::to_string(i));
  for (int i = 1; i <= 5; ++i) f.enqueue("B", "b" + std::to_string(i));
  f.r->start();
  REQUIRE(f.run_until([&] { return f.ob.counts().sent == 10; }, 15s));
  std::vector<std::string> a, b;
  for (const auto& q : f.fp.requests()) {
    if (q.answered_status != 200) continue;
    (q.chat_id() == "A" ? a : b).push_back(q.text());
  }
  CHECK(a == std::vector<std::string>{"a1", "a2", "a3", "a4", "a5"});
  CHECK(b == std::vector<std::string>{"b1", "b2", "b3", "b4", "b5"});
}

TEST_CASE("delivery: with the default limits, one chat gets 1 a second and all chats at most 30 a second") {
  relay_config cfg;  // the shipped defaults: 1/s per chat, 20/min per group, 30/s overall
  cfg.request_timeout_seconds = 2;
  delivery_fixture f(cfg);
  for (int i = 0; i < 3; ++i) f.enqueue("A", "a" + std::to_string(i));
  for (int i = 0; i < 62; ++i) f.enqueue("p" + std::to_string(i), "x");
  f.r->start();
  REQUIRE(f.run_until([&] { return f.ob.counts().sent == 65; }, 15s));
  auto all = f.times([](const auto&) { return true; });
  auto a = f.times([](const auto& q) { return q.chat_id() == "A"; });
  REQUIRE(a.size() == 3);
  // The relay keeps 5% over each window; what the platform sees may jitter by a few ms.
  CHECK(a[1] - a[0] >= 1s);
  CHECK(a[2] - a[1] >= 1s);
  auto global_peak = most_in_window(all, 1s);
  CHECK(global_peak <= 30);
  std::sort(all.begin(), all.end());
  MESSAGE("defaults: chat A gaps " << seconds(a[1] - a[0]) << " s, " << seconds(a[2] - a[1])
                                   << " s (limit 1/s); most in any 1 s overall " << global_peak
                                   << " (limit 30); " << all.size() << " sends in "
                                   << seconds(all.back() - all.front()) << " s");
}

TEST_CASE("delivery: per-chat and global limits hold as configured, measured at the platform") {
  auto cfg = quick_config();
  cfg.per_chat_per_second = 5;
  cfg.global_per_second = 12;
  delivery_fixture f(cfg);
  for (int i = 0; i < 12; ++i) f.enqueue("A", "a" + std::to_string(i));
  for (int c = 0; c < 4; ++c)
    for (int i = 0; i < 4; ++i) f.enqueue("C" + std::to_string(c), "c");
  f.r->start();
  REQUIRE(f.run_until([&] { return f.ob.counts().sent == 28; }, 15s));
  auto all = f.times([](const auto&) { return true; });
  auto a = f.times([](const auto& q) { return q.chat_id() == "A"; });
  // The relay keeps its windows 5% longer than the limit: arrivals may jitter by up to 50 ms.
  auto chat_peak = most_in_window(a, 1s);
  auto global_peak = most_in_window(all, 1s);
  CHECK(chat_peak <= 5);
  CHECK(global_peak <= 12);
  CHECK(a.back() - a.front() >= 2s);  // 12 messages at 5 a second: three windows
  MESSAGE("configured 5/s per chat, 12/s overall: most in any 1 s — chat A " << chat_peak << ", overall "
                                                                            << global_peak);
}

TEST_CASE("delivery: a group gets at most per_group_per_minute in a minute while private chats go on") {
  auto cfg = quick_config();
  cfg.per_group_per_minute = 3;
  delivery_fixture f(cfg);
  f.r->set_group_predicate([](const std::string& id) { return id == "G"; });
  for (int i = 0; i < 5; ++i) f.enqueue("G", "g" + std::to_string(i));
  for (int i = 0; i < 3; ++i) f.enqueue("P", "p" + std::to_string(i));
  f.r->start();
  REQUIRE(f.run_until([&] { return f.ob.counts().sent == 6; }, 10s));
  f.run_until([] { return false; }, 1500ms);  // the 4th group message must not follow within the minute
  auto g = f.times([](const auto& q) { return q.chat_id() == "G"; });
  CHECK(g.size() == 3);
  CHECK(f.ob.pending_count() == 2);
}

TEST_CASE("delivery: a sliding window allows `count` per window and no more, whatever came before") {
  auto t0 = steady::now();
  auto w = rate_window::per_minute(20);
  for (int i = 0; i < 20; ++i) {
    REQUIRE(w.wait(t0 + i * 1ms) == steady::duration::zero());
    w.take(t0 + i * 1ms);
  }
  CHECK(w.wait(t0 + 30s) > 29s);  // the 21st waits for the 1st to leave the minute (+5%)
  CHECK(w.wait(t0 + 60s) > 2s);
  CHECK(w.wait(t0 + 63s) == steady::duration::zero());
  CHECK_FALSE(w.quiet(t0 + 30s));
  CHECK(w.quiet(t0 + 64s));

  auto half = rate_window::per_second(0.5);  // one every 2 s
  half.take(t0);
  CHECK(half.wait(t0 + 1s) > 900ms);
  CHECK(half.wait(t0 + 2100ms) == steady::duration::zero());
  auto unlimited = rate_window::per_second(0);
  for (int i = 0; i < 100; ++i) unlimited.take(t0);
  CHECK(unlimited.wait(t0) == steady::duration::zero());
}

TEST_CASE("delivery: a chat's rate state is forgotten once it is quiet") {
  delivery_fixture f;  // windows of 1 s
  for (int c = 0; c < 20; ++c) f.enqueue("chat" + std::to_string(c), "x");
  f.r->start();
  REQUIRE(f.run_until([&] { return f.ob.counts().sent == 20; }, 10s));
  CHECK(f.r->tracked_chats() == 20);
  f.r->forget_quiet_chats();
  CHECK(f.r->tracked_chats() == 20);  // still inside their windows
  f.run_until([] { return false; }, 1150ms);
  f.r->forget_quiet_chats();
  CHECK(f.r->tracked_chats() == 0);
}

TEST_CASE("delivery: an outbox with a splitter queues a long text as ordered pieces under the limit") {
  test::temp_dir dir;
  storage::database db(dir.file("split.db"));
  storage::outbox box(db, [](std::string_view s) { return handlers::split_by_utf16(s, 20); });
  std::string text = "dòng một\ndòng hai 😀😀\ndòng ba dài hơn một chút\nbốn";
  box.enqueue("A", text, domain::instant{});
  auto rows = box.due(domain::instant{}, 10);  // only the head per chat
  REQUIRE(rows.size() == 1);
  auto all = box.list("pending", 10);
  std::reverse(all.begin(), all.end());
  REQUIRE(all.size() >= 3);
  std::string joined;
  for (const auto& r : all) {
    CHECK(handlers::utf16_length(r.text) <= 20);
    joined += (joined.empty() ? "" : "\n") + r.text;
  }
  CHECK(rows[0].id == all[0].id);
  CHECK(all[0].text == "dòng một");
  CHECK(joined.find("dòng hai 😀😀") != std::string::npos);
  CHECK(joined.find("bốn") != std::string::npos);
}

TEST_CASE("delivery: the dispatcher splits a long reply under the platform's limit, in order") {
  auto reply_rows = [](std::size_t max_units) {
    test::temp_dir dir;
    storage::database db(dir.file("d.db"));
    auto unit = test::demo_unit();
    storage::unit_repository(db).sync_config({unit}, test::local(2026, 11, 1));
    handlers::dispatcher_options opt;
    opt.max_text_units = max_units;
    handlers::dispatcher d(db, {unit}, {}, opt);
    handlers::incoming_message m;
    m.platform = "zalo";
    m.update_id = "u1";
    m.chat_id = "group-bg";
    m.is_group = true;
    m.user_id = "admin-1";
    m.text = "@Tận Nhà /giup";
    m.date = test::local(2026, 11, 2);
    d.handle(m, m.date);
    auto rows = storage::outbox(db).list("pending", 100);
    std::reverse(rows.begin(), rows.end());
    std::vector<std::string> texts;
    for (const auto& r : rows) texts.push_back(r.text);
    return texts;
  };
  auto whole = reply_rows(0);
  REQUIRE(whole.size() == 1);
  auto units = handlers::utf16_length(whole[0]);
  REQUIRE(units > 300);
  auto pieces = reply_rows(units / 3);
  CHECK(pieces.size() >= 3);
  std::string joined;
  for (const auto& p : pieces) {
    CHECK(handlers::utf16_length(p) <= units / 3);
    joined += (joined.empty() ? "" : "\n") + p;
  }
  // Cut on line breaks: joining the pieces with line breaks gives the reply back (a blank line
  // where a cut fell is dropped).
  auto no_blank_lines = [](std::string s) {
    for (auto at = s.find("\n\n"); at != std::string::npos; at = s.find("\n\n")) s.erase(at, 1);
    return s;
  };
  CHECK(no_blank_lines(joined) == no_blank_lines(whole[0]));
}
