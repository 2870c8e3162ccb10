#include "domain/period.hpp"

#include <array>

namespace tannha::domain {

namespace {

using namespace std::chrono;

std::string pad2(unsigned v) { return v < 10 ? "0" + std::to_string(v) : std::to_string(v); }

day monday_of(day d) {
  weekday wd{d};
  return d - days{wd.iso_encoding() - 1};
}

// The Monday of ISO week 1 of an ISO week-year: the week holding 4 January.
day week_one_monday(int iso_year) { return monday_of(sys_days{year{iso_year} / January / 4}); }

int iso_weeks_in(int iso_year) {
  return static_cast<int>((week_one_monday(iso_year + 1) - week_one_monday(iso_year)).count() / 7);
}

std::string roman(unsigned q) {
  static constexpr std::array<const char*, 5> r{"", "I", "II", "III", "IV"};
  return q >= 1 && q <= 4 ? r[q] : std::to_string(q);
}

period make_week(day monday) {
  period p;
  p.kind = period_kind::week;
  p.first = monday;
  p.last = monday + days{6};
  // The ISO week-year is the year of the week's Thursday.
  int iso_year = static_cast<int>(year_month_day{monday + days{3}}.year());
  int week = static_cast<int>((monday - week_one_monday(iso_year)).count() / 7) + 1;
  p.key = std::to_string(iso_year) + "-W" + pad2(static_cast<unsigned>(week));
  p.label = "Tuần " + std::to_string(week) + " (" + format_day_month(p.first) + "–" + format_date(p.last) + ")";
  return p;
}

period make_month(int y, unsigned m) {
  period p;
  p.kind = period_kind::month;
  p.first = sys_days{year{y} / month{m} / 1};
  p.last = sys_days{year{y} / month{m} / last};
  p.key = std::to_string(y) + "-" + pad2(m);
  p.label = "Tháng " + std::to_string(m) + "/" + std::to_string(y);
  return p;
}

period make_quarter(int y, unsigned q) {
  period p;
  p.kind = period_kind::quarter;
  unsigned m0 = (q - 1) * 3 + 1;
  p.first = sys_days{year{y} / month{m0} / 1};
  p.last = sys_days{year{y} / month{m0 + 2} / last};
  p.key = std::to_string(y) + "-Q" + std::to_string(q);
  p.label = "Quý " + roman(q) + "/" + std::to_string(y);
  return p;
}

period make_year(int y) {
  period p;
  p.kind = period_kind::year;
  p.first = sys_days{year{y} / January / 1};
  p.last = sys_days{year{y} / December / 31};
  p.key = std::to_string(y);
  p.label = "Năm " + std::to_string(y);
  return p;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

int to_int(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

}  // namespace

period period_containing(day d, period_kind kind) {
  year_month_day ymd{d};
  int y = static_cast<int>(ymd.year());
  unsigned m = static_cast<unsigned>(ymd.month());
  switch (kind) {
    case period_kind::week: return make_week(monday_of(d));
    case period_kind::month: return make_month(y, m);
    case period_kind::quarter: return make_quarter(y, (m - 1) / 3 + 1);
    case period_kind::year: return make_year(y);
  }
  return make_week(monday_of(d));
}

period previous(const period& p) { return period_containing(p.first - days{1}, p.kind); }

period next(const period& p) { return period_containing(p.last + days{1}, p.kind); }

std::optional<period> parse_period_key(std::string_view key) {
  while (!key.empty() && key.front() == ' ') key.remove_prefix(1);
  while (!key.empty() && key.back() == ' ') key.remove_suffix(1);
  if (key.size() < 4 || !all_digits(key.substr(0, 4))) return std::nullopt;
  int y = to_int(key.substr(0, 4));
  if (y < 1970 || y > 9998) return std::nullopt;
  if (key.size() == 4) return make_year(y);
  if (key[4] != '-') return std::nullopt;
  auto rest = key.substr(5);
  if (rest.size() >= 2 && (rest[0] == 'W' || rest[0] == 'w')) {
    auto num = rest.substr(1);
    if (num.size() > 2 || !all_digits(num)) return std::nullopt;
    int w = to_int(num);
    if (w < 1 || w > iso_weeks_in(y)) return std::nullopt;
    return make_week(week_one_monday(y) + days{7 * (w - 1)});
  }
  if (rest.size() == 2 && (rest[0] == 'Q' || rest[0] == 'q')) {
    if (rest[1] < '1' || rest[1] > '4') return std::nullopt;
    return make_quarter(y, static_cast<unsigned>(rest[1] - '0'));
  }
  if (rest.size() == 2 && all_digits(rest)) {
    int m = to_int(rest);
    if (m < 1 || m > 12) return std::nullopt;
    return make_month(y, static_cast<unsigned>(m));
  }
  return std::nullopt;
}

std::string_view to_string(period_kind k) {
  switch (k) {
    case period_kind::week: return "tuan";
    case period_kind::month: return "thang";
    case period_kind::quarter: return "quy";
    case period_kind::year: return "nam";
  }
  return "tuan";
}

std::optional<period_kind> period_kind_from_folded(std::string_view w) {
  if (w == "tuan" || w == "week" || w == "w") return period_kind::week;
  if (w == "thang" || w == "month" || w == "m") return period_kind::month;
  if (w == "quy" || w == "quarter" || w == "q") return period_kind::quarter;
  if (w == "nam" || w == "year" || w == "y") return period_kind::year;
  return std::nullopt;
}

}  // namespace tannha::domain
