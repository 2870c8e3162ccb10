#include "domain/time.hpp"

#include <array>

namespace tannha::domain {

namespace {

using namespace std::chrono;

// Zero-padded decimal; g++12 has no std::format.
std::string pad(long long v, int width) {
  std::string digits = std::to_string(v < 0 ? -v : v);
  if (static_cast<int>(digits.size()) < width) {
    digits.insert(0, static_cast<std::size_t>(width) - digits.size(), '0');
  }
  return v < 0 ? "-" + digits : digits;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// A cursor over ASCII text: the parsers below consume it left to right.
struct cursor {
  std::string_view s;
  std::size_t i = 0;

  bool done() const { return i >= s.size(); }
  char peek() const { return done() ? '\0' : s[i]; }
  bool eat(char c) {
    if (peek() != c) return false;
    ++i;
    return true;
  }
  bool eat(std::string_view word) {
    if (s.substr(i, word.size()) != word) return false;
    i += word.size();
    return true;
  }
  void skip_spaces() {
    while (!done() && is_space(s[i])) ++i;
  }
  // Reads between min_len and max_len digits; nullopt when fewer than min_len.
  std::optional<int> digits(std::size_t min_len, std::size_t max_len, std::size_t* len = nullptr) {
    std::size_t start = i;
    int v = 0;
    while (!done() && is_digit(s[i]) && i - start < max_len) {
      v = v * 10 + (s[i] - '0');
      ++i;
    }
    if (i - start < min_len) {
      i = start;
      return std::nullopt;
    }
    if (len) *len = i - start;
    return v;
  }
};

std::optional<day> make_day(int y, int m, int d) {
  if (m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
  year_month_day ymd{year{y}, month{static_cast<unsigned>(m)}, std::chrono::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  return sys_days{ymd};
}

}  // namespace

std::string format_date(day d) {
  year_month_day ymd{d};
  return pad(static_cast<unsigned>(ymd.day()), 2) + "/" + pad(static_cast<unsigned>(ymd.month()), 2) + "/" +
         pad(static_cast<int>(ymd.year()), 4);
}

std::string format_day_month(day d) {
  year_month_day ymd{d};
  return pad(static_cast<unsigned>(ymd.day()), 2) + "/" + pad(static_cast<unsigned>(ymd.month()), 2);
}

std::string weekday_name(std::chrono::weekday wd) {
  static constexpr std::array<const char*, 7> names{
      "Chủ Nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy"};
  return wd.ok() ? names[wd.c_encoding()] : std::string{};
}

namespace {

struct weekday_word {
  std::string_view word;
  unsigned c_encoding;  ///< 0 = Sunday
  bool english;
};

constexpr weekday_word weekday_words[] = {
    {"thuhai", 1, false}, {"thu2", 1, false}, {"t2", 1, false}, {"mon", 1, true}, {"monday", 1, true},
    {"thuba", 2, false}, {"thu3", 2, false}, {"t3", 2, false}, {"tue", 2, true}, {"tues", 2, true},
    {"tuesday", 2, true},
    {"thutu", 3, false}, {"thu4", 3, false}, {"t4", 3, false}, {"wed", 3, true}, {"wednesday", 3, true},
    {"thunam", 4, false}, {"thu5", 4, false}, {"t5", 4, false}, {"thur", 4, true}, {"thurs", 4, true},
    {"thursday", 4, true},
    {"thusau", 5, false}, {"thu6", 5, false}, {"t6", 5, false}, {"fri", 5, true}, {"friday", 5, true},
    {"thubay", 6, false}, {"thu7", 6, false}, {"t7", 6, false}, {"sat", 6, true}, {"saturday", 6, true},
    {"chunhat", 0, false}, {"cn", 0, false}, {"sun", 0, true}, {"sunday", 0, true},
};

}  // namespace

std::optional<std::chrono::weekday> weekday_from_folded(std::string_view folded, bool english) {
  for (const auto& w : weekday_words)
    if (w.word == folded && (english || !w.english)) return std::chrono::weekday{w.c_encoding};
  return std::nullopt;
}

std::string format_weekday_date(day d) { return weekday_name(weekday{d}) + " " + format_day_month(d); }

std::string format_hhmm(std::chrono::minutes since_midnight) {
  auto m = since_midnight.count();
  return pad(m / 60, 2) + ":" + pad(m % 60 < 0 ? -(m % 60) : m % 60, 2);
}

std::optional<std::chrono::minutes> parse_hhmm(std::string_view s) {
  cursor c{s};
  auto h = c.digits(1, 2);
  if (!h || !c.eat(':')) return std::nullopt;
  auto m = c.digits(2, 2);
  if (!m || !c.done() || *h > 23 || *m > 59) return std::nullopt;
  return minutes{*h * 60 + *m};
}

std::string iso_date(day d) {
  year_month_day ymd{d};
  return pad(static_cast<int>(ymd.year()), 4) + "-" + pad(static_cast<unsigned>(ymd.month()), 2) + "-" +
         pad(static_cast<unsigned>(ymd.day()), 2);
}

std::optional<day> parse_iso_date(std::string_view s) {
  cursor c{s};
  auto y = c.digits(4, 4);
  if (!y || !c.eat('-')) return std::nullopt;
  auto m = c.digits(2, 2);
  if (!m || !c.eat('-')) return std::nullopt;
  auto d = c.digits(2, 2);
  if (!d || !c.done()) return std::nullopt;
  return make_day(*y, *m, *d);
}

std::optional<day> parse_user_date(std::string_view s, day today) {
  cursor c{trim(s)};
  auto d = c.digits(1, 2);
  if (!d) return std::nullopt;
  char sep = c.peek();
  if (sep != '/' && sep != '-' && sep != '.') return std::nullopt;
  c.eat(sep);
  auto m = c.digits(1, 2);
  if (!m) return std::nullopt;
  if (c.done()) {
    // No year: this year, or the next when the date is well in the past (typed in December
    // about January).
    int y = static_cast<int>(year_month_day{today}.year());
    auto candidate = make_day(y, *m, *d);
    if (!candidate) return std::nullopt;
    if (*candidate < today - days{183}) return make_day(y + 1, *m, *d);
    return candidate;
  }
  if (!c.eat(sep)) return std::nullopt;  // "28/11-2026" is not a date
  std::size_t len = 0;
  auto y = c.digits(2, 4, &len);
  if (!y || !c.done() || len == 3) return std::nullopt;
  int full_year = len == 2 ? 2000 + *y : *y;
  if (full_year < 1900) return std::nullopt;
  return make_day(full_year, *m, *d);
}

std::optional<std::chrono::minutes> parse_user_time(std::string_view s) {
  cursor c{trim(s)};
  auto h = c.digits(1, 2);
  if (!h) return std::nullopt;
  c.skip_spaces();
  bool colon = false;
  if (c.eat(':')) {
    colon = true;
  } else if (!(c.eat("giờ") || c.eat("Giờ") || c.eat("gio") || c.eat("Gio") || c.eat('h') || c.eat('H') ||
                 c.eat('g') || c.eat('G'))) {
    return std::nullopt;  // a bare number is not a time
  }
  c.skip_spaces();
  int minute = 0;
  if (!c.done()) {
    // "08:30" needs two digits; "8h5" is read as 8:05 as people write it.
    auto m = c.digits(colon ? 2 : 1, 2);
    if (!m) return std::nullopt;
    minute = *m;
    c.skip_spaces();
    // An optional unit after the minutes: "8 giờ 30 phút", "8h30p".
    if (!colon) (void)(c.eat("phút") || c.eat("Phút") || c.eat("phut") || c.eat('p') || c.eat('P'));
    if (!c.done()) return std::nullopt;
  } else if (colon) {
    return std::nullopt;  // "8:" is unfinished
  }
  if (*h > 23 || minute > 59) return std::nullopt;
  return std::chrono::minutes{*h * 60 + minute};
}

std::optional<part_of_day> part_of_day_from_folded(std::string_view w) {
  if (w == "sang") return part_of_day::morning;
  if (w == "trua") return part_of_day::noon;
  if (w == "chieu") return part_of_day::afternoon;
  if (w == "toi" || w == "dem") return part_of_day::evening;
  return std::nullopt;
}

std::string_view part_of_day_name(part_of_day p) {
  switch (p) {
    case part_of_day::morning: return "sáng";
    case part_of_day::noon: return "trưa";
    case part_of_day::afternoon: return "chiều";
    case part_of_day::evening: return "tối";
  }
  return "sáng";
}

std::optional<std::chrono::minutes> time_in_part(std::chrono::minutes typed, part_of_day p) {
  const auto h = typed.count() / 60;
  switch (p) {
    case part_of_day::morning:  // 4:00–11:59 ("12 giờ sáng" is not said)
      if (h >= 4 && h < 12) return typed;
      return std::nullopt;
    case part_of_day::noon:  // 11:00–13:59: "12 giờ trưa", "1 giờ trưa"
      if (h >= 11 && h <= 13) return typed;
      if (h == 1) return typed + hours{12};
      return std::nullopt;
    case part_of_day::afternoon:  // 12:00–18:59: "2 giờ chiều", "14h chiều"
      if (h >= 12 && h <= 18) return typed;
      if (h >= 1 && h <= 6) return typed + hours{12};
      return std::nullopt;
    case part_of_day::evening:  // 17:00–22:59: "7 giờ tối", "19h tối"
      if (h >= 17 && h <= 22) return typed;
      if (h >= 5 && h <= 10) return typed + hours{12};
      return std::nullopt;
  }
  return std::nullopt;
}

std::optional<instant> parse_iso_instant(std::string_view s) {
  cursor c{trim(s)};
  auto y = c.digits(4, 4);
  if (!y || !c.eat('-')) return std::nullopt;
  auto mo = c.digits(2, 2);
  if (!mo || !c.eat('-')) return std::nullopt;
  auto d = c.digits(2, 2);
  if (!d) return std::nullopt;
  if (!(c.eat('T') || c.eat('t') || c.eat(' '))) return std::nullopt;
  auto hh = c.digits(2, 2);
  if (!hh || !c.eat(':')) return std::nullopt;
  auto mi = c.digits(2, 2);
  if (!mi) return std::nullopt;
  int sec = 0;
  if (c.eat(':')) {
    auto ss = c.digits(2, 2);
    if (!ss) return std::nullopt;
    sec = *ss;
    if (c.eat('.') || c.eat(',')) {
      if (!c.digits(1, 9)) return std::nullopt;  // fractions are dropped: the clock counts seconds
    }
  }
  int offset_minutes = 0;  // a missing zone is taken as UTC
  if (c.eat('Z') || c.eat('z')) {
  } else if (c.peek() == '+' || c.peek() == '-') {
    int sign = c.peek() == '-' ? -1 : 1;
    c.eat(c.peek());
    auto oh = c.digits(2, 2);
    if (!oh) return std::nullopt;
    c.eat(':');
    auto om = c.digits(2, 2);
    if (!om || *oh > 23 || *om > 59) return std::nullopt;
    offset_minutes = sign * (*oh * 60 + *om);
  }
  if (!c.done()) return std::nullopt;
  if (*hh > 23 || *mi > 59 || sec > 60) return std::nullopt;
  auto date = make_day(*y, *mo, *d);
  if (!date) return std::nullopt;
  if (sec == 60) sec = 59;  // a leap second is folded into the second before
  return instant{date->time_since_epoch()} + hours{*hh} + minutes{*mi} + seconds{sec} -
         minutes{offset_minutes};
}

std::string iso_instant(instant t) {
  auto d = floor<days>(t);
  auto rest = t - d;
  auto h = duration_cast<hours>(rest);
  auto m = duration_cast<minutes>(rest - h);
  auto sec = rest - h - m;
  return iso_date(day{d}) + "T" + pad(h.count(), 2) + ":" + pad(m.count(), 2) + ":" + pad(sec.count(), 2) + "Z";
}

}  // namespace tannha::domain
