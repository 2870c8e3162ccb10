// Issue 14 over the dispatcher with a real SQLite file: moving a scheduled visit, the history
// reading as what happened, parts of the day, questions instead of commands, and form answers
// as people type them.
#include <doctest/doctest.h>

#include "dispatch_fixture.hpp"
#include "storage/citizen_repository.hpp"
#include "storage/request_repository.hpp"

using namespace tannha;
using tannha::test::local;

namespace {

bool hpw_has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

struct words_fixture : test::dispatch_fixture {
  words_fixture() {
    storage::unit_repository repo(db());
    auto put = [&](const char* id, domain::role r, const char* village, const char* name) {
      repo.put_member({"binhgiang", id, r, village, name, "invite"}, local(2026, 11, 1));
    };
    put("cb-1", domain::role::canbo, "", "Trần Văn Cán");
    put("tt-dh", domain::role::truongthon, "Đông Hải", "Nguyễn Văn Thôn");
  }
  storage::request_record req(std::int64_t number = 1) {
    storage::request_repository repo(db());
    auto r = repo.by_number("binhgiang", number);
    REQUIRE(r.has_value());
    return *r;
  }
  std::vector<storage::event_record> history(std::int64_t number = 1) {
    storage::request_repository repo(db());
    return repo.events(req(number).id);
  }
  void register_example(domain::instant at) {
    group("admin-1",
          "/dangky\nHọ tên: Nguyễn Văn Tư\nNăm sinh: 1938\nThôn: Đông Hải\nĐịa chỉ: xóm 3\n"
          "Đối tượng: thương binh\nThủ tục: chứng thực chữ ký",
          at);
    take();
  }
  // The reply in the group, and what each other chat got.
  std::string in_group(const std::string& user, const std::string& text, domain::instant at,
                       std::map<std::string, std::string>* others = nullptr) {
    group(user, text, at);
    std::string reply;
    for (auto& m : take()) {
      if (m.chat_id == "group-bg" && reply.empty()) reply = m.text;
      else if (others) (*others)[m.chat_id] += m.text;
    }
    return reply;
  }
  std::string in_private(const std::string& user, const std::string& text, domain::instant at) {
    priv(user, text, at);
    std::string reply;
    for (auto& m : take())
      if (m.chat_id == user) reply += m.text;
    return reply;
  }
};

const auto wed = local(2026, 11, 25, 10);  // Wednesday 25/11/2026; visits on Saturdays

}  // namespace

TEST_CASE("reschedule: /xeplich on a scheduled visit moves it, records a move and tells the village head") {
  words_fixture f;
  f.register_example(wed);
  auto text = f.in_group("cb-1", "/xeplich #1 thứ bảy 8h @Hoa", local(2026, 11, 25, 11));
  CHECK(hpw_has(text, "#1 xếp lịch Thứ Bảy 28/11 lúc 08:00"));
  const auto before = f.history().size();

  std::map<std::string, std::string> others;
  text = f.in_group("cb-1", "/xeplich #1 ngày 5/12 lúc 8 giờ 30", local(2026, 11, 26, 9), &others);
  CHECK(hpw_has(text, "#1 dời lịch sang Thứ Bảy 05/12 lúc 08:30"));
  CHECK(hpw_has(text, "Lịch cũ: Thứ Bảy 28/11 lúc 08:00"));
  auto r = f.req();
  CHECK(r.state == domain::request_state::scheduled);
  CHECK(domain::iso_date(*r.visit_day) == "2026-12-05");
  CHECK(r.visit_time == "08:30");
  CHECK(r.team == "Hoa");  // the team stays when none is typed

  const auto events = f.history();
  REQUIRE(events.size() == before + 1);
  CHECK(events.back().from == domain::request_state::scheduled);
  CHECK(events.back().to == domain::request_state::scheduled);
  CHECK(hpw_has(events.back().note, "Dời lịch: Thứ Bảy 05/12 08:30 (trước: Thứ Bảy 28/11 08:00)"));
  // The village head of Đông Hải is told privately, with the old and the new date.
  REQUIRE(others.count("tt-dh") == 1);
  CHECK(hpw_has(others["tt-dh"], "đã dời: từ Thứ Bảy 28/11 lúc 08:00 sang Thứ Bảy 05/12 lúc 08:30"));

  // /hoso reads each event as what happened.
  auto record = f.in_private("admin-1", "/hoso #1", local(2026, 11, 26, 10));
  CHECK(hpw_has(record, "Dời lịch (Dời lịch: Thứ Bảy 05/12 08:30"));
  CHECK(hpw_has(record, "Xếp lịch (Lịch: Thứ Bảy 28/11 08:00"));
}

TEST_CASE("reschedule: the same day and time again changes nothing and says so; a time alone keeps the day") {
  words_fixture f;
  f.register_example(wed);
  f.in_group("cb-1", "/xeplich #1 thứ bảy 8h", local(2026, 11, 25, 11));
  const auto n = f.history().size();
  auto text = f.in_group("cb-1", "/xeplich #1 thứ bảy 8h", local(2026, 11, 25, 12));
  CHECK(hpw_has(text, "không có gì thay đổi"));
  CHECK(f.history().size() == n);

  text = f.in_group("cb-1", "/xeplich #1 9h30", local(2026, 11, 25, 13));
  CHECK(hpw_has(text, "dời lịch sang Thứ Bảy 28/11 lúc 09:30"));
  CHECK(f.history().size() == n + 1);
}

TEST_CASE("reschedule: /hoan stays a postponement and reads as \"Hoãn lịch\", never as \"Đã xác minh\"") {
  words_fixture f;
  f.register_example(wed);
  f.in_group("cb-1", "/xeplich #1 thứ bảy 8h", local(2026, 11, 25, 11));
  auto text = f.in_group("cb-1", "/hoan #1 người dân đi viện", local(2026, 11, 26, 9));
  CHECK(hpw_has(text, "hoãn lịch"));
  CHECK(f.req().state == domain::request_state::verified);
  CHECK_FALSE(f.req().visit_day.has_value());
  auto record = f.in_private("admin-1", "/hoso #1", local(2026, 11, 26, 10));
  CHECK(hpw_has(record, "Hoãn lịch (người dân đi viện)"));
  CHECK_FALSE(hpw_has(record, "Đã xác minh (người dân đi viện)"));
  // Then a new date schedules it again (not a move: it was not scheduled).
  text = f.in_group("cb-1", "/xeplich #1 5/12 8h", local(2026, 11, 27, 9));
  CHECK(hpw_has(text, "#1 xếp lịch Thứ Bảy 05/12 lúc 08:00"));
}

TEST_CASE("time words: a part of the day alone takes the unit's time and says so; an off day is allowed and said") {
  words_fixture f;
  f.units().front().schedule.afternoon_time = std::chrono::minutes{14 * 60 + 30};
  f.restart();
  f.register_example(wed);
  auto text = f.in_group("cb-1", "/xeplich #1 chiều thứ bảy @Hoa", local(2026, 11, 25, 11));
  CHECK(hpw_has(text, "#1 xếp lịch Thứ Bảy 28/11 lúc 14:30"));
  CHECK(hpw_has(text, "buổi chiều"));
  CHECK_FALSE(hpw_has(text, "08:00"));
  CHECK(f.req().visit_time == "14:30");

  text = f.in_group("cb-1", "/xeplich #1 2 giờ chiều thứ ba", local(2026, 11, 25, 12));
  CHECK(hpw_has(text, "Thứ Ba 01/12 lúc 14:00"));
  CHECK(hpw_has(text, "không phải ngày đến nhà thường lệ"));
  CHECK(f.req().visit_time == "14:00");

  text = f.in_group("cb-1", "/xeplich #1 15h sáng thứ bảy", local(2026, 11, 25, 13));
  CHECK(hpw_has(text, "Chưa hiểu"));
  CHECK(f.req().visit_time == "14:00");
}

TEST_CASE("questions: a read-only question runs its command; one that would change data is only proposed") {
  words_fixture f;
  f.register_example(wed);
  auto text = f.in_private("admin-1", "có bao nhiêu hồ sơ quá hạn?", local(2026, 11, 26, 9));
  CHECK_FALSE(text.empty());
  CHECK_FALSE(hpw_has(text, "Chào bạn"));

  text = f.in_private("admin-1", "báo cáo tháng này", local(2026, 11, 26, 9, 5));
  CHECK(hpw_has(text, "Tháng 11/2026"));

  text = f.in_private("admin-1", "hủy hồ sơ 1", local(2026, 11, 26, 9, 10));
  CHECK(hpw_has(text, "Có phải bạn muốn: /huy #1?"));
  CHECK(f.req().state == domain::request_state::registered);

  text = f.in_private("admin-1", "?", local(2026, 11, 26, 9, 15));
  CHECK(hpw_has(text, "/dangky"));

  text = f.in_private("admin-1", "/thongke tháng 10", local(2026, 11, 26, 9, 20));
  CHECK(hpw_has(text, "Tháng 10/2026"));
}

TEST_CASE("form answers: a label without a colon, a two-digit year said back, a yes to the bot's question") {
  words_fixture f;
  // The address is missing and the year has two digits.
  auto text = f.in_private("admin-1",
                           "/dangky\nHọ tên: ông trịnh văn tâm\nNăm sinh: 38\nThôn: Đông Hải\n"
                           "Đối tượng: thương binh\nThủ tục: chứng thực chữ ký",
                           local(2026, 11, 25, 9));
  CHECK(hpw_has(text, "Thiếu \"Địa chỉ\""));
  CHECK(hpw_has(text, "Năm sinh \"38\" được hiểu là 1938"));
  CHECK_FALSE(hpw_has(text, "cần 4 chữ số"));
  text = f.in_private("admin-1", "dia chi xom 1 nha mau xanh", local(2026, 11, 25, 9, 5));
  CHECK(hpw_has(text, "Đã đăng ký hồ sơ #1"));
  CHECK(hpw_has(text, "Trịnh Văn Tâm"));
  CHECK(hpw_has(text, "bỏ chữ \"ông\""));
  storage::citizen_repository citizens(f.db());
  auto c = citizens.get(f.req().citizen_id);
  REQUIRE(c.has_value());
  CHECK(c->full_name == "Trịnh Văn Tâm");
  CHECK(c->birth_year == 1938);
  CHECK(c->address == "xom 1 nha mau xanh");
}

TEST_CASE("form answers: a refused year is never listed as recorded; a name without diacritics is asked and kept on yes") {
  words_fixture f;
  auto text = f.in_private("admin-1",
                           "/dangky\nHọ tên: nguyen van tu\nNăm sinh: 20\nThôn: Đông Hải\nĐịa chỉ: xóm 3\n"
                           "Đối tượng: thương binh\nThủ tục: chứng thực chữ ký",
                           local(2026, 11, 25, 9));
  CHECK(hpw_has(text, "chưa rõ"));
  CHECK(hpw_has(text, "chưa có dấu"));
  CHECK_FALSE(hpw_has(text, "Đã ghi nhận: Họ tên, Năm sinh"));
  CHECK(hpw_has(text, "Đã ghi nhận: Thôn, Địa chỉ, Đối tượng, Thủ tục"));

  text = f.in_private("admin-1", "nam sinh 1938", local(2026, 11, 25, 9, 5));
  CHECK(hpw_has(text, "chưa có dấu"));
  CHECK(hpw_has(text, "trả lời \"đúng\""));
  text = f.in_private("admin-1", "dung roi", local(2026, 11, 25, 9, 10));
  CHECK(hpw_has(text, "Đã đăng ký hồ sơ #1"));
  CHECK(hpw_has(text, "Nguyen Van Tu"));
}

TEST_CASE("questions: a mention in the group with a question runs the read-only command instead of the pointer") {
  words_fixture f;
  f.register_example(wed);
  f.in_group("cb-1", "/xeplich #1 thứ bảy 8h", local(2026, 11, 25, 11));
  auto text = f.in_group("cb-1", "@Tận Nhà cho hỏi lịch tuần này", local(2026, 11, 25, 12));
  CHECK(hpw_has(text, "Thứ Bảy 28/11"));
  CHECK(hpw_has(text, "#1"));
}
