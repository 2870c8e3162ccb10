#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace tannha::domain {

/// An instant (UTC, seconds).
using instant = std::chrono::sys_seconds;
/// A calendar day (no time zone attached: the unit's local day when it comes from local time).
using day = std::chrono::sys_days;
/// Wall-clock time in a unit's zone.
using local_time = std::chrono::local_seconds;

/// The unit-local wall clock for an instant, given the unit's UTC offset.
inline local_time to_local(instant t, std::chrono::minutes utc_offset) {
  return local_time{t.time_since_epoch() + utc_offset};
}
/// The instant of a unit-local wall-clock time.
inline instant to_instant(local_time t, std::chrono::minutes utc_offset) {
  return instant{t.time_since_epoch() - utc_offset};
}
/// The local day of a local time.
inline day local_day(local_time t) {
  return day{std::chrono::floor<std::chrono::days>(t.time_since_epoch())};
}

/// "dd/mm/yyyy".
std::string format_date(day d);
/// "dd/mm".
std::string format_day_month(day d);
/// Vietnamese weekday name: "Thứ Hai" … "Thứ Bảy", "Chủ Nhật".
std::string weekday_name(std::chrono::weekday wd);
/// The weekday a word names, the word already folded (lower case, no diacritics, no spaces, as
/// handlers::fold_compact gives it): "thubay", "thu7", "t7", "chunhat", "cn"; with `english`
/// also "saturday", "sat" and the like. nullopt for anything else. The one table of weekday
/// names people write.
std::optional<std::chrono::weekday> weekday_from_folded(std::string_view folded, bool english = false);
/// "Thứ Bảy 28/11".
std::string format_weekday_date(day d);
/// "08:00".
std::string format_hhmm(std::chrono::minutes since_midnight);
/// Parses exactly "HH:MM" or "H:MM" (00:00 to 23:59), as configuration files write a time;
/// minutes since midnight, nullopt otherwise. (What users type goes to parse_user_time.)
std::optional<std::chrono::minutes> parse_hhmm(std::string_view s);
/// ISO "2026-11-28".
std::string iso_date(day d);
/// Parses ISO "2026-11-28"; nullopt when malformed or not a real date.
std::optional<day> parse_iso_date(std::string_view s);
/// Parses "dd/mm" or "dd/mm/yyyy" (also '-' or '.', "yy" meaning 20yy); a missing year is taken
/// from `today`, moving to next year when the date would be more than 6 months (183 days) in the
/// past. nullopt when malformed or not a real date (31/02).
std::optional<day> parse_user_date(std::string_view s, day today);
/// Parses "8h", "8h30", "08:30", "14g", "14g30", "8 giờ", "8 giờ 30"; minutes since midnight,
/// nullopt when malformed or out of range (25h, 8h75). A bare number is not a time.
std::optional<std::chrono::minutes> parse_user_time(std::string_view s);
/// A part of the day people name instead of, or beside, a clock time (issue 14).
enum class part_of_day { morning, noon, afternoon, evening };
/// The part of the day a folded word names: "sang", "trua", "chieu", "toi"; nullopt otherwise.
std::optional<part_of_day> part_of_day_from_folded(std::string_view folded);
/// Vietnamese name, lower case: "sáng", "trưa", "chiều", "tối".
std::string_view part_of_day_name(part_of_day p);
/// A clock time typed beside a part of the day, read the way it is said: "2 giờ chiều" is 14:00,
/// "7 giờ tối" 19:00, "1 giờ trưa" 13:00, "8 giờ sáng" 08:00; a time past noon stays as typed.
/// nullopt when the time cannot lie in that part ("15h sáng", "9h tối").
std::optional<std::chrono::minutes> time_in_part(std::chrono::minutes typed, part_of_day p);
/// Parses ISO 8601 "2026-11-23T08:00:00Z" or with "+07:00"; seconds may be left out, fractions
/// are dropped, and a missing zone is UTC. nullopt when malformed.
std::optional<instant> parse_iso_instant(std::string_view s);
/// ISO 8601 UTC "2026-11-23T08:00:00Z".
std::string iso_instant(instant t);

}  // namespace tannha::domain
