#pragma once
#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/verb.hpp>

#include "bot/config.hpp"
#include "bot/intake.hpp"
#include "bot/metrics.hpp"
#include "bot/platform.hpp"
#include "log/limiter.hpp"
#include "handlers/incoming_message.hpp"

namespace tannha::bot {

namespace http = boost::beast::http;

/// A request as the routes see it.
using http_request = http::request<http::string_body>;
/// A response of a route.
using http_response = http::response<http::string_body>;

/// A webhook post that passed every check and decoded to an update, waiting for the
/// dispatcher (the server gathers these into one transaction: group commit).
struct pending_update {
  handlers::incoming_message message;
  unsigned version = 11;
  bool keep_alive = true;
  std::chrono::steady_clock::time_point started{};
  http_response response;  ///< the answer, set by the commit (route_table::commit())
};

/// What a route decided: the answer now, or an update to commit first.
using route_step = std::variant<http_response, pending_update>;

/// One row of the route table: method + path → handler, a plain function of the request.
struct route {
  http::verb method = http::verb::get;
  std::string path;  ///< matched exactly, without the query string
  std::function<route_step(const http_request&)> handle;
  /// Optional: decides from the header alone, before any body byte is read (a secret); an
  /// answer refuses the request. A path with such a row also has its method checked then.
  std::function<std::optional<http_response>(const http::request_header<>&)> check_header;
  /// Also matches every longer path that begins with `path` (`/web/hoso/` serves /web/hoso/12).
  bool prefix = false;
};

/// The header the transport sets on every request to the client's address (replacing any the
/// client sent), for per-address limits; never logged.
inline constexpr std::string_view peer_header = "X-Tannha-Peer";

/// A response with the server's headers, counted in http_requests_total by code.
http_response respond(metrics& m, http::status status, unsigned version, bool keep_alive, std::string body,
                      std::string_view content_type);
/// A bare error answer ("413 Payload Too Large"), closing the connection; counted, and a 413
/// also in updates_total{result="too_large"}.
http_response error_response(metrics& m, http::status status, unsigned version);
/// The path of a request target (what comes before '?').
std::string_view path_of(std::string_view target);

/// The table of routes: finds the row for a request (404 when no row has its path, 405 with
/// Allow when none has its method) and calls its handler. Free of sockets: the transport calls
/// check_header() before reading a body, accept() with the whole request, and commit() with the
/// updates gathered for one transaction.
class route_table {
 public:
  /// Sets the updates of a batch their responses (one transaction for the lot).
  using commit_fn = std::function<void(std::span<pending_update* const>)>;

  /// `body_limit`: a Content-Length over it is refused (413) before the body is read.
  route_table(std::size_t body_limit, metrics& m);

  /// Adds a row; rows of one path with different methods may stand side by side.
  void add(route r);
  /// Where updates returned by a handler are committed.
  void set_commit(commit_fn f) { commit_ = std::move(f); }

  /// The row for `method` on `path`, or nullptr; `allow` gets the methods the path has.
  const route* find(http::verb method, std::string_view path, std::string* allow = nullptr) const;

  /// The answer decided from the header alone — 405, 401, 413 — or nullopt to read the body.
  std::optional<http_response> check_header(const http::request_header<>& h);
  /// The answer to a complete request, or the decoded update to commit.
  route_step accept(const http_request& req);
  /// accept() followed, for an update, by commit() of it alone.
  http_response handle(const http_request& req);
  /// Commits the updates (see set_commit()); without a commit function each is answered 500.
  void commit(std::span<pending_update* const> batch);

  /// error_response() on this table's metrics.
  http_response error_response(http::status status, unsigned version) { return bot::error_response(metrics_, status, version); }
  metrics& stats() { return metrics_; }
  std::size_t body_limit() const { return body_limit_; }

 private:
  bool checks_header(std::string_view path) const;

  std::size_t body_limit_;
  metrics& metrics_;
  std::vector<route> rows_;
  commit_fn commit_;
};

/// A secret kept only as its SHA-256 digest and compared in constant time: both sides are
/// hashed first, so neither the content nor the length leaks through timing.
class hashed_secret {
 public:
  /// Keeps the digest of `secret` and wipes the copy.
  explicit hashed_secret(std::string secret);
  /// True when no secret was given.
  bool empty() const { return empty_; }
  /// True when `candidate` is the secret (false for any candidate when empty()).
  bool matches(std::string_view candidate) const;

 private:
  bool empty_;
  unsigned char digest_[32]{};
};

/// GET /healthz: 200 "ok" while `healthy()` says so (or is not set), else 503 "unavailable".
route healthz_route(std::function<bool()> healthy, metrics& m);
/// GET /healthz: 200 "ok" while `problem()` is empty (or not set), else 503 with its one word
/// ("writes", "relay"): nothing personal, nothing from the database.
route healthz_problem_route(std::function<std::string()> problem, metrics& m);
/// GET /metrics: the Prometheus text of `m`. With a `token`, only for requests carrying
/// `Authorization: Bearer <token>` (401 otherwise, decided from the header, compared in constant
/// time); without one, open to whoever reaches the listen address.
route metrics_route(metrics& m, std::string token = {});

/// POST {webhook_path}: the platform's updates. The secret header is checked before the body is
/// read; the body is decoded by the intake and committed in a batch (dispatch_pending()).
class webhook_route {
 public:
  /// `secret` empty: only the console platform accepts unauthenticated posts; zalo/telegram
  /// then refuse every post (401), since running without a secret is a misconfiguration.
  webhook_route(std::string path, std::size_t body_limit, platform_kind kind, std::string secret, intake& in,
                metrics& m);

  /// Compares with the configured secret in constant time (both sides hashed first, so
  /// neither the content nor the length leaks through timing).
  bool secret_ok(std::string_view header_value) const;
  /// 401 when the secret header is missing or wrong.
  std::optional<http_response> check_header(const http::request_header<>& h);
  /// 413, 400 (malformed), 200 (ignored), or the decoded update to commit.
  route_step handle(const http_request& req);
  /// Dispatches the updates through the intake and sets each one's response — 200 once
  /// committed, 500 when nothing could be kept.
  void dispatch_pending(std::span<pending_update* const> batch);
  /// This endpoint as a row of the table.
  route row();

 private:
  std::string path_;
  std::size_t body_limit_;
  platform_kind kind_;
  hashed_secret secret_;
  intake& intake_;
  metrics& metrics_;
  /// Refused posts are counted in updates_total; the log gets at most a few lines a minute.
  log::limiter unauthorized_log_{5, std::chrono::minutes{1}};
};

/// The bot's HTTP routes over one intake: /webhook (the updates), /healthz and /metrics. What
/// `serve` and `poll` hand to the transport (routes()) and the poller (updates()).
class webhook_app {
 public:
  webhook_app(server_config cfg, platform_kind kind, std::string secret, intake::dispatch_fn dispatch,
              std::function<bool()> healthy, metrics& m);
  webhook_app(const webhook_app&) = delete;
  webhook_app& operator=(const webhook_app&) = delete;

  /// Where updates go, from the webhook or from polling.
  intake& updates() { return intake_; }
  /// The table the transport serves.
  route_table& routes() { return routes_; }

  /// See intake::set_batch_dispatch().
  void set_batch_dispatch(intake::batch_dispatch_fn f) { intake_.set_batch_dispatch(std::move(f)); }
  /// See intake::set_on_dispatched().
  void set_on_dispatched(std::function<void()> f) { intake_.set_on_dispatched(std::move(f)); }
  /// What /healthz reports from now on: empty when healthy, else one word (replaces the
  /// constructor's `healthy`).
  void set_health(std::function<std::string()> problem) { problem_ = std::move(problem); }
  /// See webhook_route::secret_ok().
  bool secret_ok(std::string_view header_value) const { return webhook_.secret_ok(header_value); }
  /// See route_table::handle().
  http_response handle(const http_request& req) { return routes_.handle(req); }
  /// See route_table::accept().
  route_step accept(const http_request& req) { return routes_.accept(req); }
  /// See webhook_route::dispatch_pending().
  void dispatch_pending(std::span<pending_update* const> batch) { webhook_.dispatch_pending(batch); }
  const server_config& config() const { return cfg_; }

 private:
  server_config cfg_;
  std::function<std::string()> problem_;  // what /healthz reports (empty: ok)
  intake intake_;
  webhook_route webhook_;
  route_table routes_;
};

}  // namespace tannha::bot
