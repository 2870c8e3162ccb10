#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include "bot/fake_platform.hpp"
#include "bot/http_client.hpp"
#include "bot/log.hpp"
#include "bot/relay.hpp"
#include "bot/relay_fixture.hpp"
#include "storage/database.hpp"
#include "storage/outbox.hpp"
#include "test_support.hpp"

using namespace tannha;
using namespace tannha::bot;
using namespace std::chrono_literals;
namespace asio = boost::asio;
using test::fake_platform;

namespace {

// A relay against the fake platform over real HTTP, with a real outbox.
struct relay_fixture : test::http_relay_fixture {
  explicit relay_fixture(relay_config cfg = test::quick_relay_config(), platform_kind kind = platform_kind::zalo)
      : http_relay_fixture(cfg, kind, std::chrono::seconds(2)) {}

  std::vector<std::string> texts_for(const std::string& chat) {
    std::vector<std::string> out;
    for (const auto& req : fp.requests())
      if (req.chat_id() == chat) out.push_back(req.text());
    return out;
  }
};

// A relay whose time the test drives: a hand-moved monotonic clock, a sender that answers on
// the spot (or, while `hold` is set, when release() is called), a real outbox. run_until()
// turns the loop as run() would, moving the clock on by each sleep the relay asks for.
struct driven_relay {
  struct send_call {
    std::string chat, text;
    std::chrono::steady_clock::time_point at;  // the driven time when the sender was called
  };

  test::temp_dir dir;
  storage::database db{dir.file("driven.db")};
  storage::outbox ob{db};
  bot::clock clk;
  metrics m;
  asio::io_context ioc;
  std::chrono::steady_clock::time_point now{std::chrono::hours(1)};
  std::vector<send_call> calls;
  bool hold = false;       // senders wait for release() before they answer
  int throw_next = 0;      // the next N sends throw (not even a std::exception)
  int answered = 0;
  // When set, what the platform answers (instead of ok) to a send to `chat` at the driven time.
  std::function<send_result(const std::string& chat)> answer;
  asio::steady_timer gate{ioc, asio::steady_timer::time_point::max()};
  std::unique_ptr<relay> r;

  explicit driven_relay(relay_config cfg = test::quick_relay_config()) {
    log_threshold() = log_level::off;
    r = std::make_unique<relay>(
        ioc.get_executor(), ob,
        [this](const std::string& chat, const std::string& text) { return send(chat, text); }, cfg, clk, &m,
        [this] { return now; });
  }

  asio::awaitable<send_result> send(std::string chat, std::string text) {
    calls.push_back({chat, text, now});
    if (throw_next > 0) {
      --throw_next;
      throw 42;
    }
    if (hold) co_await gate.async_wait(asio::as_tuple(asio::use_awaitable));
    ++answered;
    if (answer) co_return answer(chat);
    co_return send_result{send_status::ok, std::nullopt, {}, {}};
  }
  /// Every held send answers now.
  void release() {
    hold = false;
    gate.cancel();
    ioc.poll();
  }

  void enqueue(const std::string& chat, const std::string& text) { ob.enqueue(chat, text, clk.now()); }

  /// One turn of the loop at the driven time, then whatever it started runs; the sleep the
  /// loop asked for, or zero when something woke it meanwhile.
  std::chrono::steady_clock::duration turn() {
    auto sleep = r->step(now);
    ioc.poll();
    if (ioc.stopped()) ioc.restart();
    if (r->woken() || !sleep) return std::chrono::steady_clock::duration::zero();
    return std::max<std::chrono::steady_clock::duration>(*sleep, 1ms);
  }

  /// Turns the loop until `done`, for at most `limit` of driven time; false when it did not.
  bool run_until(const std::function<bool()>& done, std::chrono::steady_clock::duration limit) {
    const auto end = now + limit;
    for (int turns = 0; !done(); ++turns) {
      if (turns > 100000) return false;
      auto sleep = turn();
      if (now + sleep > end) return false;
      now += sleep;
    }
    return true;
  }

  std::vector<std::chrono::steady_clock::time_point> times_for(const std::string& chat) const {
    std::vector<std::chrono::steady_clock::time_point> out;
    for (const auto& c : calls)
      if (c.chat == chat) out.push_back(c.at);
    return out;
  }
  std::vector<std::string> texts_for(const std::string& chat) const {
    std::vector<std::string> out;
    for (const auto& c : calls)
      if (c.chat == chat) out.push_back(c.text);
    return out;
  }
};

}  // namespace

TEST_CASE("relay policy: ok is sent, permanent is dead, retry backs off until max_attempts") {
  relay_config cfg;
  cfg.max_attempts = 3;
  cfg.base_backoff_seconds = 1.0;
  cfg.max_backoff_seconds = 300;

  CHECK(decide_send({send_status::ok, {}, {}, {}}, 0, cfg, 0.5).what == relay_decision::action::sent);
  auto dead = decide_send({send_status::permanent, {}, "error 400: chat not found", {}}, 0, cfg, 0.5);
  CHECK(dead.what == relay_decision::action::dead);
  CHECK(dead.error == "error 400: chat not found");

  auto r0 = decide_send({send_status::retry, {}, "error 500", {}}, 0, cfg, 1.0);
  CHECK(r0.what == relay_decision::action::retry);
  CHECK(r0.delay == 1000ms);
  auto r1 = decide_send({send_status::retry, {}, "error 500", {}}, 1, cfg, 1.0);
  CHECK(r1.delay == 2000ms);
  auto last = decide_send({send_status::retry, {}, "error 500", {}}, 2, cfg, 1.0);
  CHECK(last.what == relay_decision::action::dead);
  CHECK(last.error.find("3 attempts") != std::string::npos);
}

TEST_CASE("relay policy: retry_after is honoured exactly, backoff is jittered and capped") {
  relay_config cfg;
  cfg.base_backoff_seconds = 1.0;
  cfg.max_backoff_seconds = 60;
  auto d = decide_send({send_status::retry, 7, "error 429", {}}, 4, cfg, 0.0);
  CHECK(d.what == relay_decision::action::retry);
  CHECK(d.delay == 7000ms);

  CHECK(backoff_delay(0, cfg, 0.0) == 500ms);   // at least half the step
  CHECK(backoff_delay(0, cfg, 1.0) == 1000ms);
  CHECK(backoff_delay(3, cfg, 1.0) == 8000ms);
  CHECK(backoff_delay(30, cfg, 1.0) == 60000ms);  // capped
  CHECK(backoff_delay(30, cfg, 0.0) == 30000ms);
}

TEST_CASE("relay: the console sender prints the chat and the text") {
  std::ostringstream out;
  auto s = make_console_sender(out);
  asio::io_context ioc;
  auto fut = asio::co_spawn(ioc, s("chat-1", "Xin chào"), asio::use_future);
  ioc.run();
  CHECK(fut.get().status == send_status::ok);
  CHECK(out.str() == "→ [chat-1] Xin chào\n");
}

TEST_CASE("relay: messages are delivered in order per chat, every chat served") {
  relay_fixture f;
  for (int i = 1; i <= 4; ++i) f.enqueue("A", "a" + std::to_string(i));
  for (int i = 1; i <= 3; ++i) f.enqueue("B", "b" + std::to_string(i));
  f.r->start();
  REQUIRE(f.run_until([&] { return f.ob.counts().sent == 7; }, 10s));
  CHECK(f.texts_for("A") == std::vector<std::string>{"a1", "a2", "a3", "a4"});
  CHECK(f.texts_for("B") == std::vector<std::string>{"b1", "b2", "b3"});
  auto reqs = f.fp.requests();
  REQUIRE(!reqs.empty());
  CHECK(reqs[0].target == "/botTOKEN/sendMessage");
  CHECK(reqs[0].method == "POST");
  CHECK(reqs[0].headers["content-type"] == "application/json");
  CHECK(f.m.counter_value("outbox_sent_total") == 7);
  CHECK(f.ob.counts().pending == 0);
}

TEST_CASE("relay: a 400 goes dead while the next chat's message still goes out") {
  relay_fixture f;
  f.fp.fail_chat("A", 400, fake_platform::error_body(400, "Bad Request: chat not found"));
  f.enqueue("A", "a1");
  f.enqueue("A", "a2");
  f.enqueue("B", "b1");
  f.r->start();
  REQUIRE(f.run_until([&] { auto c = f.ob.counts(); return c.dead == 2 && c.sent == 1; }, 10s));
  CHECK(f.texts_for("A") == std::vector<std::string>{"a1", "a2"});  // each tried once, in order
  CHECK(f.texts_for("B") == std::vector<std::string>{"b1"});
  auto dead = f.ob.list("dead", 10);
  REQUIRE(dead.size() == 2);
  CHECK(dead[0].last_error.find("chat not found") != std::string::npos);
  CHECK(f.m.counter_value("outbox_failed_total", {{"kind", "dead"}}) == 2);
}

TEST_CASE("relay: a Zalo ok:false at HTTP 200 with a permanent code goes dead") {
  relay_fixture f;
  f.fp.fail_next(1, 200, fake_platform::error_body(403, "Forbidden"));
  f.enqueue("Z", "z1");
  f.r->start();
  REQUIRE(f.run_until([&] { return f.ob.counts().dead == 1; }, 10s));
  CHECK(f.fp.request_count() == 1);
}

TEST_CASE("relay: a 429 with retry_after is waited for, then the chat goes on in order") {
  relay_fixture f(test::quick_relay_config(), platform_kind::telegram);
  f.fp.fail_next(1, 429, fake_platform::telegram_429(1));
  f.enqueue("-100", "first");
  f.enqueue("-100", "second");
  f.r->start();
  REQUIRE(f.run_until([&] { return f.ob.counts().sent == 2; }, 10s));
  auto reqs = f.fp.requests();
  REQUIRE(reqs.size() == 3);
  CHECK(reqs[0].text() == "first");
  CHECK(reqs[0].answered_status == 429);
  CHECK(reqs[1].text() == "first");
  CHECK(reqs[2].text() == "second");
  CHECK(reqs[0].chat_id_is_number());
  CHECK(reqs[1].at - reqs[0].at >= 990ms);
  CHECK(f.m.counter_value("outbox_failed_total", {{"kind", "retry"}}) == 1);
}

TEST_CASE("relay: a 500 is retried with backoff and the message is sent afterwards") {
  relay_fixture f;
  f.fp.fail_next(2, 500, "oops");
  f.enqueue("A", "hello");
  f.r->start();
  REQUIRE(f.run_until([&] { return f.ob.counts().sent == 1; }, 10s));
  auto reqs = f.fp.requests();
  REQUIRE(reqs.size() == 3);
  CHECK(reqs[1].at - reqs[0].at >= 90ms);  // base 0.2 s, at least half of it
  CHECK(reqs[2].at - reqs[1].at >= 190ms);  // doubled
}

TEST_CASE("relay: after max_attempts unreadable answers the message goes dead") {
  auto cfg = test::quick_relay_config();
  cfg.max_attempts = 2;
  cfg.base_backoff_seconds = 0.05;
  relay_fixture f(cfg);
  // Not a "later" answer (a 503 is one, and is retried until give_up_after_hours).
  f.fp.fail_chat("A", 200, "busy");
  f.enqueue("A", "never");
  f.r->start();
  REQUIRE(f.run_until([&] { return f.ob.counts().dead == 1; }, 10s));
  CHECK(f.fp.request_count() == 2);
  CHECK(f.ob.list("dead", 1)[0].last_error.find("gave up after 2 attempts") != std::string::npos);
}

TEST_CASE("relay: a chat's rate limit spaces its messages; another chat is not held back") {
  auto cfg = test::quick_relay_config();
  cfg.per_chat_per_second = 2;  // burst 2, then one every 0.5 s
  driven_relay f(cfg);
  for (int i = 1; i <= 4; ++i) f.enqueue("A", "a" + std::to_string(i));
  f.enqueue("B", "b1");
  REQUIRE(f.run_until([&] { return f.ob.counts().sent == 5; }, 10s));
  auto a_times = f.times_for("A");
  auto b_times = f.times_for("B");
  REQUIRE(a_times.size() == 4);
  REQUIRE(b_times.size() == 1);
  CHECK(f.texts_for("A") == std::vector<std::string>{"a1", "a2", "a3", "a4"});
  CHECK(a_times[3] - a_times[0] >= 900ms);
  CHECK(b_times[0] - a_times[0] < 400ms);
}

TEST_CASE("relay: a slow platform answer for one chat does not hold back another chat") {
  driven_relay f;
  f.hold = true;  // no answer comes until release(): both chats must be in flight together
  f.enqueue("A", "a1");
  f.enqueue("B", "b1");
  f.turn();
  CHECK(f.answered == 0);
  CHECK(f.texts_for("A") == std::vector<std::string>{"a1"});
  CHECK(f.texts_for("B") == std::vector<std::string>{"b1"});
  f.release();
  REQUIRE(f.run_until([&] { return f.ob.counts().sent == 2; }, 10s));
  CHECK(f.calls.size() == 2);
}

TEST_CASE("relay: a sender that throws leaves the chat's lane free; the chat's messages still go out in order") {
  driven_relay f;
  f.throw_next = 1;  // not a std::exception: nothing the sender may throw keeps the chat in flight
  f.enqueue("A", "a1");
  f.enqueue("A", "a2");
  REQUIRE(f.run_until([&] { return f.ob.counts().sent == 2; }, 10s));
  CHECK(f.texts_for("A") == std::vector<std::string>{"a1", "a1", "a2"});  // a1 failed once, then went
  CHECK(f.m.counter_value("outbox_failed_total", {{"kind", "retry"}}) == 1);
  CHECK(f.r->idle());
}

TEST_CASE("relay: a send timeout is a retry, not a loss") {
  relay_fixture f;
  f.fp.set_delay(2500ms);  // longer than the sender's 2 s timeout
  f.enqueue("A", "late");
  f.r->start();
  REQUIRE(f.run_until([&] { return f.m.counter_value("outbox_failed_total", {{"kind", "retry"}}) >= 1; }, 10s));
  auto pending = f.ob.list("pending", 1);
  REQUIRE(pending.size() == 1);
  CHECK(pending[0].attempts == 1);
  CHECK(pending[0].last_error.find("timeout") != std::string::npos);
}

TEST_CASE("http client: URLs are split into scheme, host, port and target") {
  auto a = parse_url("https://api.telegram.org/bot1:x/sendMessage");
  REQUIRE(a);
  CHECK(a->tls);
  CHECK(a->host == "api.telegram.org");
  CHECK(a->port == "443");
  CHECK(a->target == "/bot1:x/sendMessage");
  auto b = parse_url("http://127.0.0.1:8081");
  REQUIRE(b);
  CHECK_FALSE(b->tls);
  CHECK(b->port == "8081");
  CHECK(b->target == "/");
  auto c = parse_url("http://[::1]:9000/x?y=1");
  REQUIRE(c);
  CHECK(c->host == "::1");
  CHECK(c->target == "/x?y=1");
  CHECK_FALSE(parse_url("ftp://x/"));
  CHECK_FALSE(parse_url("http://"));
  CHECK_FALSE(parse_url("http://host:99999/"));
  CHECK_FALSE(parse_url("http://user@host/"));
}

TEST_CASE("http client: a refused connection is status 0 with an error, never an exception") {
  asio::io_context ioc;
  http_client client(ioc.get_executor());
  // Bind and close to find a port nobody listens on.
  unsigned short port;
  {
    asio::ip::tcp::acceptor a(ioc, {asio::ip::make_address("127.0.0.1"), 0});
    port = a.local_endpoint().port();
  }
  auto fut = asio::co_spawn(ioc, client.post_json("http://127.0.0.1:" + std::to_string(port) + "/x", "{}", 2s),
                            asio::use_future);
  ioc.run();
  auto r = fut.get();
  CHECK(r.status == 0);
  CHECK_FALSE(r.error.empty());
}

TEST_CASE("http client: posts JSON and returns status and body") {
  fake_platform fp;
  fp.start();
  asio::io_context ioc;
  http_client client(ioc.get_executor());
  fp.fail_next(1, 418, R"({"ok":false})");
  auto fut = asio::co_spawn(ioc, client.post_json(fp.base_url() + "/botT/sendMessage", R"({"a":1})", 2s),
                            asio::use_future);
  ioc.run();
  auto r = fut.get();
  CHECK(r.status == 418);
  CHECK(r.body == R"({"ok":false})");
  auto reqs = fp.requests();
  REQUIRE(reqs.size() == 1);
  CHECK(reqs[0].body == R"({"a":1})");
  CHECK(reqs[0].headers["host"] == "127.0.0.1:" + std::to_string(fp.port()));
}

// ---------------------------------------------------------------------------------------------
// Long rate limits (issue 16 item 4): "later" answers never exhaust a message; age does.

TEST_CASE("relay policy: 429, retry_after, timeouts and 5xx never exhaust a message; only age gives up") {
  relay_config cfg;
  cfg.max_attempts = 3;
  cfg.give_up_after_hours = 24;
  send_result five_hundred{send_status::retry, {}, "error 500", {}, true};
  auto r = decide_send(five_hundred, 50, cfg, 1.0, std::chrono::hours(23));
  CHECK(r.what == relay_decision::action::retry);
  CHECK(r.counted);
  send_result limited{send_status::retry, 30, "error 429: Too Many Requests", {}, true};
  auto l = decide_send(limited, 50, cfg, 1.0, std::chrono::hours(1));
  CHECK(l.what == relay_decision::action::retry);
  CHECK(l.delay == 30000ms);
  CHECK_FALSE(l.counted);  // a retry_after is the platform's schedule, not a failed try
  send_result timeout{send_status::retry, {}, "no answer", {}, true};
  CHECK(decide_send(timeout, 200, cfg, 0.0, 0s).what == relay_decision::action::retry);

  auto old = decide_send(five_hundred, 0, cfg, 1.0, std::chrono::hours(24));
  CHECK(old.what == relay_decision::action::dead);
  CHECK(old.error == "gave up after 24 h: error 500");
  // A permanent error is dead at once, however young.
  CHECK(decide_send({send_status::permanent, {}, "error 403", {}}, 0, cfg, 1.0, 0s).what ==
        relay_decision::action::dead);
}

TEST_CASE("relay policy: the platform's answers say which failures are 'later'") {
  for (int code : {429, 500, 502, 503, 408, 401}) {
    CAPTURE(code);
    auto r = interpret_send_response(platform_kind::telegram, code, fake_platform::error_body(code, "x"));
    CHECK(r.status == send_status::retry);
    CHECK(r.later);
  }
  CHECK(interpret_send_response(platform_kind::telegram, 0, "").later);  // no answer, timeout
  auto garbled = interpret_send_response(platform_kind::zalo, 200, "busy");
  CHECK(garbled.status == send_status::retry);
  CHECK_FALSE(garbled.later);
  CHECK(interpret_send_response(platform_kind::telegram, 400, fake_platform::error_body(400, "x")).status ==
        send_status::permanent);
}

namespace {
// Turns a driven relay until `done` or `limit` of driven time, moving the database clock on
// with the driven one (whole seconds), as the two clocks move together in a running server.
bool run_with_db_clock(driven_relay& f, const std::function<bool()>& done, std::chrono::seconds limit) {
  const auto start = f.now;
  std::chrono::seconds moved{0};
  for (int turns = 0; !done(); ++turns) {
    if (turns > 200000 || f.now - start > limit) return false;
    f.now += f.turn();
    auto want = std::chrono::floor<std::chrono::seconds>(f.now - start);
    if (want > moved) {
      f.clk.advance(want - moved);
      moved = want;
    }
  }
  return true;
}
}  // namespace

TEST_CASE("relay: a 429 lasting 60 s delays every message, and once it clears every one is delivered in order, none dead") {
  driven_relay f;  // max_attempts 5: the 429s would have killed the heads before
  const auto start = f.now;
  f.answer = [&](const std::string&) {
    if (f.now - start < 60s) return send_result{send_status::retry, 5, "error 429: Too Many Requests", {}, true};
    return send_result{send_status::ok, std::nullopt, {}, {}};
  };
  for (const std::string chat : {"A", "B", "-100"})
    for (int i = 1; i <= 4; ++i) f.enqueue(chat, chat + std::to_string(i));
  REQUIRE(run_with_db_clock(f, [&] { return f.ob.counts().sent == 12; }, 300s));
  auto c = f.ob.counts();
  CHECK(c.dead == 0);
  CHECK(c.pending == 0);
  for (const std::string chat : {"A", "B", "-100"}) {
    CAPTURE(chat);
    // Each head was refused about a dozen times, yet every message counts one attempt.
    std::vector<std::string> want;
    for (int i = 1; i <= 4; ++i) want.push_back(chat + std::to_string(i));
    auto texts = f.texts_for(chat);
    CHECK(texts.size() >= 12 + 3);
    texts.erase(std::unique(texts.begin(), texts.end()), texts.end());
    CHECK(texts == want);
  }
  for (const auto& row : f.ob.list("sent", 20)) CHECK(row.attempts == 1);
  CHECK(f.m.counter_value("outbox_failed_total", {{"kind", "dead"}}) == 0);
}

TEST_CASE("relay: 5xx answers go on past max_attempts; a message older than give_up_after_hours is dead") {
  auto cfg = test::quick_relay_config();  // max_attempts 5
  cfg.give_up_after_hours = 24;
  driven_relay f(cfg);
  const auto start = f.now;
  f.answer = [&](const std::string& chat) {
    if (chat == "old" || f.now - start < 20s) return send_result{send_status::retry, {}, "error 503", {}, true};
    return send_result{send_status::ok, std::nullopt, {}, {}};
  };
  f.enqueue("A", "a1");
  f.ob.enqueue("old", "queued yesterday", f.clk.now() - std::chrono::hours(25));
  REQUIRE(run_with_db_clock(f, [&] { auto c = f.ob.counts(); return c.sent == 1 && c.dead == 1; }, 120s));
  auto sent = f.ob.list("sent", 1);
  REQUIRE(sent.size() == 1);
  CHECK(sent[0].text == "a1");
  CHECK(sent[0].attempts > 5);  // more 503s than max_attempts, and still delivered
  auto dead = f.ob.list("dead", 1);
  REQUIRE(dead.size() == 1);
  CHECK(dead[0].last_error == "gave up after 24 h: error 503");
  CHECK(dead[0].attempts == 1);  // dead on its first failure: it was already too old
}

TEST_CASE("relay: a post queued for tomorrow holds back none of the group's replies; it goes when its time comes") {
  driven_relay f;
  // run-jobs --at tomorrow --force on a live database: the post is queued for tomorrow.
  f.ob.enqueue("-100", "brief for tomorrow", f.clk.now() + std::chrono::hours(24));
  f.enqueue("-100", "reply 1");
  f.enqueue("-100", "reply 2");
  REQUIRE(f.run_until([&] { return f.ob.counts().sent == 2; }, 10s));
  CHECK(f.texts_for("-100") == std::vector<std::string>{"reply 1", "reply 2"});
  CHECK(f.ob.counts().pending == 1);
  f.clk.advance(std::chrono::hours(24));
  REQUIRE(f.run_until([&] { return f.ob.counts().sent == 3; }, 10s));
  CHECK(f.texts_for("-100").back() == "brief for tomorrow");
}
