#pragma once
#include <functional>
#include <optional>

#include "domain/calendar.hpp"
#include "domain/time.hpp"
#include "domain/unit.hpp"

namespace tannha::domain {

/// The cut-off instant (local) that closes registrations for the visit on `visit_day`: the last
/// `cutoff_day` at `cutoff_time` strictly before that day (Saturday visits, Thursday 17:00 cut-off:
/// Thursday 17:00 two days earlier). With several visit days a week every visit day keeps the lead
/// of the one closest after `cutoff_day` (Tuesday and Saturday visits: Sunday 17:00 for Tuesday).
local_time cutoff_for(day visit_day, const visit_schedule& s);

/// The first visit day whose cut-off is after `registered_at` (a registration exactly at the
/// cut-off minute misses it). Visit days that fall on holidays are skipped; no visit days
/// configured means Saturday.
day first_visit_day_after(local_time registered_at, const visit_schedule& s, const calendar& cal);

/// The visit day after `d` (skipping holidays).
day next_visit_day(day d, const visit_schedule& s, const calendar& cal);

/// Result of the slot rule: the proposed day, and whether capacity pushed it past the first one.
struct slot_proposal {
  day visit_day;
  day first_choice;
  bool overflowed() const { return visit_day != first_choice; }
};

/// The visit-slot rule of docs/DESIGN.md §2: the first visit day after the cut-off that still has room.
/// `booked(d)` tells how many requests already hold day d; capacity <= 0 means no limit. After 104
/// full visit days it gives up and proposes the last one tried.
slot_proposal propose_slot(local_time registered_at, const visit_schedule& s, const calendar& cal,
                           const std::function<int(day)>& booked);

}  // namespace tannha::domain
