// /xeplich's date and time words (issue 14, item 1): dates, weekdays, clock times and the parts
// of the day people say instead of a time.
#include "handlers/when_parser.hpp"

#include "handlers/text.hpp"

namespace tannha::handlers {

namespace {

// A weekday named by the tokens at i ("thứ bảy", "thu 7", "t7", "chủ nhật", "cn"); sets `used`.
std::optional<std::chrono::weekday> when_weekday_at(const std::vector<text_word>& tk, std::size_t i,
                                                    std::size_t& used) {
  const auto& w = tk[i].folded;
  if ((w == "thu" || w == "chu") && i + 1 < tk.size()) {
    if (auto d = domain::weekday_from_folded(w + tk[i + 1].folded)) {
      used = 2;
      return d;
    }
  }
  if (auto d = domain::weekday_from_folded(w)) {
    used = 1;
    return d;
  }
  return std::nullopt;
}

bool all_digits(std::string_view s) {
  if (s.empty() || s.size() > 2) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace

when_spec parse_when(std::string_view text_in, domain::day today) {
  using namespace std::chrono;
  when_spec w;
  const std::string text = to_nfc(text_in);
  auto tk = split_words(text, fold_loose);
  auto span_text = [&](std::size_t a, std::size_t n) {
    return text.substr(tk[a].begin, tk[a + n - 1].end - tk[a].begin);
  };
  std::string part_typed;
  bool after_weekday = false;  // "thứ bảy tới": "tới" is "coming", not "tối"
  for (std::size_t i = 0; i < tk.size();) {
    const auto& f = tk[i].folded;
    auto next = [&](std::size_t k) -> std::string { return i + k < tk.size() ? tk[i + k].folded : std::string(); };
    std::size_t used = 0;
    const bool was_after_weekday = after_weekday;
    after_weekday = false;
    if (f == "hom" && (next(1) == "nay" || next(1) == "qua")) {
      w.date = next(1) == "nay" ? today : today - days{1};  // "hôm qua" is answered as a past day
      w.date_typed = span_text(i, 2);
      i += 2;
    } else if (f == "ngay" && (next(1) == "mai" || next(1) == "kia")) {
      w.date = today + days{next(1) == "mai" ? 1 : 2};
      w.date_typed = span_text(i, 2);
      i += 2;
    } else if (f == "mai" || f == "mot") {
      w.date = today + days{f == "mai" ? 1 : 2};
      w.date_typed = tk[i].text;
      i += 1;
    } else if (auto wd = when_weekday_at(tk, i, used)) {
      // The next such day on or after today; "tuần sau"/"tuần tới" moves it a week on.
      domain::day d = today + (*wd - weekday{today});
      std::size_t n = used;
      if (i + n + 1 < tk.size() && tk[i + n].folded == "tuan" &&
          (tk[i + n + 1].folded == "sau" || tk[i + n + 1].folded == "toi")) {
        d += days{7};
        n += 2;
      }
      w.date = d;
      w.date_typed = span_text(i, n);
      i += n;
      after_weekday = true;
    } else if (f == "toi" && was_after_weekday && to_lower(tk[i].text) != "tối") {
      i += 1;  // "thứ bảy tới": without diacritics, "toi" right after a weekday is "tới"
    } else if (f == "tuan" && (next(1) == "sau" || next(1) == "toi" || next(1) == "nay")) {
      i += 2;  // "tuần này/sau" without a weekday: the day comes from elsewhere
    } else if (auto p = domain::part_of_day_from_folded(f);
               p && !(f == "toi" && to_lower(tk[i].text) == "tới")) {
      w.part = *p;
      part_typed = tk[i].text;
      i += 1;
      if (next(0) == "nay") {  // "chiều nay": today
        w.date = today;
        w.date_typed = span_text(i - 1, 2);
        i += 1;
      }
    } else if (f == "ngay" || f == "luc" || f == "vao" || f == "buoi" || f == "tuan" || f == "nay" ||
               f == "khoang" || f == "tam" || f == "toi" || f == "nhe") {
      i += 1;  // filler words: "ngày 28/11 lúc 8h", "vào buổi sáng thứ bảy tuần này", "khoảng 9h"
    } else if (auto d = domain::parse_user_date(tk[i].text, today)) {
      w.date = *d;
      w.date_typed = tk[i].text;
      i += 1;
    } else {
      // A time may span words: "8 giờ 30 phút". A bare hour counts when a part of the day
      // follows ("3 chiều") and "rưỡi" adds half an hour ("2 giờ rưỡi").
      bool found = false;
      for (std::size_t n = std::min<std::size_t>(4, tk.size() - i); n >= 1; --n) {
        if (auto t = domain::parse_user_time(fold(span_text(i, n)))) {
          w.time = *t;
          i += n;
          found = true;
          break;
        }
      }
      if (!found && all_digits(tk[i].folded) && domain::part_of_day_from_folded(next(1))) {
        w.time = minutes{std::stoi(tk[i].folded) * 60};
        i += 1;
        found = *w.time < hours{24};
      }
      if (found && i < tk.size() && tk[i].folded == "ruoi" && w.time->count() % 60 == 0) {
        *w.time += minutes{30};
        i += 1;
      }
      if (!found) {
        w.bad = tk[i].text;
        return w;
      }
    }
  }
  if (w.part && w.time) {
    if (auto t = domain::time_in_part(*w.time, *w.part)) {
      w.time = *t;
    } else {
      w.bad = domain::format_hhmm(*w.time) + " " + part_typed;
      return w;
    }
  }
  return w;
}

}  // namespace tannha::handlers
