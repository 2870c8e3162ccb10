#include "bot/http_server.hpp"

#include <algorithm>
#include <chrono>
#include <exception>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "bot/listen_address.hpp"
#include "bot/log.hpp"
#include "bot/log_escaped.hpp"

namespace tannha::bot {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using asio::awaitable;
using asio::use_awaitable;
constexpr auto as_tuple_awaitable = asio::as_tuple(use_awaitable);

http_server::http_server(asio::io_context& ioc, route_table& routes, server_config cfg)
    : ioc_(ioc), routes_(routes), cfg_(std::move(cfg)), acceptor_(ioc) {}

http_server::~http_server() = default;

domain::result<unsigned short> http_server::start() {
  auto where = parse_listen_address(cfg_.listen);
  if (!where) return domain::fail(domain::errc::not_configured, "server.listen must be host:port: " + cfg_.listen);
  const std::string& host = where->host;
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(host, ec);
  if (ec) return domain::fail(domain::errc::not_configured, "server.listen has a bad address: " + cfg_.listen);
  tcp::endpoint ep{addr, where->port};
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
  asio::co_spawn(ioc_, listen(), log_escaped("http_listen"));
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
    for (auto& s : sessions_) s.stream->socket().close(ec);
    if (!sessions_.empty()) log_warn("http_forced_close", {{"connections", sessions_.size()}});
  });
}

void http_server::shed_idle() {
  // Three quarters full: connections that have sent nothing for as long as a whole request may
  // take (half-open or silent clients) give their place to the new ones.
  auto crowded = static_cast<std::size_t>(std::max(1, cfg_.max_connections)) * 3 / 4;
  if (live_ + 1 <= crowded) return;
  auto now = std::chrono::steady_clock::now();
  auto patience = std::chrono::seconds(std::max(1, cfg_.read_timeout_seconds));
  std::size_t shed = 0;
  boost::system::error_code ec;
  for (auto& s : sessions_) {
    if (s.counted && s.state == phase::idle && now - s.idle_since >= patience) {
      s.stream->socket().close(ec);
      uncount(s);
      ++shed;
    }
  }
  if (shed > 0) {
    routes_.stats().inc("http_connections_shed_total", {}, static_cast<double>(shed));
    log_warn("http_idle_shed", {{"connections", shed}});
  }
}

void http_server::uncount(session_entry& e) {
  if (!e.counted) return;
  e.counted = false;
  --live_;
  auto it = per_address_.find(e.peer);
  if (it != per_address_.end() && --it->second == 0) per_address_.erase(it);
}

bool http_server::shed_one(const std::optional<asio::ip::address>& peer) {
  // The place held longest without a request: an idle connection since it began waiting, one
  // still sending its header since its first byte (slowloris). Mid-request ones are kept.
  session_entry* victim = nullptr;
  for (auto& s : sessions_) {
    if (!s.counted || s.state == phase::busy) continue;
    if (peer && s.peer != *peer) continue;
    if (!victim || s.since < victim->since) victim = &s;
  }
  if (!victim) return false;
  routes_.stats().inc("http_connections_shed_total");  // before the close, as in listen()
  boost::system::error_code ec;
  victim->stream->socket().close(ec);
  uncount(*victim);
  if (auto suppressed = shed_log_.allow(std::chrono::steady_clock::now()))
    log_warn("http_shed", {{"reason", peer ? "per_address" : "full"}, {"suppressed", *suppressed}});
  return true;
}

bool http_server::admit(const asio::ip::address& peer) {
  const std::size_t reserve = peer.is_loopback() ? loopback_reserve : 0;
  if (cfg_.max_connections_per_address > 0) {
    const auto cap = static_cast<std::size_t>(cfg_.max_connections_per_address);
    auto it = per_address_.find(peer);
    const std::size_t mine = it == per_address_.end() ? 0 : it->second;
    if (mine >= cap && !shed_one(peer) && mine >= cap + reserve) return false;
  }
  const auto max = static_cast<std::size_t>(std::max(1, cfg_.max_connections));
  if (live_ >= max && !shed_one(std::nullopt) && live_ >= max + reserve) return false;
  return true;
}

void http_server::do_stop() {
  if (stopping_) return;
  stopping_ = true;
  boost::system::error_code ec;
  acceptor_.close(ec);
  // Idle keep-alive connections wait for a request that may never come: close them now.
  for (auto& s : sessions_) {
    if (!s.busy) s.stream->socket().close(ec);
  }
  log_info("http_stopping", {{"connections", active_.load()}});
}

awaitable<void> http_server::commit_soon(pending_update& p) {
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
  if (commit_in_flight_ || queue_.empty()) return;  // the writer's completion flushes again
  auto waiting = std::move(queue_);
  queue_.clear();
  if (!writer_) {
    commit_batches(waiting);
    for (auto& w : waiting) w.done->cancel();
    return;
  }
  // The database's work runs on the writer; this thread goes on serving sockets meanwhile.
  // The sessions wait on their timers, so their pending_updates outlive the job.
  commit_in_flight_ = true;
  auto batch = std::make_shared<std::vector<waiting_update>>(std::move(waiting));
  writer_->post([this, batch] {
    commit_batches(*batch);
    asio::post(ioc_, [this, batch] {
      commit_in_flight_ = false;
      for (auto& w : *batch) w.done->cancel();
      flush();  // what arrived meanwhile: the next group commit
    });
  });
}

void http_server::commit_batches(std::vector<waiting_update>& waiting) {
  // A bounded batch keeps one transaction's latency bounded when many connections are busy.
  constexpr std::size_t max_batch = 128;
  for (std::size_t first = 0; first < waiting.size(); first += max_batch) {
    std::vector<pending_update*> batch;
    for (std::size_t i = first; i < std::min(waiting.size(), first + max_batch); ++i) batch.push_back(waiting[i].update);
    try {
      routes_.commit(batch);
    } catch (...) {
      // Out of memory or the like: nothing is known to be kept, so the platform redelivers.
      log_error("flush_failed", {{"exception", current_exception_type()}, {"updates", batch.size()}});
      for (auto* p : batch) p->response = routes_.error_response(http::status::internal_server_error, p->version);
    }
  }
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
    boost::system::error_code pec;
    auto peer = socket.remote_endpoint(pec).address();
    if (pec || !admit(peer)) {
      // Every place (of this address) is mid-request: the newcomer waits for none of them.
      // Counted before the close, so whoever sees the close also sees the count.
      routes_.stats().inc("http_connections_refused_total");
      boost::system::error_code ignore;
      socket.close(ignore);
      continue;
    }
    ++active_;
    ++live_;
    ++per_address_[peer];
    auto now = std::chrono::steady_clock::now();
    auto entry = sessions_.insert(sessions_.end(), session_entry{});
    entry->stream = std::make_unique<beast::tcp_stream>(std::move(socket));
    entry->peer = peer;
    entry->idle_since = entry->since = now;
    asio::co_spawn(ioc_, session(entry), log_escaped("http_session"));
    shed_idle();
  }
}

awaitable<void> http_server::session(session_iter entry) {
  struct cleanup {
    http_server* self;
    session_iter it;
    ~cleanup() {
      self->uncount(*it);
      self->sessions_.erase(it);
      --self->active_;
    }
  } guard{this, entry};
  beast::tcp_stream& stream = *entry->stream;

  const auto idle = std::chrono::seconds(std::max(1, cfg_.idle_timeout_seconds));
  const auto read_timeout = std::chrono::seconds(std::max(1, cfg_.read_timeout_seconds));
  const auto header_timeout = std::min<std::chrono::steady_clock::duration>(
      std::chrono::seconds(std::max(1, cfg_.header_timeout_seconds)), read_timeout);
  beast::flat_buffer buffer;
  bool close_after = false;

  while (!stopping_) {
    entry->busy = false;
    entry->state = phase::idle;
    entry->idle_since = entry->since = std::chrono::steady_clock::now();
    if (buffer.size() == 0) {
      // Idle: wait for the first byte of the next request (shed first when places run out).
      stream.expires_after(idle);
      auto [ec, n] = co_await stream.async_read_some(buffer.prepare(4096), as_tuple_awaitable);
      if (ec) break;
      buffer.commit(n);
    }
    entry->busy = true;
    entry->state = phase::header;
    const auto first_byte = std::chrono::steady_clock::now();
    entry->since = first_byte;
    // From the first byte on, the header must arrive within header_timeout and the whole
    // request within read_timeout.
    stream.expires_after(header_timeout);

    http::request_parser<http::string_body> parser;
    parser.header_limit(16 * 1024);
    parser.body_limit(boost::none);  // checked by check_header() first (secret before size)
    auto [hec, hn] = co_await http::async_read_header(stream, buffer, parser, as_tuple_awaitable);
    (void)hn;
    entry->state = phase::busy;
    stream.expires_at(first_byte + read_timeout);
    http_response res;
    bool body_read = false;
    if (hec) {
      if (hec == beast::error::timeout || hec == http::error::end_of_stream || hec == asio::error::eof ||
          hec == asio::error::operation_aborted || hec == asio::error::connection_reset) {
        break;
      }
      res = routes_.error_response(hec == http::error::header_limit ? http::status::request_header_fields_too_large
                                                                 : http::status::bad_request,
                                11);
      close_after = true;
    } else if (auto early = routes_.check_header(parser.get().base())) {
      res = std::move(*early);
      close_after = true;  // the body stays unread
    } else {
      parser.body_limit(cfg_.body_limit);  // chunked bodies are counted as they come
      auto [bec, bn] = co_await http::async_read(stream, buffer, parser, as_tuple_awaitable);
      (void)bn;
      if (bec == http::error::body_limit) {
        res = routes_.error_response(http::status::payload_too_large, parser.get().version());
        close_after = true;
      } else if (bec) {
        if (bec == beast::error::timeout || bec == http::error::end_of_stream || bec == asio::error::eof ||
            bec == asio::error::operation_aborted || bec == asio::error::connection_reset ||
            bec == http::error::partial_message) {
          break;
        }
        res = routes_.error_response(http::status::bad_request, parser.get().version());
        close_after = true;
      } else {
        body_read = true;
        // The client's address, for per-address limits (web logins); a client's own value is replaced.
        {
          boost::system::error_code pec;
          auto peer = stream.socket().remote_endpoint(pec);
          parser.get().set(peer_header, pec ? std::string("unknown") : peer.address().to_string());
        }
        auto step = routes_.accept(parser.get());
        if (auto* ready = std::get_if<http_response>(&step)) {
          res = std::move(*ready);
        } else {
          auto& pending = std::get<pending_update>(step);
          co_await commit_soon(pending);
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
