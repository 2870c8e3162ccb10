#pragma once
#include <string>

namespace tannha::bot {

/// Tells the CLI that a server (`serve` or `poll`) is using a database: the server holds a
/// shared flock(2) on "<database path>.server-lock" for its whole life. The kernel drops the
/// lock when the process ends in any way (kill -9 too), so a crash leaves nothing stale.
class server_presence {
 public:
  /// Takes the shared lock; when the lock file cannot be opened (a read-only directory), the
  /// server runs without it and the CLI cannot see it (logged as server_presence_unavailable).
  explicit server_presence(const std::string& db_path);
  ~server_presence();
  server_presence(const server_presence&) = delete;
  server_presence& operator=(const server_presence&) = delete;
  /// True when the lock is held.
  bool held() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

/// The lock file next to a database.
std::string server_presence_path(const std::string& db_path);

/// True when a running server holds the database's presence lock (an exclusive try-lock fails).
bool server_running(const std::string& db_path);

}  // namespace tannha::bot
