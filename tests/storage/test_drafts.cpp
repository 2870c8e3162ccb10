#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "storage/database.hpp"
#include "storage/draft_repository.hpp"
#include "storage/outbox.hpp"
#include "storage/unit_repository.hpp"
#include "test_support.hpp"

using namespace tannha;
using tannha::test::local;

namespace {
std::int64_t draft_rows(storage::database& db) { return db.db().execAndGet("SELECT COUNT(*) FROM drafts").getInt64(); }
}  // namespace

TEST_CASE("drafts: reading an expired draft finds nothing and deletes nothing; remove_expired does") {
  test::temp_dir dir;
  storage::database db(dir.file("t.db"));
  const auto t0 = local(2026, 11, 23, 9, 0);
  storage::unit_repository(db).sync_config({test::demo_unit()}, t0);
  storage::draft_repository drafts(db);
  drafts.put({"chat-1", "user-1", "binhgiang", "dangky", R"({"ho_ten":"Nguyễn Văn Tư"})", t0 + std::chrono::hours{1}});
  drafts.put({"chat-2", "user-2", "binhgiang", "dangky", "{}", t0 + std::chrono::hours{3}});

  REQUIRE(drafts.list("chat-1", "user-1", t0).size() == 1);
  CHECK(drafts.list("chat-1", "user-1", t0).front().body == R"({"ho_ten":"Nguyễn Văn Tư"})");

  const auto later = t0 + std::chrono::hours{2};
  CHECK(drafts.list("chat-1", "user-1", later).empty());
  CHECK(draft_rows(db) == 2);  // a read changes nothing

  {
    storage::write_transaction tx(db);
    CHECK(drafts.remove_expired(later) == 1);
    tx.commit();
  }
  CHECK(draft_rows(db) == 1);
  CHECK(drafts.list("chat-2", "user-2", later).size() == 1);
}

TEST_CASE("drafts: a user keeps several in one chat, oldest first; one is changed or removed by its id") {
  test::temp_dir dir;
  storage::database db(dir.file("t.db"));
  const auto t0 = local(2026, 11, 23, 9, 0);
  storage::unit_repository(db).sync_config({test::demo_unit()}, t0);
  storage::draft_repository drafts(db);
  const auto until = t0 + std::chrono::hours{24};
  const auto a = drafts.put({"chat-1", "user-1", "binhgiang", "dangky", R"({"ho_ten":"A"})", until});
  const auto b = drafts.put({"chat-1", "user-1", "binhgiang", "dangky", R"({"ho_ten":"B"})", until});
  drafts.put({"chat-1", "user-2", "binhgiang", "dangky", R"({"ho_ten":"C"})", until});
  auto mine = drafts.list("chat-1", "user-1", t0);
  REQUIRE(mine.size() == 2);
  CHECK(mine[0].id == a);
  CHECK(mine[1].id == b);
  CHECK(mine[0].body == R"({"ho_ten":"A"})");

  mine[0].body = R"({"ho_ten":"A","nam_sinh":"1938"})";
  CHECK(drafts.put(mine[0]) == a);
  drafts.remove(b);
  mine = drafts.list("chat-1", "user-1", t0);
  REQUIRE(mine.size() == 1);
  CHECK(mine[0].body == R"({"ho_ten":"A","nam_sinh":"1938"})");
  CHECK(drafts.list("chat-1", "user-2", t0).size() == 1);  // another user's draft is untouched
}

TEST_CASE("drafts: a platform reply to the bot's latest message about a draft finds that draft, in that chat only") {
  test::temp_dir dir;
  storage::database db(dir.file("t.db"));
  const auto t0 = local(2026, 11, 23, 9, 0);
  storage::unit_repository(db).sync_config({test::demo_unit()}, t0);
  storage::draft_repository drafts(db);
  storage::outbox box(db);
  const auto until = t0 + std::chrono::hours{24};
  const auto a = drafts.put({"chat-1", "user-1", "binhgiang", "dangky", "{}", until});
  const auto b = drafts.put({"chat-1", "user-1", "binhgiang", "dangky", "{}", until});
  const auto qa = box.enqueue("chat-1", "question about A", t0);
  const auto qb = box.enqueue("chat-1", "question about B", t0);
  const auto elsewhere = box.enqueue("chat-2", "another chat", t0);
  drafts.note_question(a, qa);
  drafts.note_question(b, qb);
  box.mark_sent(qa, t0, "pm-1");
  box.mark_sent(qb, t0, "pm-2");
  box.mark_sent(elsewhere, t0, "pm-3");

  CHECK(drafts.asked_as("chat-1", "user-1", "pm-1", t0) == a);
  CHECK(drafts.asked_as("chat-1", "user-1", "pm-2", t0) == b);
  CHECK_FALSE(drafts.asked_as("chat-1", "user-1", "pm-3", t0).has_value());
  CHECK_FALSE(drafts.asked_as("chat-1", "user-2", "pm-1", t0).has_value());
  CHECK_FALSE(drafts.asked_as("chat-1", "user-1", "", t0).has_value());
  CHECK_FALSE(drafts.asked_as("chat-1", "user-1", "pm-1", until).has_value());  // expired
}

TEST_CASE("drafts: migration 19 keeps the one draft each user had under the old schema") {
  test::temp_dir dir;
  const auto path = dir.file("old.db");
  {
    // The schema as version 18 left it, from the migration files themselves.
    SQLite::Database raw(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(std::string(TANNHA_SOURCE_DIR) + "/storage/migrations"))
      if (e.path().extension() == ".sql" && std::stoi(e.path().filename().string().substr(0, 3)) <= 18)
        files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      std::ifstream in(f);
      std::stringstream sql;
      sql << in.rdbuf();
      raw.exec(sql.str());
    }
    raw.exec("PRAGMA user_version=18");
    raw.exec("INSERT INTO units(id, name, chat_id) VALUES('binhgiang', 'Xã Bình Giang', 'group-bg')");
    raw.exec(
        "INSERT INTO drafts(chat_id, user_id, unit_id, kind, body, expires_at) "
        "VALUES('chat-1', 'user-1', 'binhgiang', 'dangky', '{\"ho_ten\":\"Nguyễn Văn Tư\"}', 4102444800)");
  }
  storage::database db(path);
  CHECK(db.schema_version() >= 19);
  storage::draft_repository drafts(db);
  auto mine = drafts.list("chat-1", "user-1", local(2026, 11, 23, 9, 0));
  REQUIRE(mine.size() == 1);
  CHECK(mine[0].id > 0);
  CHECK(mine[0].kind == "dangky");
  CHECK(mine[0].body == R"({"ho_ten":"Nguyễn Văn Tư"})");
  CHECK(mine[0].asked_outbox_id == 0);
  // And a second one may now be added beside it.
  drafts.put({"chat-1", "user-1", "binhgiang", "dangky", "{}", local(2026, 11, 24, 9, 0)});
  CHECK(drafts.list("chat-1", "user-1", local(2026, 11, 23, 9, 0)).size() == 2);
}
