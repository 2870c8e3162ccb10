#include "domain/visit_slot.hpp"

#include <algorithm>

namespace tannha::domain {

namespace {

using namespace std::chrono;

// A guard for loops over days: ten years of holidays would be a broken configuration.
constexpr int max_days_scanned = 3660;
// propose_slot gives up after this many full visit days (two years of weekly visits).
constexpr int max_slot_candidates = 104;

const std::vector<weekday>& visit_weekdays(const visit_schedule& s) {
  static const std::vector<weekday> fallback{Saturday};
  return s.visit_days.empty() ? fallback : s.visit_days;
}

// Whole days from the cut-off day to the visit day that follows it most closely (Thursday →
// Saturday: 2). Every visit day of the week keeps this lead, so that with Tuesday and Saturday
// visits the Tuesday is not closed a week ahead by the same Thursday.
int lead_days(const visit_schedule& s) {
  int lead = 7;
  for (weekday v : visit_weekdays(s)) {
    int diff = static_cast<int>((v - s.cutoff_day).count());
    if (diff == 0) diff = 7;
    lead = std::min(lead, diff);
  }
  return lead;
}

bool is_visit_day(day d, const visit_schedule& s, const calendar& cal) {
  const auto& days_of_week = visit_weekdays(s);
  return std::find(days_of_week.begin(), days_of_week.end(), weekday{d}) != days_of_week.end() &&
         !cal.is_holiday(d);
}

}  // namespace

local_time cutoff_for(day visit_day, const visit_schedule& s) {
  day cut = visit_day - days{lead_days(s)};
  return local_time{cut.time_since_epoch()} + s.cutoff_time;
}

day first_visit_day_after(local_time registered_at, const visit_schedule& s, const calendar& cal) {
  day d = local_day(registered_at);
  for (int i = 0; i < max_days_scanned; ++i, d += days{1}) {
    if (is_visit_day(d, s, cal) && registered_at < cutoff_for(d, s)) return d;
  }
  return d;
}

day next_visit_day(day d, const visit_schedule& s, const calendar& cal) {
  for (int i = 0; i < max_days_scanned; ++i) {
    d += days{1};
    if (is_visit_day(d, s, cal)) return d;
  }
  return d;
}

slot_proposal propose_slot(local_time registered_at, const visit_schedule& s, const calendar& cal,
                           const std::function<int(day)>& booked) {
  const day first = first_visit_day_after(registered_at, s, cal);
  day d = first;
  if (s.capacity > 0) {
    for (int tried = 1; booked(d) >= s.capacity && tried < max_slot_candidates; ++tried) {
      d = next_visit_day(d, s, cal);
    }
  }
  return slot_proposal{d, first};
}

}  // namespace tannha::domain
