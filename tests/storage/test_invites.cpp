#include <doctest/doctest.h>

#include "storage/database.hpp"
#include "storage/feedback_repository.hpp"
#include "storage/invite_repository.hpp"
#include "storage/unit_repository.hpp"
#include "test_support.hpp"

using namespace tannha;
using tannha::test::local;

namespace {

struct invite_db {
  test::temp_dir dir;
  storage::database db{dir.file("t.db")};
  storage::invite_repository invites{db};
  invite_db() { storage::unit_repository(db).sync_config({test::demo_unit()}, local(2026, 11, 1)); }

  storage::invite_record make(std::string code, domain::instant at) {
    storage::invite_record r;
    r.code = std::move(code);
    r.unit_id = "binhgiang";
    r.role = domain::role::truongthon;
    r.village = "Đông Hải";
    r.created_by = "admin-1";
    r.created_at = at;
    r.expires_at = at + std::chrono::hours{72};
    return r;
  }
};

}  // namespace

TEST_CASE("invites: a stored code reads back with its role, village and expiry") {
  invite_db t;
  CHECK(t.invites.insert(t.make("7K3QX9", local(2026, 11, 23, 17))));
  auto r = t.invites.get("7K3QX9");
  REQUIRE(r);
  CHECK(r->role == domain::role::truongthon);
  CHECK(r->village == "Đông Hải");
  CHECK(r->expires_at == local(2026, 11, 26, 17));
  CHECK_FALSE(r->used_by);
  CHECK_FALSE(t.invites.get("NOSUCH"));
}

TEST_CASE("invites: inserting a code that exists fails and keeps the first invite") {
  invite_db t;
  CHECK(t.invites.insert(t.make("7K3QX9", local(2026, 11, 23))));
  auto other = t.make("7K3QX9", local(2026, 11, 24));
  other.role = domain::role::canbo;
  CHECK_FALSE(t.invites.insert(other));
  CHECK(t.invites.get("7K3QX9")->role == domain::role::truongthon);
}

TEST_CASE("invites: a code is valid until its expiry instant and expired from then on") {
  invite_db t;
  t.invites.insert(t.make("7K3QX9", local(2026, 11, 23, 17)));
  CHECK(t.invites.status("7K3QX9", local(2026, 11, 26, 16, 59)) == storage::invite_status::valid);
  CHECK(t.invites.status("7K3QX9", local(2026, 11, 26, 17)) == storage::invite_status::expired);
  CHECK_FALSE(t.invites.consume("7K3QX9", "u1", local(2026, 11, 26, 17)));
  CHECK_FALSE(t.invites.get("7K3QX9")->used_by);
  CHECK(t.invites.status("NOSUCH", local(2026, 11, 24)) == storage::invite_status::unknown);
}

TEST_CASE("invites: a code is used once; a second use changes nothing") {
  invite_db t;
  t.invites.insert(t.make("7K3QX9", local(2026, 11, 23)));
  CHECK(t.invites.consume("7K3QX9", "u1", local(2026, 11, 24)));
  CHECK_FALSE(t.invites.consume("7K3QX9", "u2", local(2026, 11, 24, 10)));
  auto r = t.invites.get("7K3QX9");
  CHECK(r->used_by == "u1");
  CHECK(r->used_at == local(2026, 11, 24));
  CHECK(t.invites.status("7K3QX9", local(2026, 11, 24, 11)) == storage::invite_status::used);
  CHECK_FALSE(t.invites.consume("NOSUCH", "u1", local(2026, 11, 24)));
}

TEST_CASE("feedback: stored feedback gets increasing numbers and is listed newest first per unit") {
  invite_db t;
  storage::feedback_repository fb(t.db);
  auto a = fb.insert({0, "binhgiang", "u1", "u1", "Đoàn chưa đến", local(2026, 11, 23)});
  auto b = fb.insert({0, "binhgiang", "u2", "group-bg", "Cảm ơn đoàn", local(2026, 11, 24)});
  CHECK(b > a);
  auto got = fb.get(a);
  REQUIRE(got);
  CHECK(got->text == "Đoàn chưa đến");
  CHECK(got->created_at == local(2026, 11, 23));
  auto list = fb.of_unit("binhgiang", 10);
  REQUIRE(list.size() == 2);
  CHECK(list[0].id == b);
  CHECK(fb.of_unit("other", 10).empty());
}
