#pragma once
// The real binary for the operations tests: `tannha serve|poll` as a child process that can be
// stopped with SIGTERM and started again on the same database, and one-shot CLI runs with their
// output.
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

#include "server_process.hpp"
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
class service_process : public server_process {
 public:
  service_process(const temp_dir& dir, const std::string& command, std::string config_toml,
                  std::vector<std::string> extra_args = {})
      : server_process(dir, std::move(config_toml), std::move(extra_args), command) {}
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

/// Writes ops_config(kind, api_base) with its database in `dir`; the config file's path.
inline std::string write_ops_config(const temp_dir& dir, const std::string& kind = "zalo",
                                    const std::string& api_base = "http://127.0.0.1:9") {
  auto text = std::regex_replace(ops_config(kind, api_base), std::regex("@DB@"), dir.file("tannha.db"));
  auto path = dir.file("config.toml");
  std::ofstream(path) << text;
  return path;
}

}  // namespace tannha::test
