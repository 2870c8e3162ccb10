#include <doctest/doctest.h>

#include "domain/procedure.hpp"
#include "domain/role.hpp"

using namespace tannha::domain;

namespace {
actor_context as(role r) { return actor_context{r, false, false, false}; }
}  // namespace

TEST_CASE("role: stored names round-trip and typed forms with spaces are understood") {
  for (role r : {role::lanhdao, role::canbo, role::truongthon, role::tinhnguyen}) {
    CHECK(role_from_folded(to_string(r)) == r);
  }
  CHECK(role_from_folded("lanh dao") == role::lanhdao);
  CHECK(role_from_folded("can bo") == role::canbo);
  CHECK(role_from_folded("truong thon") == role::truongthon);
  CHECK(role_from_folded("truong_thon") == role::truongthon);
  CHECK(role_from_folded("tinh nguyen") == role::tinhnguyen);
  CHECK(role_from_folded("tinhnguyenvien") == role::tinhnguyen);
  CHECK(role_from_folded("tinh nguyen vien") == role::tinhnguyen);
  CHECK_FALSE(role_from_folded("admin"));
  CHECK_FALSE(role_from_folded("none"));
  CHECK_FALSE(role_from_folded(""));
}

TEST_CASE("role: labels are Vietnamese") {
  CHECK(label(role::lanhdao) == "Lãnh đạo");
  CHECK(label(role::canbo) == "Cán bộ");
  CHECK(label(role::truongthon) == "Trưởng thôn");
  CHECK(label(role::tinhnguyen) == "Tình nguyện viên");
}

TEST_CASE("role: anyone in the group may ask for help, give feedback and join") {
  for (action a : {action::giup, action::phananh, action::thamgia}) {
    CHECK(may(a, as(role::none)));
    CHECK(may(a, as(role::tinhnguyen)));
    CHECK(who_may(a) == "mọi người");
  }
}

TEST_CASE("role: a non-member may do nothing else") {
  for (action a : {action::dangky, action::xacminh, action::lich, action::quahan, action::tim, action::hoso,
                   action::baocao, action::vaitro, action::tiepnhan, action::thanhvien}) {
    CHECK_FALSE(may(a, actor_context{role::none, true, true, true}));
  }
}

TEST_CASE("role: permission table for staff, village head and volunteer") {
  struct row {
    action a;
    bool lanhdao, canbo, truongthon, tinhnguyen;
  };
  // Without any relation to the request (not registrant, not village head, not assigned).
  const row table[] = {
      {action::dangky, true, true, true, false},   {action::xacminh, true, true, false, false},
      {action::tuchoi, true, true, false, false},  {action::xeplich, true, true, false, false},
      {action::phancong, true, true, false, false}, {action::tiepnhan, true, true, false, false},
      {action::bosung, true, true, false, false},  {action::cokq, true, true, false, false},
      {action::datra, true, true, false, false},   {action::danhgia, true, true, true, false},
      {action::hoan, true, true, false, false},    {action::huy, true, true, false, false},
      {action::hoso, true, true, false, false},    {action::lich, true, true, true, true},
      {action::quahan, true, true, true, true},    {action::tim, true, true, true, true},
      {action::thanhvien, true, true, true, true}, {action::baocao, true, true, false, false},
      {action::moi, true, true, false, false},     {action::vaitro, true, false, false, false},
  };
  for (const auto& r : table) {
    CAPTURE(static_cast<int>(r.a));
    CHECK(may(r.a, as(role::lanhdao)) == r.lanhdao);
    CHECK(may(r.a, as(role::canbo)) == r.canbo);
    CHECK(may(r.a, as(role::truongthon)) == r.truongthon);
    CHECK(may(r.a, as(role::tinhnguyen)) == r.tinhnguyen);
  }
}

TEST_CASE("role: an assigned volunteer may receive the dossier") {
  CHECK(may(action::tiepnhan, actor_context{role::tinhnguyen, false, false, true}));
  CHECK_FALSE(may(action::tiepnhan, actor_context{role::truongthon, false, false, true}));
  CHECK_FALSE(may(action::datra, actor_context{role::tinhnguyen, false, false, true}));
}

TEST_CASE("role: the citizen's village head may record the return") {
  CHECK(may(action::datra, actor_context{role::truongthon, false, true, false}));
  CHECK_FALSE(may(action::datra, actor_context{role::tinhnguyen, false, true, false}));
}

TEST_CASE("role: the registering village head may postpone, cancel and view the record") {
  const actor_context registrant{role::truongthon, true, false, false};
  CHECK(may(action::hoan, registrant));
  CHECK(may(action::huy, registrant));
  CHECK(may(action::hoso, registrant));
  CHECK_FALSE(may(action::xacminh, registrant));
  CHECK_FALSE(may(action::hoso, actor_context{role::tinhnguyen, true, false, false}));
}

TEST_CASE("role: refusals name who may act") {
  CHECK(who_may(action::xacminh) == "cán bộ hoặc lãnh đạo");
  CHECK(who_may(action::dangky) == "trưởng thôn, cán bộ hoặc lãnh đạo");
  CHECK(who_may(action::tiepnhan) == "cán bộ, lãnh đạo hoặc tình nguyện viên được phân công");
  CHECK(who_may(action::lich) == "thành viên của nhóm");
  CHECK(who_may(action::vaitro) == "lãnh đạo");
}

TEST_CASE("procedure: citizen categories are the design's, ending with Khác") {
  const auto& c = citizen_categories();
  REQUIRE(c.size() == 10);
  CHECK(c.front() == "Người có công");
  CHECK(c[1] == "Thương binh, bệnh binh");
  CHECK(c.back() == "Khác");
}
