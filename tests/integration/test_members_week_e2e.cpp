// A unit with no bot in its group (issue 13), a whole week over the real server, a fake Zalo API
// and one SQLite file: invitations and joining privately, a village head registering privately,
// staff scheduling a team of two linked members and one outside name, the cut-off list, the
// visit-day brief, the reminders the day before (h/reminders, merged), the overdue digest (staff,
// then the leader once escalated) and the weekly report — each message checked by recipient,
// and nothing sent to any group. The process clock (--clock) moves between days by restarting
// the server on the same database.
#include <doctest/doctest.h>

#include <SQLiteCpp/Database.h>
#include <nlohmann/json.hpp>

#include <map>
#include <regex>
#include <set>

#include "bot/fake_platform.hpp"
#include "members_unit_config.hpp"
#include "server_process.hpp"

using namespace tannha;
using namespace std::chrono_literals;
using nlohmann::json;

namespace members_week_e2e {
namespace {

const std::string secret = "bi-mat-thanh-vien";

// People of the unit, by Zalo user id.
const std::string lead = "a0000000000000000001";   // Chủ tịch (config admin)
const std::string staff = "a0000000000000000002";  // cán bộ
const std::string head = "a0000000000000000003";   // trưởng thôn Đông Hải
const std::string hoa = "a0000000000000000004";    // tình nguyện viên
const std::string nam = "a0000000000000000005";    // tình nguyện viên

std::string name_of(const std::string& user) {
  if (user == lead) return "Lê Văn Minh";
  if (user == staff) return "Phạm Thu Hà";
  if (user == head) return "Hoàng Thị Lan";
  if (user == hoa) return "Lê Thị Hoa";
  if (user == nam) return "Trần Văn Nam";
  return "Người dân";
}

std::string config(const test::fake_platform& fp) { return test::members_unit_config(fp, secret); }

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

using inbox = std::map<std::string, std::vector<std::string>>;

/// Private chats with the bot over one running server at a time.
class week {
 public:
  explicit week(test::fake_platform& fp) : fp_(fp) {}

  /// Talks to this server from now on; returns what it sent on its own at start (the posts due).
  inbox attach(test::server_process& srv) {
    srv_ = &srv;
    return settle();
  }

  /// Sends `text` privately as `user`; returns every message the bot sent since, by chat.
  inbox say(const std::string& user, const std::string& text) {
    ++seq_;
    auto body = json{{"event_name", "message.text.received"},
                     {"message",
                      {{"from", {{"id", user}, {"display_name", name_of(user)}, {"is_bot", false}}},
                       {"chat", {{"id", user}, {"chat_type", "PRIVATE"}}},
                       {"text", text},
                       {"message_id", "m" + std::to_string(seq_)},
                       {"date", 1764377131999LL}}}}
                    .dump();
    auto a = test::http_call(srv_->port(), "POST", "/webhook", body, {{"X-Bot-Api-Secret-Token", secret}});
    REQUIRE(a.status == 200);
    REQUIRE(fp_.wait_for_requests(seen_ + 1, 10s));
    return settle();
  }

  /// Every chat the bot ever sent to.
  std::set<std::string> chats() const { return chats_; }

 private:
  // Waits until nothing more arrives for a while, then returns what arrived since the last call.
  inbox settle() {
    std::size_t before = 0;
    do {
      before = fp_.request_count();
      std::this_thread::sleep_for(400ms);
    } while (fp_.request_count() != before);
    inbox out;
    auto all = fp_.requests();
    for (std::size_t i = seen_; i < all.size(); ++i) {
      if (!has(all[i].target, "sendMessage")) continue;
      out[all[i].chat_id()].push_back(all[i].text());
      chats_.insert(all[i].chat_id());
    }
    seen_ = all.size();
    return out;
  }

  test::fake_platform& fp_;
  test::server_process* srv_ = nullptr;
  std::size_t seen_ = 0;
  int seq_ = 0;
  std::set<std::string> chats_;
};

std::string invite_code(const std::string& reply) {
  std::smatch m;
  static const std::regex re("Mã mời: ([A-Z0-9]{6})");
  REQUIRE(std::regex_search(reply, m, re));
  return m[1];
}

// The one message a chat received (fails otherwise).
std::string only(inbox& in, const std::string& chat) {
  CAPTURE(chat);
  REQUIRE(in[chat].size() == 1);
  return in[chat][0];
}

// Whether any message of the chat contains `part`.
bool got(inbox& in, const std::string& chat, const std::string& part) {
  for (const auto& t : in[chat])
    if (has(t, part)) return true;
  return false;
}

}  // namespace

TEST_CASE("e2e members mode: a week of a unit without the bot in its group, every message to the right member") {
  test::fake_platform fp;
  fp.start();
  test::temp_dir dir;
  week w(fp);
  const std::set<std::string> people = {lead, staff, head, hoa, nam};
  {
    // Monday 23/11, 09:00. The leader invites everyone privately.
    test::server_process srv(dir, config(fp), {"--clock", "2026-11-23T09:00:00+07:00"});
    w.attach(srv);
    auto m = w.say(lead, "/moi truongthon Đông Hải");
    auto head_code = invite_code(only(m, lead));
    m = w.say(head, "/thamgia " + head_code);
    CHECK(m.size() == 2);
    CHECK(has(only(m, head), "Đông Hải"));
    CHECK(has(only(m, lead), "Hoàng Thị Lan"));  // the leader hears of the new member privately

    auto staff_code = invite_code(only(m = w.say(lead, "/moi canbo"), lead));
    m = w.say(staff, "/thamgia " + staff_code);
    CHECK(m.size() == 2);
    CHECK(has(only(m, lead), "Phạm Thu Hà"));
    for (const auto& vol : {hoa, nam}) {
      auto code = invite_code(only(m = w.say(staff, "/moi tinhnguyen"), staff));
      m = w.say(vol, "/thamgia " + code);
      CHECK(m.size() == 3);  // the volunteer; the leader and the staff member hear of it
      CHECK(m.count(vol) == 1);
      CHECK(m.count(lead) == 1);
      CHECK(m.count(staff) == 1);
    }

    // The village head registers privately: the full answer to them, a masked line to staff
    // and the leader.
    m = w.say(head,
              "/dangky\nHọ tên: Nguyễn Văn Tư\nNăm sinh: 1938\nThôn: Đông Hải\nĐịa chỉ: xóm 3, cạnh nhà văn hoá\n"
              "SĐT: 0912 345 678\nĐối tượng: thương binh\nThủ tục: chứng thực chữ ký");
    CHECK(m.size() == 3);
    CHECK(has(only(m, head), "0912345678"));
    for (const auto& who : {lead, staff}) {
      auto news = only(m, who);
      CHECK(has(news, "Hồ sơ mới #1"));
      CHECK(has(news, "*******678"));
      CHECK_FALSE(has(news, "0912345678"));
      CHECK_FALSE(has(news, "xóm 3"));
    }
    // A second request nobody schedules: it will be overdue.
    m = w.say(head,
              "/dangky Họ tên: Trịnh Thị Thu; Năm sinh: 1940; Thôn: Đông Hải; Địa chỉ: xóm 5; Đối tượng: khuyết tật; "
              "Thủ tục: chứng thực chữ ký");
    CHECK(m.size() == 3);

    // Staff schedule Saturday's visit: two linked members and one outside name.
    m = w.say(staff, "/xeplich #1 28/11 9h @Hoa @Nam @Công an xã");
    auto answer = only(m, staff);
    CHECK(has(answer, "28/11"));
    CHECK(has(answer, "Công an xã"));
    CHECK(has(only(m, lead), "#1"));
    CHECK(has(only(m, head), "#1"));  // the village head of Đông Hải, privately as always
    CHECK(m.count(hoa) == 0);
    CHECK(m.count(nam) == 0);
  }
  {
    // Thursday 26/11, 17:05: the cut-off list of Saturday.
    test::server_process srv(dir, config(fp), {"--clock", "2026-11-26T17:05:00+07:00"});
    auto m = w.attach(srv);
    CHECK(got(m, staff, "Chốt danh sách đến nhà Thứ Bảy 28/11"));
    CHECK(got(m, lead, "Chốt danh sách đến nhà Thứ Bảy 28/11"));
    for (const auto& vol : {hoa, nam}) {
      auto own = only(m, vol);
      CHECK(has(own, "Bạn đi 1 nhà"));
      CHECK(has(own, "#1"));
      CHECK(has(own, "09:00"));
      CHECK_FALSE(has(own, "xóm 3"));  // masked like the group's list
      CHECK_FALSE(has(own, "#2"));
    }
    CHECK(m.count(head) == 0);
  }
  {
    // Friday 27/11, 16:05: #2 is one day late: the digest goes to staff; the leader is not
    // bothered before it is escalated.
    test::server_process srv(dir, config(fp), {"--clock", "2026-11-27T16:05:00+07:00"});
    auto m = w.attach(srv);
    CHECK(got(m, staff, "#2"));
    CHECK(got(m, staff, "Bản tin sáng"));
    bool lead_digest = false;
    for (const auto& t : m[lead])
      if (!has(t, "Bản tin sáng")) lead_digest = true;
    CHECK_FALSE(lead_digest);
    // 16:00 the day before the visit: the reminders, privately, the full address only there.
    for (const auto& vol : {hoa, nam}) {
      CAPTURE(vol);
      auto reminder = only(m, vol);
      CHECK(has(reminder, "Nhắc lịch: ngày mai Thứ Bảy 28/11"));
      CHECK(has(reminder, "xóm 3, cạnh nhà văn hoá"));
      CHECK(has(reminder, "0912345678"));
    }
    CHECK(got(m, head, "Nguyễn Văn Tư"));
    CHECK(got(m, head, "Nhờ trưởng thôn báo"));
    CHECK_FALSE(got(m, head, "Trịnh Thị Thu"));  // #2 is not scheduled
    // The leader and staff get no copy of the full address.
    for (const auto& who : {lead, staff}) CHECK_FALSE(got(m, who, "xóm 3"));
  }
  {
    // Saturday 28/11, 07:05: the visit-day brief; each volunteer their own visit.
    test::server_process srv(dir, config(fp), {"--clock", "2026-11-28T07:05:00+07:00"});
    auto m = w.attach(srv);
    CHECK(got(m, staff, "Bản tin sáng"));
    CHECK(got(m, staff, "Đến nhà hôm nay"));
    CHECK(got(m, lead, "Bản tin sáng"));
    for (const auto& vol : {hoa, nam}) {
      auto own = only(m, vol);
      CHECK(has(own, "Hôm nay"));
      CHECK(has(own, "#1"));
    }
    // Hoa records the visit privately: she is on the team by her link.
    m = w.say(hoa, "/tiepnhan #1");
    CHECK(has(only(m, hoa), "PHIẾU HẸN"));
    CHECK(got(m, lead, "#1"));
    CHECK(got(m, staff, "#1"));
  }
  {
    // Monday 30/11, 16:05: the weekly report (leaders and staff), and the digest, now escalated
    // to the leader.
    test::server_process srv(dir, config(fp), {"--clock", "2026-11-30T16:05:00+07:00"});
    auto m = w.attach(srv);
    for (const auto& who : {lead, staff}) {
      CAPTURE(who);
      CHECK(got(m, who, "Báo cáo"));
      CHECK(got(m, who, "Cảnh báo"));
    }
    for (const auto& who : {head, hoa, nam}) CHECK(m.count(who) == 0);
    CHECK(srv.stop() == 0);
  }
  // Nothing went to any group: every message the bot sent was to one of the members.
  for (const auto& chat : w.chats()) {
    CAPTURE(chat);
    CHECK(people.contains(chat));
  }
  SQLite::Database db(dir.file("tannha.db"), SQLite::OPEN_READONLY);
  CHECK(db.execAndGet("SELECT COUNT(*) FROM outbox WHERE chat_id NOT IN ('a0000000000000000001', "
                      "'a0000000000000000002', 'a0000000000000000003', 'a0000000000000000004', "
                      "'a0000000000000000005')")
            .getInt() == 0);
  CHECK(db.execAndGet("SELECT COUNT(*) FROM outbox WHERE state != 'sent'").getInt() == 0);
}

}  // namespace members_week_e2e
