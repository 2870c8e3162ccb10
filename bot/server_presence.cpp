#include "bot/server_presence.hpp"

#include <cerrno>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "bot/log.hpp"

namespace tannha::bot {

std::string server_presence_path(const std::string& db_path) { return db_path + ".server-lock"; }

server_presence::server_presence(const std::string& db_path) {
  const auto path = server_presence_path(db_path);
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0) {
    log_warn("server_presence_unavailable", {{"errno", errno}});
    return;
  }
  // Shared: two servers on one file are not this lock's business; the CLI's probe is exclusive
  // and lasts microseconds, so waiting for it here is harmless.
  if (::flock(fd_, LOCK_SH) != 0) {
    log_warn("server_presence_unavailable", {{"errno", errno}});
    ::close(fd_);
    fd_ = -1;
  }
}

server_presence::~server_presence() {
  if (fd_ >= 0) ::close(fd_);  // closing drops the lock
}

bool server_running(const std::string& db_path) {
  const auto path = server_presence_path(db_path);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;  // no server ever ran here (or it cannot be read: nothing to see)
  const bool running = ::flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  ::close(fd);  // also drops our probe's lock when it was taken
  return running;
}

}  // namespace tannha::bot
