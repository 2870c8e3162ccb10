// The route table: method + path → a plain function of the request, tested without sockets.
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "bot/routes.hpp"

using namespace tannha;
using namespace tannha::bot;

namespace {

http_request request(http::verb method, std::string target, std::string body = {}) {
  http_request req{method, target, 11};
  req.body() = std::move(body);
  req.prepare_payload();
  return req;
}

// A handler that answers with its own name, so a test sees which row was taken.
route row(http::verb method, std::string path, std::string name, metrics& m) {
  return {method, std::move(path), [name, &m](const http_request& req) -> route_step {
            return respond(m, http::status::ok, req.version(), req.keep_alive(), name, "text/plain");
          },
          nullptr};
}

}  // namespace

TEST_CASE("routes: a request goes to the row of its method and path, whatever its query string") {
  metrics m;
  route_table t(1024, m);
  t.add(row(http::verb::get, "/a", "get a", m));
  t.add(row(http::verb::post, "/a", "post a", m));
  t.add(row(http::verb::get, "/b", "get b", m));
  CHECK(t.handle(request(http::verb::get, "/a")).body() == "get a");
  CHECK(t.handle(request(http::verb::post, "/a", "x")).body() == "post a");
  CHECK(t.handle(request(http::verb::get, "/b?x=1")).body() == "get b");
  CHECK(m.counter_value("http_requests_total", {{"code", "200"}}) == 3);
}

TEST_CASE("routes: a path no row has is 404") {
  metrics m;
  route_table t(1024, m);
  t.add(row(http::verb::get, "/a", "get a", m));
  auto res = t.handle(request(http::verb::get, "/a/"));
  CHECK(res.result() == http::status::not_found);
  CHECK(t.handle(request(http::verb::get, "/")).result() == http::status::not_found);
  CHECK(res.keep_alive());
  CHECK(m.counter_value("http_requests_total", {{"code", "404"}}) == 2);
}

TEST_CASE("routes: a known path with another method is 405, with the path's methods in Allow") {
  metrics m;
  route_table t(1024, m);
  t.add(row(http::verb::get, "/a", "get a", m));
  t.add(row(http::verb::put, "/a", "put a", m));
  auto res = t.handle(request(http::verb::delete_, "/a"));
  CHECK(res.result() == http::status::method_not_allowed);
  CHECK(res[http::field::allow] == "GET, PUT");
  std::string allow;
  CHECK(t.find(http::verb::get, "/a", &allow) != nullptr);
  CHECK(t.find(http::verb::post, "/a") == nullptr);
}

TEST_CASE("routes: a row's header check refuses before the body, and a long Content-Length is 413") {
  metrics m;
  route_table t(100, m);
  route guarded = row(http::verb::post, "/in", "in", m);
  guarded.check_header = [&m](const http::request_header<>& h) -> std::optional<http_response> {
    if (h["X-Key"] == "k") return std::nullopt;
    return respond(m, http::status::unauthorized, h.version(), false, "no", "text/plain");
  };
  t.add(guarded);
  auto post = request(http::verb::post, "/in", "x");
  CHECK(t.check_header(post.base())->result() == http::status::unauthorized);
  post.set("X-Key", "k");
  CHECK_FALSE(t.check_header(post.base()).has_value());
  CHECK(t.handle(post).body() == "in");
  // A guarded path refuses a wrong method from the header alone, and closes.
  auto get = request(http::verb::get, "/in");
  auto refused = t.check_header(get.base());
  REQUIRE(refused.has_value());
  CHECK(refused->result() == http::status::method_not_allowed);
  CHECK((*refused)[http::field::allow] == "POST");
  CHECK_FALSE(refused->keep_alive());
  auto big = request(http::verb::post, "/in", std::string(101, 'x'));
  big.set("X-Key", "k");
  CHECK(t.check_header(big.base())->result() == http::status::payload_too_large);
}

TEST_CASE("routes: an update a handler returns is committed by the table's commit function") {
  metrics m;
  route_table t(1024, m);
  t.add({http::verb::post, "/u", [](const http_request& req) -> route_step {
           pending_update p;
           p.message.text = req.body();
           p.version = req.version();
           return p;
         },
         nullptr});
  // Without a commit function nothing can be kept: 500.
  CHECK(t.handle(request(http::verb::post, "/u", "one")).result() == http::status::internal_server_error);
  std::vector<std::string> committed;
  t.set_commit([&](std::span<pending_update* const> batch) {
    for (auto* p : batch) {
      committed.push_back(p->message.text);
      p->response = respond(m, http::status::ok, p->version, true, "kept", "text/plain");
    }
  });
  CHECK(t.handle(request(http::verb::post, "/u", "two")).body() == "kept");
  CHECK(committed == std::vector<std::string>{"two"});
}

namespace {

http_request metrics_request(std::optional<std::string> authorization) {
  auto req = request(http::verb::get, "/metrics");
  if (authorization) req.set(http::field::authorization, *authorization);
  return req;
}

// The answer of a table holding only the /metrics row, as the transport gets it: the header
// check first (before any body byte), then the whole request.
http_response scrape(route_table& t, const http_request& req) {
  if (auto early = t.check_header(req.base())) return std::move(*early);
  return t.handle(req);
}

}  // namespace

TEST_CASE("metrics: with a token, a scrape without an Authorization header is 401") {
  metrics m;
  route_table t(1024, m);
  t.add(metrics_route(m, "s3cret-token"));
  auto res = scrape(t, metrics_request(std::nullopt));
  CHECK(res.result() == http::status::unauthorized);
  CHECK(res[http::field::www_authenticate] == "Bearer realm=\"metrics\"");
  CHECK(res.body().find("tannha_") == std::string::npos);
  // Also when the request is handed over whole, without the header step.
  CHECK(t.handle(metrics_request(std::nullopt)).result() == http::status::unauthorized);
  CHECK(m.counter_value("http_requests_total", {{"code", "401"}}) == 2);
}

TEST_CASE("metrics: with a token, a wrong token or another scheme is 401") {
  metrics m;
  route_table t(1024, m);
  t.add(metrics_route(m, "s3cret-token"));
  for (const char* h : {"Bearer wrong", "Bearer s3cret-toke", "Bearer s3cret-token2", "Bearer ", "s3cret-token",
                        "Basic s3cret-token", "Token s3cret-token"}) {
    CAPTURE(h);
    auto res = scrape(t, metrics_request(h));
    CHECK(res.result() == http::status::unauthorized);
    CHECK(res.body().find("tannha_") == std::string::npos);
  }
}

TEST_CASE("metrics: with a token, the right Bearer token gets the Prometheus text") {
  metrics m;
  m.inc("updates_total", {{"result", "processed"}});
  route_table t(1024, m);
  t.add(metrics_route(m, "s3cret-token"));
  for (const char* h : {"Bearer s3cret-token", "bearer s3cret-token", "BEARER  s3cret-token "}) {
    CAPTURE(h);
    auto res = scrape(t, metrics_request(h));
    CHECK(res.result() == http::status::ok);
    CHECK(res[http::field::content_type] == "text/plain; version=0.0.4; charset=utf-8");
    CHECK(res.body().find("tannha_updates_total{result=\"processed\"} 1") != std::string::npos);
  }
}

TEST_CASE("metrics: without a token, /metrics stays open as before") {
  metrics m;
  m.inc("updates_total", {{"result", "processed"}});
  route_table t(1024, m);
  t.add(metrics_route(m));
  for (std::optional<std::string> h : {std::optional<std::string>{}, std::optional<std::string>{"Bearer anything"}}) {
    auto res = scrape(t, metrics_request(h));
    CHECK(res.result() == http::status::ok);
    CHECK(res.body().find("tannha_updates_total{result=\"processed\"} 1") != std::string::npos);
  }
}

TEST_CASE("metrics: the app's /metrics takes its token from [server] metrics_token") {
  metrics m;
  server_config cfg;
  cfg.metrics_token = "from-config";
  webhook_app app(cfg, platform_kind::console, "", nullptr, nullptr, m);
  CHECK(scrape(app.routes(), metrics_request(std::nullopt)).result() == http::status::unauthorized);
  CHECK(scrape(app.routes(), metrics_request("Bearer from-config")).result() == http::status::ok);
  // The other routes are untouched by it.
  CHECK(app.handle(request(http::verb::get, "/healthz")).result() == http::status::ok);
}

TEST_CASE("hashed_secret: matches only the same bytes; an empty secret matches nothing") {
  hashed_secret s("abc");
  CHECK(s.matches("abc"));
  CHECK_FALSE(s.matches("abd"));
  CHECK_FALSE(s.matches("ab"));
  CHECK_FALSE(s.matches(""));
  hashed_secret none("");
  CHECK(none.empty());
  CHECK_FALSE(none.matches(""));
}
