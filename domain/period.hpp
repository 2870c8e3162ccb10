#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "domain/time.hpp"

namespace tannha::domain {

/// How long a reporting period is.
enum class period_kind { week, month, quarter, year };

/// A reporting period (docs/DESIGN.md §5): a range of unit-local days, inclusive at both ends.
struct period {
  period_kind kind = period_kind::week;
  day first{};       ///< first local day
  day last{};        ///< last local day (inclusive)
  std::string key;   ///< "2026-W48", "2026-11", "2026-Q4", "2026"
  std::string label; ///< "Tuần 48 (23/11–29/11/2026)", "Tháng 11/2026", "Quý IV/2026", "Năm 2026"

  bool contains(day d) const { return d >= first && d <= last; }
  friend bool operator==(const period& a, const period& b) { return a.kind == b.kind && a.first == b.first; }
};

/// The period of this kind that contains day d (ISO weeks run Monday–Sunday; the week-year of
/// an ISO week may differ from the calendar year near 1 January).
period period_containing(day d, period_kind kind);
/// The period just before p, of the same kind.
period previous(const period& p);
/// The period just after p, of the same kind.
period next(const period& p);
/// Parses a key: "2026-W48" (also "2026-w48"), "2026-11", "2026-Q4" (also "2026-q4"), "2026";
/// nullopt when malformed or out of range (week 53 of a year that has 52, month 13, …).
std::optional<period> parse_period_key(std::string_view key);
/// Stable name: "tuan", "thang", "quy", "nam".
std::string_view to_string(period_kind k);
/// Parses a folded word of /baocao: "tuan", "thang", "quy", "nam" (also "week", "month",
/// "quarter", "year"); nullopt otherwise.
std::optional<period_kind> period_kind_from_folded(std::string_view word);

}  // namespace tannha::domain
