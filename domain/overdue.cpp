#include "domain/overdue.hpp"

#include <algorithm>

namespace tannha::domain {

namespace {

// Lower is more serious when days late are equal: a missed legal deadline first.
int severity_rank(overdue_kind k) {
  switch (k) {
    case overdue_kind::late: return 0;
    case overdue_kind::visit_missed: return 1;
    case overdue_kind::unreturned: return 2;
    case overdue_kind::unscheduled: return 3;
  }
  return 4;
}

std::optional<overdue_item> late_after(std::int64_t number, overdue_kind kind, day deadline, day today,
                                       const overdue_rules& rules) {
  if (today <= deadline) return std::nullopt;
  overdue_item it;
  it.number = number;
  it.kind = kind;
  it.deadline = deadline;
  it.days_late = static_cast<int>((today - deadline).count());
  it.escalated = it.days_late > rules.escalation_grace_days;
  return it;
}

}  // namespace

std::string_view to_string(overdue_kind k) {
  switch (k) {
    case overdue_kind::unscheduled: return "unscheduled";
    case overdue_kind::visit_missed: return "visit_missed";
    case overdue_kind::late: return "late";
    case overdue_kind::unreturned: return "unreturned";
  }
  return "unknown";
}

std::string_view label(overdue_kind k) {
  switch (k) {
    case overdue_kind::unscheduled: return "Chưa xếp lịch";
    case overdue_kind::visit_missed: return "Quá ngày hẹn đến nhà";
    case overdue_kind::late: return "Trễ hẹn trả kết quả";
    case overdue_kind::unreturned: return "Có kết quả chưa trả";
  }
  return "";
}

std::optional<overdue_item> check_overdue(const overdue_facts& r, day today, const overdue_rules& rules,
                                          const calendar& cal) {
  switch (r.state) {
    case request_state::registered:
    case request_state::verified:
      // N working days to schedule, counted from the day the wait began.
      return late_after(r.number, overdue_kind::unscheduled,
                        cal.add_working_days(r.waiting_since, rules.unscheduled_working_days), today, rules);
    case request_state::scheduled:
      if (!r.visit_day) return std::nullopt;
      return late_after(r.number, overdue_kind::visit_missed,
                        *r.visit_day + std::chrono::days{rules.visit_unrecorded_days}, today, rules);
    case request_state::processing:
      if (!r.due_day) return std::nullopt;
      return late_after(r.number, overdue_kind::late, *r.due_day, today, rules);
    case request_state::result_ready:
      if (!r.result_day) return std::nullopt;
      return late_after(r.number, overdue_kind::unreturned,
                        *r.result_day + std::chrono::days{rules.result_unreturned_days}, today, rules);
    default:
      // needs_papers waits on the citizen; closed requests are never overdue.
      return std::nullopt;
  }
}

std::vector<overdue_item> overdue_list(const std::vector<overdue_facts>& open, day today, const overdue_rules& rules,
                                       const calendar& cal) {
  std::vector<overdue_item> out;
  for (const auto& r : open)
    if (auto it = check_overdue(r, today, rules, cal)) out.push_back(*it);
  std::sort(out.begin(), out.end(), [](const overdue_item& a, const overdue_item& b) {
    if (a.days_late != b.days_late) return a.days_late > b.days_late;
    if (severity_rank(a.kind) != severity_rank(b.kind)) return severity_rank(a.kind) < severity_rank(b.kind);
    return a.number < b.number;
  });
  return out;
}

bool any_escalated(const std::vector<overdue_item>& items) {
  return std::any_of(items.begin(), items.end(), [](const overdue_item& i) { return i.escalated; });
}

}  // namespace tannha::domain
