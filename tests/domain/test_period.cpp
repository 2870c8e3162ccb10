#include <doctest/doctest.h>

#include "domain/period.hpp"

using namespace tannha::domain;
using std::chrono::sys_days; using std::chrono::year; using std::chrono::month;

namespace {
tannha::domain::day d(int y, unsigned m, unsigned dd) { return sys_days{year{y} / month{m} / std::chrono::day{dd}}; }
}  // namespace

TEST_CASE("period: an ISO week runs Monday to Sunday with its key and Vietnamese label") {
  auto p = period_containing(d(2026, 11, 26), period_kind::week);
  CHECK(p.first == d(2026, 11, 23));
  CHECK(p.last == d(2026, 11, 29));
  CHECK(p.key == "2026-W48");
  CHECK(p.label == "Tuần 48 (23/11–29/11/2026)");
  CHECK(period_containing(d(2026, 11, 29), period_kind::week) == p);
  CHECK(period_containing(d(2026, 11, 23), period_kind::week) == p);
}

TEST_CASE("period: the ISO week-year differs from the calendar year around New Year") {
  CHECK(period_containing(d(2027, 1, 1), period_kind::week).key == "2026-W53");
  CHECK(period_containing(d(2025, 12, 29), period_kind::week).key == "2026-W01");
  CHECK(period_containing(d(2021, 1, 3), period_kind::week).key == "2020-W53");
}

TEST_CASE("period: month, quarter and year bounds and labels") {
  auto m = period_containing(d(2026, 2, 14), period_kind::month);
  CHECK(m.first == d(2026, 2, 1));
  CHECK(m.last == d(2026, 2, 28));
  CHECK(m.key == "2026-02");
  CHECK(m.label == "Tháng 2/2026");
  auto q = period_containing(d(2026, 11, 26), period_kind::quarter);
  CHECK(q.first == d(2026, 10, 1));
  CHECK(q.last == d(2026, 12, 31));
  CHECK(q.key == "2026-Q4");
  CHECK(q.label == "Quý IV/2026");
  auto y = period_containing(d(2026, 11, 26), period_kind::year);
  CHECK(y.first == d(2026, 1, 1));
  CHECK(y.last == d(2026, 12, 31));
  CHECK(y.key == "2026");
  CHECK(y.label == "Năm 2026");
}

TEST_CASE("period: previous steps back across year boundaries") {
  CHECK(previous(period_containing(d(2026, 1, 5), period_kind::week)).key == "2026-W01");
  CHECK(previous(period_containing(d(2026, 1, 1), period_kind::week)).key == "2025-W52");
  CHECK(previous(period_containing(d(2026, 1, 15), period_kind::month)).key == "2025-12");
  CHECK(previous(period_containing(d(2026, 3, 31), period_kind::quarter)).key == "2025-Q4");
  CHECK(previous(period_containing(d(2026, 3, 31), period_kind::year)).key == "2025");
  CHECK(next(period_containing(d(2026, 12, 31), period_kind::month)).key == "2027-01");
}

TEST_CASE("period: keys parse back to the same period") {
  for (const char* key : {"2026-W48", "2026-W01", "2026-W53", "2020-W53", "2026-11", "2026-01", "2026-Q1", "2026-Q4", "2026"}) {
    auto p = parse_period_key(key);
    REQUIRE(p);
    CHECK(p->key == key);
    CHECK(period_containing(p->first, p->kind) == *p);
  }
  auto w = parse_period_key("2026-w48");
  REQUIRE(w);
  CHECK(w->first == d(2026, 11, 23));
  CHECK(parse_period_key("2026-q2")->first == d(2026, 4, 1));
}

TEST_CASE("period: malformed or impossible keys are refused") {
  for (const char* key : {"", "26", "2026-13", "2026-00", "2026-W00", "2025-W53", "2026-W54", "2026-Q5", "2026-Q0",
                          "2026/11", "2026-1", "2026-W4x", "abcd", "2026-11-01"}) {
    CAPTURE(key);
    CHECK_FALSE(parse_period_key(key));
  }
}

TEST_CASE("period: /baocao words name the kinds") {
  CHECK(period_kind_from_folded("tuan") == period_kind::week);
  CHECK(period_kind_from_folded("thang") == period_kind::month);
  CHECK(period_kind_from_folded("quy") == period_kind::quarter);
  CHECK(period_kind_from_folded("nam") == period_kind::year);
  CHECK_FALSE(period_kind_from_folded("ngay"));
}
