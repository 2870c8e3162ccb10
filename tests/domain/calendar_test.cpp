#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include "domain/calendar.hpp"

using namespace tannha::domain;
using namespace std::chrono_literals;
using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::month;
using std::chrono::sys_days;
using std::chrono::year;

namespace {

day ymd(int y, unsigned m, unsigned d) { return sys_days{year{y} / month{m} / std::chrono::day{d}}; }

// The shipped data/holidays.toml, read with just enough parsing for its fixed shape (the real
// TOML reader lives in bot/), so these tests check the data people will run with.
calendar shipped_calendar() {
  std::ifstream in(std::string(TANNHA_SOURCE_DIR) + "/data/holidays.toml");
  REQUIRE(in.good());
  std::vector<day> holidays, makeup;
  std::vector<day>* into = nullptr;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("[[holiday]]", 0) == 0) into = &holidays;
    if (line.rfind("[[makeup]]", 0) == 0) into = &makeup;
    if (line.rfind("date = \"", 0) == 0 && into) {
      auto d = parse_iso_date(line.substr(8, 10));
      REQUIRE_MESSAGE(d, line);
      into->push_back(*d);
    }
  }
  REQUIRE(holidays.size() > 10);
  REQUIRE(!makeup.empty());
  return calendar(holidays, makeup);
}

}  // namespace

TEST_CASE("calendar: without holidays Monday to Friday are the working days") {
  const calendar cal;
  CHECK(cal.is_working_day(ymd(2026, 11, 23)));  // Monday
  CHECK(cal.is_working_day(ymd(2026, 11, 27)));  // Friday
  CHECK_FALSE(cal.is_working_day(ymd(2026, 11, 28)));  // Saturday
  CHECK_FALSE(cal.is_working_day(ymd(2026, 11, 29)));  // Sunday
  CHECK_FALSE(cal.is_holiday(ymd(2026, 11, 28)));
}

TEST_CASE("calendar: adding working days skips the weekend and does not count the start day") {
  const calendar cal;
  CHECK(cal.add_working_days(ymd(2026, 11, 27), 1) == ymd(2026, 11, 30));  // Fri -> Mon
  CHECK(cal.add_working_days(ymd(2026, 11, 23), 5) == ymd(2026, 11, 30));  // Mon -> next Mon
  CHECK(cal.add_working_days(ymd(2026, 11, 28), 1) == ymd(2026, 11, 30));  // received Sat -> Mon
  CHECK(cal.add_working_days(ymd(2026, 11, 24), 2) == ymd(2026, 11, 26));
}

TEST_CASE("calendar: adding zero working days gives the reception date, even on a weekend") {
  const calendar cal;
  CHECK(cal.add_working_days(ymd(2026, 11, 25), 0) == ymd(2026, 11, 25));
  CHECK(cal.add_working_days(ymd(2026, 11, 28), 0) == ymd(2026, 11, 28));
}

TEST_CASE("calendar: a weekday holiday is not a working day and is skipped") {
  const calendar cal({ymd(2026, 4, 30), ymd(2026, 5, 1)}, {});
  CHECK_FALSE(cal.is_working_day(ymd(2026, 4, 30)));
  CHECK(cal.is_holiday(ymd(2026, 5, 1)));
  // Received Wednesday 29/4: Thursday and Friday are holidays, the weekend follows.
  CHECK(cal.add_working_days(ymd(2026, 4, 29), 1) == ymd(2026, 5, 4));
  CHECK(cal.add_working_days(ymd(2026, 4, 29), 3) == ymd(2026, 5, 6));
}

TEST_CASE("calendar: a make-up Saturday is a working day") {
  const calendar cal({ymd(2027, 2, 12)}, {ymd(2027, 2, 20)});
  CHECK(cal.is_working_day(ymd(2027, 2, 20)));
  CHECK_FALSE(cal.is_holiday(ymd(2027, 2, 20)));
  CHECK_FALSE(cal.is_working_day(ymd(2027, 2, 21)));  // the Sunday after stays off
}

TEST_CASE("calendar: the shipped holidays close the whole of Tết 2027") {
  const calendar cal = shipped_calendar();
  for (unsigned d = 5; d <= 14; ++d) {
    CAPTURE(d);
    CHECK_FALSE(cal.is_working_day(ymd(2027, 2, d)));
  }
  CHECK(cal.is_working_day(ymd(2027, 2, 4)));
  CHECK(cal.is_working_day(ymd(2027, 2, 15)));
  CHECK(cal.is_holiday(ymd(2027, 2, 6)));  // mùng 1, a Saturday, is a holiday too
}

TEST_CASE("calendar: a due date across Tết 2027 lands after the holiday") {
  const calendar cal = shipped_calendar();
  // Received Thursday 04/02/2027 with 1 and 3 working days to process.
  CHECK(cal.add_working_days(ymd(2027, 2, 4), 1) == ymd(2027, 2, 15));
  CHECK(cal.add_working_days(ymd(2027, 2, 4), 3) == ymd(2027, 2, 17));
  CHECK(cal.working_days_between(ymd(2027, 2, 4), ymd(2027, 2, 15)) == 1);
  CHECK(cal.next_working_day_on_or_after(ymd(2027, 2, 6)) == ymd(2027, 2, 15));
}

TEST_CASE("calendar: a due date across the make-up Saturday counts that Saturday") {
  const calendar cal = shipped_calendar();
  CHECK(cal.is_working_day(ymd(2027, 2, 20)));
  CHECK(cal.add_working_days(ymd(2027, 2, 19), 1) == ymd(2027, 2, 20));  // Fri -> make-up Sat
  CHECK(cal.add_working_days(ymd(2027, 2, 18), 3) == ymd(2027, 2, 22));  // Fri, Sat, Mon
  CHECK(cal.working_days_between(ymd(2027, 2, 18), ymd(2027, 2, 22)) == 3);
  CHECK(cal.next_working_day_on_or_after(ymd(2027, 2, 20)) == ymd(2027, 2, 20));
}

TEST_CASE("calendar: the shipped holidays give compensatory days for weekend holidays") {
  const calendar cal = shipped_calendar();
  CHECK_FALSE(cal.is_working_day(ymd(2026, 4, 27)));  // Giỗ Tổ 2026 on a Sunday
  CHECK_FALSE(cal.is_working_day(ymd(2027, 5, 3)));   // 1/5/2027 on a Saturday
  CHECK_FALSE(cal.is_working_day(ymd(2026, 2, 17)));  // mùng 1 Tết Bính Ngọ
  CHECK_FALSE(cal.is_working_day(ymd(2027, 9, 2)));
}

TEST_CASE("calendar: working days between counts after the start up to and including the end") {
  const calendar cal;
  CHECK(cal.working_days_between(ymd(2026, 11, 23), ymd(2026, 11, 30)) == 5);
  CHECK(cal.working_days_between(ymd(2026, 11, 27), ymd(2026, 11, 29)) == 0);
  CHECK(cal.working_days_between(ymd(2026, 11, 30), ymd(2026, 11, 23)) == 0);
  CHECK(cal.working_days_between(ymd(2026, 11, 23), ymd(2026, 11, 23)) == 0);
}

TEST_CASE("calendar: a negative count of working days counts back over the weekend") {
  const calendar cal;
  CHECK(cal.add_working_days(ymd(2026, 11, 30), -1) == ymd(2026, 11, 27));
  CHECK(cal.add_working_days(ymd(2026, 11, 30), -5) == ymd(2026, 11, 23));
}
