// Issue 16: a server that stays up and says the truth about itself — a database newer than the
// program is refused, /healthz reports failing writes, a full disk loses nothing answered 200,
// and an external write lock stalls neither /healthz nor the updates' answers.
#include <doctest/doctest.h>

#include <sys/mount.h>

#include <SQLiteCpp/Database.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "storage/database.hpp"
#include "test_ops_process.hpp"

using namespace tannha;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

const std::string uptime_secret = "bi-mat-thu-nghiem";
const std::string unit_group = "a1b2c3d4e5f60718293a";  // binhgiang's group in ops_config()

// A Zalo group text with message id `id`: recorded in processed_updates, nothing to send.
std::string uptime_group_text(const std::string& id) {
  json j = {{"event_name", "message.text.received"},
            {"message",
             {{"from", {{"id", "u-" + id}, {"display_name", "Lê Thị Hoa"}, {"is_bot", false}}},
              {"chat", {{"id", unit_group}, {"chat_type", "GROUP"}}},
              {"text", "cảm ơn cả nhà"},
              {"message_id", id},
              {"date", 1764377131999LL}}}};
  return j.dump();
}

test::http_answer uptime_post(const test::server_process& srv, const std::string& id) {
  return test::http_call(srv.port(), "POST", "/webhook", uptime_group_text(id), {{"X-Bot-Api-Secret-Token", uptime_secret}});
}

int uptime_stored(const std::string& db_path, const std::string& id) {
  SQLite::Database db(db_path, SQLite::OPEN_READONLY);
  SQLite::Statement q(db, "SELECT COUNT(*) FROM processed_updates WHERE update_id = ?");
  q.bind(1, id);
  q.executeStep();
  return q.getColumn(0).getInt();
}

// A tmpfs mounted on a folder for the life of the object; ok() false when mounting is not
// permitted (not root, or no CAP_SYS_ADMIN in a container).
struct uptime_tmpfs {
  std::string where;
  bool mounted = false;
  uptime_tmpfs(std::string at, const std::string& size) : where(std::move(at)) {
    mounted = ::mount("tmpfs", where.c_str(), "tmpfs", 0, ("size=" + size + ",mode=0700").c_str()) == 0;
  }
  ~uptime_tmpfs() {
    if (mounted) ::umount2(where.c_str(), MNT_DETACH);
  }
  bool ok() const { return mounted; }
};

// Writes a file until the disk refuses; its size.
std::uintmax_t uptime_fill(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return 0;
  std::vector<char> block(64 * 1024, 'x');
  std::uintmax_t written = 0;
  for (;;) {
    auto n = std::fwrite(block.data(), 1, block.size(), f);
    written += n;
    if (n < block.size() || std::fflush(f) != 0) break;
  }
  // Fill the last partial block too, byte by byte is too slow: 4 KiB steps.
  for (;;) {
    auto n = std::fwrite(block.data(), 1, 4096, f);
    written += n;
    if (n < 4096 || std::fflush(f) != 0) break;
  }
  std::fclose(f);
  return written;
}

}  // namespace

TEST_CASE("uptime: serve refuses a database newer than the program, naming both versions") {
  test::temp_dir dir;
  auto cfg = test::write_ops_config(dir);
  const int latest = storage::database::latest_version();
  {
    storage::database db(dir.file("tannha.db"));
    db.db().exec("PRAGMA user_version=" + std::to_string(latest + 5));
  }
  auto r = test::run_tannha({"serve", "--config", cfg});
  CHECK(r.exit_code != 0);
  CHECK(r.output.find("schema version " + std::to_string(latest + 5)) != std::string::npos);
  CHECK(r.output.find("(" + std::to_string(latest) + ")") != std::string::npos);
  CHECK(r.output.find("event=listening") == std::string::npos);
  // Nothing was written to it: still the future version.
  SQLite::Database db(dir.file("tannha.db"), SQLite::OPEN_READONLY);
  CHECK(db.execAndGet("PRAGMA user_version").getInt() == latest + 5);
}

TEST_CASE("uptime: serve refuses a database with damaged pages instead of serving it") {
  test::temp_dir dir;
  auto cfg = test::write_ops_config(dir);
  int pages = 0;
  {
    storage::database db(dir.file("tannha.db"));
    pages = db.db().execAndGet("PRAGMA page_count").getInt();
  }  // closed: the WAL is folded into the file
  REQUIRE(pages > 4);
  {
    // Garbage over the second half of the file's pages (tables and indexes, not the header).
    std::fstream f(dir.file("tannha.db"), std::ios::in | std::ios::out | std::ios::binary);
    const std::string junk(4096, '\xA5');
    for (int page = pages / 2; page < pages; ++page) {
      f.seekp(static_cast<std::streamoff>(page) * 4096);
      f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
    }
  }
  auto r = test::run_tannha({"serve", "--config", cfg});
  CHECK(r.exit_code != 0);
  CHECK(r.output.find("event=listening") == std::string::npos);
  CHECK(r.output.find("restore the latest backup") != std::string::npos);
  MESSAGE("serve on damaged pages: " << r.output.substr(0, 300));
}

TEST_CASE("uptime: a database above check_before_serving_mb is checked once serving; damaged pages stop the server until a restore") {
  test::temp_dir dir;
  auto cfg = test::write_ops_config(dir);
  {
    // check_before_serving_mb = 0: every file is checked in the background.
    std::ifstream in(cfg);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    text = std::regex_replace(text, std::regex("\\[storage\\]\n"), "[storage]\ncheck_before_serving_mb = 0\n");
    std::ofstream(cfg) << text;
  }
  const auto db_path = dir.file("tannha.db");
  int first_filler_page = 0, pages = 0;
  {
    storage::database db(db_path);
    first_filler_page = db.db().execAndGet("PRAGMA page_count").getInt() + 1;
    // Pages nothing at start-up reads: damage there is found only by the check itself.
    db.db().exec("CREATE TABLE filler(x BLOB)");
    for (int i = 0; i < 64; ++i) db.db().exec("INSERT INTO filler VALUES (zeroblob(3000))");
    pages = db.db().execAndGet("PRAGMA page_count").getInt();
  }
  REQUIRE(pages > first_filler_page + 8);
  auto backup = test::run_tannha({"backup", "--config", cfg, "--out", dir.file("before.db")});
  REQUIRE(backup.exit_code == 0);
  {
    std::fstream f(db_path, std::ios::in | std::ios::out | std::ios::binary);
    const std::string junk(4096, '\xA5');
    for (int page = first_filler_page + 2; page < pages; ++page) {
      f.seekp(static_cast<std::streamoff>(page) * 4096);
      f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
    }
  }
  // It listens first (the check no longer holds start-up), then finds the damage and stops.
  auto r = test::run_tannha({"serve", "--config", cfg});
  MESSAGE("serve, check later: " << r.output.substr(0, 600));
  CHECK(r.exit_code == 1);
  CHECK(r.output.find("event=integrity_check_later") != std::string::npos);
  CHECK(r.output.find("event=listening") != std::string::npos);
  CHECK(r.output.find("event=database_damaged") != std::string::npos);
  CHECK(std::filesystem::exists(db_path + ".damaged"));
  // The marker keeps a restart (systemd's) from serving the damaged file again.
  auto again = test::run_tannha({"serve", "--config", cfg});
  CHECK(again.exit_code == 1);
  CHECK(again.output.find("event=listening") == std::string::npos);
  CHECK(again.output.find(".damaged") != std::string::npos);
  CHECK(again.output.find("tannha restore") != std::string::npos);
  // A restore replaces the file and lifts the marker.
  auto restored = test::run_tannha({"restore", "--from", dir.file("before.db"), "--to", db_path, "--force"});
  CHECK(restored.exit_code == 0);
  CHECK_FALSE(std::filesystem::exists(db_path + ".damaged"));
}

TEST_CASE("uptime: healthz says 503 writes while writes fail, and ok again once one succeeds") {
  test::temp_dir dir;
  test::service_process srv(dir, "serve", test::ops_config("zalo", "http://127.0.0.1:9"));
  CHECK(test::http_call(srv.port(), "GET", "/healthz").status == 200);
  {
    // Another process's writer holds the lock for as long as the update may wait.
    SQLite::Database other(srv.db_path(), SQLite::OPEN_READWRITE, 5000);  // the server may be writing now
    other.exec("BEGIN IMMEDIATE");
    auto a = uptime_post(srv, "hz-1");
    CHECK(a.status == 503);
    auto h = test::http_call(srv.port(), "GET", "/healthz");
    CHECK(h.status == 503);
    CHECK(h.body == "writes\n");
    other.exec("ROLLBACK");
  }
  auto again = uptime_post(srv, "hz-1");  // the platform delivers it again
  CHECK(again.status == 200);
  auto h = test::http_call(srv.port(), "GET", "/healthz");
  CHECK(h.status == 200);
  CHECK(h.body == "ok\n");
  CHECK(uptime_stored(srv.db_path(), "hz-1") == 1);
}

TEST_CASE("uptime: a full disk turns healthz 503; once space is freed, redelivered updates are stored once, without a restart") {
  test::temp_dir dir;
  uptime_tmpfs disk(dir.path().string(), "4m");
  if (!disk.ok()) {
    MESSAGE("skipped: mounting a tmpfs is not permitted here (needs root with CAP_SYS_ADMIN)");
    return;
  }
  test::service_process srv(dir, "serve", test::ops_config("zalo", "http://127.0.0.1:9"));
  REQUIRE(uptime_post(srv, "warm-up").status == 200);
  auto filled = uptime_fill(dir.file("filler"));
  CHECK(filled > 0);

  // Updates until the database cannot take one more.
  std::vector<std::string> answered_200, refused;
  for (int i = 0; i < 3000 && refused.size() < 20; ++i) {
    auto id = "full-" + std::to_string(i);
    auto a = uptime_post(srv, id);
    if (a.status == 200) {
      answered_200.push_back(id);
    } else {
      refused.push_back(id);
      CHECK(a.status == 503);  // "later", never 500: the platform redelivers
    }
  }
  std::printf("disk full: %zu updates answered 200, then %zu refused\n",
              answered_200.size(), refused.size());
  REQUIRE_FALSE(refused.empty());
  auto h = test::http_call(srv.port(), "GET", "/healthz");
  CHECK(h.status == 503);
  CHECK(h.body == "writes\n");

  std::filesystem::remove(dir.file("filler"));
  // The platform delivers the refused ones again, and a few answered ones too (duplicates).
  std::vector<std::string> again = refused;
  for (std::size_t i = 0; i < answered_200.size() && i < 5; ++i) again.push_back(answered_200[i]);
  for (const auto& id : again) CHECK(uptime_post(srv, id).status == 200);
  CHECK(test::http_call(srv.port(), "GET", "/healthz").status == 200);
  for (const auto& id : answered_200) CHECK(uptime_stored(srv.db_path(), id) == 1);
  for (const auto& id : refused) CHECK(uptime_stored(srv.db_path(), id) == 1);
  srv.stop();
}

TEST_CASE("uptime: another process holds the write lock for 10 s; /healthz answers within 100 ms throughout, nothing answered 200 is lost") {
  test::temp_dir dir;
  test::service_process srv(dir, "serve", test::ops_config("zalo", "http://127.0.0.1:9"));
  REQUIRE(uptime_post(srv, "lock-warm-up").status == 200);

  std::atomic<bool> locked{false}, done{false};
  std::atomic<long long> worst_health_ms{0};
  std::atomic<int> health_probes{0}, health_failures{0};
  std::thread prober([&] {
    while (!done) {
      const bool during = locked;  // counted when it began during the lock
      auto start = std::chrono::steady_clock::now();
      auto h = test::http_call(srv.port(), "GET", "/healthz");
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
      if (during) {
        ++health_probes;
        if (h.status != 200 && h.status != 503) ++health_failures;
        if (ms > worst_health_ms) worst_health_ms = ms;
      }
      std::this_thread::sleep_for(20ms);
    }
  });
  std::vector<std::pair<std::string, int>> answers;  // update id, status
  long long worst_update_ms = 0;
  std::thread poster([&] {
    for (int i = 0; !done; ++i) {
      auto id = "lock-" + std::to_string(i);
      const bool during = locked;
      auto start = std::chrono::steady_clock::now();
      auto a = uptime_post(srv, id);
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
      if (during) worst_update_ms = std::max<long long>(worst_update_ms, ms);
      answers.emplace_back(id, a.status);
      std::this_thread::sleep_for(50ms);
    }
  });
  {
    SQLite::Database other(srv.db_path(), SQLite::OPEN_READWRITE, 5000);  // the server may be writing now
    other.exec("BEGIN IMMEDIATE");
    locked = true;
    std::this_thread::sleep_for(10s);
    locked = false;
    other.exec("ROLLBACK");
  }
  std::this_thread::sleep_for(2s);
  done = true;
  prober.join();
  poster.join();

  int ok = 0, busy = 0, other_status = 0;
  for (const auto& [id, status] : answers) {
    if (status == 200) ++ok;
    else if (status == 503) ++busy;
    else ++other_status;
  }
  std::printf("write lock 10 s: %d /healthz probes during the lock, slowest %lld ms; %zu updates: %d answered 200, "
              "%d answered 503, %d other; slowest update answer during the lock %lld ms\n",
              health_probes.load(), worst_health_ms.load(), answers.size(), ok, busy, other_status, worst_update_ms);
  CHECK(health_probes > 50);
  CHECK(health_failures == 0);
  CHECK(worst_health_ms < 100);
  CHECK(busy > 0);
  CHECK(other_status == 0);
  // Every update answered 200 is stored exactly once; the 503 ones, delivered again, too.
  for (const auto& [id, status] : answers)
    if (status == 200) CHECK(uptime_stored(srv.db_path(), id) == 1);
  for (const auto& [id, status] : answers) {
    if (status == 200) continue;
    CHECK(uptime_post(srv, id).status == 200);
    CHECK(uptime_stored(srv.db_path(), id) == 1);
  }
}
