#pragma once
// Shared helpers for tests: temporary directories and a demo unit like the example config's.
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>

#include "domain/time.hpp"
#include "domain/unit.hpp"

namespace tannha::test {

/// A fresh directory under the system temp dir, removed with everything in it at scope exit.
class temp_dir {
 public:
  temp_dir() {
    static std::atomic<int> counter{0};
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("tannha-test-" + std::to_string(rd()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(path_);
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

/// Reads a whole file.
inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// A fixture file's text (tests/fixtures/); throws naming the file when it is missing, so a
/// test never runs on an empty payload.
inline std::string fixture(const std::string& name) {
  const auto path = std::filesystem::path(TANNHA_FIXTURES) / name;
  if (!std::filesystem::is_regular_file(path)) throw std::runtime_error("missing test fixture: " + path.string());
  return read_file(path);
}

/// What `f` writes to stderr (the log), captured through a file.
template <typename F>
inline std::string stderr_of(F&& f) {
  test::temp_dir dir;
  const auto path = dir.file("stderr.txt");
  std::fflush(stderr);
  const int saved = ::dup(2);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ::dup2(fd, 2);
  ::close(fd);
  f();
  std::fflush(stderr);
  ::dup2(saved, 2);
  ::close(saved);
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// An instant from unit-local (UTC+7) wall-clock parts.
inline domain::instant local(int y, unsigned m, unsigned d, int hh = 9, int mm = 0) {
  using namespace std::chrono;
  auto day = sys_days{year{y} / month{m} / ::std::chrono::day{d}};
  return domain::instant{day.time_since_epoch() + hours{hh} + minutes{mm} - hours{7}};
}

/// A unit like the example config's Bình Giang: Saturday visits at 08:00, Thursday 17:00 cut-off.
inline domain::unit demo_unit(std::string id = "binhgiang", std::string chat = "group-bg",
                              std::vector<std::string> admins = {"admin-1"}) {
  domain::unit u;
  u.id = std::move(id);
  u.name = "Xã Bình Giang";
  u.chat_id = std::move(chat);
  u.admins = std::move(admins);
  u.villages = {"Đông Hải", "Tây Sơn", "Bắc Hà", "Nam Hưng"};
  u.schedule.capacity = 3;
  return u;
}

}  // namespace tannha::test
