#pragma once
#include <set>
#include <vector>

#include "domain/time.hpp"

namespace tannha::domain {

/// Working days of a unit: Monday–Friday, minus public holidays, plus make-up working days.
class calendar {
 public:
  calendar() = default;
  calendar(std::vector<day> holidays, std::vector<day> makeup_days);

  /// True for a working day (a make-up Saturday counts; a holiday on a weekday does not; a day
  /// configured as both is a working day).
  bool is_working_day(day d) const;
  /// True for a configured public holiday.
  bool is_holiday(day d) const;
  /// The day `n` working days after `from` (from itself is not counted); n == 0 gives `from`,
  /// a negative n counts back.
  day add_working_days(day from, int n) const;
  /// Working days strictly after `from` up to and including `to` (0 when to <= from).
  int working_days_between(day from, day to) const;
  /// The first working day on or after d.
  day next_working_day_on_or_after(day d) const;

 private:
  std::set<day> holidays_;
  std::set<day> makeup_;
};

}  // namespace tannha::domain
