#pragma once
// The real binary for the operations tests: `tannha serve|poll` as a child process that can be
// stopped with SIGTERM and started again on the same database, and one-shot CLI runs with their
// output. (server_process.hpp runs `serve` only; this one takes the command.)
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <regex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "test_support.hpp"

extern char** environ;

namespace tannha::test {

/// What a one-shot command printed (stdout and stderr together) and its exit code.
struct cli_result {
  int exit_code = -1;
  std::string output;
};

/// Runs `tannha args…` to completion.
inline cli_result run_tannha(std::vector<std::string> args) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  args.insert(args.begin(), TANNHA_BINARY);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  if (posix_spawn(&pid, TANNHA_BINARY, &actions, nullptr, argv.data(), environ) != 0)
    throw std::runtime_error("cannot start tannha");
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  cli_result r;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fds[0], buf, sizeof buf)) > 0) r.output.append(buf, static_cast<std::size_t>(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

/// `tannha COMMAND --config FILE …` running in the background (serve or poll).
class service_process {
 public:
  /// Writes `config_toml` ("@DB@" → a database in `dir`) to dir/config.toml and starts
  /// `tannha command --config …`; waits until it logs the port it listens on.
  service_process(const temp_dir& dir, const std::string& command, std::string config_toml,
                  std::vector<std::string> extra_args = {})
      : db_path_(dir.file("tannha.db")), config_path_(dir.file("config.toml")) {
    config_toml = std::regex_replace(config_toml, std::regex("@DB@"), db_path_);
    std::ofstream(config_path_) << config_toml;
    std::vector<std::string> args = {TANNHA_BINARY, command, "--config", config_path_};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    start(std::move(args));
  }
  ~service_process() { stop(); }
  service_process(const service_process&) = delete;
  service_process& operator=(const service_process&) = delete;

  unsigned short port() const { return port_; }
  const std::string& db_path() const { return db_path_; }
  const std::string& config_path() const { return config_path_; }
  pid_t pid() const { return pid_; }

  /// Everything it wrote so far.
  std::string log() const {
    std::lock_guard lock(m_);
    return log_;
  }

  /// Sends SIGTERM (if not sent yet) and waits up to 15 s; the exit status, -1 when killed.
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

 private:
  void start(std::vector<std::string> args) {
    int fds[2];
    if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
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
    bool ok = cv_.wait_for(lock, std::chrono::seconds(20), [&] { return eof_ || std::regex_search(log_, m, port_re); });
    if (!ok || eof_) {
      auto text = log_;
      lock.unlock();
      stop();
      throw std::runtime_error("tannha did not start:\n" + text);
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

/// A config for the operations tests: both units of the e2e tests, quick relay settings.
inline std::string ops_config(const std::string& kind, const std::string& api_base, const std::string& extra = "") {
  return R"([server]
listen = "127.0.0.1:0"
webhook_path = "/webhook"
read_timeout_seconds = 1
idle_timeout_seconds = 30

[platform]
kind = ")" + kind + R"("
api_base = ")" + api_base + R"("
token = "TESTTOKEN"
webhook_secret = "bi-mat-thu-nghiem"

[storage]
path = "@DB@"

[relay]
per_chat_per_second = 50.0
per_group_per_minute = 600
global_per_second = 200.0
base_backoff_seconds = 0.05
max_backoff_seconds = 0.2
)" + extra + R"(
[[units]]
id = "binhgiang"
name = "Xã Bình Giang"
chat_id = "a1b2c3d4e5f60718293a"
admins = ["6ede9afa66b88fe6d6a9", "9c1d2e3f4a5b6c7d8e9f"]
villages = ["Đông Hải", "Tây Sơn", "Bắc Hà"]
visit_days = ["Thứ Bảy"]
cutoff_day = "Thứ Năm"
cutoff_time = "17:00"
capacity = 10

[[units]]
id = "thanhdong"
name = "Phường Thành Đông"
chat_id = "-1001234567890"
admins = ["111"]
villages = ["Tổ dân phố 1", "Tổ dân phố 2"]
)";
}

}  // namespace tannha::test
