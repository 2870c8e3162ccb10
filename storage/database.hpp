#pragma once
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <utility>
#include <unordered_map>
#include <vector>
#include <string>

namespace tannha::storage {

/// A cached prepared statement in use: reset when it goes out of scope, so a half-read SELECT
/// never pins an old snapshot or holds a lock.
class statement_ref {
 public:
  explicit statement_ref(SQLite::Statement& s) : s_(&s) {}
  statement_ref(const statement_ref&) = delete;
  statement_ref& operator=(const statement_ref&) = delete;
  ~statement_ref() {
    try {
      s_->reset();
    } catch (...) {
      // reset only reports the last step's error, already seen by the caller.
    }
  }
  SQLite::Statement* operator->() { return s_; }
  SQLite::Statement& operator*() { return *s_; }

 private:
  SQLite::Statement* s_;
};

/// A database written by a newer program (PRAGMA user_version above latest_version()): this
/// one would misread it, so it refuses to open it for writing.
struct schema_too_new : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// One SQLite connection: WAL, busy_timeout, foreign keys, secure_delete; migrations applied
/// on open.
class database {
 public:
  /// Opens (creating if needed) and migrates the database at `path` (":memory:" allowed). A
  /// file it creates is owner-only (0600) whatever the umask, and so are its -wal and -shm.
  explicit database(const std::string& path, bool migrate = true);
  ~database();
  database(const database&) = delete;
  database& operator=(const database&) = delete;

  /// Applies the embedded numbered migrations newer than PRAGMA user_version, each in a
  /// transaction; returns how many were applied. Throws schema_too_new (naming both versions)
  /// when the database is newer than this program.
  int migrate();
  /// PRAGMA user_version.
  int schema_version();
  /// The newest migration built into this binary (what schema_version() is once migrated).
  static int latest_version();
  /// PRAGMA integrity_check's answer ("ok" when sound; otherwise its first lines).
  std::string integrity_check();
  /// PRAGMA quick_check's answer: integrity_check without the index cross-checks, fast enough
  /// for every start ("ok" when sound; otherwise its first lines).
  std::string quick_check();
  /// Makes a statement running on this connection in another thread (a long quick_check)
  /// stop at its next step with an error. Safe from any thread.
  void interrupt() noexcept;
  /// True when a trivial query answers (for /healthz).
  bool healthy() noexcept;
  /// How long a statement waits for another connection's lock before failing with
  /// SQLITE_BUSY (5 s from the constructor); the server's writer keeps it short.
  void set_busy_timeout(std::chrono::milliseconds wait) { db_.setBusyTimeout(static_cast<int>(wait.count())); }
  /// Copies a consistent snapshot to the file `out` while writers go on (SQLite's online
  /// backup), then returns the copy's PRAGMA integrity_check answer ("ok" when sound). A new
  /// `out` is created owner-only (0600); an existing one keeps its mode.
  std::string backup_to(const std::string& out);

  /// PRAGMA wal_checkpoint(TRUNCATE): copies the WAL into the database file and empties it, so
  /// that erased data does not stay in old WAL frames. False when a reader kept it from
  /// finishing (the next purge tries again).
  bool checkpoint_truncate();

  /// A consistent snapshot of the whole database as the bytes of a database file, taken with
  /// the online backup API into memory (no plaintext copy on disk), and its integrity_check
  /// answer.
  std::pair<std::string, std::string> snapshot();
  /// PRAGMA integrity_check's answer for the database file at `path`, opened read-only
  /// ("ok" when sound; an error text when it is not a database at all).
  static std::string check_file(const std::string& path);

  SQLite::Database& db() { return db_; }
  /// A statement prepared once per SQL text and reused; bindings cleared, reset after use.
  /// Throws std::logic_error when the same SQL is still being stepped through by a caller
  /// (a statement_ref alive with a row read): reusing it would cut that caller's loop short.
  statement_ref prepared(const std::string& sql);
  /// The SQL of every statement prepared so far (tests read their query plans).
  std::vector<std::string> prepared_sql() const;

 private:
  SQLite::Database db_;
  std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>> cache_;
  std::unique_ptr<class wal_checkpointer> checkpointer_;  // file databases: WAL checkpoints off this thread
};

/// True for SQLite faults that a later retry may cure (busy, locked, disk full, I/O).
bool is_transient(const SQLite::Exception& e);

/// RAII write transaction (BEGIN IMMEDIATE): rolled back unless commit() is called.
class write_transaction {
 public:
  explicit write_transaction(database& d);
  write_transaction(const write_transaction&) = delete;
  write_transaction& operator=(const write_transaction&) = delete;
  /// COMMIT; when it throws, the destructor rolls back.
  void commit();

 private:
  SQLite::Transaction tx_;
};

/// RAII savepoint inside a write transaction: one update of a batch, undone alone (ROLLBACK
/// TO) unless release() is called, while the batch's other updates stay in the transaction.
class savepoint {
 public:
  explicit savepoint(database& d);
  ~savepoint();
  savepoint(const savepoint&) = delete;
  savepoint& operator=(const savepoint&) = delete;
  /// Keeps the savepoint's changes in the enclosing transaction.
  void release();
  /// Undoes the savepoint's changes now (the destructor does it too).
  void rollback();

 private:
  database& d_;
  bool done_ = false;
};

}  // namespace tannha::storage
