#include <doctest/doctest.h>

#include "storage/database.hpp"
#include "storage/draft_repository.hpp"
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

  REQUIRE(drafts.get("chat-1", "user-1", t0).has_value());
  CHECK(drafts.get("chat-1", "user-1", t0).value().body == R"({"ho_ten":"Nguyễn Văn Tư"})");

  const auto later = t0 + std::chrono::hours{2};
  CHECK_FALSE(drafts.get("chat-1", "user-1", later).has_value());
  CHECK(draft_rows(db) == 2);  // a read changes nothing

  {
    storage::write_transaction tx(db);
    CHECK(drafts.remove_expired(later) == 1);
    tx.commit();
  }
  CHECK(draft_rows(db) == 1);
  CHECK(drafts.get("chat-2", "user-2", later).has_value());
}
