#include "domain/calendar.hpp"

namespace tannha::domain {

namespace {
using namespace std::chrono;
bool is_weekend(day d) {
  weekday wd{d};
  return wd == Saturday || wd == Sunday;
}
}  // namespace

calendar::calendar(std::vector<day> holidays, std::vector<day> makeup_days)
    : holidays_(holidays.begin(), holidays.end()), makeup_(makeup_days.begin(), makeup_days.end()) {}

bool calendar::is_working_day(day d) const {
  // docs/DESIGN.md §2: Monday–Friday, minus holidays, plus make-up days (so a make-up day wins).
  if (makeup_.count(d)) return true;
  if (holidays_.count(d)) return false;
  return !is_weekend(d);
}

bool calendar::is_holiday(day d) const { return holidays_.count(d) > 0; }

day calendar::add_working_days(day from, int n) const {
  day d = from;
  const days step{n < 0 ? -1 : 1};
  for (int left = n < 0 ? -n : n; left > 0;) {
    d += step;
    if (is_working_day(d)) --left;
  }
  return d;
}

int calendar::working_days_between(day from, day to) const {
  int count = 0;
  for (day d = from + days{1}; d <= to; d += days{1}) {
    if (is_working_day(d)) ++count;
  }
  return count;
}

day calendar::next_working_day_on_or_after(day d) const {
  // Terminates: holidays are finite, so some weekday after the last one is free.
  while (!is_working_day(d)) d += days{1};
  return d;
}

}  // namespace tannha::domain
