#include <doctest/doctest.h>

#include "domain/procedure.hpp"
#include "domain/role.hpp"

using namespace tannha::domain;

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

TEST_CASE("procedure: citizen categories are the design's, ending with Khác") {
  const auto& c = citizen_categories();
  REQUIRE(c.size() == 10);
  CHECK(c.front() == "Người có công");
  CHECK(c[1] == "Thương binh, bệnh binh");
  CHECK(c.back() == "Khác");
}
