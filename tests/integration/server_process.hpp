#pragma once
// Runs the real `tannha serve` binary as a child process on loopback with a config written for
// the test, and talks to it over HTTP. Used by the integration tests.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <map>
#include <mutex>
#include <regex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "test_support.hpp"

extern char** environ;

namespace tannha::test {

/// An HTTP answer.
struct http_answer {
  int status = 0;
  std::string body;
};

/// One blocking HTTP/1.1 request to 127.0.0.1:port.
inline http_answer http_call(unsigned short port, const std::string& method, const std::string& target,
                             const std::string& body = "", const std::map<std::string, std::string>& headers = {}) {
  namespace beast = boost::beast;
  namespace http = beast::http;
  boost::asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.expires_after(std::chrono::seconds(10));
  stream.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, "127.0.0.1");
  req.set(http::field::content_type, "application/json");
  for (const auto& [k, v] : headers) req.set(k, v);
  req.body() = body;
  req.prepare_payload();
  http::write(stream, req);
  beast::flat_buffer buf;
  http::response<http::string_body> res;
  beast::error_code ec;
  http::read(stream, buf, res, ec);
  if (ec) return {0, ec.message()};
  return {static_cast<int>(res.result_int()), res.body()};
}

/// `tannha serve` (or `poll`) as a child process.
class server_process {
 public:
  /// Writes `config_toml` (with "@DB@" replaced by a database path in `dir`) and starts
  /// `tannha command --config …` with it; waits until it logs the port it listens on.
  server_process(const temp_dir& dir, std::string config_toml, std::vector<std::string> extra_args = {},
                 const std::string& command = "serve")
      : db_path_(dir.file("tannha.db")), config_path_(dir.file("config.toml")) {
    config_toml = std::regex_replace(config_toml, std::regex("@DB@"), db_path_);
    std::ofstream(config_path_) << config_toml;
    start(command, std::move(extra_args));
  }
  ~server_process() { stop(); }
  server_process(const server_process&) = delete;
  server_process& operator=(const server_process&) = delete;

  unsigned short port() const { return port_; }
  const std::string& db_path() const { return db_path_; }
  const std::string& config_path() const { return config_path_; }
  pid_t pid() const { return pid_; }

  /// Everything the server wrote to stderr so far.
  std::string log() const {
    std::lock_guard lock(m_);
    return log_;
  }

  /// Sends SIGTERM (unless terminate() did) and waits up to 15 s; returns the exit status
  /// (or -1 when it had to be killed).
  int stop() {
    if (pid_ <= 0) return exit_code_;
    if (!term_sent_) ::kill(pid_, SIGTERM);
    int status = 0;
    for (int i = 0; i < 150; ++i) {
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        pid_ = -1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      pid_ = -1;
      exit_code_ = -1;
    }
    if (reader_.joinable()) reader_.join();
    return exit_code_;
  }

  /// Sends SIGTERM without waiting (stop() then waits).
  void terminate() {
    if (pid_ > 0 && !term_sent_) {
      ::kill(pid_, SIGTERM);
      term_sent_ = true;
    }
  }

  /// Kills without warning (crash tests).
  void kill9() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    exit_code_ = -1;
    if (reader_.joinable()) reader_.join();
  }

 private:
  void start(const std::string& command, std::vector<std::string> extra_args) {
    int fds[2];
    if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    std::vector<std::string> args = {TANNHA_BINARY, command, "--config", config_path_};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, TANNHA_BINARY, &actions, nullptr, argv.data(), environ) != 0)
      throw std::runtime_error("cannot start " + std::string(TANNHA_BINARY));
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    int rfd = fds[0];
    reader_ = std::thread([this, rfd] {
      char buf[4096];
      ssize_t n;
      while ((n = ::read(rfd, buf, sizeof buf)) > 0) {
        std::lock_guard lock(m_);
        log_.append(buf, static_cast<std::size_t>(n));
        cv_.notify_all();
      }
      ::close(rfd);
      std::lock_guard lock(m_);
      eof_ = true;
      cv_.notify_all();
    });
    std::unique_lock lock(m_);
    std::smatch m;
    static const std::regex port_re("event=listening.*port=([0-9]+)");
    bool ok = cv_.wait_for(lock, std::chrono::seconds(20), [&] {
      return eof_ || std::regex_search(log_, m, port_re);
    });
    if (!ok || eof_) {
      auto text = log_;
      lock.unlock();
      stop();
      throw std::runtime_error("server did not start:\n" + text);
    }
    port_ = static_cast<unsigned short>(std::stoi(m[1]));
  }

  std::string db_path_;
  std::string config_path_;
  pid_t pid_ = -1;
  bool term_sent_ = false;
  int exit_code_ = 0;
  unsigned short port_ = 0;
  std::thread reader_;
  mutable std::mutex m_;
  std::condition_variable cv_;
  std::string log_;
  bool eof_ = false;
};

}  // namespace tannha::test
