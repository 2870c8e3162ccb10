#include <doctest/doctest.h>

#include "domain/time.hpp"

using namespace tannha::domain;
using namespace std::chrono_literals;
using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::month;
using std::chrono::sys_days;
using std::chrono::year;
using std::chrono::Monday;
using std::chrono::November;
using std::chrono::Saturday;
using std::chrono::Sunday;
using std::chrono::Thursday;

namespace {
day ymd(int y, unsigned m, unsigned d) { return sys_days{year{y} / month{m} / std::chrono::day{d}}; }
}  // namespace

TEST_CASE("time: dates are formatted day first, zero-padded") {
  CHECK(format_date(ymd(2026, 11, 28)) == "28/11/2026");
  CHECK(format_date(ymd(2027, 2, 5)) == "05/02/2027");
  CHECK(format_day_month(ymd(2027, 2, 5)) == "05/02");
  CHECK(iso_date(ymd(2027, 2, 5)) == "2027-02-05");
}

TEST_CASE("time: weekday names are Vietnamese and Sunday is Chủ Nhật") {
  CHECK(weekday_name(Monday) == "Thứ Hai");
  CHECK(weekday_name(Thursday) == "Thứ Năm");
  CHECK(weekday_name(Saturday) == "Thứ Bảy");
  CHECK(weekday_name(Sunday) == "Chủ Nhật");
  CHECK(format_weekday_date(ymd(2026, 11, 28)) == "Thứ Bảy 28/11");
  CHECK(format_weekday_date(ymd(2026, 11, 29)) == "Chủ Nhật 29/11");
}

TEST_CASE("time: hours and minutes are formatted as HH:MM") {
  CHECK(format_hhmm(minutes{8 * 60}) == "08:00");
  CHECK(format_hhmm(minutes{17 * 60 + 5}) == "17:05");
  CHECK(format_hhmm(minutes{0}) == "00:00");
}

TEST_CASE("time: ISO dates round-trip and impossible ones are refused") {
  CHECK(parse_iso_date("2026-11-28") == ymd(2026, 11, 28));
  CHECK(parse_iso_date(iso_date(ymd(2028, 2, 29))) == ymd(2028, 2, 29));
  CHECK_FALSE(parse_iso_date("2026-02-29"));
  CHECK_FALSE(parse_iso_date("2026-13-01"));
  CHECK_FALSE(parse_iso_date("2026-1-01"));
  CHECK_FALSE(parse_iso_date("2026-11-28x"));
  CHECK_FALSE(parse_iso_date(""));
}

TEST_CASE("time: user dates accept /, - and . with or without a year") {
  const day today = ymd(2026, 11, 20);
  CHECK(parse_user_date("28/11", today) == ymd(2026, 11, 28));
  CHECK(parse_user_date("28/11/2026", today) == ymd(2026, 11, 28));
  CHECK(parse_user_date("28-11", today) == ymd(2026, 11, 28));
  CHECK(parse_user_date("28.11.26", today) == ymd(2026, 11, 28));
  CHECK(parse_user_date("5/1/2027", today) == ymd(2027, 1, 5));
  CHECK(parse_user_date(" 1/12 ", today) == ymd(2026, 12, 1));
}

TEST_CASE("time: a user date without year well in the past means next year") {
  CHECK(parse_user_date("05/01", ymd(2026, 12, 20)) == ymd(2027, 1, 5));
  // A few weeks back is still this year (a report about last month).
  CHECK(parse_user_date("01/11", ymd(2026, 12, 20)) == ymd(2026, 11, 1));
}

TEST_CASE("time: invalid user dates are refused") {
  const day today = ymd(2026, 11, 20);
  CHECK_FALSE(parse_user_date("31/02", today));
  CHECK_FALSE(parse_user_date("29/02/2027", today));
  CHECK_FALSE(parse_user_date("32/01", today));
  CHECK_FALSE(parse_user_date("12/13", today));
  CHECK_FALSE(parse_user_date("0/5", today));
  CHECK_FALSE(parse_user_date("28/11-2026", today));
  CHECK_FALSE(parse_user_date("28/11/226", today));
  CHECK_FALSE(parse_user_date("28", today));
  CHECK_FALSE(parse_user_date("abc", today));
  CHECK(parse_user_date("29/02/2028", today) == ymd(2028, 2, 29));
}

TEST_CASE("time: user times accept h, g, colon and giờ") {
  CHECK(parse_user_time("8h") == minutes{8 * 60});
  CHECK(parse_user_time("8h30") == minutes{8 * 60 + 30});
  CHECK(parse_user_time("08:30") == minutes{8 * 60 + 30});
  CHECK(parse_user_time("8:30") == minutes{8 * 60 + 30});
  CHECK(parse_user_time("14g") == minutes{14 * 60});
  CHECK(parse_user_time("14g30") == minutes{14 * 60 + 30});
  CHECK(parse_user_time("8 giờ") == minutes{8 * 60});
  CHECK(parse_user_time("8 giờ 30") == minutes{8 * 60 + 30});
  CHECK(parse_user_time("8H15") == minutes{8 * 60 + 15});
  CHECK(parse_user_time("0h") == minutes{0});
  CHECK(parse_user_time("23:59") == minutes{23 * 60 + 59});
}

TEST_CASE("time: impossible or malformed user times are refused") {
  CHECK_FALSE(parse_user_time("25h"));
  CHECK_FALSE(parse_user_time("24:00"));
  CHECK_FALSE(parse_user_time("8h75"));
  CHECK_FALSE(parse_user_time("8:5"));
  CHECK_FALSE(parse_user_time("8:"));
  CHECK_FALSE(parse_user_time("8"));
  CHECK_FALSE(parse_user_time("h30"));
  CHECK_FALSE(parse_user_time("8h30x"));
  CHECK_FALSE(parse_user_time(""));
}

TEST_CASE("time: ISO instants honour Z, offsets, missing seconds and missing zone") {
  const instant eight_utc = sys_days{2026y / November / 23} + 8h;
  CHECK(parse_iso_instant("2026-11-23T08:00:00Z") == eight_utc);
  CHECK(parse_iso_instant("2026-11-23T15:00:00+07:00") == eight_utc);
  CHECK(parse_iso_instant("2026-11-23T08:00Z") == eight_utc);
  CHECK(parse_iso_instant("2026-11-23T08:00:00") == eight_utc);
  CHECK(parse_iso_instant("2026-11-23T03:00:00-05:00") == eight_utc);
  CHECK(parse_iso_instant("2026-11-23T08:00:00.250Z") == eight_utc);
  CHECK(parse_iso_instant("2026-11-23T08:00:30Z") == eight_utc + 30s);
}

TEST_CASE("time: malformed ISO instants are refused") {
  CHECK_FALSE(parse_iso_instant("2026-11-23"));
  CHECK_FALSE(parse_iso_instant("2026-02-30T08:00:00Z"));
  CHECK_FALSE(parse_iso_instant("2026-11-23T25:00:00Z"));
  CHECK_FALSE(parse_iso_instant("2026-11-23T08:00:00+7"));
  CHECK_FALSE(parse_iso_instant("2026-11-23T08:00:00Zjunk"));
  CHECK_FALSE(parse_iso_instant("tomorrow"));
}

TEST_CASE("time: iso_instant writes UTC and parses back") {
  const instant t = sys_days{2026y / November / 23} + 15h + 4min + 5s;
  CHECK(iso_instant(t) == "2026-11-23T15:04:05Z");
  CHECK(parse_iso_instant(iso_instant(t)) == t);
}

TEST_CASE("time: local time at UTC+7 crosses midnight into the next local day") {
  const instant t = sys_days{2026y / November / 23} + 18h;  // 01:00 on the 24th in Vietnam
  const local_time lt = to_local(t, minutes{7 * 60});
  CHECK(local_day(lt) == ymd(2026, 11, 24));
  CHECK(to_instant(lt, minutes{7 * 60}) == t);
}

TEST_CASE("time: a configuration time is exactly H:MM or HH:MM within the day") {
  CHECK(parse_hhmm("08:00") == minutes{8 * 60});
  CHECK(parse_hhmm("8:05") == minutes{8 * 60 + 5});
  CHECK(parse_hhmm("23:59") == minutes{23 * 60 + 59});
  CHECK(parse_hhmm("00:00") == minutes{0});
  CHECK_FALSE(parse_hhmm("24:00"));
  CHECK_FALSE(parse_hhmm("08:60"));
  CHECK_FALSE(parse_hhmm("8:5"));
  CHECK_FALSE(parse_hhmm("008:00"));
  CHECK_FALSE(parse_hhmm("08:00:00"));
  CHECK_FALSE(parse_hhmm("8h30"));
  CHECK_FALSE(parse_hhmm(" 08:00"));
  CHECK_FALSE(parse_hhmm(""));
}

TEST_CASE("time: weekday words are read from their folded spelling; English only when asked") {
  CHECK(weekday_from_folded("thubay") == Saturday);
  CHECK(weekday_from_folded("thu7") == Saturday);
  CHECK(weekday_from_folded("t7") == Saturday);
  CHECK(weekday_from_folded("thuhai") == Monday);
  CHECK(weekday_from_folded("t5") == Thursday);
  CHECK(weekday_from_folded("chunhat") == Sunday);
  CHECK(weekday_from_folded("cn") == Sunday);
  // "sat" is also the folded "sát": English names only where asked for (config files).
  CHECK_FALSE(weekday_from_folded("sat"));
  CHECK(weekday_from_folded("sat", true) == Saturday);
  CHECK(weekday_from_folded("thursday", true) == Thursday);
  CHECK_FALSE(weekday_from_folded("t8"));
  CHECK_FALSE(weekday_from_folded("thu"));
  CHECK_FALSE(weekday_from_folded(""));
  CHECK_FALSE(weekday_from_folded("", true));
  // Every weekday has its shorthand: CN, T2 … T7.
  for (unsigned i = 0; i < 7; ++i) {
    auto wd = std::chrono::weekday{i};
    INFO(weekday_name(wd));
    CHECK(weekday_from_folded(i == 0 ? std::string("cn") : "t" + std::to_string(i + 1)) == wd);
  }
}
