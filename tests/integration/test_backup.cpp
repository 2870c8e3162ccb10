// `tannha backup` while requests are being written: the copy is whole (integrity_check) and
// holds every request committed before the backup started, each with its history.
#include <doctest/doctest.h>

#include <SQLiteCpp/Database.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "bot/app.hpp"
#include "bot/config.hpp"
#include "storage/citizen_repository.hpp"
#include "storage/database.hpp"
#include "storage/request_repository.hpp"
#include "storage/unit_repository.hpp"
#include "test_support.hpp"

using namespace tannha;
using namespace std::chrono_literals;

namespace {

std::string config_text(const std::string& db_path) {
  return "[platform]\nkind = \"console\"\nwebhook_secret = \"bi-mat\"\n[storage]\npath = \"" + db_path +
         "\"\n[[units]]\nid = \"binhgiang\"\nname = \"Xã Bình Giang\"\nchat_id = \"group-bg\"\n"
         "admins = [\"admin-1\"]\nvillages = [\"Đông Hải\"]\n";
}

// Registers requests in a loop on its own connection, one transaction each, and publishes the
// number of the last one committed.
class writer {
 public:
  explicit writer(const std::string& path) : thread_([this, path] { run(path); }) {}
  ~writer() { stop(); }
  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  std::int64_t committed() const { return committed_.load(); }
  std::int64_t wait_for(std::int64_t n) const {
    for (int i = 0; i < 2000 && committed_.load() < n; ++i) std::this_thread::sleep_for(5ms);
    return committed_.load();
  }

 private:
  void run(const std::string& path) {
    storage::database db(path);
    storage::unit_repository units(db);
    storage::request_repository requests(db);
    std::int64_t citizen = 0;
    {
      storage::write_transaction tx(db);
      storage::citizen_record c;
      c.unit_id = "binhgiang";
      c.full_name = "Nguyễn Văn Tư";
      c.folded_name = "nguyen van tu";
      c.birth_year = 1938;
      c.village = "Đông Hải";
      citizen = storage::citizen_repository(db).insert(c, test::local(2026, 11, 1));
      tx.commit();
    }
    while (!stop_) {
      storage::write_transaction tx(db);
      storage::request_record r;
      r.unit_id = "binhgiang";
      r.number = units.take_request_number("binhgiang");
      r.citizen_id = citizen;
      r.procedure_code = "CT-01";
      r.registered_by = "admin-1";
      r.registered_chat = "group-bg";
      r.registered_at = test::local(2026, 11, 2);
      requests.insert(r, "admin-1", r.registered_at);
      tx.commit();
      committed_.store(r.number);
    }
  }
  std::atomic<bool> stop_{false};
  std::atomic<std::int64_t> committed_{0};
  std::thread thread_;
};

void check_copy(const std::string& copy_path, std::int64_t committed_before) {
  SQLite::Database copy(copy_path, SQLite::OPEN_READONLY);
  CHECK(copy.execAndGet("PRAGMA integrity_check").getString() == "ok");
  auto held = copy.execAndGet("SELECT COUNT(*) FROM requests").getInt64();
  CHECK(held >= committed_before);
  // Numbers 1..N with no gap: every request committed before the backup is there.
  CHECK(copy.execAndGet("SELECT COUNT(*) FROM requests WHERE number <= " + std::to_string(committed_before))
            .getInt64() == committed_before);
  CHECK(copy.execAndGet("SELECT MAX(number) FROM requests").getInt64() == held);
  // A request and its first event were committed together: never one without the other.
  CHECK(copy.execAndGet("SELECT COUNT(*) FROM request_events").getInt64() == held);
  CHECK(copy.execAndGet("SELECT next_number FROM units WHERE id = 'binhgiang'").getInt64() == held + 1);
}

// A database with the unit and the catalog, as `serve` leaves it.
domain::result<bot::config> prepared(const test::temp_dir& dir) {
  auto cfg = bot::parse_config(config_text(dir.file("live.db")), dir.file("config.toml"));
  if (!cfg) return cfg;
  storage::database db(cfg->storage.path);
  storage::unit_repository units(db);
  units.sync_config(cfg->units, test::local(2026, 11, 1));
  units.sync_catalog(cfg->procedures);
  return cfg;
}

}  // namespace

TEST_CASE("backup: a copy taken during a write load is whole and holds every committed request") {
  test::temp_dir dir;
  auto cfg = prepared(dir);
  REQUIRE(cfg);
  writer w(cfg->storage.path);
  REQUIRE(w.wait_for(200) >= 200);

  for (int round = 0; round < 3; ++round) {
    auto before = w.committed();
    auto out = dir.file("copy-" + std::to_string(round) + ".db");
    std::ostringstream captured;
    auto* old = std::cout.rdbuf(captured.rdbuf());
    int rc = bot::run_backup(*cfg, out);
    std::cout.rdbuf(old);
    CHECK(rc == 0);
    CHECK(captured.str().find("integrity_check: ok") != std::string::npos);
    check_copy(out, before);
    // The writer went on during the backup.
    w.wait_for(before + 50);
  }
  w.stop();
  CHECK(w.committed() > 200);
}

TEST_CASE("backup: the tannha binary backs up a database that another process writes to") {
  test::temp_dir dir;
  auto cfg = prepared(dir);
  REQUIRE(cfg);
  std::ofstream(dir.file("config.toml")) << config_text(cfg->storage.path);
  writer w(cfg->storage.path);
  REQUIRE(w.wait_for(100) >= 100);
  auto before = w.committed();
  auto out = dir.file("copy.db");
  std::string cmd = std::string("'") + TANNHA_BINARY + "' backup --config '" + dir.file("config.toml") + "' --out '" +
                    out + "' > '" + dir.file("backup.log") + "' 2>&1";
  int rc = std::system(cmd.c_str());
  CHECK(rc == 0);
  CHECK(test::read_file(dir.file("backup.log")).find("integrity_check: ok") != std::string::npos);
  w.stop();
  check_copy(out, before);
}
