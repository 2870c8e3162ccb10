// Issue 14's pure rules: parts of the day, periods people say, and history labels.
#include <doctest/doctest.h>

#include "domain/period.hpp"
#include "domain/request_state.hpp"
#include "domain/time.hpp"
#include "domain/unit.hpp"

using namespace tannha::domain;
using std::chrono::minutes;

TEST_CASE("parts of the day: an hour is read within the part named, and bounded by it") {
  CHECK(time_in_part(minutes{2 * 60}, part_of_day::afternoon) == minutes{14 * 60});
  CHECK(time_in_part(minutes{14 * 60}, part_of_day::afternoon) == minutes{14 * 60});
  CHECK(time_in_part(minutes{7 * 60}, part_of_day::evening) == minutes{19 * 60});
  CHECK(time_in_part(minutes{12 * 60}, part_of_day::noon) == minutes{12 * 60});
  CHECK(time_in_part(minutes{1 * 60}, part_of_day::noon) == minutes{13 * 60});
  CHECK(time_in_part(minutes{8 * 60 + 30}, part_of_day::morning) == minutes{8 * 60 + 30});
  CHECK_FALSE(time_in_part(minutes{15 * 60}, part_of_day::morning));
  CHECK_FALSE(time_in_part(minutes{23 * 60}, part_of_day::evening));
  CHECK(part_of_day_from_folded("chieu") == part_of_day::afternoon);
  CHECK_FALSE(part_of_day_from_folded("chiu"));
}

TEST_CASE("parts of the day: the unit's time for each, the morning's being visit_time unless set") {
  visit_schedule s;
  s.visit_time = minutes{7 * 60 + 30};
  CHECK(s.time_for(part_of_day::morning) == minutes{7 * 60 + 30});
  CHECK(s.time_for(part_of_day::afternoon) == minutes{14 * 60});
  s.morning_time = minutes{9 * 60};
  CHECK(s.time_for(part_of_day::morning) == minutes{9 * 60});
}

TEST_CASE("periods people say: months, quarters and years, with last year for what has not begun") {
  const day today{std::chrono::year{2026} / 11 / 30};
  auto key = [&](const char* words) {
    auto p = parse_period_words(words, today);
    return p ? p->key : std::string("none");
  };
  CHECK(key("thang 11") == "2026-11");
  CHECK(key("thang 12") == "2025-12");
  CHECK(key("thang 11/2026") == "2026-11");
  CHECK(key("quy 3") == "2026-Q3");
  CHECK(key("nam ngoai") == "2025");
  CHECK(key("tuan truoc") == "2026-W48");
  CHECK(key("") == "2026-W49");
  CHECK(key("thang ky truoc") == "2026-10");
  CHECK(key("2026-Q4") == "2026-Q4");
  CHECK(key("thang 13") == "none");
  CHECK(key("thang 2026") == "none");
  CHECK(key("hello") == "none");
}

TEST_CASE("history labels: each event reads as what happened") {
  using rs = request_state;
  CHECK(event_label(std::nullopt, rs::registered) == "Đăng ký");
  CHECK(event_label(rs::registered, rs::verified) == "Đã xác minh");
  CHECK(event_label(rs::scheduled, rs::verified) == "Hoãn lịch");
  CHECK(event_label(rs::scheduled, rs::scheduled) == "Dời lịch");
  CHECK(event_label(rs::needs_papers, rs::scheduled) == "Xếp lịch lại");
  CHECK(event_label(rs::verified, rs::scheduled) == "Xếp lịch");
  CHECK(event_label(rs::returned, rs::returned).empty());  // a rating: its note says it
}
