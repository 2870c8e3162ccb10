#pragma once
// Crash test: the real server under load is killed with SIGKILL at random moments and
// restarted, while the loaders redeliver every update that was not answered 200 (as the
// platforms do) and also redeliver a few that were. Afterwards:
//   - every update answered 200 is in processed_updates and had exactly one effect (one
//     citizen and one request per unique form);
//   - every reply in the outbox is sent and reached the fake platform; a reply reached it
//     twice only in the window between a send and its mark (counted and reported; at most
//     one in-flight batch per kill);
//   - per chat, replies first arrived in outbox order;
//   - PRAGMA integrity_check is ok.
// bench/crash.cpp runs it from the command line (`make crash`); the integration tests run it
// small (tests/integration/test_crash_kill9.cpp).
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>
#include <fcntl.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "bench/bench_updates.hpp"
#include "bench/fake_api.hpp"

extern char** environ;

namespace tannha::bench::crash {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using namespace std::chrono_literals;

/// What to run.
struct options {
  std::string binary;
  std::string dir;
  int kills = 20;
  int units = 8;
  int loaders = 4;
  int min_ms = 200;
  int max_ms = 1500;
  unsigned seed = 0;
};

inline unsigned short free_port() {
  asio::io_context ioc;
  asio::ip::tcp::acceptor a(ioc, {asio::ip::make_address("127.0.0.1"), 0});
  return a.local_endpoint().port();
}

// The server child process, restarted after each kill on the same port and database.
class server {
 public:
  server(std::string binary, std::string config, std::string log, unsigned short port)
      : binary_(std::move(binary)), config_(std::move(config)), log_(std::move(log)), port_(port) {}
  ~server() { kill9(); }

  void start() {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, log_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
    std::vector<std::string> args = {binary_, "serve", "--config", config_};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, binary_.c_str(), &fa, nullptr, argv.data(), environ) != 0) {
      throw std::runtime_error("crash: cannot start " + binary_);
    }
    posix_spawn_file_actions_destroy(&fa);
  }
  // Waits until the port accepts a connection; false after `limit`.
  bool wait_ready(std::chrono::milliseconds limit) {
    auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
      asio::io_context ioc;
      asio::ip::tcp::socket s(ioc);
      boost::system::error_code ec;
      s.connect({asio::ip::make_address("127.0.0.1"), port_}, ec);
      if (!ec) return true;
      int st = 0;
      if (::waitpid(pid_, &st, WNOHANG) == pid_) {
        pid_ = -1;
        return false;
      }
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }
  void kill9() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int st = 0;
    ::waitpid(pid_, &st, 0);
    pid_ = -1;
  }
  int terminate() {
    if (pid_ <= 0) return -1;
    ::kill(pid_, SIGTERM);
    int st = 0;
    for (int i = 0; i < 200; ++i) {
      if (::waitpid(pid_, &st, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
      }
      std::this_thread::sleep_for(50ms);
    }
    kill9();
    return -1;
  }

 private:
  std::string binary_, config_, log_;
  unsigned short port_;
  pid_t pid_ = -1;
};

// One keep-alive client connection; any failure closes it and reports status 0.
class client {
 public:
  explicit client(unsigned short port) : port_(port) {}
  int post(const std::string& body) {
    try {
      if (!stream_) {
        stream_.emplace(ioc_);
        stream_->expires_after(5s);
        stream_->connect(asio::ip::tcp::endpoint{asio::ip::make_address("127.0.0.1"), port_});
        buf_.clear();
      }
      http::request<http::string_body> req{http::verb::post, "/webhook", 11};
      req.set(http::field::host, "127.0.0.1");
      req.set(http::field::content_type, "application/json");
      req.set("X-Bot-Api-Secret-Token", tannha::bench::secret);
      req.body() = body;
      req.prepare_payload();
      stream_->expires_after(5s);
      http::write(*stream_, req);
      http::response<http::string_body> res;
      http::read(*stream_, buf_, res);
      if (!res.keep_alive()) stream_.reset();
      return static_cast<int>(res.result_int());
    } catch (const std::exception&) {
      stream_.reset();
      return 0;
    }
  }

 private:
  unsigned short port_;
  asio::io_context ioc_;
  std::optional<beast::tcp_stream> stream_;
  beast::flat_buffer buf_;
};

struct shared_state {
  std::atomic<bool> produce{true};  // false: send no new updates, only finish the pending ones
  std::atomic<bool> quit{false};
  std::atomic<std::uint64_t> next{0};
  std::mutex m;
  std::set<std::uint64_t> acked;  // answered 200 at least once
  std::uint64_t posts = 0, failures = 0, redeliveries = 0, bad_status = 0;
};

inline void loader(shared_state& st, unsigned short port, int units, const std::string& run, unsigned seed) {
  client c(port);
  std::mt19937 rng(seed);
  std::vector<std::uint64_t> pending;  // sent but not answered 200: redeliver
  std::vector<std::uint64_t> done;
  while (!st.quit) {
    std::uint64_t n;
    bool redeliver_acked = false;
    if (!pending.empty()) {
      n = pending.back();
    } else if (!done.empty() && rng() % 20 == 0) {
      n = done[rng() % done.size()];  // the platform redelivers an answered update too
      redeliver_acked = true;
    } else if (st.produce) {
      n = st.next++;
    } else {
      break;
    }
    int status = c.post(tannha::bench::update_body(run, n, units));
    std::lock_guard lock(st.m);
    ++st.posts;
    if (redeliver_acked) ++st.redeliveries;
    if (status == 200) {
      if (!pending.empty() && pending.back() == n) pending.pop_back();
      if (!redeliver_acked) done.push_back(n);
      st.acked.insert(n);
    } else {
      if (status == 0) ++st.failures;
      else ++st.bad_status;
      if (!redeliver_acked && (pending.empty() || pending.back() != n)) pending.push_back(n);
      st.m.unlock();
      std::this_thread::sleep_for(std::chrono::milliseconds(status == 0 ? 20 : 5));
      st.m.lock();
    }
  }
}

// Reads one integer from a query on a read-only connection; -1 on error.
inline long long query_int(sqlite3* db, const char* sql) {
  sqlite3_stmt* q = nullptr;
  long long v = -1;
  if (sqlite3_prepare_v2(db, sql, -1, &q, nullptr) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
    v = sqlite3_column_int64(q, 0);
  sqlite3_finalize(q);
  return v;
}

inline long long pending_outbox(const std::string& db_path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) return -1;
  sqlite3_busy_timeout(db, 2000);
  auto v = query_int(db, "SELECT COUNT(*) FROM outbox WHERE state = 'pending'");
  sqlite3_close(db);
  return v;
}

/// Runs the whole test; prints progress and the summary to `out`. Returns the number of failed
/// checks (0: pass). Removes its directory when everything passed.
inline int run(options opt, std::FILE* out) {
  if (opt.dir.empty()) opt.dir = (std::filesystem::temp_directory_path() / ("tannha-crash-" + std::to_string(::getpid()))).string();
  std::filesystem::remove_all(opt.dir);
  std::filesystem::create_directories(opt.dir);
  const std::string db_path = opt.dir + "/tannha.db";
  const std::string config_path = opt.dir + "/config.toml";
  const std::string run = "c" + std::to_string(opt.seed % 100000);
  std::fprintf(out, "crash: dir=%s seed=%u kills=%d units=%d loaders=%d\n", opt.dir.c_str(), opt.seed, opt.kills, opt.units,
              opt.loaders);

  tannha::bench::fake_api api(true);
  auto api_port = api.start();
  const unsigned short port = free_port();
  {
    auto cfg = tannha::bench::harness_config(db_path, api_port, opt.units);
    auto at = cfg.find("127.0.0.1:0");
    cfg.replace(at, 11, "127.0.0.1:" + std::to_string(port));
    std::ofstream(config_path) << cfg;
  }
  server srv(opt.binary, config_path, opt.dir + "/server.log", port);
  srv.start();
  if (!srv.wait_ready(20s)) {
    std::fprintf(out, "crash: the server did not start (see %s/server.log)\n", opt.dir.c_str());
    return 1;
  }

  shared_state st;
  std::vector<std::thread> loaders;
  for (int i = 0; i < opt.loaders; ++i)
    loaders.emplace_back(loader, std::ref(st), port, opt.units, run, opt.seed + 1 + static_cast<unsigned>(i));

  std::mt19937 rng(opt.seed);
  std::uniform_int_distribution<int> wait_ms(opt.min_ms, opt.max_ms);
  int kills_done = 0;
  for (int k = 0; k < opt.kills; ++k) {
    std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms(rng)));
    srv.kill9();
    ++kills_done;
    std::uint64_t acked_now;
    {
      std::lock_guard lock(st.m);
      acked_now = st.acked.size();
    }
    std::fprintf(out, "crash: kill %d/%d after %llu updates answered, %llu replies received\n", k + 1, opt.kills,
                static_cast<unsigned long long>(acked_now), static_cast<unsigned long long>(api.delivered()));
    std::fflush(out);
    srv.start();
    if (!srv.wait_ready(30s)) {
      std::fprintf(out, "crash: the server did not restart after kill %d (see %s/server.log)\n", k + 1,
                   opt.dir.c_str());
      st.quit = true;
      for (auto& t : loaders) t.join();
      return 1;
    }
  }

  // Let the load go on a moment on the last process, then finish every unanswered update.
  std::this_thread::sleep_for(500ms);
  st.produce = false;
  auto deadline = std::chrono::steady_clock::now() + 120s;
  bool loaders_done = false;
  while (std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(100ms);
    std::lock_guard lock(st.m);
    if (st.acked.size() >= st.next.load()) {
      loaders_done = true;
      break;
    }
  }
  st.quit = true;
  for (auto& t : loaders) t.join();

  // Wait until the relay has sent everything.
  std::uint64_t last = 0;
  int stable = 0;
  for (int i = 0; i < 1200 && stable < 10; ++i) {
    std::this_thread::sleep_for(100ms);
    auto d = api.delivered();
    auto p = pending_outbox(db_path);
    stable = (p == 0 && d == last) ? stable + 1 : 0;
    last = d;
  }
  int exit_code = srv.terminate();

  // ---- checks
  int failures = 0;
  auto fail = [&](const std::string& what) {
    ++failures;
    std::fprintf(out, "crash: FAIL %s\n", what.c_str());
  };
  if (!loaders_done) fail("some updates were never answered 200");
  if (exit_code != 0) fail("the last server did not stop cleanly (exit " + std::to_string(exit_code) + ")");

  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    std::fprintf(out, "crash: FAIL cannot open %s\n", db_path.c_str());
    return 1;
  }
  sqlite3_stmt* q = nullptr;
  std::string integrity;
  sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &q, nullptr);
  while (sqlite3_step(q) == SQLITE_ROW) integrity += reinterpret_cast<const char*>(sqlite3_column_text(q, 0));
  sqlite3_finalize(q);
  if (integrity != "ok") fail("integrity_check: " + integrity);

  std::set<std::string> processed;
  sqlite3_prepare_v2(db, "SELECT update_id FROM processed_updates WHERE platform = 'zalo'", -1, &q, nullptr);
  while (sqlite3_step(q) == SQLITE_ROW) processed.insert(reinterpret_cast<const char*>(sqlite3_column_text(q, 0)));
  sqlite3_finalize(q);

  std::map<std::string, int> requests_by_name, citizens_by_name;
  sqlite3_prepare_v2(db, "SELECT c.full_name, (SELECT COUNT(*) FROM requests r WHERE r.citizen_id = c.id) FROM citizens c",
                     -1, &q, nullptr);
  while (sqlite3_step(q) == SQLITE_ROW) {
    std::string name = reinterpret_cast<const char*>(sqlite3_column_text(q, 0));
    ++citizens_by_name[name];
    requests_by_name[name] += sqlite3_column_int(q, 1);
  }
  sqlite3_finalize(q);

  struct row {
    long long id;
    std::string chat, text, state;
  };
  std::vector<row> outbox;
  sqlite3_prepare_v2(db, "SELECT id, chat_id, text, state FROM outbox ORDER BY id", -1, &q, nullptr);
  while (sqlite3_step(q) == SQLITE_ROW) {
    outbox.push_back({sqlite3_column_int64(q, 0), reinterpret_cast<const char*>(sqlite3_column_text(q, 1)),
                      reinterpret_cast<const char*>(sqlite3_column_text(q, 2)),
                      reinterpret_cast<const char*>(sqlite3_column_text(q, 3))});
  }
  sqlite3_finalize(q);
  auto total_requests = query_int(db, "SELECT COUNT(*) FROM requests");
  sqlite3_close(db);

  std::set<std::uint64_t> acked;
  {
    std::lock_guard lock(st.m);
    acked = st.acked;
  }
  std::uint64_t missing_processed = 0, wrong_effect = 0;
  for (auto n : acked) {
    if (!processed.count(message_id(run, n))) ++missing_processed;
    auto name = citizen_name(run, n);
    auto c = citizens_by_name.find(name);
    auto r = requests_by_name.find(name);
    if (c == citizens_by_name.end() || c->second != 1 || r == requests_by_name.end() || r->second != 1) ++wrong_effect;
  }
  if (missing_processed) fail(std::to_string(missing_processed) + " answered updates missing from processed_updates");
  if (wrong_effect) fail(std::to_string(wrong_effect) + " answered updates without exactly one citizen and one request");
  if (total_requests != static_cast<long long>(acked.size()))
    fail("requests " + std::to_string(total_requests) + " != answered updates " + std::to_string(acked.size()));

  // Replies: what the fake platform received, against the outbox.
  std::map<std::string, int> received;        // text -> times received
  std::map<std::string, std::vector<std::string>> first_order;  // chat -> texts in first-arrival order
  for (const auto& body : api.bodies()) {
    auto j = nlohmann::json::parse(body, nullptr, false);
    if (!j.is_object() || !j.contains("text") || !j["text"].is_string()) {
      fail("a send without text");
      continue;
    }
    auto text = j["text"].get<std::string>();
    std::string chat = j.contains("chat_id") && j["chat_id"].is_string() ? j["chat_id"].get<std::string>() : "";
    if (received[text]++ == 0) first_order[chat].push_back(text);
  }
  std::map<std::string, long long> id_of_text;
  std::uint64_t not_sent = 0, not_received = 0, duplicates = 0, order_breaks = 0;
  for (const auto& r : outbox) {
    id_of_text[r.text] = r.id;
    if (r.state != "sent") ++not_sent;
    auto it = received.find(r.text);
    if (it == received.end()) ++not_received;
    else if (it->second > 1) duplicates += static_cast<std::uint64_t>(it->second - 1);
  }
  std::uint64_t phantom = 0;
  for (const auto& [text, n] : received)
    if (!id_of_text.count(text)) phantom += static_cast<std::uint64_t>(n);
  for (const auto& [chat, texts] : first_order) {
    long long prev = -1;
    for (const auto& t : texts) {
      auto id = id_of_text.count(t) ? id_of_text[t] : -1;
      if (id < prev) ++order_breaks;
      prev = std::max(prev, id);
    }
  }
  if (outbox.size() != acked.size())
    fail("outbox rows " + std::to_string(outbox.size()) + " != answered updates " + std::to_string(acked.size()));
  if (not_sent) fail(std::to_string(not_sent) + " outbox rows not sent");
  if (not_received) fail(std::to_string(not_received) + " replies never reached the platform");
  if (phantom) fail(std::to_string(phantom) + " sends that match no outbox row");
  if (order_breaks) fail(std::to_string(order_breaks) + " replies arrived out of order within their chat");
  // The documented window: a send that succeeded but whose mark_sent did not commit before the
  // kill is sent again after the restart. At most the sends in flight at a kill, finished or
  // not (the relay records finished sends before it starts new ones).
  const std::uint64_t window = static_cast<std::uint64_t>(kills_done) * tannha::bench::harness_max_in_flight;
  if (duplicates > window)
    fail(std::to_string(duplicates) + " duplicate replies, more than the send/mark window allows (" +
         std::to_string(window) + ")");

  std::fprintf(out,
      "crash: kills=%d updates=%zu posts=%llu redelivered_after_200=%llu failed_posts=%llu non_200=%llu "
      "replies=%zu received=%llu duplicates=%llu integrity=%s\n",
      kills_done, acked.size(), static_cast<unsigned long long>(st.posts),
      static_cast<unsigned long long>(st.redeliveries), static_cast<unsigned long long>(st.failures),
      static_cast<unsigned long long>(st.bad_status), outbox.size(), static_cast<unsigned long long>(api.delivered()),
      static_cast<unsigned long long>(duplicates), integrity.c_str());
  std::fprintf(out, "crash: %s\n", failures == 0 ? "PASS" : "FAIL");
  if (failures == 0) std::filesystem::remove_all(opt.dir);
  return failures;
}

}  // namespace tannha::bench::crash
