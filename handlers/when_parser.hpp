#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "domain/time.hpp"

namespace tannha::handlers {

/// A visit's date and time as /xeplich reads them (issue 14, item 1).
struct when_spec {
  std::optional<domain::day> date;
  std::optional<std::chrono::minutes> time;   ///< a clock time, already read within `part`
  std::optional<domain::part_of_day> part;    ///< "sáng", "trưa", "chiều", "tối" when named
  std::string date_typed;  ///< how the date was written, for "ngày đã qua"
  std::string bad;         ///< a word that is neither a date nor a time (or a time outside its part)
};

/// Reads "thứ bảy 8h", "chiều mai", "2 giờ rưỡi chiều thứ 7", "ngày 5/12 lúc 8 giờ 30",
/// "sáng nay", "t7 tuần sau", "thứ bảy tới"; without diacritics, NFD, and with Telex slips
/// ("thuws bayr"). A part of the day sets the half of a typed hour ("2h chiều" = 14:00) and
/// bounds it ("9h tối" is refused: `bad`). A weekday is the next such day on or after today.
when_spec parse_when(std::string_view text, domain::day today);

}  // namespace tannha::handlers
