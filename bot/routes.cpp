#include "bot/routes.hpp"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <charconv>
#include <cstdint>
#include <memory>

#include "bot/log.hpp"

namespace tannha::bot {

namespace {
constexpr std::string_view text_plain = "text/plain; charset=utf-8";
constexpr std::string_view json_type = "application/json";
}  // namespace

std::string_view path_of(std::string_view target) {
  auto q = target.find('?');
  return q == std::string_view::npos ? target : target.substr(0, q);
}

http_response respond(metrics& m, http::status status, unsigned version, bool keep_alive, std::string body,
                      std::string_view content_type) {
  http_response res{status, version};
  res.set(http::field::server, "tannha");
  res.set(http::field::content_type, content_type);
  res.keep_alive(keep_alive);
  res.body() = std::move(body);
  res.prepare_payload();
  m.inc("http_requests_total", {{"code", std::to_string(static_cast<unsigned>(status))}});
  return res;
}

http_response error_response(metrics& m, http::status status, unsigned version) {
  std::string body = std::to_string(static_cast<unsigned>(status)) + " " + std::string(http::obsolete_reason(status));
  if (status == http::status::payload_too_large) m.inc("updates_total", {{"result", "too_large"}});
  return respond(m, status, version, false, body + "\n", text_plain);
}

// ---------------------------------------------------------------------------------------------
// route_table

route_table::route_table(std::size_t body_limit, metrics& m) : body_limit_(body_limit), metrics_(m) {}

void route_table::add(route r) { rows_.push_back(std::move(r)); }

bool route_table::checks_header(std::string_view path) const {
  for (const auto& r : rows_)
    if (r.path == path && r.check_header) return true;
  return false;
}

const route* route_table::find(http::verb method, std::string_view path, std::string* allow) const {
  const route* found = nullptr;
  for (const auto& r : rows_) {
    const bool prefix_match = r.prefix && path.size() > r.path.size() && path.starts_with(r.path);
    if (r.path != path && !prefix_match) continue;
    if (r.method == method && !found) found = &r;
    if (allow) {
      if (!allow->empty()) *allow += ", ";
      *allow += std::string(http::to_string(r.method));
    }
  }
  return found;
}

std::optional<http_response> route_table::check_header(const http::request_header<>& h) {
  auto path = path_of(h.target());
  // Paths with a header check (the webhook) are decided before their body is read: a wrong
  // method or secret closes the connection with the body unread.
  if (checks_header(path)) {
    std::string allow;
    const route* row = find(h.method(), path, &allow);
    if (!row) {
      auto res = respond(metrics_, http::status::method_not_allowed, h.version(), false, "405 Method Not Allowed\n",
                         text_plain);
      res.set(http::field::allow, allow);
      return res;
    }
    if (row->check_header) {
      if (auto refused = row->check_header(h)) return refused;
    }
  }
  auto cl = h.find(http::field::content_length);
  if (cl != h.end()) {
    std::uint64_t n = 0;
    auto v = cl->value();
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec == std::errc{} && p == v.data() + v.size() && n > body_limit_) {
      return error_response(http::status::payload_too_large, h.version());
    }
  }
  return std::nullopt;
}

route_step route_table::accept(const http_request& req) {
  auto path = path_of(req.target());
  std::string allow;
  const route* row = find(req.method(), path, &allow);
  if (allow.empty()) {
    return respond(metrics_, http::status::not_found, req.version(), req.keep_alive(), "404 Not Found\n", text_plain);
  }
  // Checked again here, so that a request handed over whole is judged as one read from a socket.
  if (checks_header(path)) {
    if (auto early = check_header(req.base())) return std::move(*early);
  }
  if (!row) {
    auto res = respond(metrics_, http::status::method_not_allowed, req.version(), req.keep_alive(),
                       "405 Method Not Allowed\n", text_plain);
    res.set(http::field::allow, allow);
    return res;
  }
  return row->handle(req);
}

http_response route_table::handle(const http_request& req) {
  auto step = accept(req);
  if (auto* res = std::get_if<http_response>(&step)) return std::move(*res);
  auto& pending = std::get<pending_update>(step);
  pending_update* one[] = {&pending};
  commit(one);
  return std::move(pending.response);
}

void route_table::commit(std::span<pending_update* const> batch) {
  if (commit_) {
    commit_(batch);
    return;
  }
  for (auto* p : batch) p->response = error_response(http::status::internal_server_error, p->version);
}

// ---------------------------------------------------------------------------------------------
// /healthz, /metrics

route healthz_route(std::function<bool()> healthy, metrics& m) {
  std::function<std::string()> problem;
  if (healthy) problem = [healthy = std::move(healthy)]() -> std::string { return healthy() ? "" : "unavailable"; };
  return healthz_problem_route(std::move(problem), m);
}

route healthz_problem_route(std::function<std::string()> problem, metrics& m) {
  return {http::verb::get, "/healthz", [problem = std::move(problem), &m](const http_request& req) -> route_step {
            std::string word;
            try {
              if (problem) word = problem();
            } catch (...) {
              word = "unavailable";
            }
            return word.empty() ? respond(m, http::status::ok, req.version(), req.keep_alive(), "ok\n", text_plain)
                                : respond(m, http::status::service_unavailable, req.version(), req.keep_alive(),
                                          word + "\n", text_plain);
          },
          nullptr};
}

hashed_secret::hashed_secret(std::string secret) : empty_(secret.empty()) {
  SHA256(reinterpret_cast<const unsigned char*>(secret.data()), secret.size(), digest_);
  OPENSSL_cleanse(secret.data(), secret.size());
}

bool hashed_secret::matches(std::string_view candidate) const {
  if (empty_) return false;
  unsigned char digest[32];
  SHA256(reinterpret_cast<const unsigned char*>(candidate.data()), candidate.size(), digest);
  return CRYPTO_memcmp(digest, digest_, sizeof digest) == 0;
}

namespace {

// The credentials of "Authorization: Bearer <token>" (the scheme is case-insensitive, RFC 9110
// §11.1), or nullopt when the header is missing or of another scheme.
std::optional<std::string_view> bearer_token(const http::request_header<>& h) {
  auto it = h.find(http::field::authorization);
  if (it == h.end()) return std::nullopt;
  std::string_view v = it->value();
  constexpr std::string_view scheme = "bearer ";
  if (v.size() < scheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    char c = v[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != scheme[i]) return std::nullopt;
  }
  v.remove_prefix(scheme.size());
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  return v;
}

}  // namespace

route metrics_route(metrics& m, std::string token) {
  std::function<std::optional<http_response>(const http::request_header<>&)> check;
  if (!token.empty()) {
    // Shared by the row's copies; the token itself is not kept.
    auto secret = std::make_shared<const hashed_secret>(std::move(token));
    check = [secret, &m](const http::request_header<>& h) -> std::optional<http_response> {
      auto given = bearer_token(h);
      if (given && secret->matches(*given)) return std::nullopt;
      log_warn("metrics", {{"result", "unauthorized"}, {"header", given ? "wrong" : "missing"}});
      auto res = respond(m, http::status::unauthorized, h.version(), false, "401 Unauthorized\n", text_plain);
      res.set(http::field::www_authenticate, "Bearer realm=\"metrics\"");
      return res;
    };
  }
  return {http::verb::get, "/metrics", [&m](const http_request& req) -> route_step {
            // Counted before rendering so the scrape that sees it is this one.
            m.inc("http_requests_total", {{"code", "200"}});
            http_response res{http::status::ok, req.version()};
            res.set(http::field::server, "tannha");
            res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
            res.keep_alive(req.keep_alive());
            res.body() = m.render();
            res.prepare_payload();
            return res;
          },
          std::move(check)};
}

// ---------------------------------------------------------------------------------------------
// /webhook

webhook_route::webhook_route(std::string path, std::size_t body_limit, platform_kind kind, std::string secret,
                             intake& in, metrics& m)
    : path_(std::move(path)),
      body_limit_(body_limit),
      kind_(kind),
      secret_(std::move(secret)),
      intake_(in),
      metrics_(m) {}

bool webhook_route::secret_ok(std::string_view header_value) const {
  if (secret_.empty()) return kind_ == platform_kind::console;
  return secret_.matches(header_value);
}

std::optional<http_response> webhook_route::check_header(const http::request_header<>& h) {
  std::optional<std::string_view> secret;
  for (auto name : secret_header_names(kind_)) {
    auto it = h.find(name);
    if (it != h.end()) {
      secret = it->value();
      break;
    }
  }
  if (secret && secret_ok(*secret)) return std::nullopt;
  intake_.count("unauthorized");
  if (auto suppressed = unauthorized_log_.allow(std::chrono::steady_clock::now()))
    log_warn("update", {{"result", "unauthorized"},
                        {"platform", to_string(kind_)},
                        {"header", secret ? "wrong" : "missing"},
                        {"suppressed", *suppressed}});
  return respond(metrics_, http::status::unauthorized, h.version(), false, "{\"ok\":false}", json_type);
}

route_step webhook_route::handle(const http_request& req) {
  auto started = std::chrono::steady_clock::now();
  unsigned v = req.version();
  bool ka = req.keep_alive();
  auto timed = [&](http_response r) {
    std::chrono::duration<double> d = std::chrono::steady_clock::now() - started;
    metrics_.observe("webhook_seconds", d.count());
    return r;
  };
  if (req.body().size() > body_limit_) return error_response(metrics_, http::status::payload_too_large, v);

  auto decoded = intake_.decode(req.body(), "webhook");
  if (auto* r = std::get_if<update_result>(&decoded)) {
    if (*r == update_result::malformed) return timed(respond(metrics_, http::status::bad_request, v, ka, "{\"ok\":false}", json_type));
    return timed(respond(metrics_, http::status::ok, v, ka, "{\"ok\":true}", json_type));
  }
  pending_update p;
  p.message = std::move(std::get<handlers::incoming_message>(decoded));
  p.version = v;
  p.keep_alive = ka;
  p.started = started;
  return p;
}

void webhook_route::dispatch_pending(std::span<pending_update* const> batch) {
  std::vector<const handlers::incoming_message*> msgs;
  msgs.reserve(batch.size());
  for (auto* p : batch) msgs.push_back(&p->message);
  auto results = intake_.dispatch_all(msgs, "webhook");
  metrics_.inc("webhook_batches_total");
  auto now = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < batch.size(); ++i) {
    auto& p = *batch[i];
    std::chrono::duration<double> d = now - p.started;
    metrics_.observe("webhook_seconds", d.count());
    if (results[i] == update_result::busy) {
      // Nothing kept: the platform delivers it again; Retry-After says when it may.
      p.response = respond(metrics_, http::status::service_unavailable, p.version, p.keep_alive, "{\"ok\":false}",
                           json_type);
      p.response.set(http::field::retry_after, "2");
      continue;
    }
    p.response = results[i] == update_result::failed
                     ? respond(metrics_, http::status::internal_server_error, p.version, false, "{\"ok\":false}", json_type)
                     : respond(metrics_, http::status::ok, p.version, p.keep_alive, "{\"ok\":true}", json_type);
  }
}

route webhook_route::row() {
  return {http::verb::post, path_, [this](const http_request& req) { return handle(req); },
          [this](const http::request_header<>& h) { return check_header(h); }};
}

// ---------------------------------------------------------------------------------------------
// webhook_app

webhook_app::webhook_app(server_config cfg, platform_kind kind, std::string secret, intake::dispatch_fn dispatch,
                         std::function<bool()> healthy, metrics& m)
    : cfg_(std::move(cfg)),
      intake_(kind, std::move(dispatch), m),
      webhook_(cfg_.webhook_path, cfg_.body_limit, kind, std::move(secret), intake_, m),
      routes_(cfg_.body_limit, m) {
  routes_.add(webhook_.row());
  if (healthy) problem_ = [healthy = std::move(healthy)]() -> std::string { return healthy() ? "" : "unavailable"; };
  routes_.add(healthz_problem_route([this] { return problem_ ? problem_() : std::string(); }, m));
  routes_.add(metrics_route(m, cfg_.metrics_token));
  routes_.set_commit([this](std::span<pending_update* const> batch) { webhook_.dispatch_pending(batch); });
}

}  // namespace tannha::bot
