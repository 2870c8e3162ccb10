// The longest stall a writer sharing the database sees while `tannha import` loads a large list
// (issue 16 item 6). Writes a config and a CSV of --rows people, runs `tannha migrate`, then
// `tannha import` while this program commits one small row every millisecond from its own
// connection (as the server would: WAL, a 120 s busy timeout here, so the whole wait is seen).
// Prints the longest and the 99th percentile wait for a write, the import's wall time, and how
// many writes waited more than the server's 5 s busy timeout (each would have failed there).
// Usage: bench_import_stall --binary build/tannha [--rows 50000] [--dir DIR]
#include <fcntl.h>
#include <sqlite3.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace {

using clk = std::chrono::steady_clock;

int run(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  if (posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ) != 0) return -1;
  posix_spawn_file_actions_destroy(&fa);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool exec(sqlite3* db, const char* sql) { return sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK; }

// A name no other row folds to: letters from the row number.
std::string name_of(int i) {
  std::string s;
  for (int n = i + 1; n > 0; n /= 26) s.push_back(static_cast<char>('a' + n % 26));
  return "Nguyen Van " + s;
}

}  // namespace

int main(int argc, char** argv) {
  std::string binary, dir;
  int rows = 50000;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--binary") binary = v;
    else if (k == "--rows") rows = std::atoi(v.c_str());
    else if (k == "--dir") dir = v;
  }
  if (binary.empty()) {
    std::fprintf(stderr, "usage: %s --binary PATH [--rows N] [--dir DIR]\n", argv[0]);
    return 2;
  }
  const bool own_dir = dir.empty();  // removed at the end
  if (own_dir) {
    char tmpl[] = "/tmp/tannha-import-stall.XXXXXX";
    if (!mkdtemp(tmpl)) return 2;
    dir = tmpl;
  }
  const std::string db_path = dir + "/tannha.db", cfg = dir + "/config.toml", csv = dir + "/list.csv";
  std::ofstream(cfg) << "[platform]\nkind = \"console\"\nwebhook_secret = \"bench-secret\"\n[storage]\npath = \"" << db_path
                     << "\"\n[[units]]\nid = \"binhgiang\"\nname = \"Xã Bình Giang\"\n"
                        "villages = [\"Đông Hải\", \"Tây Sơn\", \"Bắc Hà\"]\n";
  {
    std::ofstream out(csv);
    out << "ho_ten,nam_sinh,thon,sdt\n";
    const char* villages[] = {"Đông Hải", "Tây Sơn", "Bắc Hà"};
    for (int i = 0; i < rows; ++i)
      out << name_of(i) << "," << 1930 + i % 70 << "," << villages[i % 3] << ",09" << 10000000 + i << "\n";
  }
  if (run({binary, "migrate", "--config", cfg}) != 0) {
    std::fprintf(stderr, "import_stall: migrate failed\n");
    return 1;
  }

  sqlite3* db = nullptr;
  if (sqlite3_open(db_path.c_str(), &db) != SQLITE_OK) return 1;
  sqlite3_busy_timeout(db, 120000);
  exec(db, "PRAGMA journal_mode=WAL");
  exec(db, "PRAGMA synchronous=NORMAL");
  exec(db, "CREATE TABLE IF NOT EXISTS bench_ticks(at INTEGER)");

  std::atomic<bool> done{false};
  std::vector<double> waits_ms;
  std::thread writer([&] {
    while (!done.load()) {
      auto t = clk::now();
      bool ok = exec(db, "BEGIN IMMEDIATE") && exec(db, "INSERT INTO bench_ticks VALUES(1)") && exec(db, "COMMIT");
      if (!ok) exec(db, "ROLLBACK");
      waits_ms.push_back(std::chrono::duration<double, std::milli>(clk::now() - t).count());
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  auto start = clk::now();
  int rc = run({binary, "import", csv, "--unit", "binhgiang", "--config", cfg});
  double import_s = std::chrono::duration<double>(clk::now() - start).count();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  done = true;
  writer.join();
  sqlite3_close(db);
  if (own_dir) std::filesystem::remove_all(dir);
  if (rc != 0) {
    std::fprintf(stderr, "import_stall: import failed (%d)\n", rc);
    return 1;
  }
  std::sort(waits_ms.begin(), waits_ms.end());
  const double worst = waits_ms.empty() ? 0 : waits_ms.back();
  const double p99 = waits_ms.empty() ? 0 : waits_ms[waits_ms.size() * 99 / 100];
  const auto over_5s = std::count_if(waits_ms.begin(), waits_ms.end(), [](double w) { return w > 5000; });
  std::printf("import_stall: rows=%d import_s=%.2f writes=%zu longest_wait_ms=%.1f p99_wait_ms=%.1f over_5s=%ld\n",
              rows, import_s, waits_ms.size(), worst, p99, static_cast<long>(over_5s));
  return 0;
}
