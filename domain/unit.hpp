#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "domain/calendar.hpp"
#include "domain/time.hpp"

namespace tannha::domain {

/// When a unit's home visits happen and how many it takes: the input of the visit-slot rule.
struct visit_schedule {
  std::vector<std::chrono::weekday> visit_days{std::chrono::Saturday};
  std::chrono::minutes visit_time{8 * 60};
  std::chrono::weekday cutoff_day{std::chrono::Thursday};
  std::chrono::minutes cutoff_time{17 * 60};
  int capacity = 20;
  /// The times a part of the day stands for when no clock time is typed ("chiều thứ bảy");
  /// the morning's is visit_time unless configured (keys morning_time … evening_time).
  std::optional<std::chrono::minutes> morning_time;
  std::chrono::minutes noon_time{11 * 60 + 30};
  std::chrono::minutes afternoon_time{14 * 60};
  std::chrono::minutes evening_time{18 * 60};

  /// The unit's time for a part of the day.
  std::chrono::minutes time_for(part_of_day p) const {
    switch (p) {
      case part_of_day::morning: return morning_time.value_or(visit_time);
      case part_of_day::noon: return noon_time;
      case part_of_day::afternoon: return afternoon_time;
      case part_of_day::evening: return evening_time;
    }
    return visit_time;
  }
};

/// Thresholds for overdue rules (docs/DESIGN.md §2), in working days or days as named.
struct overdue_rules {
  int unscheduled_working_days = 3;
  int result_unreturned_days = 5;
  int escalation_grace_days = 2;
  /// Days after a visit day before a visit not recorded counts as overdue (0: the day after).
  int visit_unrecorded_days = 0;
};

/// When a unit's automatic posts go out (docs/DESIGN.md §4), unit-local time.
struct post_times {
  std::chrono::minutes brief_time{7 * 60};          ///< morning brief, working days and visit days
  std::chrono::minutes digest_time{16 * 60};        ///< overdue digest, working days
  std::chrono::weekday weekly_report_day{std::chrono::Monday};
  std::chrono::minutes weekly_report_time{8 * 60};  ///< the last complete week
  std::chrono::minutes monthly_report_time{8 * 60}; ///< on the 1st: the previous month
};

/// One commune/ward as configured: its group chat, first leaders, villages and settings.
struct unit {
  std::string id;
  std::string name;
  std::string chat_id;
  std::vector<std::string> admins;
  std::vector<std::string> villages;
  visit_schedule schedule;
  overdue_rules overdue;
  post_times posts;
  std::chrono::minutes utc_offset{7 * 60};
  calendar cal;
};

}  // namespace tannha::domain
