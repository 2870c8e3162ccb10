#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/overdue.hpp"
#include "domain/period.hpp"
#include "domain/time.hpp"
#include "storage/database.hpp"

namespace tannha::storage {

/// One line of a breakdown: a village, a procedure field or a citizen category.
struct report_group {
  std::string name;
  std::int64_t registered = 0;  ///< requests registered in the period
  std::int64_t returned = 0;    ///< requests returned in the period
};

/// The figures of docs/DESIGN.md §5 for one unit and one period (local days; boundaries at local
/// midnight). Each is defined by the events dated inside the period, or by the state at its end,
/// so that a closed period's figures never change (README, "Báo cáo: what each figure counts").
/// Counts of changes come from request_events (to_state within the period), each request once.
struct report_figures {
  std::string unit_id;
  domain::period range;
  std::int64_t registered = 0;
  std::int64_t verified = 0;   ///< requests verified by /xacminh (registered → verified)
  std::int64_t scheduled = 0;
  std::int64_t received = 0;   ///< events to processing from scheduled (reception at home)
  std::int64_t result_ready = 0;
  std::int64_t returned = 0;
  std::int64_t cancelled = 0;
  std::int64_t refused = 0;    ///< events to rejected
  std::int64_t postponed = 0;  ///< events scheduled → verified
  std::int64_t needs_papers = 0;
  /// Returned in the period with the returned local day on or before the due day.
  std::int64_t returned_on_time = 0;
  /// Returned in the period that had a due day (the on-time rate's denominator).
  std::int64_t returned_with_due = 0;
  /// Average days registration → first reception (requests first received in the period).
  std::optional<double> avg_days_to_visit;
  std::optional<double> avg_days_to_return;  ///< reception → return, returned in the period
  std::optional<double> avg_rating;          ///< ratings entered in the period, the last per request
  std::int64_t rated = 0;                    ///< requests rated in the period
  std::vector<report_group> by_village;   ///< most registered first
  std::vector<report_group> by_field;     ///< most registered first
  std::vector<report_group> by_category;  ///< most registered first; a request counts once per category
  std::int64_t open_at_end = 0;     ///< registered before the period's end and open at that instant
  std::int64_t overdue_at_end = 0;  ///< of those, processing then with a due day before the end's day (trễ hẹn)

  /// On-time rate in percent (returned on time / returned with a due day), if any were returned.
  std::optional<double> on_time_percent() const {
    if (returned_with_due == 0) return std::nullopt;
    return 100.0 * static_cast<double>(returned_on_time) / static_cast<double>(returned_with_due);
  }
};

/// One request of a period, for the CSV/XLSX export (personal data: the caller decides where it goes).
struct report_row {
  std::int64_t number = 0;
  std::string registered_day;  ///< ISO local day
  std::string citizen_name;
  std::optional<int> birth_year;
  std::string village;
  std::vector<std::string> categories;  ///< as registered (đối tượng); empty when none
  std::string procedure_code;
  std::string procedure_name;
  std::string procedure_field;
  std::string dossier_code;    ///< the national portal's code given at reception, or ""
  std::string state;           ///< stable name ("registered", …); see domain::label for display
  std::string visit_day;       ///< ISO or ""
  std::string received_day;    ///< ISO local day or ""
  std::string due_day;         ///< ISO or ""
  std::string returned_day;    ///< ISO local day or ""
  std::string return_way;
  std::optional<int> rating;
};

/// One home reception of a period, for the publishable list of people served (name, village,
/// procedure and date only).
struct served_row {
  std::int64_t citizen_id = 0;
  std::string citizen_name;
  std::string village;
  std::string procedure_name;
  domain::instant received_at{};
};

/// One request returned in a period, for the public list of people served (issue 17: name,
/// village, procedure and the day returned — nothing else).
struct returned_row {
  std::string citizen_name;
  std::string village;
  std::string procedure_name;
  domain::instant returned_at{};
};

/// When a request was returned and by which day it was due, for on-time rates over many periods.
struct return_fact {
  domain::instant returned_at{};
  std::optional<domain::day> due_day;
};

/// An open request with what the overdue rules, briefs and schedules show of it (no phone,
/// address or categories: these lists go to the group).
struct open_request {
  domain::overdue_facts facts;  ///< number, state and the days the rules need
  domain::instant registered_at{};
  std::optional<domain::day> proposed_day;
  std::string visit_time;  ///< "HH:MM" or ""
  std::string team;
  std::string citizen_name;
  std::string village;
  std::string procedure_code;
  std::string procedure_name;
};

/// Read-only aggregates over requests and their history for reports and exports.
class report_repository {
 public:
  explicit report_repository(database& db) : db_(db) {}

  /// The figures of docs/DESIGN.md §5 for a unit and period; `utc_offset` is the unit's.
  report_figures figures(const std::string& unit_id, const domain::period& p, std::chrono::minutes utc_offset);
  /// Same, as of an instant inside the period (a period still running): backlog and overdue
  /// are counted at min(period end, as_of).
  report_figures figures(const std::string& unit_id, const domain::period& p, std::chrono::minutes utc_offset,
                         domain::instant as_of);
  /// Every request of a unit open at instant `t`, by number, as it stood then: the state of its
  /// last event before t and the days in force then (a closed period's backlog and overdue list).
  std::vector<open_request> open_at(const std::string& unit_id, domain::instant t, std::chrono::minutes utc_offset);
  /// Every open request of a unit, by number.
  std::vector<open_request> open_requests(const std::string& unit_id, std::chrono::minutes utc_offset);
  /// Requests registered in the period (local days), by number.
  std::vector<report_row> requests_in(const std::string& unit_id, const domain::period& p,
                                      std::chrono::minutes utc_offset = std::chrono::minutes{7 * 60});
  /// Requests whose dossier was received at home in the period (local days) and that were not
  /// cancelled or refused since, by reception time then number.
  std::vector<served_row> served_in(const std::string& unit_id, const domain::period& p,
                                    std::chrono::minutes utc_offset);
  /// When each request of the unit registered at or after `from` and before `to` was registered
  /// (one pass for a chart of many weeks).
  std::vector<domain::instant> registrations_between(const std::string& unit_id, domain::instant from, domain::instant to);
  /// The requests of the unit returned at or after `from` and before `to`, with their due days.
  std::vector<return_fact> returns_between(const std::string& unit_id, domain::instant from, domain::instant to);
  /// Requests returned in the period (local days) and still in that state, by return time then number.
  std::vector<returned_row> returned_in(const std::string& unit_id, const domain::period& p,
                                        std::chrono::minutes utc_offset);

 private:
  database& db_;
};

}  // namespace tannha::storage
