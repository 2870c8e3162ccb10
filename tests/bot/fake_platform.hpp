#pragma once
// A fake Zalo/Telegram Bot API for tests: an HTTP server on 127.0.0.1 in its own thread that
// records every request and answers sendMessage like the platform (ok by default; scripted
// failures on demand).
//
//   tannha::test::fake_platform fp;
//   fp.start();                                   // picks a free port
//   cfg.api_base = fp.base_url();                 // "http://127.0.0.1:PORT"
//   fp.fail_next(1, 429, fake_platform::telegram_429(2));
//   ... fp.wait_for_requests(3, 5s); fp.requests()[0].chat_id() ...
//   fp.stop();                                    // also done by the destructor
//
// getUpdates (long polling) is served from a queue and recorded apart (poll_calls()), so it
// never shows among requests(). Zalo style (default): one update per call, HTTP 408 when
// there is none. Telegram style (serve_updates_telegram_style()): every update with
// update_id >= the call's offset, confirmed ones dropped, an empty list when there is none.
// An empty call is held up to poll_hold (default 300 ms) waiting for an update, like a real
// long poll.
//
// getMe (which `serve` and `poll` call once at start-up, in the background) is recorded apart
// too (me_calls()) and answered with set_me()'s result, so it neither shows among requests() nor
// takes a scripted failure meant for a send. A test of a command that calls getMe itself (init,
// doctor) calls get_me_among_requests() to have it recorded and scripted like any request.
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

namespace tannha::test {

/// One request the fake platform received.
struct recorded_request {
  std::string method;
  std::string target;                         ///< e.g. "/botTOKEN/sendMessage"
  std::map<std::string, std::string> headers;  ///< names lower-cased
  std::string body;
  std::chrono::steady_clock::time_point at;   ///< when it was received
  int answered_status = 0;                    ///< what the fake answered

  /// The body's chat_id as text (string as is, number in decimal); "" when absent.
  std::string chat_id() const {
    auto j = nlohmann::json::parse(body, nullptr, false);
    if (!j.is_object() || !j.contains("chat_id")) return {};
    const auto& c = j["chat_id"];
    if (c.is_string()) return c.get<std::string>();
    if (c.is_number_integer()) return std::to_string(c.get<std::int64_t>());
    return c.dump();
  }
  /// The body's text; "" when absent.
  std::string text() const {
    auto j = nlohmann::json::parse(body, nullptr, false);
    if (!j.is_object() || !j.contains("text") || !j["text"].is_string()) return {};
    return j["text"].get<std::string>();
  }
  /// True when chat_id was sent as a JSON number.
  bool chat_id_is_number() const {
    auto j = nlohmann::json::parse(body, nullptr, false);
    return j.is_object() && j.contains("chat_id") && j["chat_id"].is_number();
  }
};

/// The fake Bot API server.
class fake_platform {
 public:
  fake_platform() = default;
  ~fake_platform() { stop(); }
  fake_platform(const fake_platform&) = delete;
  fake_platform& operator=(const fake_platform&) = delete;

  /// Telegram's flood answer (HTTP 429).
  static std::string telegram_429(int retry_after) {
    return R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after )" +
           std::to_string(retry_after) + R"(","parameters":{"retry_after":)" + std::to_string(retry_after) + "}}";
  }
  /// A Bot API error body {"ok":false,"error_code":code,"description":…} (Zalo sends it with 200).
  static std::string error_body(int code, const std::string& description = "error") {
    return nlohmann::json{{"ok", false}, {"error_code", code}, {"description", description}}.dump();
  }

  /// Listens on 127.0.0.1 (a free port) and serves from its own thread; returns the port.
  unsigned short start() {
    namespace asio = boost::asio;
    acceptor_.open(asio::ip::tcp::v4());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind({asio::ip::make_address("127.0.0.1"), 0});
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    asio::co_spawn(ioc_, accept_loop(), asio::detached);
    thread_ = std::thread([this] { ioc_.run(); });
    return port_;
  }

  /// The bound port.
  unsigned short port() const { return port_; }
  /// "http://127.0.0.1:PORT", for platform_config::api_base.
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  /// Every request so far, in arrival order.
  std::vector<recorded_request> requests() const {
    std::lock_guard lock(m_);
    return requests_;
  }
  /// The requests sent to one chat, in the order received. Sends to different chats may go
  /// out in parallel, so only the order within one chat is guaranteed.
  std::vector<recorded_request> requests_to(const std::string& chat_id) const {
    std::vector<recorded_request> out;
    for (auto& r : requests())
      if (r.chat_id() == chat_id) out.push_back(std::move(r));
    return out;
  }
  /// How many requests so far.
  std::size_t request_count() const {
    std::lock_guard lock(m_);
    return requests_.size();
  }
  /// Waits until at least `n` requests arrived; false on timeout.
  bool wait_for_requests(std::size_t n, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(m_);
    return cv_.wait_for(lock, timeout, [&] { return requests_.size() >= n; });
  }

  /// The next `n` requests get `status` with `body` instead of success.
  void fail_next(int n, int status, std::string body) {
    std::lock_guard lock(m_);
    for (int i = 0; i < n; ++i) script_.push_back({status, body});
  }
  /// Requests whose chat_id is `chat_id` always get `status`/`body` (until clear()).
  void fail_chat(const std::string& chat_id, int status, std::string body) {
    std::lock_guard lock(m_);
    chat_failures_[chat_id] = {status, std::move(body)};
  }
  /// Waits this long before answering each request (for timeouts and slow platforms).
  void set_delay(std::chrono::milliseconds d) {
    std::lock_guard lock(m_);
    delay_ = d;
  }
  /// Forgets recorded requests, scripted failures and the delay.
  void clear() {
    std::lock_guard lock(m_);
    requests_.clear();
    script_.clear();
    chat_failures_.clear();
    delay_ = std::chrono::milliseconds(0);
  }

  /// Queues an update (its JSON) for getUpdates.
  void push_update(std::string update_json) {
    {
      std::lock_guard lock(m_);
      updates_.push_back(std::move(update_json));
    }
    boost::asio::post(ioc_, [this] {
      for (auto* t : poll_waiters_) t->cancel();
    });
  }
  /// getUpdates answers like Telegram (offset, lists) instead of Zalo (one update, 408).
  void serve_updates_telegram_style() {
    std::lock_guard lock(m_);
    telegram_polls_ = true;
  }
  /// How long an empty getUpdates call is held before the "nothing" answer.
  void set_poll_hold(std::chrono::milliseconds d) {
    std::lock_guard lock(m_);
    poll_hold_ = d;
  }
  /// The next `n` getUpdates calls get `status` with `body`.
  void fail_next_polls(int n, int status, std::string body) {
    std::lock_guard lock(m_);
    for (int i = 0; i < n; ++i) poll_script_.push_back({status, body});
  }
  /// Every getUpdates call so far, in arrival order (answered_status set once answered).
  std::vector<recorded_request> poll_calls() const {
    std::lock_guard lock(m_);
    return poll_calls_;
  }
  /// Updates queued and not yet handed out (Zalo) or not yet confirmed (Telegram).
  std::size_t updates_waiting() const {
    std::lock_guard lock(m_);
    return updates_.size();
  }
  /// Waits until at least `n` getUpdates calls arrived; false on timeout.
  bool wait_for_polls(std::size_t n, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(m_);
    return cv_.wait_for(lock, timeout, [&] { return poll_calls_.size() >= n; });
  }

  /// What getMe answers from now on: {"ok":true,"result":result}.
  void set_me(nlohmann::json result) {
    std::lock_guard lock(m_);
    me_result_ = std::move(result);
  }
  /// getMe is recorded among requests() and takes scripted failures, like any other call.
  void get_me_among_requests() {
    std::lock_guard lock(m_);
    me_apart_ = false;
  }
  /// getMe calls answered apart so far (none when get_me_among_requests() was called).
  std::size_t me_calls() const {
    std::lock_guard lock(m_);
    return me_calls_;
  }
  /// Waits until at least `n` getMe calls were answered apart; false on timeout.
  bool wait_for_me_calls(std::size_t n, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(m_);
    return cv_.wait_for(lock, timeout, [&] { return me_calls_ >= n; });
  }

  /// Stops serving and joins the thread. Idempotent.
  void stop() {
    if (!thread_.joinable()) return;
    boost::asio::post(ioc_, [this] {
      boost::system::error_code ec;
      acceptor_.close(ec);
      ioc_.stop();
    });
    thread_.join();
  }

 private:
  struct canned {
    int status;
    std::string body;
  };

  boost::asio::awaitable<void> accept_loop() {
    namespace asio = boost::asio;
    for (;;) {
      auto [ec, sock] = co_await acceptor_.async_accept(asio::as_tuple(asio::use_awaitable));
      if (ec) co_return;
      asio::co_spawn(ioc_, serve(std::move(sock)), asio::detached);
    }
  }

  boost::asio::awaitable<void> serve(boost::asio::ip::tcp::socket sock) {
    namespace asio = boost::asio;
    namespace beast = boost::beast;
    namespace http = beast::http;
    beast::tcp_stream stream(std::move(sock));
    beast::flat_buffer buffer;
    for (;;) {
      http::request<http::string_body> req;
      auto [ec, n] = co_await http::async_read(stream, buffer, req, asio::as_tuple(asio::use_awaitable));
      (void)n;
      if (ec) break;
      recorded_request rec;
      rec.method = std::string(req.method_string());
      rec.target = std::string(req.target());
      for (const auto& f : req) {
        std::string name(f.name_string());
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        rec.headers[name] = std::string(f.value());
      }
      rec.body = req.body();
      rec.at = std::chrono::steady_clock::now();

      if (rec.target.size() >= 11 && rec.target.rfind("/getUpdates") == rec.target.size() - 11) {
        auto res_body = co_await answer_poll(rec);
        http::response<http::string_body> res{static_cast<http::status>(res_body.status), req.version()};
        res.set(http::field::content_type, "application/json");
        res.keep_alive(req.keep_alive());
        res.body() = res_body.body;
        res.prepare_payload();
        auto [wec, wn] = co_await http::async_write(stream, res, asio::as_tuple(asio::use_awaitable));
        (void)wn;
        if (wec || !res.keep_alive()) break;
        continue;
      }

      if (rec.target.size() >= 6 && rec.target.rfind("/getMe") == rec.target.size() - 6) {
        std::string me_body;
        {
          std::lock_guard lock(m_);
          if (me_apart_) {
            ++me_calls_;
            me_body = nlohmann::json{{"ok", true}, {"result", me_result_}}.dump();
          }
        }
        if (!me_body.empty()) {
          cv_.notify_all();
          http::response<http::string_body> res{http::status::ok, req.version()};
          res.set(http::field::content_type, "application/json");
          res.keep_alive(req.keep_alive());
          res.body() = me_body;
          res.prepare_payload();
          auto [wec, wn] = co_await http::async_write(stream, res, asio::as_tuple(asio::use_awaitable));
          (void)wn;
          if (wec || !res.keep_alive()) break;
          continue;
        }
      }

      canned answer{200, ""};
      std::chrono::milliseconds delay{0};
      {
        std::lock_guard lock(m_);
        delay = delay_;
        auto chat = rec.chat_id();
        if (auto it = chat_failures_.find(chat); it != chat_failures_.end() && !chat.empty()) {
          answer = it->second;
        } else if (!script_.empty()) {
          answer = script_.front();
          script_.pop_front();
        } else if (rec.target.find("/sendMessage") == std::string::npos) {
          // setWebhook, getWebhookInfo, deleteWebhook…: a plain success.
          answer.body = R"({"ok":true,"result":true,"description":"fake )" + rec.target.substr(rec.target.rfind('/') + 1) + R"("})";
        } else {
          ++sent_;
          answer.body = R"({"ok":true,"result":{"message_id":"fake)" + std::to_string(sent_) +
                        R"(","date":1764377401000}})";
        }
        rec.answered_status = answer.status;
        requests_.push_back(rec);
      }
      cv_.notify_all();
      if (delay.count() > 0) {
        asio::steady_timer t(ioc_);
        t.expires_after(delay);
        co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
      }
      http::response<http::string_body> res{static_cast<http::status>(answer.status), req.version()};
      res.set(http::field::content_type, "application/json");
      res.keep_alive(req.keep_alive());
      res.body() = answer.body;
      res.prepare_payload();
      auto [wec, wn] = co_await http::async_write(stream, res, asio::as_tuple(asio::use_awaitable));
      (void)wn;
      if (wec || !res.keep_alive()) break;
    }
    boost::system::error_code ignore;
    stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignore);
  }

  // Answers one getUpdates call from the queue, holding an empty one up to poll_hold_.
  boost::asio::awaitable<canned> answer_poll(recorded_request rec) {
    namespace asio = boost::asio;
    std::size_t index = 0;
    std::chrono::milliseconds hold{0};
    {
      std::lock_guard lock(m_);
      index = poll_calls_.size();
      poll_calls_.push_back(rec);
      hold = poll_hold_;
    }
    cv_.notify_all();
    auto finish = [&](canned c) {
      std::lock_guard lock(m_);
      poll_calls_[index].answered_status = c.status;
      return c;
    };
    {
      std::lock_guard lock(m_);
      if (!poll_script_.empty()) {
        auto c = poll_script_.front();
        poll_script_.pop_front();
        poll_calls_[index].answered_status = c.status;
        co_return c;
      }
    }
    auto deadline = std::chrono::steady_clock::now() + hold;
    for (;;) {
      {
        std::lock_guard lock(m_);
        if (telegram_polls_) {
          std::int64_t offset = 0;
          auto j = nlohmann::json::parse(rec.body, nullptr, false);
          if (j.is_object() && j.contains("offset") && j["offset"].is_number_integer()) offset = j["offset"].get<std::int64_t>();
          // Confirmed updates (id < offset) are forgotten, as Telegram does.
          std::deque<std::string> keep;
          auto list = nlohmann::json::array();
          for (auto& u : updates_) {
            auto uj = nlohmann::json::parse(u, nullptr, false);
            auto id = uj.value("update_id", std::int64_t{0});
            if (id < offset) continue;
            keep.push_back(u);
            list.push_back(uj);
          }
          updates_ = std::move(keep);
          if (!list.empty()) {
            poll_calls_[index].answered_status = 200;
            co_return canned{200, nlohmann::json{{"ok", true}, {"result", list}}.dump()};
          }
        } else if (!updates_.empty()) {
          auto u = updates_.front();
          updates_.pop_front();
          poll_calls_[index].answered_status = 200;
          co_return canned{200, R"({"ok":true,"result":)" + u + "}"};
        }
      }
      auto now = std::chrono::steady_clock::now();
      if (now >= deadline) break;
      asio::steady_timer t(ioc_);
      t.expires_after(deadline - now);
      poll_waiters_.push_back(&t);
      co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
      std::erase(poll_waiters_, &t);
    }
    bool tg;
    {
      std::lock_guard lock(m_);
      tg = telegram_polls_;
    }
    if (tg) co_return finish(canned{200, R"({"ok":true,"result":[]})"});
    co_return finish(canned{408, R"({"ok":false,"error_code":408,"description":"Request timeout"})"});
  }

  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::acceptor acceptor_{ioc_};
  std::thread thread_;
  unsigned short port_ = 0;

  mutable std::mutex m_;
  mutable std::condition_variable cv_;
  std::vector<recorded_request> requests_;
  std::deque<canned> script_;
  std::map<std::string, canned> chat_failures_;
  std::chrono::milliseconds delay_{0};
  std::uint64_t sent_ = 0;
  std::deque<std::string> updates_;
  std::deque<canned> poll_script_;
  std::vector<recorded_request> poll_calls_;
  std::vector<boost::asio::steady_timer*> poll_waiters_;  // touched on the fake's thread only
  bool telegram_polls_ = false;
  std::chrono::milliseconds poll_hold_{300};
  bool me_apart_ = true;
  std::size_t me_calls_ = 0;
  nlohmann::json me_result_ = {{"id", "fakebot0000"}};
};

}  // namespace tannha::test
