// How people really write (issue 14): one table of real-style inputs — without diacritics,
// with Telex slips, NFD-decomposed, abbreviated, with two-digit years, parts of the day,
// periods and questions — each with the command and arguments it must become, or the question
// the bot must ask. The count per kind and per writing style is printed (MESSAGE) so the
// report can quote it.
#include <doctest/doctest.h>

#include <utf8proc.h>

#include <cstdlib>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "domain/period.hpp"
#include "handlers/command_parser.hpp"
#include "handlers/form_parser.hpp"
#include "handlers/intent.hpp"
#include "handlers/person_words.hpp"
#include "handlers/text.hpp"
#include "handlers/when_parser.hpp"

using namespace tannha;
using namespace tannha::handlers;

namespace {

// Monday 30/11/2026: "thứ bảy" is 05/12, "mai" 01/12, "tuần trước" 2026-W48.
const domain::day hpw_today{std::chrono::year{2026} / 11 / 30};

/// What an input becomes, written so the table reads plainly:
///  "/xeplich #7 05/12 14:00 @Hoa", "/xeplich #7 05/12 chiều" (a part without a clock time),
///  "/baocao 2026-11", "/lich tuan sau", "ask /huy #5" (proposed, never run), "none";
///  forms: "dia_chi=xom 1 nha mau xanh"; years: "1938 (2 digits)"; names: "Nguyễn Văn Tư -ông";
///  answers: "yes" / "no" / "neither".
std::string describe_command(const std::string& input);

std::string describe_when(const std::string& args) {
  std::string out;
  auto number = parse_request_number(args);
  std::string rest = trim(args);
  if (number) {
    // Drop "#12" / "12" / "số 12" and what separates it from the rest.
    std::size_t i = 0;
    const auto f = fold(rest);
    if (f.starts_with("so ")) i = rest.find(' ') + 1;
    while (i < rest.size() && (rest[i] == '#' || rest[i] == ' ')) ++i;
    while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9') ++i;
    rest = trim(std::string_view(rest).substr(i));
    out += " #" + std::to_string(*number);
  }
  std::string team;
  if (auto at = rest.find('@'); at != std::string::npos) {
    team = " " + trim(std::string_view(rest).substr(at));
    rest = rest.substr(0, at);
  }
  const auto w = parse_when(rest, hpw_today);
  if (!w.bad.empty()) return out + " bad=" + w.bad;
  if (w.date) out += " " + domain::format_day_month(*w.date);
  if (w.time) out += " " + domain::format_hhmm(*w.time);
  else if (w.part) out += " " + std::string(domain::part_of_day_name(*w.part));
  return out + team;
}

std::string describe_command(const std::string& input) {
  const auto p = parse_command(input);
  if (p.how == command_parse::kind::command) {
    const auto a = p.command->action;
    const std::string name(command_name(a));
    const auto& args = p.command->args;
    if (a == action::xeplich) return "/xeplich" + describe_when(args);
    if (a == action::baocao) {
      auto period = domain::parse_period_words(fold_loose(args), hpw_today);
      return "/baocao " + (period ? period->key : std::string("?"));
    }
    if (a == action::lich) return trim("/lich " + fold(args));
    return trim("/" + name + " " + args);
  }
  if (p.how == command_parse::kind::unknown) return "unknown";
  const auto g = guess_intent(p.text);
  if (!g) return "none";
  const std::string name(command_name(g->command));
  if (!g->run) return trim("ask /" + name + " " + g->args);
  if (g->command == action::baocao) {
    auto period = domain::parse_period_words(g->args, hpw_today);
    return "/baocao " + (period ? period->key : std::string("?"));
  }
  return trim("/" + name + " " + g->args);
}

std::string describe_form(const std::string& input) {
  const auto f = parse_form_answer(input);
  std::string out;
  for (const auto& [field, value] : f.values) {
    if (!out.empty()) out += "; ";
    out += nlohmann::json(field).get<std::string>() + "=" + value;
  }
  for (const auto& s : f.stray_lines) out += (out.empty() ? "" : "; ") + std::string("stray=") + s;
  return out;
}

std::string describe_year(const std::string& input) {
  const auto y = read_birth_year(input, 2026);
  if (y.ambiguous) return "ambiguous";
  if (!y.year) return "refused";
  return std::to_string(*y.year) + (y.two_digits ? " (2 digits)" : "");
}

std::string describe_name(const std::string& input) {
  const auto n = read_person_name(input);
  std::string out = n.name;
  if (!n.honorific.empty()) out += " -" + to_lower(n.honorific);
  if (n.no_marks) out += " [no marks]";
  return out;
}

std::string describe_answer(const std::string& input) {
  if (is_yes_answer(input)) return "yes";
  if (is_no_answer(input)) return "no";
  return "neither";
}

/// NFD (decomposed) copy: how some phones and paste sources send Vietnamese.
std::string to_nfd(const std::string& s) {
  auto* p = utf8proc_NFD(reinterpret_cast<const utf8proc_uint8_t*>(s.c_str()));
  std::string out(reinterpret_cast<const char*>(p));
  std::free(p);
  return out;
}

enum class style { plain, no_marks, telex, nfd, abbrev };

const char* style_name(style s) {
  switch (s) {
    case style::plain: return "with diacritics";
    case style::no_marks: return "no diacritics";
    case style::telex: return "Telex slips";
    case style::nfd: return "NFD";
    case style::abbrev: return "abbreviations";
  }
  return "";
}

struct row {
  const char* kind;   ///< time, reschedule, period, question, command_word, form_label, yes_no, birth_year, name
  style how;
  const char* input;
  const char* expected;
};

using enum style;

// clang-format off
const row rows[] = {
  // ---- time: parts of the day and clock times in /xeplich (item 1) ----
  {"time", plain,    "/xeplich #7 chiều thứ bảy @Hoa",            "/xeplich #7 05/12 chiều @Hoa"},
  {"time", no_marks, "/xeplich #7 chieu thu bay @Hoa",            "/xeplich #7 05/12 chiều @Hoa"},
  {"time", telex,    "/xeplich #7 chieeuf thuws bayr @Hoa",       "/xeplich #7 05/12 chiều @Hoa"},
  {"time", nfd,      "/xeplich #7 chiều thứ bảy @Hoa",            "/xeplich #7 05/12 chiều @Hoa"},
  {"time", plain,    "/xeplich #3 chiều mai",                     "/xeplich #3 01/12 chiều"},
  {"time", no_marks, "/xeplich #3 chieu mai",                     "/xeplich #3 01/12 chiều"},
  {"time", plain,    "/xeplich #3 sáng mai",                      "/xeplich #3 01/12 sáng"},
  {"time", no_marks, "/xeplich #3 sang mai 9h",                   "/xeplich #3 01/12 09:00"},
  {"time", plain,    "/xeplich #4 2 giờ chiều thứ 7",             "/xeplich #4 05/12 14:00"},
  {"time", no_marks, "/xeplich #4 2 gio chieu thu 7",             "/xeplich #4 05/12 14:00"},
  {"time", abbrev,   "/xeplich #4 2h chiều t7",                   "/xeplich #4 05/12 14:00"},
  {"time", abbrev,   "/xeplich #4 t7 14h",                        "/xeplich #4 05/12 14:00"},
  {"time", plain,    "/xeplich #4 2 giờ rưỡi chiều thứ bảy",      "/xeplich #4 05/12 14:30"},
  {"time", no_marks, "/xeplich #4 2 gio ruoi chieu thu bay",      "/xeplich #4 05/12 14:30"},
  {"time", plain,    "/xeplich #5 3 chiều thứ sáu",               "/xeplich #5 04/12 15:00"},
  {"time", plain,    "/xeplich #5 7 giờ tối thứ năm",             "/xeplich #5 03/12 19:00"},
  {"time", no_marks, "/xeplich #5 7h toi thu nam",                "/xeplich #5 03/12 19:00"},
  {"time", plain,    "/xeplich #5 tối thứ năm",                   "/xeplich #5 03/12 tối"},
  {"time", plain,    "/xeplich #5 trưa thứ tư",                   "/xeplich #5 02/12 trưa"},
  {"time", plain,    "/xeplich #5 12 giờ trưa thứ tư",            "/xeplich #5 02/12 12:00"},
  {"time", no_marks, "/xeplich #5 1h trua thu tu",                "/xeplich #5 02/12 13:00"},
  {"time", plain,    "/xeplich #6 8 giờ sáng thứ bảy",            "/xeplich #6 05/12 08:00"},
  {"time", abbrev,   "/xeplich #6 8g sáng t7",                    "/xeplich #6 05/12 08:00"},
  {"time", abbrev,   "/xeplich #6 8g30 sáng cn",                  "/xeplich #6 06/12 08:30"},
  {"time", plain,    "/xeplich #6 chiều nay",                     "/xeplich #6 30/11 chiều"},
  {"time", no_marks, "/xeplich #6 chieu nay 4h",                  "/xeplich #6 30/11 16:00"},
  {"time", plain,    "/xeplich #6 sáng chủ nhật",                 "/xeplich #6 06/12 sáng"},
  {"time", telex,    "/xeplich #6 sangs chur nhaatj",             "/xeplich #6 06/12 sáng"},
  {"time", plain,    "/xeplich #6 9h tối thứ bảy",                "/xeplich #6 05/12 21:00"},
  {"time", plain,    "/xeplich #6 15h sáng thứ bảy",              "/xeplich #6 bad=15:00 sáng"},
  {"time", plain,    "/xeplich #6 thứ bảy tới 8h",                "/xeplich #6 05/12 08:00"},
  {"time", no_marks, "/xeplich #6 thu bay toi 8h",                "/xeplich #6 05/12 08:00"},
  {"time", plain,    "/xeplich #6 thứ bảy tuần sau buổi chiều",   "/xeplich #6 12/12 chiều"},
  {"time", no_marks, "/xeplich #6 t7 tuan sau buoi sang",         "/xeplich #6 12/12 sáng"},
  {"time", nfd,      "/xeplich #8 sáng thứ hai tuần sau 7 giờ 30", "/xeplich #8 07/12 07:30"},
  {"time", nfd,      "/xeplich #8 tối mai",                       "/xeplich #8 01/12 tối"},
  {"time", plain,    "/xeplich #8 khoảng 9h sáng mai",            "/xeplich #8 01/12 09:00"},
  {"time", telex,    "/xeplich #8 toois mai",                     "/xeplich #8 01/12 tối"},
  {"time", abbrev,   "/xeplich #9 cn 16h",                        "/xeplich #9 06/12 16:00"},
  {"time", plain,    "/xeplich #9 vào buổi chiều ngày 5/12",      "/xeplich #9 05/12 chiều"},
  // ---- reschedule and dates (item 2): the command and its new date and time ----
  {"reschedule", plain,    "/xeplich #6 ngày 5/12 lúc 8 giờ 30",       "/xeplich #6 05/12 08:30"},
  {"reschedule", no_marks, "/xeplich #6 ngay 5/12 luc 8 gio 30",       "/xeplich #6 05/12 08:30"},
  {"reschedule", abbrev,   "/xeplich #6 5/12 8h30",                    "/xeplich #6 05/12 08:30"},
  {"reschedule", plain,    "/xếp lịch #6 5/12 8h30",                   "/xeplich #6 05/12 08:30"},
  {"reschedule", no_marks, "/xep lich so 6 ngay 05/12/2026 8:30",      "/xeplich #6 05/12 08:30"},
  {"reschedule", nfd,      "/xếp lịch #6 ngày 5/12 lúc 8 giờ 30 phút", "/xeplich #6 05/12 08:30"},
  {"reschedule", plain,    "/xeplich #6 mốt 14g",                      "/xeplich #6 02/12 14:00"},
  {"reschedule", no_marks, "/xeplich #6 ngay mai 7h45",                "/xeplich #6 01/12 07:45"},
  {"reschedule", abbrev,   "/XEPLICH#6 t6 9h",                         "/xeplich #6 04/12 09:00"},
  {"reschedule", plain,    "/xeplich #6 @Hoa @Nam",                    "/xeplich #6 @Hoa @Nam"},
  {"reschedule", plain,    "/hoãn #6 bà đi viện",                      "/hoan #6 bà đi viện"},
  {"reschedule", no_marks, "/hoan #6 nguoi dan di vang",               "/hoan #6 nguoi dan di vang"},
  // ---- period: /baocao periods people say (item 10) ----
  {"period", plain,    "/baocao tháng 11",            "/baocao 2026-11"},
  {"period", no_marks, "/baocao thang 10",            "/baocao 2026-10"},
  {"period", no_marks, "/baocao thang 11/2026",       "/baocao 2026-11"},
  {"period", plain,    "/baocao quý 3",               "/baocao 2026-Q3"},
  {"period", plain,    "/baocao năm ngoái",           "/baocao 2025"},
  {"period", plain,    "/baocao tuần trước",          "/baocao 2026-W48"},
  {"period", no_marks, "/baocao tuan truoc",          "/baocao 2026-W48"},
  {"period", no_marks, "/baocao nam ngoai",           "/baocao 2025"},
  {"period", no_marks, "/baocao quy 3",               "/baocao 2026-Q3"},
  {"period", plain,    "/baocao tháng này",           "/baocao 2026-11"},
  {"period", plain,    "/baocao tháng trước",         "/baocao 2026-10"},
  {"period", plain,    "/baocao tháng 12",            "/baocao 2025-12"},
  {"period", plain,    "/baocao quý 4",               "/baocao 2026-Q4"},
  {"period", plain,    "/baocao quý trước",           "/baocao 2026-Q3"},
  {"period", plain,    "/baocao năm nay",             "/baocao 2026"},
  {"period", plain,    "/baocao năm 2025",            "/baocao 2025"},
  {"period", plain,    "/baocao tháng 11 năm 2025",   "/baocao 2025-11"},
  {"period", plain,    "/baocao tháng 11 năm ngoái",  "/baocao 2025-11"},
  {"period", abbrev,   "/baocao t10",                 "/baocao 2026-10"},
  {"period", abbrev,   "/baocao T11/2025",            "/baocao 2025-11"},
  {"period", abbrev,   "/baocao q2/2025",             "/baocao 2025-Q2"},
  {"period", abbrev,   "/baocao 11/2026",             "/baocao 2026-11"},
  {"period", abbrev,   "/baocao 2026-11",             "/baocao 2026-11"},
  {"period", abbrev,   "/baocao 2026-W47",            "/baocao 2026-W47"},
  {"period", plain,    "/baocao tuần 48",             "/baocao 2026-W48"},
  {"period", plain,    "/baocao tuần này",            "/baocao 2026-W49"},
  {"period", plain,    "/baocao",                     "/baocao 2026-W49"},
  {"period", telex,    "/baocao thangs 10",           "/baocao 2026-10"},
  {"period", telex,    "/baocao quys 3",              "/baocao 2026-Q3"},
  {"period", telex,    "/baocao nawm ngoais",         "/baocao 2025"},
  {"period", telex,    "/baocao tuaanf truowcs",      "/baocao 2026-W48"},
  {"period", nfd,      "/baocao tháng 10",            "/baocao 2026-10"},
  {"period", nfd,      "/baocao năm ngoái",           "/baocao 2025"},
  {"period", nfd,      "/báo cáo quý 3",              "/baocao 2026-Q3"},
  {"period", plain,    "/báo cáo tháng 9",            "/baocao 2026-09"},
  {"period", plain,    "/baocao tháng kỳ trước",      "/baocao 2026-10"},
  {"period", plain,    "/baocao tháng 13",            "/baocao ?"},
  {"period", plain,    "/baocao quý 5",               "/baocao ?"},
  {"period", abbrev,   "/thongke tháng 11",           "/baocao 2026-11"},
  {"period", abbrev,   "/thongke quy truoc",          "/baocao 2026-Q3"},
  {"period", plain,    "/lich tuần sau",              "/lich tuan sau"},
  {"period", no_marks, "/lich tuan truoc",            "/lich tuan truoc"},
  // ---- question: questions and loose phrases instead of commands (item 9) ----
  {"question", plain,    "có bao nhiêu hồ sơ quá hạn?",       "/quahan"},
  {"question", no_marks, "co bao nhieu ho so qua han",        "/quahan"},
  {"question", telex,    "cos bao nhieeu hoof sow quas hanj", "/quahan"},
  {"question", nfd,      "có bao nhiêu hồ sơ quá hạn?",       "/quahan"},
  {"question", plain,    "hồ sơ nào bị trễ hạn?",             "/quahan"},
  {"question", no_marks, "ho so nao tre hen vay",             "/quahan"},
  {"question", plain,    "báo cáo tháng này",                 "/baocao 2026-11"},
  {"question", no_marks, "bao cao thang nay",                 "/baocao 2026-11"},
  {"question", plain,    "tuần này có mấy hồ sơ?",            "/baocao 2026-W49"},
  {"question", no_marks, "tuan nay co may ho so",             "/baocao 2026-W49"},
  {"question", plain,    "tháng trước có bao nhiêu hồ sơ?",   "/baocao 2026-10"},
  {"question", plain,    "thống kê quý 3",                    "/baocao 2026-Q3"},
  {"question", no_marks, "thong ke nam ngoai",                "/baocao 2025"},
  {"question", plain,    "cho xem báo cáo tháng 10",          "/baocao 2026-10"},
  {"question", abbrev,   "bc t10",                            "/baocao 2026-10"},
  {"question", plain,    "năm nay làm được bao nhiêu hồ sơ",  "/baocao 2026"},
  {"question", plain,    "?",                                 "/giup"},
  {"question", plain,    "??",                                "/giup"},
  {"question", plain,    "hướng dẫn",                         "/giup"},
  {"question", no_marks, "huong dan su dung",                 "/giup"},
  {"question", plain,    "làm sao để dùng bot?",              "/giup"},
  {"question", abbrev,   "help",                              "/giup"},
  {"question", abbrev,   "menu",                              "/giup"},
  {"question", plain,    "lịch tuần sau thế nào?",            "/lich tuan sau"},
  {"question", no_marks, "lich hom nay",                      "/lich hom nay"},
  {"question", plain,    "mai đi nhà ai?",                    "/lich ngay mai"},
  {"question", plain,    "xem hồ sơ 12",                      "/hoso #12"},
  {"question", no_marks, "tinh trang ho so so 7",             "/hoso #7"},
  {"question", plain,    "thủ tục cần giấy tờ gì?",           "/thutuc"},
  {"question", plain,    "danh sách thành viên",              "/thanhvien"},
  {"question", plain,    "muốn đăng ký cho ông Tư",           "ask /dangky"},
  {"question", no_marks, "dang ky ho so cho ba Lan",          "ask /dangky"},
  {"question", plain,    "hủy hồ sơ 5",                       "ask /huy #5"},
  {"question", no_marks, "xin hoan lich ho so 8",             "ask /hoan #8"},
  {"question", plain,    "dời lịch hồ sơ 6 sang thứ bảy",     "ask /xeplich #6"},
  {"question", plain,    "xác minh hồ sơ 3 giúp",             "ask /xacminh #3"},
  {"question", plain,    "tôi muốn góp ý",                    "ask /phananh"},
  {"question", no_marks, "khieu nai ve can bo",               "ask /phananh"},
  {"question", plain,    "có bao nhiêu hồ sơ đã hủy tháng này?", "/baocao 2026-11"},
  {"question", plain,    "xin chào",                          "none"},
  {"question", plain,    "cảm ơn bot",                        "none"},
  {"question", plain,    "tìm hồ sơ ông Tư",                  "ask /tim"},
  // ---- command_word: command words as people type them ----
  {"command_word", plain,    "/thongke",             "/baocao 2026-W49"},
  {"command_word", abbrev,   "/help",                "/giup"},
  {"command_word", abbrev,   "/start",               "/giup"},
  {"command_word", plain,    "/Đăng ký",             "/dangky"},
  {"command_word", no_marks, "/dang ky",             "/dangky"},
  {"command_word", abbrev,   "/DANG_KY",             "/dangky"},
  {"command_word", nfd,      "/đăng ký",             "/dangky"},
  {"command_word", plain,    "/quá hạn",             "/quahan"},
  {"command_word", no_marks, "/qua han",             "/quahan"},
  {"command_word", plain,    "/hồ sơ #12",           "/hoso #12"},
  {"command_word", abbrev,   "/hoso12",              "/hoso 12"},
  {"command_word", plain,    "/báo cáo tháng 11",    "/baocao 2026-11"},
  {"command_word", abbrev,   "/coketqua #4",         "/cokq #4"},
  {"command_word", abbrev,   "/timkiem Tư",          "/tim Tư"},
  {"command_word", plain,    "/hoãn #2 ốm",          "/hoan #2 ốm"},
  {"command_word", abbrev,   "/tongket quý 3",       "/baocao 2026-Q3"},
  // ---- form_label: an answer to a waiting form, with or without a colon (item 6) ----
  {"form_label", no_marks, "dia chi xom 1 nha mau xanh",        "dia_chi=xom 1 nha mau xanh"},
  {"form_label", plain,    "địa chỉ xóm 1 nhà màu xanh",        "dia_chi=xóm 1 nhà màu xanh"},
  {"form_label", nfd,      "địa chỉ xóm 1 nhà màu xanh",        "dia_chi=xóm 1 nhà màu xanh"},
  {"form_label", no_marks, "nam sinh 1938",                     "nam_sinh=1938"},
  {"form_label", plain,    "năm sinh 1938",                     "nam_sinh=1938"},
  {"form_label", telex,    "nawm sinh 1938",                    "nam_sinh=1938"},
  {"form_label", telex,    "nawm sinh: 1938",                   "nam_sinh=1938"},
  {"form_label", abbrev,   "ns 1938",                           "nam_sinh=1938"},
  {"form_label", abbrev,   "sdt 0912345678",                    "sdt=0912345678"},
  {"form_label", abbrev,   "SĐT 0912 345 678",                  "sdt=0912 345 678"},
  {"form_label", no_marks, "so dien thoai 0912345678",          "sdt=0912345678"},
  {"form_label", abbrev,   "dt 0912345678",                     "sdt=0912345678"},
  {"form_label", plain,    "họ tên Nguyễn Văn Tư",              "ho_ten=Nguyễn Văn Tư"},
  {"form_label", no_marks, "ho ten nguyen van tu",              "ho_ten=nguyen van tu"},
  {"form_label", plain,    "họ và tên Trịnh Văn Tâm",           "ho_ten=Trịnh Văn Tâm"},
  {"form_label", plain,    "thôn Đông Hải",                     "thon=Đông Hải"},
  {"form_label", no_marks, "thon dong hai",                     "thon=dong hai"},
  {"form_label", plain,    "đối tượng thương binh",             "doi_tuong=thương binh"},
  {"form_label", no_marks, "doi tuong nguoi cao tuoi",          "doi_tuong=nguoi cao tuoi"},
  {"form_label", plain,    "thủ tục chứng thực chữ ký",         "thu_tuc=chứng thực chữ ký"},
  {"form_label", no_marks, "ghi chu chi o nha buoi sang",       "ghi_chu=chi o nha buoi sang"},
  {"form_label", plain,    "Địa chỉ: xóm 3",                    "dia_chi=xóm 3"},
  {"form_label", plain,    "tổ dân phố 5",                      "thon=5"},
  {"form_label", plain,    "tổ trưởng nói nhà ở cuối ngõ",      "stray=tổ trưởng nói nhà ở cuối ngõ"},
  {"form_label", plain,    "bản thân ông không đi được",        "stray=bản thân ông không đi được"},
  {"form_label", plain,    "nhà màu xanh cạnh chợ",             "stray=nhà màu xanh cạnh chợ"},
  {"form_label", telex,    "ddiaj chir xom 2",                  "dia_chi=xom 2"},
  {"form_label", abbrev,   "đ/c xóm 4",                         "dia_chi=xóm 4"},
  // ---- yes_no: answers to a "có phải …?" question (item 6) ----
  {"yes_no", plain,    "đúng",          "yes"},
  {"yes_no", no_marks, "dung roi",      "yes"},
  {"yes_no", plain,    "đúng rồi",      "yes"},
  {"yes_no", plain,    "Đúng rồi!",     "yes"},
  {"yes_no", nfd,      "đúng rồi",      "yes"},
  {"yes_no", plain,    "phải",          "yes"},
  {"yes_no", no_marks, "phai",          "yes"},
  {"yes_no", plain,    "vâng",          "yes"},
  {"yes_no", plain,    "ừ",             "yes"},
  {"yes_no", abbrev,   "ok",            "yes"},
  {"yes_no", plain,    "có",            "yes"},
  {"yes_no", telex,    "ddungs rooif",  "yes"},
  {"yes_no", plain,    "không",         "no"},
  {"yes_no", no_marks, "khong",         "no"},
  {"yes_no", abbrev,   "ko",            "no"},
  {"yes_no", abbrev,   "k",             "no"},
  {"yes_no", plain,    "sai rồi",       "no"},
  {"yes_no", plain,    "không phải",    "no"},
  {"yes_no", telex,    "khoong",        "no"},
  {"yes_no", plain,    "đúng là ông Tư nhưng sai năm", "neither"},
  // ---- birth_year: years as people write them (item 8) ----
  {"birth_year", abbrev, "38",             "1938 (2 digits)"},
  {"birth_year", abbrev, "45",             "1945 (2 digits)"},
  {"birth_year", abbrev, "'52",            "1952 (2 digits)"},
  {"birth_year", abbrev, "05",             "2005 (2 digits)"},
  {"birth_year", abbrev, "20",             "ambiguous"},
  {"birth_year", abbrev, "16",             "ambiguous"},
  {"birth_year", plain,  "1938",           "1938"},
  {"birth_year", plain,  "12/03/1938",     "1938"},
  {"birth_year", plain,  "1938 (87 tuổi)", "1938"},
  {"birth_year", plain,  "năm 1941",       "1941"},
  {"birth_year", abbrev, "sn 47",          "1947 (2 digits)"},
  {"birth_year", plain,  "2030",           "refused"},
  {"birth_year", plain,  "1850",           "refused"},
  {"birth_year", plain,  "không nhớ",      "refused"},
  {"birth_year", abbrev, "12/3/38",        "refused"},
  // ---- name: names as typed (item 12) ----
  {"name", plain,    "nguyễn văn tư",          "Nguyễn Văn Tư"},
  {"name", plain,    "Nguyễn Văn Tư",          "Nguyễn Văn Tư"},
  {"name", plain,    "ông Trịnh Văn Tâm",      "Trịnh Văn Tâm -ông"},
  {"name", no_marks, "ong Trinh Van Tam",      "Trinh Van Tam -ong [no marks]"},
  {"name", no_marks, "nguyen van tu",          "Nguyen Van Tu [no marks]"},
  {"name", plain,    "bà lê thị lan",          "Lê Thị Lan -bà"},
  {"name", plain,    "cụ Phạm Văn Đồng",       "Phạm Văn Đồng -cụ"},
  {"name", plain,    "anh Trần Văn Nam",       "Trần Văn Nam -anh"},
  {"name", plain,    "chị Đỗ Thị Hà",          "Đỗ Thị Hà -chị"},
  {"name", plain,    "Anh Tuấn",               "Anh Tuấn"},
  {"name", plain,    "Cù Huy Cận",             "Cù Huy Cận"},
  {"name", plain,    "đặng thị mai",           "Đặng Thị Mai"},
  {"name", nfd,      "nguyễn văn tư",          "Nguyễn Văn Tư"},
  {"name", plain,    "NGUYỄN VĂN TƯ",          "NGUYỄN VĂN TƯ"},
  {"name", plain,    "Lê thị Hoa",             "Lê thị Hoa"},
  {"name", no_marks, "le van binh",            "Le Van Binh [no marks]"},
  {"name", plain,    "bác hoàng văn thụ",      "Hoàng Văn Thụ -bác"},
  {"name", no_marks, "Lan",                    "Lan"},
  {"name", no_marks, "-2+3 Hoa",               "-2+3 Hoa"},
};
// clang-format on

std::string describe(const row& r) {
  const std::string input = r.how == style::nfd ? to_nfd(r.input) : std::string(r.input);
  const std::string_view kind = r.kind;
  if (kind == "form_label") return describe_form(input);
  if (kind == "yes_no") return describe_answer(input);
  if (kind == "birth_year") return describe_year(input);
  if (kind == "name") return describe_name(input);
  return describe_command(input);
}

}  // namespace

TEST_CASE("how people write: every input of the table becomes its command, its arguments or the question asked") {
  std::map<std::string, int> per_kind;
  std::map<std::string, int> per_style;
  int total = 0;
  for (const auto& r : rows) {
    CAPTURE(r.kind);
    CAPTURE(r.input);
    CHECK(describe(r) == std::string(r.expected));
    ++per_kind[r.kind];
    ++per_style[style_name(r.how)];
    ++total;
  }
  CHECK(total >= 200);
  // Every kind several times, with different words.
  for (const auto& entry : per_kind) {
    const auto& kind = entry.first;  // not a structured binding: clang 14 cannot capture one
    CAPTURE(kind);
    CHECK(entry.second >= 5);
  }
  std::string summary = "inputs: " + std::to_string(total) + "\n";
  for (const auto& [kind, n] : per_kind)
    summary += "  kind " + kind + ": " + std::to_string(n) + " (" + std::to_string(n * 100 / total) + "%)\n";
  for (const auto& [how, n] : per_style)
    summary += "  style " + how + ": " + std::to_string(n) + " (" + std::to_string(n * 100 / total) + "%)\n";
  MESSAGE(summary);
}
