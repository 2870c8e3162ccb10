#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "bot/routes.hpp"
#include "bot/log.hpp"
#include "log/limiter.hpp"
#include "test_support.hpp"

using namespace tannha;
using namespace tannha::bot;

namespace {

using test::fixture;

struct app_fixture {
  metrics m;
  std::vector<handlers::incoming_message> seen;
  handlers::dispatch_outcome next = handlers::dispatch_outcome::processed;
  bool throw_next = false;
  bool healthy = true;
  int woken = 0;
  webhook_app app;

  explicit app_fixture(platform_kind kind = platform_kind::zalo, std::string secret = "s3cret-token")
      : app(server_config{}, kind, std::move(secret),
            [this](const handlers::incoming_message& msg) {
              if (throw_next) throw std::runtime_error("database is locked");
              seen.push_back(msg);
              return next;
            },
            [this] { return healthy; }, m) {
    log_threshold() = log_level::off;
    app.set_on_dispatched([this] { ++woken; });
  }

  http_request post(std::string body, std::string_view header = "X-Bot-Api-Secret-Token",
                    std::string_view secret = "s3cret-token", std::string target = "/webhook") {
    http_request req{http::verb::post, target, 11};
    if (!header.empty()) req.set(header, secret);
    req.set(http::field::content_type, "application/json");
    req.body() = std::move(body);
    req.prepare_payload();
    return req;
  }
  http_request get(std::string target) {
    http_request req{http::verb::get, target, 11};
    req.prepare_payload();
    return req;
  }
};

}  // namespace

TEST_CASE("webhook: a valid Zalo post reaches the dispatcher decoded and gets 200 ok") {
  app_fixture f;
  auto res = f.app.handle(f.post(fixture("zalo_group_text_toplevel.json")));
  CHECK(res.result() == http::status::ok);
  CHECK(res.body() == R"({"ok":true})");
  REQUIRE(f.seen.size() == 1);
  CHECK(f.seen[0].text == "@Tận Nhà /quahan");
  CHECK(f.seen[0].chat_id == "a1b2c3d4e5f60718293a");
  CHECK(f.seen[0].platform == "zalo");
  CHECK(f.woken == 1);
  CHECK(f.m.counter_value("updates_total", {{"result", "processed"}}) == 1);
}

TEST_CASE("webhook: a wrong or missing secret is 401 and nothing is dispatched") {
  app_fixture f;
  CHECK(f.app.handle(f.post(fixture("zalo_group_text_toplevel.json"), "X-Bot-Api-Secret-Token", "wrong")).result() ==
        http::status::unauthorized);
  CHECK(f.app.handle(f.post(fixture("zalo_group_text_toplevel.json"), "")).result() == http::status::unauthorized);
  // A prefix of the secret, or the secret with more after it, is not the secret.
  CHECK(f.app.handle(f.post("{}", "X-Bot-Api-Secret-Token", "s3cret")).result() == http::status::unauthorized);
  CHECK(f.app.handle(f.post("{}", "X-Bot-Api-Secret-Token", "s3cret-token2")).result() == http::status::unauthorized);
  // Telegram's header name does not count for Zalo.
  CHECK(f.app.handle(f.post("{}", "X-Telegram-Bot-Api-Secret-Token")).result() == http::status::unauthorized);
  CHECK(f.seen.empty());
  CHECK(f.m.counter_value("updates_total", {{"result", "unauthorized"}}) == 5);
}

TEST_CASE("webhook: secret_ok compares whole values only") {
  app_fixture f;
  CHECK(f.app.secret_ok("s3cret-token"));
  CHECK_FALSE(f.app.secret_ok(""));
  CHECK_FALSE(f.app.secret_ok("s3cret-tokeN"));
  app_fixture no_secret(platform_kind::telegram, "");
  CHECK_FALSE(no_secret.app.secret_ok(""));  // zalo/telegram without a secret refuse everything
  app_fixture console(platform_kind::console, "");
  CHECK(console.app.secret_ok(""));
}

TEST_CASE("webhook: header names are case-insensitive and console accepts either platform's") {
  app_fixture f(platform_kind::console, "abc");
  CHECK(f.app.handle(f.post(fixture("telegram_private_text.json"), "x-telegram-bot-api-secret-token", "abc")).result() ==
        http::status::ok);
  CHECK(f.app.handle(f.post(fixture("zalo_image.json"), "X-Bot-Api-Secret-Token", "abc")).result() == http::status::ok);
  REQUIRE(f.seen.size() == 2);
  CHECK(f.seen[0].platform == "telegram");
  CHECK(f.seen[1].platform == "zalo");
}

TEST_CASE("webhook: a malformed body is 400 and is not dispatched") {
  app_fixture f;
  for (std::string body : {"", "nope", "[]", R"({"event_name":"message.text.received","message":"x"})"}) {
    CAPTURE(body);
    CHECK(f.app.handle(f.post(body)).result() == http::status::bad_request);
  }
  CHECK(f.seen.empty());
  CHECK(f.m.counter_value("updates_total", {{"result", "malformed"}}) == 4);
}

TEST_CASE("webhook: ignored updates, duplicates and unknown groups still get 200") {
  app_fixture f(platform_kind::telegram, "s3cret-token");
  auto edited = R"({"update_id":1,"edited_message":{"message_id":1}})";
  CHECK(f.app.handle(f.post(edited, "X-Telegram-Bot-Api-Secret-Token")).result() == http::status::ok);
  CHECK(f.seen.empty());

  f.next = handlers::dispatch_outcome::duplicate;
  CHECK(f.app.handle(f.post(fixture("telegram_group_command.json"), "X-Telegram-Bot-Api-Secret-Token")).result() ==
        http::status::ok);
  f.next = handlers::dispatch_outcome::unknown_chat;
  CHECK(f.app.handle(f.post(fixture("telegram_group_command.json"), "X-Telegram-Bot-Api-Secret-Token")).result() ==
        http::status::ok);
  CHECK(f.seen.size() == 2);
  CHECK(f.woken == 1);  // the unknown-group note is a reply; a duplicate queues nothing
  CHECK(f.m.counter_value("updates_total", {{"result", "ignored"}}) == 1);
  CHECK(f.m.counter_value("updates_total", {{"result", "duplicate"}}) == 1);
  CHECK(f.m.counter_value("updates_total", {{"result", "unknown_chat"}}) == 1);
}

TEST_CASE("webhook: a dispatcher exception is 500 so the platform redelivers, and serving goes on") {
  app_fixture f;
  f.throw_next = true;
  auto res = f.app.handle(f.post(fixture("zalo_group_text_toplevel.json")));
  CHECK(res.result() == http::status::internal_server_error);
  f.throw_next = false;
  CHECK(f.app.handle(f.post(fixture("zalo_group_text_toplevel.json"))).result() == http::status::ok);
  CHECK(f.seen.size() == 1);
}

TEST_CASE("webhook: a body over the limit is 413") {
  app_fixture f;
  std::string big(f.app.config().body_limit + 1, ' ');
  CHECK(f.app.handle(f.post(big)).result() == http::status::payload_too_large);
  CHECK(f.seen.empty());
  CHECK(f.m.counter_value("updates_total", {{"result", "too_large"}}) == 1);
}

TEST_CASE("webhook: wrong method is 405, unknown path is 404") {
  app_fixture f;
  auto res = f.app.handle(f.get("/webhook"));
  CHECK(res.result() == http::status::method_not_allowed);
  CHECK(res[http::field::allow] == "POST");
  CHECK(f.app.handle(f.get("/nope")).result() == http::status::not_found);
  CHECK(f.app.handle(f.post("{}", "X-Bot-Api-Secret-Token", "s3cret-token", "/webhook2")).result() ==
        http::status::not_found);
  // A query string does not change the route.
  CHECK(f.app.handle(f.post(fixture("zalo_image.json"), "X-Bot-Api-Secret-Token", "s3cret-token", "/webhook?x=1"))
            .result() == http::status::ok);
}

TEST_CASE("webhook: healthz follows the health callback") {
  app_fixture f;
  auto ok = f.app.handle(f.get("/healthz"));
  CHECK(ok.result() == http::status::ok);
  CHECK(ok.body() == "ok\n");
  f.healthy = false;
  CHECK(f.app.handle(f.get("/healthz")).result() == http::status::service_unavailable);
}

TEST_CASE("webhook: metrics render Prometheus text with the counters") {
  app_fixture f;
  f.app.handle(f.post(fixture("zalo_group_text_toplevel.json")));
  f.app.handle(f.post("junk"));
  f.m.gauge_callback("outbox_pending", "Pending.", [] { return 3.0; });
  auto res = f.app.handle(f.get("/metrics"));
  CHECK(res.result() == http::status::ok);
  CHECK(res[http::field::content_type].starts_with("text/plain; version=0.0.4"));
  const auto& b = res.body();
  CHECK(b.find("# TYPE tannha_updates_total counter") != std::string::npos);
  CHECK(b.find("tannha_updates_total{result=\"processed\"} 1\n") != std::string::npos);
  CHECK(b.find("tannha_updates_total{result=\"malformed\"} 1\n") != std::string::npos);
  CHECK(b.find("tannha_http_requests_total{code=\"400\"} 1\n") != std::string::npos);
  CHECK(b.find("tannha_webhook_seconds_count 2\n") != std::string::npos);
  CHECK(b.find("tannha_webhook_seconds_bucket{le=\"+Inf\"} 2\n") != std::string::npos);
  CHECK(b.find("tannha_outbox_pending 3\n") != std::string::npos);
}

TEST_CASE("metrics: label values are escaped and histograms are cumulative") {
  metrics m;
  m.inc("commands_total", {{"name", "a\"b\\c\nd"}});
  m.observe("send_seconds", 0.003);
  m.observe("send_seconds", 0.2);
  m.observe("send_seconds", 100);
  auto text = m.render();
  CHECK(text.find(R"(tannha_commands_total{name="a\"b\\c\nd"} 1)") != std::string::npos);
  CHECK(text.find("tannha_send_seconds_bucket{le=\"0.005\"} 1\n") != std::string::npos);
  CHECK(text.find("tannha_send_seconds_bucket{le=\"0.25\"} 2\n") != std::string::npos);
  CHECK(text.find("tannha_send_seconds_bucket{le=\"30\"} 2\n") != std::string::npos);
  CHECK(text.find("tannha_send_seconds_bucket{le=\"+Inf\"} 3\n") != std::string::npos);
  CHECK(m.histogram_count("send_seconds") == 3);
}

TEST_CASE("webhook: updates accepted together are dispatched in one call, each answered 200, the relay woken once") {
  app_fixture f;
  std::vector<std::size_t> batches;
  f.app.set_batch_dispatch([&](std::span<const handlers::incoming_message* const> msgs) {
    batches.push_back(msgs.size());
    return std::vector<handlers::dispatch_outcome>(msgs.size(), handlers::dispatch_outcome::processed);
  });
  auto zalo = fixture("zalo_group_text_toplevel.json");
  std::vector<pending_update> pending;
  for (int i = 0; i < 3; ++i) {
    auto step = f.app.accept(f.post(zalo));
    REQUIRE(std::holds_alternative<pending_update>(step));
    pending.push_back(std::move(std::get<pending_update>(step)));
  }
  // A malformed body and /healthz are answered at once, without the dispatcher.
  CHECK(std::get<http_response>(f.app.accept(f.post("{not json"))).result() == http::status::bad_request);
  CHECK(std::get<http_response>(f.app.accept(f.get("/healthz"))).result() == http::status::ok);
  std::vector<pending_update*> batch;
  for (auto& p : pending) batch.push_back(&p);
  f.app.dispatch_pending(batch);
  CHECK(batches == std::vector<std::size_t>{3});
  for (auto& p : pending) {
    CHECK(p.response.result() == http::status::ok);
    CHECK(p.response.body() == R"({"ok":true})");
  }
  CHECK(f.woken == 1);
  CHECK(f.m.counter_value("updates_total", {{"result", "processed"}}) == 3);
}

TEST_CASE("webhook: a batch the database refuses is 500 for every update in it, and the next batch goes on") {
  app_fixture f;
  bool refuse = true;
  f.app.set_batch_dispatch([&](std::span<const handlers::incoming_message* const> msgs) {
    if (refuse) throw std::runtime_error("database is locked");
    return std::vector<handlers::dispatch_outcome>(msgs.size(), handlers::dispatch_outcome::processed);
  });
  auto zalo = fixture("zalo_group_text_toplevel.json");
  auto a = std::get<pending_update>(f.app.accept(f.post(zalo)));
  auto b = std::get<pending_update>(f.app.accept(f.post(zalo)));
  pending_update* batch[] = {&a, &b};
  f.app.dispatch_pending(batch);
  CHECK(a.response.result() == http::status::internal_server_error);
  CHECK(b.response.result() == http::status::internal_server_error);
  CHECK_FALSE(a.response.keep_alive());
  CHECK(f.woken == 0);
  CHECK(f.m.counter_value("updates_total", {{"result", "failed"}}) == 2);
  refuse = false;
  CHECK(f.app.handle(f.post(zalo)).result() == http::status::ok);
}

TEST_CASE("log limiter: a few lines per window pass, the rest are counted and reported on the next line") {
  log::limiter lim(2, std::chrono::seconds{60});
  const auto t0 = log::limiter::clock::time_point{} + std::chrono::hours{1};
  CHECK(lim.allow(t0) == std::optional<std::size_t>{0});
  CHECK(lim.allow(t0 + std::chrono::seconds{1}) == std::optional<std::size_t>{0});
  CHECK_FALSE(lim.allow(t0 + std::chrono::seconds{2}).has_value());
  CHECK_FALSE(lim.allow(t0 + std::chrono::seconds{59}).has_value());
  // A new window: the first line says how many were held back.
  CHECK(lim.allow(t0 + std::chrono::seconds{60}) == std::optional<std::size_t>{2});
  CHECK(lim.allow(t0 + std::chrono::seconds{61}) == std::optional<std::size_t>{0});
}

TEST_CASE("webhook: a flood of wrong secrets is refused and counted, but logs only a few lines") {
  app_fixture f;
  log_threshold() = log_level::info;
  const auto log = test::stderr_of([&] {
    for (int i = 0; i < 200; ++i)
      CHECK(f.app.handle(f.post("{}", "X-Bot-Api-Secret-Token", "guess-" + std::to_string(i))).result() ==
            http::status::unauthorized);
  });
  log_threshold() = log_level::off;
  CHECK(f.m.counter_value("updates_total", {{"result", "unauthorized"}}) == 200);
  std::size_t lines = 0;
  for (std::size_t at = log.find("result=unauthorized"); at != std::string::npos; at = log.find("result=unauthorized", at + 1))
    ++lines;
  CHECK(lines >= 1);
  CHECK(lines <= 5);
  CHECK(log.find("guess-") == std::string::npos);  // the wrong secret itself is never logged
}
