#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/calendar.hpp"
#include "domain/request_state.hpp"
#include "domain/time.hpp"
#include "domain/unit.hpp"

namespace tannha::domain {

/// Which rule of docs/DESIGN.md §2 makes a request overdue.
enum class overdue_kind {
  unscheduled,    ///< registered/verified and not scheduled within N working days
  visit_missed,   ///< still scheduled after its visit day: the visit was not recorded
  late,           ///< processing past its due day (trễ hẹn)
  unreturned,     ///< result ready and not returned within N days
};

/// Stable name ("unscheduled", …).
std::string_view to_string(overdue_kind k);
/// Vietnamese label ("Chưa xếp lịch", "Quá ngày hẹn đến nhà", "Trễ hẹn trả kết quả", "Có kết quả chưa trả").
std::string_view label(overdue_kind k);

/// What the rules need to know about an open request (days are unit-local).
struct overdue_facts {
  std::int64_t number = 0;
  request_state state = request_state::registered;
  /// The day the wait for scheduling began: registration, or the last postponement.
  day waiting_since{};
  std::optional<day> visit_day;
  std::optional<day> due_day;
  std::optional<day> result_day;  ///< the local day the result became ready
};

/// One overdue request.
struct overdue_item {
  std::int64_t number = 0;
  overdue_kind kind = overdue_kind::unscheduled;
  day deadline{};     ///< the last day that was still on time
  int days_late = 0;  ///< calendar days after the deadline (>= 1)
  bool escalated = false;  ///< late beyond the escalation grace period: leaders are named
};

/// The rule that applies to a request on `today`, if it is overdue. Thresholds are the unit's.
std::optional<overdue_item> check_overdue(const overdue_facts& r, day today, const overdue_rules& rules,
                                          const calendar& cal);

/// Every overdue request among `open`, worst first: most days late, then trễ hẹn before the
/// other kinds, then by number.
std::vector<overdue_item> overdue_list(const std::vector<overdue_facts>& open, day today, const overdue_rules& rules,
                                       const calendar& cal);

/// True when any item is escalated.
bool any_escalated(const std::vector<overdue_item>& items);

}  // namespace tannha::domain
