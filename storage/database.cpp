#include "storage/database.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <charconv>
#include <span>
#include <stdexcept>
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
  return out;
}

}  // namespace

database::database(const std::string& path, bool migrate_now)
    : db_(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_FULLMUTEX, 5000) {
  // WAL lets readers (backup, CLI) run beside the server; NORMAL is durable at checkpoints
  // and safe against corruption, and each commit stays cheap.
  db_.exec("PRAGMA journal_mode=WAL");
  db_.exec("PRAGMA synchronous=NORMAL");
  db_.exec("PRAGMA foreign_keys=ON");
  if (migrate_now) migrate();
}

int database::schema_version() {
  return db_.execAndGet("PRAGMA user_version").getInt();
}

int database::migrate() {
  int current = schema_version();
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

bool database::healthy() noexcept {
  try {
    return db_.execAndGet("SELECT 1").getInt() == 1;
  } catch (...) {
    return false;
  }
}

statement_ref database::prepared(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    it = cache_.emplace(sql, std::make_unique<SQLite::Statement>(db_, sql)).first;
  } else {
    it->second->reset();
    it->second->clearBindings();
  }
  return statement_ref(*it->second);
}

bool is_transient(const SQLite::Exception& e) {
  int code = e.getErrorCode() & 0xff;
  return code == SQLITE_BUSY || code == SQLITE_LOCKED || code == SQLITE_FULL || code == SQLITE_IOERR ||
         code == SQLITE_READONLY || code == SQLITE_CANTOPEN;
}

write_transaction::write_transaction(database& d) : d_(d) { d_.db().exec("BEGIN IMMEDIATE"); }

write_transaction::~write_transaction() {
  if (!done_) {
    try {
      d_.db().exec("ROLLBACK");
    } catch (...) {
      // Nothing sensible to do in a destructor: SQLite rolls back on close anyway.
    }
  }
}

void write_transaction::commit() {
  d_.db().exec("COMMIT");
  done_ = true;
}

}  // namespace tannha::storage
