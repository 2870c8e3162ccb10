#include "storage/database.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <charconv>
#include <condition_variable>
#include <mutex>
#include <span>
#include <stdexcept>
#include <thread>
#include <vector>

#include "domain/embedded_file.hpp"

namespace tannha::storage {

std::span<const domain::embedded_file> embedded_migrations();

namespace {

struct migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

std::vector<migration> sorted_migrations() {
  std::vector<migration> out;
  for (const auto& f : embedded_migrations()) {
    int v = 0;
    auto [p, ec] = std::from_chars(f.name.data(), f.name.data() + f.name.size(), v);
    // A file without a leading number is a build mistake, not a runtime condition.
    if (ec != std::errc{} || v <= 0) throw std::logic_error("migration without a number: " + std::string(f.name));
    out.push_back({v, f.name, f.content});
  }
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.version < b.version; });
  // Two files with one number (two branches each adding "the next" migration) would apply only
  // one of them: refuse to start instead.
  for (std::size_t i = 1; i < out.size(); ++i)
    if (out[i].version == out[i - 1].version)
      throw std::logic_error("two migrations numbered " + std::to_string(out[i].version) + ": " +
                             std::string(out[i - 1].name) + ", " + std::string(out[i].name));
  return out;
}

// WAL frames after which a checkpoint is asked for (SQLite's own default), and after which the
// committing thread does one itself because the background one is not keeping up.
constexpr int checkpoint_frames = 1000;
constexpr int inline_checkpoint_frames = 20000;

// The database holds personal data: a file this process creates is owner-only (0600),
// whatever the umask (outside systemd it is usually 022, which gave 0644). Created empty here,
// before SQLite opens it; SQLite gives the -wal and -shm files the mode of the database file.
// A file that exists keeps its mode (the operator chose it). ":memory:", "" (a temporary
// database) and URIs are left to SQLite. Returns `path`, for the member initialiser.
const std::string& create_owner_only(const std::string& path) {
  if (path.empty() || path == ":memory:" || path.starts_with("file:")) return path;
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) {
    ::fchmod(fd, 0600);  // exact whatever the umask (077 keeps it, 277 would make it unwritable)
    ::close(fd);
  }
  // EEXIST: an existing database. Any other failure (no such folder, no permission) is left
  // for SQLite's open to report with its own message.
  return path;
}

/// An integrity pragma's rows joined by "; " ("ok" when sound).
std::string check_answer(SQLite::Database& db, const char* pragma) {
  SQLite::Statement q(db, pragma);
  std::string out;
  while (q.executeStep()) {
    if (!out.empty()) out += "; ";
    out += q.getColumn(0).getString();
  }
  return out;
}

}  // namespace

/// Copies the WAL back into the database file on a thread and connection of its own. A
/// checkpoint fsyncs the WAL and the database file (milliseconds each on a slow disk); done
/// inline, as SQLite does by default, it stalls the one thread that answers every webhook.
/// Durability is unchanged: a commit is in the WAL either way. The thread starts on the first
/// request, so short-lived connections (CLI, tests) never start one.
class wal_checkpointer {
 public:
  explicit wal_checkpointer(std::string path) : path_(std::move(path)) {}
  ~wal_checkpointer() {
    {
      std::lock_guard lock(m_);
      stop_ = true;
    }
    cv_.notify_one();
    if (thread_.joinable()) thread_.join();
  }
  wal_checkpointer(const wal_checkpointer&) = delete;
  wal_checkpointer& operator=(const wal_checkpointer&) = delete;

  void request() {
    {
      std::lock_guard lock(m_);
      wanted_ = true;
      if (!thread_.joinable() && !stop_) thread_ = std::thread([this] { run(); });
    }
    cv_.notify_one();
  }

  /// sqlite3_wal_hook callback: runs after each commit with the WAL's size in frames.
  static int on_commit(void* self, sqlite3* db, const char* name, int frames) {
    if (frames >= inline_checkpoint_frames) {
      sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    } else if (frames >= checkpoint_frames) {
      static_cast<wal_checkpointer*>(self)->request();
    }
    return SQLITE_OK;
  }

 private:
  void run() {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
      sqlite3_close(db);
      return;  // the committing thread's inline fallback still bounds the WAL
    }
    sqlite3_exec(db, "PRAGMA synchronous=NORMAL", nullptr, nullptr, nullptr);
    std::unique_lock lock(m_);
    while (!stop_) {
      cv_.wait(lock, [&] { return stop_ || wanted_; });
      if (stop_) break;
      wanted_ = false;
      lock.unlock();
      // PASSIVE: never waits for or blocks the writer; frames it cannot copy yet stay for the
      // next round.
      sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
      lock.lock();
      // At most one round every 20 ms, so a reader that pins the WAL does not make it spin.
      cv_.wait_for(lock, std::chrono::milliseconds(20), [&] { return stop_; });
    }
    lock.unlock();
    sqlite3_close(db);
  }

  std::string path_;
  std::mutex m_;
  std::condition_variable cv_;
  bool wanted_ = false;
  bool stop_ = false;
  std::thread thread_;
};

database::database(const std::string& path, bool migrate_now)
    : db_(create_owner_only(path), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_FULLMUTEX, 5000) {
  // WAL lets readers (backup, CLI) run beside the server; NORMAL is durable at checkpoints
  // and safe against corruption, and each commit stays cheap.
  db_.exec("PRAGMA journal_mode=WAL");
  db_.exec("PRAGMA synchronous=NORMAL");
  db_.exec("PRAGMA foreign_keys=ON");
  // Statement and savepoint journals (each update of a batch runs in a savepoint) stay in
  // memory: on disk they are a temp file written and unlinked for every update, which was a
  // fifth of the server's time under load. They only ever hold one update's changed pages.
  db_.exec("PRAGMA temp_store=MEMORY");
  // Personal data that is erased or deleted is overwritten with zeros in the file, not left in
  // free space for anyone who reads the bytes (issue 15).
  db_.exec("PRAGMA secure_delete=ON");
  // A file database checkpoints from a thread of its own (replaces wal_autocheckpoint).
  const char* file = sqlite3_db_filename(db_.getHandle(), "main");
  if (file && *file && db_.execAndGet("PRAGMA journal_mode").getString() == "wal") {
    checkpointer_ = std::make_unique<wal_checkpointer>(file);
    sqlite3_wal_hook(db_.getHandle(), &wal_checkpointer::on_commit, checkpointer_.get());
  }
  if (migrate_now) migrate();
}

database::~database() {
  // The hook must not reach a checkpointer that is gone; the closing connection checkpoints.
  if (checkpointer_) sqlite3_wal_hook(db_.getHandle(), nullptr, nullptr);
  checkpointer_.reset();
}

int database::schema_version() {
  return db_.execAndGet("PRAGMA user_version").getInt();
}

int database::latest_version() {
  int v = 0;
  for (const auto& m : sorted_migrations()) v = std::max(v, m.version);
  return v;
}

std::string database::integrity_check() { return check_answer(db_, "PRAGMA integrity_check(5)"); }

void database::interrupt() noexcept { sqlite3_interrupt(db_.getHandle()); }

std::string database::quick_check() {
  try {
    return check_answer(db_, "PRAGMA quick_check(5)");
  } catch (const SQLite::Exception& e) {
    // Pages too damaged to walk fail the check itself: that is its answer too.
    return e.what();
  }
}

int database::migrate() {
  int current = schema_version();
  const int latest = latest_version();
  if (current > latest) {
    throw schema_too_new("database " + db_.getFilename() + " has schema version " + std::to_string(current) +
                         ", newer than this program knows (" + std::to_string(latest) +
                         "): run the tannha version that wrote it, or restore a backup made for this one");
  }
  int applied = 0;
  for (const auto& m : sorted_migrations()) {
    if (m.version <= current) continue;
    write_transaction tx(*this);
    db_.exec(std::string(m.sql));
    db_.exec("PRAGMA user_version=" + std::to_string(m.version));
    tx.commit();
    ++applied;
  }
  return applied;
}

bool database::checkpoint_truncate() {
  SQLite::Statement q(db_, "PRAGMA wal_checkpoint(TRUNCATE)");
  if (!q.executeStep()) return false;
  return q.getColumn(0).getInt() == 0;  // busy = 0: every frame copied and the WAL emptied
}

bool database::healthy() noexcept {
  try {
    return db_.execAndGet("SELECT 1").getInt() == 1;
  } catch (...) {
    return false;
  }
}

std::string database::backup_to(const std::string& out) {
  // A backup is the same personal data: a new backup file is owner-only too.
  db_.backup(create_owner_only(out).c_str(), SQLite::Database::Save);
  SQLite::Database copy(out, SQLite::OPEN_READONLY);
  return copy.execAndGet("PRAGMA integrity_check").getString();
}

std::pair<std::string, std::string> database::snapshot() {
  SQLite::Database copy(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  sqlite3_backup* b = sqlite3_backup_init(copy.getHandle(), "main", db_.getHandle(), "main");
  if (!b) throw SQLite::Exception(copy.getHandle(), sqlite3_errcode(copy.getHandle()));
  int rc = sqlite3_backup_step(b, -1);
  sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE) throw SQLite::Exception("backup into memory failed", rc);
  std::string check = copy.execAndGet("PRAGMA integrity_check").getString();
  sqlite3_int64 size = 0;
  unsigned char* bytes = sqlite3_serialize(copy.getHandle(), "main", &size, 0);
  if (!bytes) throw SQLite::Exception("serialize failed", SQLITE_NOMEM);
  std::string out(reinterpret_cast<const char*>(bytes), static_cast<std::size_t>(size));
  sqlite3_free(bytes);
  return {std::move(out), std::move(check)};
}

std::string database::check_file(const std::string& path) {
  try {
    SQLite::Database copy(path, SQLite::OPEN_READONLY);
    return check_answer(copy, "PRAGMA integrity_check(5)");
  } catch (const SQLite::Exception& e) {
    return e.what();
  }
}

statement_ref database::prepared(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    it = cache_.emplace(sql, std::make_unique<SQLite::Statement>(db_, sql)).first;
  } else {
    // Resetting a statement that a caller is still stepping through would silently end the
    // caller's loop (or restart it from the first row): a nested use of the same SQL is a bug.
    if (it->second->hasRow()) throw std::logic_error("prepared statement reused while still iterating: " + sql);
    it->second->reset();
    it->second->clearBindings();
  }
  return statement_ref(*it->second);
}

std::vector<std::string> database::prepared_sql() const {
  std::vector<std::string> out;
  out.reserve(cache_.size());
  for (const auto& [sql, stmt] : cache_) out.push_back(sql);
  return out;
}

bool is_transient(const SQLite::Exception& e) {
  int code = e.getErrorCode() & 0xff;
  return code == SQLITE_BUSY || code == SQLITE_LOCKED || code == SQLITE_FULL || code == SQLITE_IOERR ||
         code == SQLITE_READONLY || code == SQLITE_CANTOPEN;
}

// IMMEDIATE takes the write lock at BEGIN, so a busy database fails here (where the caller
// retries the whole batch) and never halfway through it on the first write.
write_transaction::write_transaction(database& d) : tx_(d.db(), SQLite::TransactionBehavior::IMMEDIATE) {}

void write_transaction::commit() { tx_.commit(); }

savepoint::savepoint(database& d) : d_(d) { d_.prepared("SAVEPOINT one_update")->exec(); }

savepoint::~savepoint() {
  try {
    rollback();
  } catch (...) {
    // The enclosing transaction's rollback undoes it anyway.
  }
}

void savepoint::release() {
  if (done_) return;
  d_.prepared("RELEASE one_update")->exec();
  done_ = true;
}

void savepoint::rollback() {
  if (done_) return;
  done_ = true;
  // ROLLBACK TO keeps the savepoint open: release it so savepoints do not nest up.
  d_.prepared("ROLLBACK TO one_update")->exec();
  d_.prepared("RELEASE one_update")->exec();
}

}  // namespace tannha::storage
