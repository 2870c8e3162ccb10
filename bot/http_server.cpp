#include "bot/http_server.hpp"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <exception>
#include <typeinfo>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "bot/log.hpp"

namespace tannha::bot {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using asio::awaitable;
using asio::use_awaitable;
constexpr auto as_tuple_awaitable = asio::as_tuple(use_awaitable);

namespace {

std::string_view path_of(std::string_view target) {
  auto q = target.find('?');
  return q == std::string_view::npos ? target : target.substr(0, q);
}

std::string_view outcome_name(handlers::dispatch_outcome o) {
  // Our own names (not handlers::to_string) so this file needs only the dispatcher's header.
  using handlers::dispatch_outcome;
  if (o == dispatch_outcome::processed) return "processed";
  if (o == dispatch_outcome::duplicate) return "duplicate";
  if (o == dispatch_outcome::ignored) return "ignored";
  if (o == dispatch_outcome::unknown_chat) return "unknown_chat";
  if (o == dispatch_outcome::failed) return "failed";
  return "other";
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// webhook_app

webhook_app::webhook_app(server_config cfg, platform_kind kind, std::string secret, dispatch_fn dispatch,
                         std::function<bool()> healthy, metrics& m)
    : cfg_(std::move(cfg)),
      kind_(kind),
      secret_empty_(secret.empty()),
      dispatch_(std::move(dispatch)),
      healthy_(std::move(healthy)),
      metrics_(m) {
  SHA256(reinterpret_cast<const unsigned char*>(secret.data()), secret.size(), secret_digest_);
  OPENSSL_cleanse(secret.data(), secret.size());
}

bool webhook_app::secret_ok(std::string_view header_value) const {
  if (secret_empty_) return kind_ == platform_kind::console;
  unsigned char digest[32];
  SHA256(reinterpret_cast<const unsigned char*>(header_value.data()), header_value.size(), digest);
  return CRYPTO_memcmp(digest, secret_digest_, sizeof digest) == 0;
}

std::optional<std::string_view> webhook_app::secret_header(const http::request_header<>& h) const {
  for (auto name : secret_header_names(kind_)) {
    auto it = h.find(name);
    if (it != h.end()) return it->value();
  }
  return std::nullopt;
}

void webhook_app::count_update(std::string_view result) {
  metrics_.inc("updates_total", {{"result", std::string(result)}});
}

http_response webhook_app::answer(http::status status, unsigned version, bool keep_alive, std::string body,
                                  std::string_view content_type) {
  http_response res{status, version};
  res.set(http::field::server, "tannha");
  res.set(http::field::content_type, content_type);
  res.keep_alive(keep_alive);
  res.body() = std::move(body);
  res.prepare_payload();
  metrics_.inc("http_requests_total", {{"code", std::to_string(static_cast<unsigned>(status))}});
  return res;
}

http_response webhook_app::error_response(http::status status, unsigned version) {
  std::string body = std::to_string(static_cast<unsigned>(status)) + " " + std::string(http::obsolete_reason(status));
  if (status == http::status::payload_too_large) count_update("too_large");
  return answer(status, version, false, body + "\n", "text/plain; charset=utf-8");
}

std::optional<http_response> webhook_app::check_header(const http::request_header<>& h) {
  auto path = path_of(h.target());
  if (path == cfg_.webhook_path) {
    if (h.method() != http::verb::post) {
      auto res = answer(http::status::method_not_allowed, h.version(), false, "405 Method Not Allowed\n",
                        "text/plain; charset=utf-8");
      res.set(http::field::allow, "POST");
      return res;
    }
    auto secret = secret_header(h);
    if (!secret || !secret_ok(*secret)) {
      count_update("unauthorized");
      log_warn("update", {{"result", "unauthorized"}, {"platform", to_string(kind_)},
                          {"header", secret ? "wrong" : "missing"}});
      return answer(http::status::unauthorized, h.version(), false, "{\"ok\":false}", "application/json");
    }
  }
  auto cl = h.find(http::field::content_length);
  if (cl != h.end()) {
    std::uint64_t n = 0;
    auto v = cl->value();
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec == std::errc{} && p == v.data() + v.size() && n > cfg_.body_limit) {
      return error_response(http::status::payload_too_large, h.version());
    }
  }
  return std::nullopt;
}

http_response webhook_app::handle(const http_request& req) {
  auto step = accept(req);
  if (auto* res = std::get_if<http_response>(&step)) return std::move(*res);
  auto& pending = std::get<pending_update>(step);
  pending_update* one[] = {&pending};
  dispatch_pending(one);
  return std::move(pending.response);
}

webhook_step webhook_app::accept(const http_request& req) {
  auto path = path_of(req.target());
  unsigned v = req.version();
  bool ka = req.keep_alive();

  if (path == cfg_.webhook_path) {
    auto started = std::chrono::steady_clock::now();
    auto timed = [&](http_response r) {
      std::chrono::duration<double> d = std::chrono::steady_clock::now() - started;
      metrics_.observe("webhook_seconds", d.count());
      return r;
    };
    if (auto early = check_header(req.base())) return std::move(*early);
    if (req.body().size() > cfg_.body_limit) return error_response(http::status::payload_too_large, v);

    auto decoded = decode(req.body(), "webhook");
    if (auto* r = std::get_if<update_result>(&decoded)) {
      if (*r == update_result::malformed)
        return timed(answer(http::status::bad_request, v, ka, "{\"ok\":false}", "application/json"));
      return timed(answer(http::status::ok, v, ka, "{\"ok\":true}", "application/json"));
    }
    pending_update p;
    p.message = std::move(std::get<handlers::incoming_message>(decoded));
    p.version = v;
    p.keep_alive = ka;
    p.started = started;
    return p;
  }

  if (path == "/healthz") {
    if (req.method() != http::verb::get) {
      auto res = answer(http::status::method_not_allowed, v, ka, "405 Method Not Allowed\n", "text/plain; charset=utf-8");
      res.set(http::field::allow, "GET");
      return res;
    }
    bool ok = true;
    try {
      ok = !healthy_ || healthy_();
    } catch (...) {
      ok = false;
    }
    return ok ? answer(http::status::ok, v, ka, "ok\n", "text/plain; charset=utf-8")
              : answer(http::status::service_unavailable, v, ka, "unavailable\n", "text/plain; charset=utf-8");
  }

  if (path == "/metrics") {
    if (req.method() != http::verb::get) {
      auto res = answer(http::status::method_not_allowed, v, ka, "405 Method Not Allowed\n", "text/plain; charset=utf-8");
      res.set(http::field::allow, "GET");
      return res;
    }
    // Counted before rendering so the scrape that sees it is this one.
    metrics_.inc("http_requests_total", {{"code", "200"}});
    http_response res{http::status::ok, v};
    res.set(http::field::server, "tannha");
    res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
    res.keep_alive(ka);
    res.body() = metrics_.render();
    res.prepare_payload();
    return res;
  }

  return answer(http::status::not_found, v, ka, "404 Not Found\n", "text/plain; charset=utf-8");
}

void webhook_app::dispatch_pending(std::span<pending_update* const> batch) {
  std::vector<const handlers::incoming_message*> msgs;
  msgs.reserve(batch.size());
  for (auto* p : batch) msgs.push_back(&p->message);
  auto results = dispatch_all(msgs, "webhook");
  metrics_.inc("webhook_batches_total");
  auto now = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < batch.size(); ++i) {
    auto& p = *batch[i];
    std::chrono::duration<double> d = now - p.started;
    metrics_.observe("webhook_seconds", d.count());
    p.response = results[i] == update_result::failed
                     ? answer(http::status::internal_server_error, p.version, false, "{\"ok\":false}", "application/json")
                     : answer(http::status::ok, p.version, p.keep_alive, "{\"ok\":true}", "application/json");
  }
}

std::variant<update_result, handlers::incoming_message> webhook_app::decode(std::string_view body,
                                                                            std::string_view source) {
  auto decoded = decode_update(kind_, body);
  if (decoded.how == decode_how::malformed) {
    count_update("malformed");
    log_info("update", {{"result", "malformed"}, {"platform", to_string(kind_)}, {"source", source},
                        {"reason", decoded.reason}});
    return update_result::malformed;
  }
  if (decoded.how == decode_how::ignored) {
    count_update("ignored");
    log_info("update", {{"result", "ignored"}, {"platform", to_string(kind_)}, {"source", source},
                        {"reason", decoded.reason}});
    return update_result::ignored;
  }
  return std::move(decoded.message);
}

update_result webhook_app::process_update(std::string_view body, std::string_view source) {
  auto decoded = decode(body, source);
  if (auto* r = std::get_if<update_result>(&decoded)) return *r;
  const handlers::incoming_message* one[] = {&std::get<handlers::incoming_message>(decoded)};
  return dispatch_all(one, source).front();
}

std::vector<update_result> webhook_app::dispatch_all(std::span<const handlers::incoming_message* const> msgs,
                                                     std::string_view source) {
  std::vector<update_result> results(msgs.size(), update_result::failed);
  std::vector<std::optional<handlers::dispatch_outcome>> outcomes(msgs.size());
  auto started = std::chrono::steady_clock::now();
  auto fault = [&](std::size_t i, const char* what) {
    // The message may hold user text: log only what kind of fault it was.
    log_error("dispatch_failed", {{"platform", msgs[i]->platform}, {"source", source},
                                  {"update_id", msgs[i]->update_id}, {"exception", what}});
  };
  {
    std::lock_guard lock(dispatch_mutex_);
    if (batch_dispatch_) {
      // One transaction for all: if it fails, none was kept and every one is answered 500.
      try {
        auto got = batch_dispatch_(msgs);
        for (std::size_t i = 0; i < msgs.size() && i < got.size(); ++i) outcomes[i] = got[i];
      } catch (const std::exception& e) {
        for (std::size_t i = 0; i < msgs.size(); ++i) fault(i, typeid(e).name());
      } catch (...) {
        for (std::size_t i = 0; i < msgs.size(); ++i) fault(i, "unknown");
      }
    } else {
      for (std::size_t i = 0; i < msgs.size(); ++i) {
        try {
          if (!dispatch_) throw std::logic_error("no dispatcher");
          outcomes[i] = dispatch_(*msgs[i]);
        } catch (const std::exception& e) {
          fault(i, typeid(e).name());
        } catch (...) {
          fault(i, "unknown");
        }
      }
    }
  }
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  bool may_have_replies = false;
  for (std::size_t i = 0; i < msgs.size(); ++i) {
    const auto& msg = *msgs[i];
    if (!outcomes[i]) {
      count_update("failed");
      continue;
    }
    auto outcome = *outcomes[i];
    auto name = outcome_name(outcome);
    count_update(name);
    log_info("update", {{"result", name}, {"platform", msg.platform}, {"source", source}, {"update_id", msg.update_id},
                        {"group", msg.is_group}, {"ms", static_cast<long long>(took.count() * 1000)}});
    results[i] = update_result::dispatched;
    // Processed, unknown-chat and failed updates may have queued replies (an answer, a "not
    // set up" note, an apology).
    may_have_replies = may_have_replies || (outcome != handlers::dispatch_outcome::duplicate &&
                                            outcome != handlers::dispatch_outcome::ignored);
  }
  if (may_have_replies && on_dispatched_) {
    try {
      on_dispatched_();  // wake the relay once for the lot
    } catch (...) {
      // A failed wake-up only delays sending until the relay's next poll.
    }
  }
  return results;
}

// ---------------------------------------------------------------------------------------------
// http_server

http_server::http_server(asio::io_context& ioc, webhook_app& app, server_config cfg)
    : ioc_(ioc), app_(app), cfg_(std::move(cfg)), acceptor_(ioc) {}

http_server::~http_server() = default;

domain::result<unsigned short> http_server::start() {
  auto colon = cfg_.listen.rfind(':');
  if (colon == std::string::npos) {
    return domain::fail(domain::errc::not_configured, "server.listen must be host:port: " + cfg_.listen);
  }
  std::string host = cfg_.listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "0.0.0.0";
  unsigned port = 0;
  auto ps = std::string_view(cfg_.listen).substr(colon + 1);
  auto [p, pec] = std::from_chars(ps.data(), ps.data() + ps.size(), port);
  if (pec != std::errc{} || p != ps.data() + ps.size() || port > 65535) {
    return domain::fail(domain::errc::not_configured, "server.listen has a bad port: " + cfg_.listen);
  }
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(host, ec);
  if (ec) return domain::fail(domain::errc::not_configured, "server.listen has a bad address: " + cfg_.listen);
  tcp::endpoint ep{addr, static_cast<unsigned short>(port)};
  acceptor_.open(ep.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(ep, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    boost::system::error_code ignore;
    acceptor_.close(ignore);
    return domain::fail(domain::errc::not_configured, "cannot listen on " + cfg_.listen + ": " + ec.message());
  }
  auto bound = acceptor_.local_endpoint(ec).port();
  asio::co_spawn(ioc_, listen(), asio::detached);
  log_info("http_listening", {{"address", host}, {"port", bound}});
  return bound;
}

void http_server::stop() {
  asio::post(ioc_, [this] { do_stop(); });
}

void http_server::force_close() {
  asio::post(ioc_, [this] {
    do_stop();
    boost::system::error_code ec;
    for (auto& s : sessions_) {
      if (s.stream) s.stream->socket().close(ec);
    }
    if (!sessions_.empty()) log_warn("http_forced_close", {{"connections", sessions_.size()}});
  });
}

void http_server::shed_idle() {
  // Three quarters full: connections that have sent nothing for as long as a whole request may
  // take (half-open or silent clients) give their place to the new ones.
  auto crowded = static_cast<std::size_t>(std::max(1, cfg_.max_connections)) * 3 / 4;
  if (active_.load() + 1 <= crowded) return;
  auto now = std::chrono::steady_clock::now();
  auto patience = std::chrono::seconds(std::max(1, cfg_.read_timeout_seconds));
  std::size_t shed = 0;
  boost::system::error_code ec;
  for (auto& s : sessions_) {
    if (!s.busy && s.stream && now - s.idle_since >= patience) {
      s.stream->socket().close(ec);
      ++shed;
    }
  }
  if (shed > 0) {
    app_.stats().inc("http_connections_shed_total", {}, static_cast<double>(shed));
    log_warn("http_idle_shed", {{"connections", shed}});
  }
}

void http_server::do_stop() {
  if (stopping_) return;
  stopping_ = true;
  boost::system::error_code ec;
  acceptor_.close(ec);
  // Idle keep-alive connections wait for a request that may never come: close them now.
  for (auto& s : sessions_) {
    if (!s.busy && s.stream) s.stream->socket().close(ec);
  }
  log_info("http_stopping", {{"connections", active_.load()}});
}

awaitable<void> http_server::dispatch_soon(pending_update& p) {
  // Group commit: updates whose bodies arrived in the same turn of the event loop are
  // dispatched together by one posted flush(), in one transaction, and each 200 is written
  // only after that commit. With one request at a time the flush runs at once, so a lone
  // update waits for nothing.
  asio::steady_timer done(ioc_, asio::steady_timer::time_point::max());
  queue_.push_back({&p, &done});
  if (!flush_posted_) {
    flush_posted_ = true;
    asio::post(ioc_, [this] { flush(); });
  }
  co_await done.async_wait(as_tuple_awaitable);
}

void http_server::flush() {
  flush_posted_ = false;
  auto waiting = std::move(queue_);
  queue_.clear();
  // A bounded batch keeps one transaction's latency bounded when many connections are busy.
  constexpr std::size_t max_batch = 128;
  for (std::size_t first = 0; first < waiting.size(); first += max_batch) {
    std::vector<pending_update*> batch;
    for (std::size_t i = first; i < std::min(waiting.size(), first + max_batch); ++i) batch.push_back(waiting[i].update);
    try {
      app_.dispatch_pending(batch);
    } catch (const std::exception& e) {
      // Out of memory or the like: nothing is known to be kept, so the platform redelivers.
      log_error("flush_failed", {{"exception", typeid(e).name()}, {"updates", batch.size()}});
      for (auto* p : batch) p->response = app_.error_response(http::status::internal_server_error, p->version);
    }
  }
  for (auto& w : waiting) w.done->cancel();
}

awaitable<void> http_server::listen() {
  asio::steady_timer backoff(ioc_);
  while (acceptor_.is_open()) {
    auto [ec, socket] = co_await acceptor_.async_accept(as_tuple_awaitable);
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) break;
      // EMFILE and friends: pause a little instead of spinning.
      log_warn("http_accept_failed", {{"error", ec.message()}});
      backoff.expires_after(std::chrono::milliseconds(100));
      co_await backoff.async_wait(as_tuple_awaitable);
      continue;
    }
    if (active_.load() >= static_cast<std::size_t>(std::max(1, cfg_.max_connections))) {
      boost::system::error_code ignore;
      socket.close(ignore);
      app_.stats().inc("http_connections_refused_total");
      continue;
    }
    asio::co_spawn(ioc_, session(std::move(socket)), asio::detached);
    shed_idle();
  }
}

awaitable<void> http_server::session(tcp::socket socket) {
  ++active_;
  beast::tcp_stream stream(std::move(socket));
  auto entry = sessions_.insert(sessions_.end(), session_entry{&stream, false});
  struct cleanup {
    http_server* self;
    std::list<session_entry>::iterator it;
    ~cleanup() {
      self->sessions_.erase(it);
      --self->active_;
    }
  } guard{this, entry};

  const auto idle = std::chrono::seconds(std::max(1, cfg_.idle_timeout_seconds));
  const auto read_timeout = std::chrono::seconds(std::max(1, cfg_.read_timeout_seconds));
  beast::flat_buffer buffer;
  bool close_after = false;

  while (!stopping_) {
    entry->busy = false;
    if (buffer.size() == 0) {
      // Idle: wait for the first byte of the next request.
      entry->idle_since = std::chrono::steady_clock::now();
      stream.expires_after(idle);
      auto [ec, n] = co_await stream.async_read_some(buffer.prepare(4096), as_tuple_awaitable);
      if (ec) break;
      buffer.commit(n);
    }
    entry->busy = true;
    // From the first byte on, the whole request must arrive within read_timeout.
    stream.expires_after(read_timeout);

    http::request_parser<http::string_body> parser;
    parser.header_limit(16 * 1024);
    parser.body_limit(boost::none);  // checked by check_header() first (secret before size)
    auto [hec, hn] = co_await http::async_read_header(stream, buffer, parser, as_tuple_awaitable);
    (void)hn;
    http_response res;
    bool body_read = false;
    if (hec) {
      if (hec == beast::error::timeout || hec == http::error::end_of_stream || hec == asio::error::eof ||
          hec == asio::error::operation_aborted || hec == asio::error::connection_reset) {
        break;
      }
      res = app_.error_response(hec == http::error::header_limit ? http::status::request_header_fields_too_large
                                                                 : http::status::bad_request,
                                11);
      close_after = true;
    } else if (auto early = app_.check_header(parser.get().base())) {
      res = std::move(*early);
      close_after = true;  // the body stays unread
    } else {
      parser.body_limit(cfg_.body_limit);  // chunked bodies are counted as they come
      auto [bec, bn] = co_await http::async_read(stream, buffer, parser, as_tuple_awaitable);
      (void)bn;
      if (bec == http::error::body_limit) {
        res = app_.error_response(http::status::payload_too_large, parser.get().version());
        close_after = true;
      } else if (bec) {
        if (bec == beast::error::timeout || bec == http::error::end_of_stream || bec == asio::error::eof ||
            bec == asio::error::operation_aborted || bec == asio::error::connection_reset ||
            bec == http::error::partial_message) {
          break;
        }
        res = app_.error_response(http::status::bad_request, parser.get().version());
        close_after = true;
      } else {
        body_read = true;
        auto step = app_.accept(parser.get());
        if (auto* ready = std::get_if<http_response>(&step)) {
          res = std::move(*ready);
        } else {
          auto& pending = std::get<pending_update>(step);
          co_await dispatch_soon(pending);
          res = std::move(pending.response);
        }
      }
    }
    if (stopping_ || close_after || !res.keep_alive()) {
      res.keep_alive(false);
      close_after = true;
    }
    stream.expires_after(read_timeout);
    auto [wec, wn] = co_await http::async_write(stream, res, as_tuple_awaitable);
    (void)wn;
    if (wec || close_after) {
      if (!wec && !body_read) {
        // Lingering close: drain what the client still sends for a moment, so closing with
        // unread data does not reset the connection before the client reads our answer.
        boost::system::error_code ignore;
        stream.socket().shutdown(tcp::socket::shutdown_send, ignore);
        stream.expires_after(std::chrono::seconds(1));
        std::size_t drained = 0;
        char scratch[4096];
        while (drained < 4 * cfg_.body_limit + 65536) {
          auto [dec, dn] = co_await stream.async_read_some(asio::buffer(scratch), as_tuple_awaitable);
          if (dec) break;
          drained += dn;
        }
      }
      break;
    }
  }
  boost::system::error_code ignore;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignore);
  stream.socket().close(ignore);
}

}  // namespace tannha::bot
