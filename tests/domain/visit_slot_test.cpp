#include <doctest/doctest.h>

#include <map>

#include "domain/visit_slot.hpp"

using namespace tannha::domain;
using namespace std::chrono_literals;
using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::month;
using std::chrono::sys_days;
using std::chrono::year;
using std::chrono::Saturday;
using std::chrono::Tuesday;

namespace {

day ymd(int y, unsigned m, unsigned d) { return sys_days{year{y} / month{m} / std::chrono::day{d}}; }
local_time at(int y, unsigned m, unsigned d, int h, int min = 0) {
  return local_time{ymd(y, m, d).time_since_epoch()} + hours{h} + minutes{min};
}

// Thành Đông: Saturday visits, cut-off Thursday 17:00 (the defaults).
const visit_schedule saturdays{};

// Tết Đinh Mùi 2027 as shipped: 05/02–14/02 off, Saturday 20/02 worked.
calendar tet_2027() {
  std::vector<day> off;
  for (unsigned d = 5; d <= 14; ++d) off.push_back(ymd(2027, 2, d));
  return calendar(off, {ymd(2027, 2, 20)});
}

}  // namespace

TEST_CASE("visit slot: the cut-off for a Saturday visit is Thursday 17:00 two days earlier") {
  CHECK(cutoff_for(ymd(2026, 11, 28), saturdays) == at(2026, 11, 26, 17));
}

TEST_CASE("visit slot: registered Thursday 16:59 goes to that Saturday") {
  CHECK(first_visit_day_after(at(2026, 11, 26, 16, 59), saturdays, calendar{}) == ymd(2026, 11, 28));
}

TEST_CASE("visit slot: registered Thursday at exactly 17:00 goes to the Saturday after") {
  CHECK(first_visit_day_after(at(2026, 11, 26, 17, 0), saturdays, calendar{}) == ymd(2026, 12, 5));
}

TEST_CASE("visit slot: registered Friday goes to the Saturday after next") {
  CHECK(first_visit_day_after(at(2026, 11, 27, 9), saturdays, calendar{}) == ymd(2026, 12, 5));
}

TEST_CASE("visit slot: registered on the visit Saturday itself goes to the next Saturday") {
  CHECK(first_visit_day_after(at(2026, 11, 28, 7), saturdays, calendar{}) == ymd(2026, 12, 5));
}

TEST_CASE("visit slot: registered early in the week goes to that week's Saturday") {
  CHECK(first_visit_day_after(at(2026, 11, 22, 20), saturdays, calendar{}) == ymd(2026, 11, 28));  // Sun
  CHECK(first_visit_day_after(at(2026, 11, 23, 8), saturdays, calendar{}) == ymd(2026, 11, 28));   // Mon
}

TEST_CASE("visit slot: Saturdays inside Tết are skipped") {
  const calendar cal = tet_2027();
  // Monday 01/02/2027 would be served on 06/02 (mùng 1) and 13/02; both are holidays.
  CHECK(first_visit_day_after(at(2027, 2, 1, 9), saturdays, cal) == ymd(2027, 2, 20));
  CHECK(next_visit_day(ymd(2027, 1, 30), saturdays, cal) == ymd(2027, 2, 20));
  // A Saturday that is a make-up working day is an ordinary visit day.
  CHECK(next_visit_day(ymd(2027, 2, 13), saturdays, cal) == ymd(2027, 2, 20));
}

TEST_CASE("visit slot: with Tuesday and Saturday visits each keeps the two-day lead") {
  visit_schedule s;
  s.visit_days = {Tuesday, Saturday};
  CHECK(cutoff_for(ymd(2026, 11, 28), s) == at(2026, 11, 26, 17));  // Sat: Thu 17:00
  CHECK(cutoff_for(ymd(2026, 12, 1), s) == at(2026, 11, 29, 17));   // Tue: Sun 17:00
  CHECK(first_visit_day_after(at(2026, 11, 23, 10), s, calendar{}) == ymd(2026, 11, 28));  // Mon
  CHECK(first_visit_day_after(at(2026, 11, 27, 10), s, calendar{}) == ymd(2026, 12, 1));   // Fri
  CHECK(first_visit_day_after(at(2026, 11, 29, 16, 59), s, calendar{}) == ymd(2026, 12, 1));
  CHECK(first_visit_day_after(at(2026, 11, 29, 17, 0), s, calendar{}) == ymd(2026, 12, 5));
  CHECK(next_visit_day(ymd(2026, 11, 28), s, calendar{}) == ymd(2026, 12, 1));
  CHECK(next_visit_day(ymd(2026, 12, 1), s, calendar{}) == ymd(2026, 12, 5));
}

TEST_CASE("visit slot: a day with room is proposed as is") {
  const auto p = propose_slot(at(2026, 11, 23, 9), saturdays, calendar{}, [](day) { return 3; });
  CHECK(p.visit_day == ymd(2026, 11, 28));
  CHECK(p.first_choice == ymd(2026, 11, 28));
  CHECK_FALSE(p.overflowed());
}

TEST_CASE("visit slot: a full visit day overflows to the next visit day with room") {
  visit_schedule s;
  s.capacity = 2;
  std::map<day, int> booked{{ymd(2026, 11, 28), 2}, {ymd(2026, 12, 5), 3}, {ymd(2026, 12, 12), 1}};
  auto count = [&](day d) { return booked.count(d) ? booked.at(d) : 0; };
  const auto p = propose_slot(at(2026, 11, 23, 9), s, calendar{}, count);
  CHECK(p.first_choice == ymd(2026, 11, 28));
  CHECK(p.visit_day == ymd(2026, 12, 12));
  CHECK(p.overflowed());
}

TEST_CASE("visit slot: overflow skips a holiday Saturday") {
  visit_schedule s;
  s.capacity = 1;
  // Registered Monday 25/01/2027: Saturday 30/01 is full, 06/02 and 13/02 are Tết.
  const auto p = propose_slot(at(2027, 1, 25, 9), s, tet_2027(),
                              [](day d) { return d == ymd(2027, 1, 30) ? 1 : 0; });
  CHECK(p.first_choice == ymd(2027, 1, 30));
  CHECK(p.visit_day == ymd(2027, 2, 20));
}

TEST_CASE("visit slot: when every visit day is full the proposal gives up after 104 of them") {
  visit_schedule s;
  s.capacity = 5;
  const auto p = propose_slot(at(2026, 11, 23, 9), s, calendar{}, [](day) { return 5; });
  CHECK(p.visit_day == ymd(2026, 11, 28) + days{7 * 103});
}

TEST_CASE("visit slot: zero capacity means no limit") {
  visit_schedule s;
  s.capacity = 0;
  const auto p = propose_slot(at(2026, 11, 23, 9), s, calendar{}, [](day) { return 500; });
  CHECK(p.visit_day == ymd(2026, 11, 28));
}
