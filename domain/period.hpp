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

/// The period a /baocao phrase names, its words already folded (lower case, no diacritics):
/// "" (this week), "tuan|thang|quy|nam [nay|truoc|roi|qua|ky truoc]", "thang 11", "t11",
/// "thang 11/2026", "11/2026", "thang 11 nam 2025", "thang 11 nam ngoai", "quy 3", "q3/2026",
/// "tuan 48", "nam 2025", "nam ngoai", "tuan truoc", or a key ("2026-11"). A month or quarter
/// named without a year that has not begun by `today` is last year's. nullopt when a word is
/// not understood or a number is out of range.
std::optional<period> parse_period_words(std::string_view folded, day today);

}  // namespace tannha::domain
