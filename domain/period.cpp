#include "domain/period.hpp"

#include <array>
#include <vector>

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

namespace {

// "11", "2026", "11/2026", "11-2026": a number and maybe a year after it.
struct period_number {
  int value = 0;
  std::optional<int> year;
  bool four_digits = false;
};

std::optional<period_number> read_period_number(std::string_view w) {
  const auto sep = w.find_first_of("/-.");
  const auto head = w.substr(0, sep);
  if (!all_digits(head) || head.size() > 4) return std::nullopt;
  period_number n;
  n.value = to_int(head);
  n.four_digits = head.size() == 4;
  if (sep != std::string_view::npos) {
    const auto tail = w.substr(sep + 1);
    if (!all_digits(tail) || tail.size() != 4 || n.four_digits) return std::nullopt;
    n.year = to_int(tail);
  }
  return n;
}

bool is_previous_word(std::string_view w) {
  return w == "truoc" || w == "roi" || w == "qua" || w == "ngoai" || w == "vua";
}

bool is_filler_word(std::string_view w) {
  static constexpr std::string_view fillers[] = {"ky", "nay", "hien", "tai", "cua", "trong", "bao", "cao",
                                                 "thong", "ke", "so", "lieu", "cho", "xem", "toi", "minh",
                                                 "gui", "lam", "on", "voi", "di"};
  for (auto f : fillers)
    if (w == f) return true;
  return false;
}

}  // namespace

std::optional<period> parse_period_words(std::string_view folded, day today) {
  std::vector<std::string> words;
  {
    std::string cur;
    for (char c : folded) {
      if (c == ' ' || c == ',' || c == '?' || c == '!' || c == ';') {
        if (!cur.empty()) words.push_back(std::move(cur));
        cur.clear();
      } else {
        cur.push_back(c);
      }
    }
    if (!cur.empty()) words.push_back(std::move(cur));
  }
  const int this_year = static_cast<int>(year_month_day{today}.year());
  std::optional<period_kind> kind;
  std::optional<int> number;
  std::optional<int> year_given;
  bool prev = false;
  for (std::size_t i = 0; i < words.size(); ++i) {
    std::string w = words[i];
    while (!w.empty() && (w.back() == '.' || w.back() == ':')) w.pop_back();
    if (w.empty()) continue;
    if (auto key = parse_period_key(w); key && w.find('-') != std::string::npos) return key;
    // Glued abbreviations: "t11", "q3", "thang11", "q3/2026".
    std::string_view word = w;
    std::string_view glued_number;
    if (const auto d = w.find_first_of("0123456789"); d != std::string::npos && d > 0) {
      word = std::string_view(w).substr(0, d);
      glued_number = std::string_view(w).substr(d);
    }
    std::optional<period_kind> k = period_kind_from_folded(word);
    if (!k && !glued_number.empty() && word == "t") k = period_kind::month;
    if (k) {
      if (*k == period_kind::year && kind && *kind != period_kind::year && glued_number.empty()) {
        // "tháng 11 năm 2025", "quý 3 năm ngoái": the year of the period named before.
        if (i + 1 < words.size()) {
          if (auto n = read_period_number(words[i + 1]); n && n->four_digits) {
            year_given = n->value;
            ++i;
            continue;
          }
          if (is_previous_word(words[i + 1])) {
            year_given = this_year - 1;
            ++i;
            continue;
          }
          if (words[i + 1] == "nay") {
            year_given = this_year;
            ++i;
            continue;
          }
        }
        return std::nullopt;
      }
      kind = k;
      std::string_view num_text = glued_number;
      if (num_text.empty() && i + 1 < words.size() && read_period_number(words[i + 1])) num_text = words[++i];
      if (!num_text.empty()) {
        auto n = read_period_number(num_text);
        if (!n) return std::nullopt;
        if (*k == period_kind::year) {
          if (!n->four_digits) return std::nullopt;
          year_given = n->value;
        } else {
          if (n->four_digits) return std::nullopt;
          number = n->value;
          if (n->year) year_given = n->year;
        }
      }
      continue;
    }
    if (auto n = read_period_number(w)) {
      if (n->four_digits) {
        year_given = n->value;
      } else if (!number) {
        number = n->value;  // "11/2026", "báo cáo 11": a month unless a kind was named
        if (n->year) year_given = n->year;
        if (!kind) kind = period_kind::month;
      } else {
        return std::nullopt;
      }
      continue;
    }
    if (is_previous_word(w)) {
      prev = true;
      continue;
    }
    if (is_filler_word(w)) continue;
    return std::nullopt;
  }

  if (!kind) kind = year_given && !number ? period_kind::year : period_kind::week;
  if (year_given && (*year_given < 1970 || *year_given > 9998)) return std::nullopt;
  if (*kind == period_kind::year) {
    if (number) return std::nullopt;
    if (year_given) return make_year(*year_given);
    auto p = period_containing(today, period_kind::year);
    return prev ? previous(p) : p;
  }
  if (!number) {
    if (year_given) return std::nullopt;  // "tháng 2026": which month?
    auto p = period_containing(today, *kind);
    return prev ? previous(p) : p;
  }
  switch (*kind) {
    case period_kind::month: {
      if (*number < 1 || *number > 12) return std::nullopt;
      int y = year_given.value_or(this_year);
      auto p = make_month(y, static_cast<unsigned>(*number));
      if (!year_given && p.first > today) p = make_month(y - 1, static_cast<unsigned>(*number));
      return p;
    }
    case period_kind::quarter: {
      if (*number < 1 || *number > 4) return std::nullopt;
      int y = year_given.value_or(this_year);
      auto p = make_quarter(y, static_cast<unsigned>(*number));
      if (!year_given && p.first > today) p = make_quarter(y - 1, static_cast<unsigned>(*number));
      return p;
    }
    case period_kind::week: {
      const int y = year_given.value_or(static_cast<int>(year_month_day{today + days{3} - days{weekday{today}.iso_encoding() - 1}}.year()));
      if (*number < 1 || *number > iso_weeks_in(y)) return std::nullopt;
      auto p = make_week(week_one_monday(y) + days{7 * (*number - 1)});
      if (!year_given && p.first > today) {
        if (*number > iso_weeks_in(y - 1)) return std::nullopt;
        p = make_week(week_one_monday(y - 1) + days{7 * (*number - 1)});
      }
      return p;
    }
    case period_kind::year: break;
  }
  return std::nullopt;
}

}  // namespace tannha::domain
