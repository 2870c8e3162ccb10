#include <doctest/doctest.h>

#include "dispatch_fixture.hpp"
#include "storage/citizen_repository.hpp"
#include "storage/request_repository.hpp"
#include "storage/unit_repository.hpp"

using namespace tannha;
using tannha::test::local;

namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

domain::day date(int y, unsigned m, unsigned d) {
  return domain::day{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}};
}

struct seed_request {
  std::string name;
  std::string village = "Đông Hải";
  std::string address;
  std::string procedure = "CT-01";
  std::optional<domain::day> visit_day;  ///< scheduled when set
  std::string time;
  std::string team;
  std::optional<domain::day> proposed_day;
  domain::request_state state = domain::request_state::scheduled;
};

// Stores a citizen and a request straight through the repositories; returns the number.
std::int64_t seed(test::dispatch_fixture& f, const seed_request& s) {
  auto& db = f.db();
  storage::write_transaction tx(db);
  storage::citizen_record c;
  c.unit_id = "binhgiang";
  c.full_name = s.name;
  c.folded_name = s.name;
  c.birth_year = 1940;
  c.village = s.village;
  c.address = s.address;
  c.phone = "0912345678";
  c.categories = "Thương binh";
  auto cid = storage::citizen_repository(db).insert(c, local(2026, 11, 20));
  storage::request_repository requests(db);
  storage::request_record r;
  r.unit_id = "binhgiang";
  r.number = storage::unit_repository(db).take_request_number("binhgiang");
  r.citizen_id = cid;
  r.procedure_code = s.procedure;
  r.state = domain::request_state::registered;
  r.registered_by = "admin-1";
  r.registered_chat = "group-bg";
  r.registered_at = local(2026, 11, 20);
  r.proposed_day = s.proposed_day ? s.proposed_day : s.visit_day;
  r.id = requests.insert(r, "admin-1", local(2026, 11, 20));
  if (s.state != domain::request_state::registered) {
    storage::event_record ev{0, r.id, local(2026, 11, 21), "admin-1", r.state, s.state, ""};
    r.state = s.state;
    r.visit_day = s.visit_day;
    r.visit_time = s.time;
    r.team = s.team;
    requests.update(r, ev);
  }
  tx.commit();
  return r.number;
}

// Wednesday 25/11/2026: this week is 23/11–29/11, next week 30/11–06/12.
const auto wednesday = local(2026, 11, 25, 9);

seed_request visit(std::string name, std::string village, std::string address, std::string procedure, domain::day d,
                   std::string time, std::string team) {
  seed_request s;
  s.name = std::move(name);
  s.village = std::move(village);
  s.address = std::move(address);
  s.procedure = std::move(procedure);
  s.visit_day = d;
  s.time = std::move(time);
  s.team = std::move(team);
  return s;
}

void seed_week(test::dispatch_fixture& f) {
  seed(f, visit("Nguyễn Văn Tư", "Đông Hải", "xóm 3, cạnh nhà văn hoá", "CT-01", date(2026, 11, 28), "08:00", "Hoa, Nam"));  // #1
  seed(f, visit("Trần Thị Lan", "Tây Sơn", "đội 2, ngõ 5", "HT-01", date(2026, 11, 28), "09:30", ""));                   // #2
  seed(f, visit("Lê Văn Ba", "Bắc Hà", "xóm 1", "BHYT-01", date(2026, 11, 26), "14:00", "Hoa"));                          // #3
  seed(f, visit("Phạm Thị Tám", "Nam Hưng", "đường làng", "HT-02", date(2026, 12, 5), "08:00", "Nam"));                   // #4
  seed_request proposed;
  proposed.name = "Đỗ Văn Chín";
  proposed.address = "xóm 7";
  proposed.procedure = "CT-02";
  proposed.proposed_day = date(2026, 11, 28);
  proposed.state = domain::request_state::verified;
  seed(f, proposed);  // #5: proposed for Saturday, not scheduled
}

}  // namespace

TEST_CASE("lich: this week's visits in the group, grouped by day in order, with team and no address or phone") {
  test::dispatch_fixture f;
  seed_week(f);
  f.group("admin-1", "/lịch", wednesday);
  auto text = f.take_one();
  CHECK(has(text, "tuần này (23/11–29/11)"));
  auto thursday = text.find("Thứ Năm 26/11");
  auto saturday = text.find("Thứ Bảy 28/11");
  REQUIRE(thursday != std::string::npos);
  REQUIRE(saturday != std::string::npos);
  CHECK(thursday < saturday);
  CHECK(thursday < text.find("#3"));
  CHECK(text.find("#3") < saturday);
  CHECK(has(text, "08:00 #1 Chứng thực chữ ký — Nguyễn Văn Tư (Đông Hải)"));
  CHECK(has(text, "09:30 #2 Đăng ký khai sinh — Trần Thị Lan (Tây Sơn)"));
  CHECK(has(text, "Đoàn: Hoa, Nam"));
  CHECK(has(text, "chưa phân công"));  // #2 has no team yet
  CHECK_FALSE(has(text, "#4"));         // next week
  CHECK_FALSE(has(text, "cạnh nhà văn hoá"));
  CHECK_FALSE(has(text, "xóm 1"));
  CHECK_FALSE(has(text, "0912"));
  CHECK_FALSE(has(text, "Thương binh"));
  // The proposed, unscheduled request has its own section after the visits.
  auto section = text.find("chưa xếp lịch");
  REQUIRE(section != std::string::npos);
  CHECK(text.find("#5") > section);
  CHECK(has(text, "Đỗ Văn Chín"));
}

TEST_CASE("lich: in private chat the schedule carries the addresses, and the view is audited") {
  test::dispatch_fixture f;
  seed_week(f);
  f.priv("admin-1", "/lich tuan nay", wednesday);
  auto out = f.take();
  REQUIRE(out.size() == 1);
  CHECK(out[0].chat_id == "admin-1");
  CHECK(has(out[0].text, "Địa chỉ: xóm 3, cạnh nhà văn hoá"));
  CHECK(has(out[0].text, "Địa chỉ: xóm 1"));
  CHECK_FALSE(has(out[0].text, "0912"));
  CHECK_FALSE(has(out[0].text, "xóm 7"));  // not scheduled: no address needed yet
  CHECK(f.db().db().execAndGet("SELECT COUNT(*) FROM audit WHERE action = 'view_schedule'").getInt() == 1);
}

TEST_CASE("lich: next week shows only next week's visits") {
  test::dispatch_fixture f;
  seed_week(f);
  f.group("admin-1", "/lich tuần sau", wednesday);
  auto text = f.take_one();
  CHECK(has(text, "tuần sau (30/11–06/12)"));
  CHECK(has(text, "Thứ Bảy 05/12"));
  CHECK(has(text, "#4"));
  CHECK_FALSE(has(text, "#1"));
  CHECK_FALSE(has(text, "#5"));
}

TEST_CASE("lich: a date shows that day only, with or without the year") {
  test::dispatch_fixture f;
  seed_week(f);
  f.group("admin-1", "/lich 28/11", wednesday);
  auto text = f.take_one();
  CHECK(has(text, "Thứ Bảy 28/11"));
  CHECK(has(text, "#1"));
  CHECK(has(text, "#2"));
  CHECK(has(text, "#5"));
  CHECK_FALSE(has(text, "#3"));
  f.group("admin-1", "/lich 26/11/2026", wednesday);
  text = f.take_one();
  CHECK(has(text, "#3"));
  CHECK_FALSE(has(text, "#1"));
}

TEST_CASE("lich: a day with nothing says so and names the next day that has visits") {
  test::dispatch_fixture f;
  seed_week(f);
  f.group("admin-1", "/lich 29/11", wednesday);
  auto text = f.take_one();
  CHECK(has(text, "Chưa có lịch đến nhà ngày Chủ Nhật 29/11"));
  CHECK(has(text, "Thứ Bảy 05/12"));
  CHECK(has(text, "/lich 05/12"));
  f.group("admin-1", "/lich 10/12", wednesday);
  text = f.take_one();
  CHECK(has(text, "Chưa có lịch"));
  CHECK_FALSE(has(text, "gần nhất"));
}

TEST_CASE("lich: a malformed argument explains the accepted forms; a stranger is refused") {
  test::dispatch_fixture f;
  seed_week(f);
  f.group("admin-1", "/lich 31/02", wednesday);
  auto text = f.take_one();
  CHECK(has(text, "31/02"));
  CHECK(has(text, "tuần sau"));
  CHECK(has(text, "dd/mm"));
  f.group("stranger", "/lich", wednesday);
  text = f.take_one();
  CHECK(has(text, "thành viên"));
  CHECK_FALSE(has(text, "#1"));
}
