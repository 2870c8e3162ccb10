// The machine's SQLite commit rate: N transactions of one single-row INSERT each, with the
// pragmas of storage/database.cpp (WAL, synchronous=NORMAL, foreign_keys=ON) and BEGIN
// IMMEDIATE like storage::write_transaction. The bound for "updates committed per second".
// Usage: bench_sqlite_commit DB_PATH [N] [SYNCHRONOUS]   (prints "commits_per_second=…")
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <unistd.h>

namespace {

void exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::fprintf(stderr, "sqlite: %s: %s\n", sql, err ? err : "?");
    std::exit(1);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DB_PATH [N] [SYNCHRONOUS]\n", argv[0]);
    return 2;
  }
  std::string path = argv[1];
  long n = argc > 2 ? std::atol(argv[2]) : 50000;
  std::string sync = argc > 3 ? argv[3] : "NORMAL";
  for (const char* suffix : {"", "-wal", "-shm"}) ::unlink((path + suffix).c_str());
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) return 1;
  sqlite3_busy_timeout(db, 5000);
  exec(db, "PRAGMA journal_mode=WAL");
  exec(db, ("PRAGMA synchronous=" + sync).c_str());
  exec(db, "PRAGMA foreign_keys=ON");
  exec(db, "CREATE TABLE t(id INTEGER PRIMARY KEY, k TEXT NOT NULL UNIQUE, v TEXT NOT NULL, at INTEGER NOT NULL)");
  sqlite3_stmt* ins = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO t(k, v, at) VALUES(?, ?, ?)", -1, &ins, nullptr);
  sqlite3_stmt* begin = nullptr;
  sqlite3_stmt* commit = nullptr;
  sqlite3_prepare_v2(db, "BEGIN IMMEDIATE", -1, &begin, nullptr);
  sqlite3_prepare_v2(db, "COMMIT", -1, &commit, nullptr);
  const std::string value(200, 'x');  // about the size of one reply's text
  auto t0 = std::chrono::steady_clock::now();
  for (long i = 0; i < n; ++i) {
    sqlite3_step(begin);
    sqlite3_reset(begin);
    std::string k = "update-" + std::to_string(i);
    sqlite3_bind_text(ins, 1, k.c_str(), static_cast<int>(k.size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(ins, 2, value.c_str(), static_cast<int>(value.size()), SQLITE_STATIC);
    sqlite3_bind_int64(ins, 3, i);
    if (sqlite3_step(ins) != SQLITE_DONE) {
      std::fprintf(stderr, "insert failed: %s\n", sqlite3_errmsg(db));
      return 1;
    }
    sqlite3_reset(ins);
    if (sqlite3_step(commit) != SQLITE_DONE) {
      std::fprintf(stderr, "commit failed: %s\n", sqlite3_errmsg(db));
      return 1;
    }
    sqlite3_reset(commit);
  }
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - t0;
  sqlite3_finalize(ins);
  sqlite3_finalize(begin);
  sqlite3_finalize(commit);
  sqlite3_close(db);
  for (const char* suffix : {"", "-wal", "-shm"}) ::unlink((path + suffix).c_str());
  std::printf("commits=%ld seconds=%.3f commits_per_second=%.0f synchronous=%s\n", n, took.count(),
              n / took.count(), sync.c_str());
  return 0;
}
