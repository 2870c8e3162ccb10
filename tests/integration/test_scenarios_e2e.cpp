// The five plans' workflows, replayed over the real server binary, a fake Bot API and a
// SQLite file: what the group and the village heads would see, step by step. The process
// clock (--clock) moves between days by restarting the server on the same database.
#include <doctest/doctest.h>

#include <SQLiteCpp/Database.h>
#include <nlohmann/json.hpp>
#include <regex>

#include "bot/fake_platform.hpp"
#include "server_process.hpp"

using namespace tannha;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

const std::string secret = "bi-mat-kich-ban";
const std::string zalo_group = "zalo-group-rk";      // Rạch Kiến / Bình Giang on Zalo
const std::string tele_group = "-1001234567890";     // Thành Đông on Telegram
const std::string leader = "111";

std::string config(const std::string& kind, const test::fake_platform& fp) {
  std::string unit = kind == "telegram" ? R"([[units]]
id = "thanhdong"
name = "Phường Thành Đông"
chat_id = "-1001234567890"
admins = ["111"]
villages = ["Tổ dân phố 1", "Tổ dân phố 2", "Tổ dân phố 3"]
visit_days = ["Thứ Bảy"]
visit_time = "08:00"
cutoff_day = "Thứ Năm"
cutoff_time = "17:00"
capacity = 10
)"
                                        : R"([[units]]
id = "rachkien"
name = "Xã Rạch Kiến"
chat_id = "zalo-group-rk"
admins = ["111"]
villages = ["Ấp 1", "Ấp 2", "Ấp 3"]
visit_days = ["Thứ Tư", "Thứ Bảy"]
capacity = 10
)";
  return R"([server]
listen = "127.0.0.1:0"
[platform]
kind = ")" + kind + R"("
api_base = ")" + fp.base_url() + R"("
token = "T"
webhook_secret = ")" + secret + R"("
[storage]
path = "@DB@"
[relay]
per_chat_per_second = 100.0
per_group_per_minute = 6000
global_per_second = 1000.0
)" + unit;
}

/// One chat session against a running server: sends as a user, returns what the bot sent.
class conversation {
 public:
  conversation(test::fake_platform& fp, std::string kind) : fp_(fp), kind_(std::move(kind)) {}

  /// Talks to this server from now on. Scheduled posts due at its start (a cut-off list, a
  /// morning brief, a monthly report after the clock jumped) go out first: let them pass.
  void attach(test::server_process& srv) {
    srv_ = &srv;
    std::size_t before = 0;
    do {
      before = fp_.request_count();
      std::this_thread::sleep_for(400ms);
    } while (fp_.request_count() != before);
    seen_ = fp_.request_count();
  }

  /// Sends `text` as `user` in `chat`; waits for `replies` messages from the bot and returns
  /// every message sent since, as "chat_id: text" pairs.
  std::vector<std::pair<std::string, std::string>> say(const std::string& chat, const std::string& user,
                                                       const std::string& text, std::size_t replies,
                                                       const std::string& reply_to = "") {
    std::string body;
    bool group = chat == zalo_group || chat == tele_group;
    ++seq_;
    if (kind_ == "telegram") {
      json chat_obj = {{"id", std::stoll(chat)}, {"type", group ? "supergroup" : "private"}};
      body = json{{"update_id", 50000 + seq_},
                  {"message",
                   {{"message_id", seq_},
                    {"from", {{"id", std::stoll(user)}, {"is_bot", false}, {"first_name", name_of(user)}}},
                    {"chat", chat_obj},
                    {"date", 1764377131},
                    {"text", text}}}}
                 .dump();
    } else {
      json zalo = json{{"event_name", "message.text.received"},
                  {"message",
                   {{"from", {{"id", user}, {"display_name", name_of(user)}, {"is_bot", false}}},
                    {"chat", {{"id", chat}, {"chat_type", group ? "GROUP" : "PRIVATE"}}},
                    {"text", group ? "@Tận Nhà " + text : text},
                    {"message_id", "msg-" + std::to_string(seq_)},
                    {"date", 1764377131999LL}}}};
      // A reply to one of the bot's messages (the platform's "reply" / quote).
      if (!reply_to.empty()) zalo["message"]["reply_to_message"] = {{"message_id", reply_to}};
      body = zalo.dump();
    }
    std::string header = kind_ == "telegram" ? "X-Telegram-Bot-Api-Secret-Token" : "X-Bot-Api-Secret-Token";
    auto a = test::http_call(srv_->port(), "POST", "/webhook", body, {{header, secret}});
    REQUIRE(a.status == 200);
    REQUIRE(fp_.wait_for_requests(seen_ + replies, 10s));
    std::this_thread::sleep_for(100ms);  // a late extra message would show up here
    auto all = fp_.requests();
    std::vector<std::pair<std::string, std::string>> out;
    for (std::size_t i = seen_; i < all.size(); ++i) out.emplace_back(all[i].chat_id(), all[i].text());
    seen_ = all.size();
    if (out.size() != replies) {
      for (const auto& [chat, t] : out) MESSAGE("to " << chat << ": " << t);
    }
    CHECK(out.size() == replies);
    // Different chats are sent concurrently: keep the order the bot queued them in per chat,
    // and put the chat the message came from first.
    std::stable_partition(out.begin(), out.end(), [&](const auto& m) { return m.first == chat; });
    return out;
  }

  /// The text of the one reply expected.
  std::string one(const std::string& chat, const std::string& user, const std::string& text) {
    auto out = say(chat, user, text, 1);
    return out.empty() ? std::string() : out[0].second;
  }

 private:
  static std::string name_of(const std::string& user) {
    if (user == "111" || user == "lead") return "Chủ tịch Lê Văn Minh";
    if (user == "222" || user == "head") return "Tổ trưởng Hoàng Thị Lan";
    if (user == "333" || user == "staff") return "Cán bộ Phạm Thu Hà";
    return "Người dân";
  }

  test::fake_platform& fp_;
  std::string kind_;
  test::server_process* srv_ = nullptr;
  std::size_t seen_ = 0;
  int seq_ = 0;
};

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

std::string invite_code(const std::string& reply) {
  std::smatch m;
  static const std::regex re("Mã mời: ([A-Z0-9]{6})");
  REQUIRE(std::regex_search(reply, m, re));
  return m[1];
}

// The platform's id of the bot's latest message to `chat` containing `part` (the relay records it
// once the platform answered the send).
std::string platform_id_of(const test::server_process& srv, const std::string& chat, const std::string& part) {
  for (int i = 0; i < 50; ++i) {
    {
      SQLite::Database db(srv.db_path(), SQLite::OPEN_READONLY);
      SQLite::Statement q(db,
                          "SELECT platform_message_id FROM outbox WHERE chat_id = ? AND instr(text, ?) > 0 "
                          "ORDER BY id DESC LIMIT 1");
      q.bind(1, chat);
      q.bind(2, part);
      if (q.executeStep() && !q.getColumn(0).getString().empty()) return q.getColumn(0).getString();
    }
    std::this_thread::sleep_for(100ms);
  }
  FAIL("no sent message to " << chat << " containing " << part);
  return {};
}

int open_forms(const test::server_process& srv) {
  SQLite::Database db(srv.db_path(), SQLite::OPEN_READONLY);
  return db.execAndGet("SELECT COUNT(*) FROM drafts WHERE kind = 'dangky'").getInt();
}

std::string state_of(const test::server_process& srv, int number) {
  SQLite::Database db(srv.db_path(), SQLite::OPEN_READONLY);
  SQLite::Statement q(db, "SELECT state FROM requests WHERE number = ?");
  q.bind(1, number);
  return q.executeStep() ? q.getColumn(0).getString() : "";
}

}  // namespace

TEST_CASE("scenario Thành Đông: registrations by Thursday go to Saturday, the team visits, results by post or via the group head") {
  test::fake_platform fp;
  fp.start();
  test::temp_dir dir;
  conversation c(fp, "telegram");
  {
    test::server_process srv(dir, config("telegram", fp), {"--clock", "2026-11-25T09:00:00+07:00"});  // Wednesday
    c.attach(srv);
    // The chairman invites a residential-group head and a staff member; they join privately.
    auto code = invite_code(c.one(tele_group, leader, "/moi truongthon Tổ dân phố 2"));
    auto joined = c.say("222", "222", "/thamgia " + code, 2);
    CHECK(has(joined[0].second, "Tổ dân phố 2"));
    CHECK(joined[1].first == tele_group);
    auto staff_code = invite_code(c.one(tele_group, leader, "/moi canbo"));
    c.say("333", "333", "/thamgia " + staff_code, 2);

    // The head registers privately: the registration is announced in the group.
    auto reg = c.say("222", "222",
                     "/dangky Họ tên: Vũ Văn Hải; Năm sinh: 1936; Địa chỉ: số 12 ngõ 3; SĐT: 0987 654 321; "
                     "Đối tượng: người có công; Thủ tục: chứng thực bản sao",
                     2);
    CHECK(has(reg[0].second, "#1"));
    CHECK(has(reg[0].second, "Thứ Bảy 28/11"));  // before Thursday's cut-off
    CHECK(reg[1].first == tele_group);
    CHECK(has(reg[1].second, "*******321"));
    CHECK_FALSE(has(reg[1].second, "số 12 ngõ 3"));
  }
  {
    test::server_process srv(dir, config("telegram", fp), {"--clock", "2026-11-26T17:30:00+07:00"});  // Thu, late
    c.attach(srv);
    auto reg = c.say("222", "222",
                     "/dangky Họ tên: Trịnh Thị Thu; Năm sinh: 1940; Địa chỉ: số 5 ngõ 8; Đối tượng: khuyết tật; "
                     "Thủ tục: thẻ BHYT",
                     2);
    CHECK(has(reg[0].second, "#2"));
    CHECK(has(reg[0].second, "Thứ Bảy 05/12"));  // after the cut-off: the Saturday after

    // The staff member schedules this Saturday's team; the head is told privately.
    auto sched = c.say(tele_group, "333", "/xeplich #1 @Hoa @Nam", 2);
    CHECK(has(sched[0].second, "28/11"));
    bool head_told = false;
    for (const auto& [chat, text] : sched)
      if (chat == "222" && has(text, "#1")) head_told = true;
    CHECK(head_told);
    CHECK(state_of(srv, 1) == "scheduled");
  }
  {
    test::server_process srv(dir, config("telegram", fp), {"--clock", "2026-11-28T09:30:00+07:00"});  // Saturday
    c.attach(srv);
    auto slip = c.one(tele_group, "333", "/tiepnhan #1");
    CHECK(has(slip, "PHIẾU HẸN"));
    CHECK(has(slip, "Hẹn trả kết quả"));
    CHECK(state_of(srv, 1) == "processing");
  }
  {
    test::server_process srv(dir, config("telegram", fp), {"--clock", "2026-12-01T10:00:00+07:00"});
    c.attach(srv);
    auto ready = c.say(tele_group, "333", "/cokq #1", 2);  // the group, and the head privately
    CHECK(ready[1].first == "222");
    // The head hands it over and says so privately; the group sees a line.
    auto ret = c.say("222", "222", "/datra #1 qua tổ trưởng", 2);
    CHECK(has(ret[0].second, "Qua trưởng thôn"));
    CHECK(ret[1].first == tele_group);
    CHECK(state_of(srv, 1) == "returned");
  }
}

TEST_CASE("scenario Rạch Kiến: the five steps, the appointment slip with its national code, and a rating") {
  test::fake_platform fp;
  fp.start();
  test::temp_dir dir;
  conversation c(fp, "zalo");
  test::server_process srv(dir, config("zalo", fp), {"--clock", "2026-11-23T08:00:00+07:00"});  // Monday
  c.attach(srv);
  // 1. register the need
  auto reg = c.one(zalo_group, leader,
                   "/dangky\nHọ tên: Nguyễn Thị Sáu\nNăm sinh: 1931\nThôn: Ấp 2\nĐịa chỉ: cạnh chợ\n"
                   "Đối tượng: cao tuổi, neo đơn\nThủ tục: trợ cấp xã hội hằng tháng");
  CHECK(has(reg, "#1"));
  CHECK(has(reg, "Thứ Tư 25/11"));  // two visit days a week: Wednesday is the next one
  // 2. verify and prepare
  CHECK(has(c.one(zalo_group, leader, "/xacminh #1 đã gọi điện, hướng dẫn chuẩn bị CCCD"), "#1"));
  CHECK(state_of(srv, 1) == "verified");
  // 3. the visit, agreed for a date and time
  CHECK(has(c.one(zalo_group, leader, "/xeplich #1 25/11 14h @Công an xã @Đoàn thanh niên"), "14:00"));
  auto slip = c.one(zalo_group, leader, "/tiepnhan #1 H15.50.05.13-261008-0975");
  CHECK(has(slip, "H15.50.05.13-261008-0975"));
  CHECK(has(slip, "Hẹn trả kết quả"));
  // 4. resolve
  CHECK(has(c.one(zalo_group, leader, "/cokq #1"), "#1"));
  // 5. return at home, then the satisfaction survey
  auto ret = c.one(zalo_group, leader, "/datra #1 tại nhà");
  CHECK(has(ret, "/danhgia"));
  CHECK(has(c.one(zalo_group, leader, "/danhgia #1 5 cán bộ tận tình"), "5"));
  CHECK(state_of(srv, 1) == "returned");
  auto record = c.one(leader, leader, "/hoso #1");
  CHECK(has(record, "Đánh giá: 5/5"));
  CHECK(has(record, "Lịch sử"));
}

TEST_CASE("scenario Bình Giang: an appointment, papers missing, then success; a refusal and a cancellation") {
  test::fake_platform fp;
  fp.start();
  test::temp_dir dir;
  conversation c(fp, "zalo");
  test::server_process srv(dir, config("zalo", fp), {"--clock", "2026-11-23T08:00:00+07:00"});
  c.attach(srv);
  c.one(zalo_group, leader,
        "/dangky Họ tên: Đinh Văn Tám; Năm sinh: 1950; Thôn: Ấp 1; Địa chỉ: tổ 4; Đối tượng: bệnh hiểm nghèo; "
        "Thủ tục: khai tử");
  // An appointment at a date and time agreed by phone.
  CHECK(has(c.one(zalo_group, leader, "/xeplich #1 26/11 9h30"), "09:30"));
  // At the visit a paper is missing.
  CHECK(has(c.one(zalo_group, leader, "/bosung #1 bản sao giấy báo tử"), "bản sao giấy báo tử"));
  CHECK(state_of(srv, 1) == "needs_papers");
  // A second visit, then it goes through.
  CHECK(has(c.one(zalo_group, leader, "/xeplich #1 28/11 8h"), "28/11"));
  CHECK(has(c.one(zalo_group, leader, "/tiepnhan #1"), "PHIẾU HẸN"));
  c.one(zalo_group, leader, "/cokq #1");
  CHECK(has(c.one(zalo_group, leader, "/datra #1 bưu điện"), "#1"));
  CHECK(state_of(srv, 1) == "returned");

  // A refusal: not under the commune's authority.
  c.one(zalo_group, leader,
        "/dangky Họ tên: Lý Văn Chín; Năm sinh: 1945; Thôn: Ấp 3; Địa chỉ: tổ 1; Đối tượng: cao tuổi; "
        "Thủ tục: chứng thực chữ ký");
  auto ask = c.one(zalo_group, leader, "/tuchoi #2");
  CHECK(has(ask, "lý do"));
  CHECK(state_of(srv, 2) == "registered");  // nothing changed without a reason
  c.one(zalo_group, leader, "/tuchoi #2 giấy tờ thuộc thẩm quyền cấp tỉnh");
  CHECK(state_of(srv, 2) == "rejected");
  auto illegal = c.one(zalo_group, leader, "/xeplich #2");
  CHECK(has(illegal, "Từ chối"));

  // A cancellation asks for its reason first.
  c.one(zalo_group, leader,
        "/dangky Họ tên: Mai Thị Mười; Năm sinh: 1939; Thôn: Ấp 1; Địa chỉ: tổ 2; Đối tượng: neo đơn; "
        "Thủ tục: BHYT");
  CHECK(has(c.one(zalo_group, leader, "/huy #3"), "lý do"));
  CHECK(state_of(srv, 3) == "registered");
  c.one(zalo_group, leader, "/huy #3 người dân đã tự đến Trung tâm");
  CHECK(state_of(srv, 3) == "cancelled");
}

TEST_CASE("scenario two open forms: a village head fixes form A after starting form B; each answer goes to its form") {
  test::fake_platform fp;
  fp.start();
  test::temp_dir dir;
  conversation c(fp, "zalo");
  test::server_process srv(dir, config("zalo", fp), {"--clock", "2026-11-23T08:00:00+07:00"});  // Monday
  c.attach(srv);
  const std::string head = "222";
  auto code = invite_code(c.one(zalo_group, leader, "/moi truongthon Ấp 2"));
  c.say(head, head, "/thamgia " + code, 2);

  // Form A lacks its birth year.
  auto a = c.one(head, head, "/dangky\nHọ tên: Nguyễn Văn Tư\nĐịa chỉ: cạnh chợ\nĐối tượng: thương binh\n"
                             "Thủ tục: chứng thực chữ ký");
  CHECK(has(a, "Thiếu \"Năm sinh\""));
  // Before fixing it, a new /dangky for B, which lacks its address: A is kept, and the reply says so.
  auto b = c.one(head, head, "/dangky\nHọ tên: Trần Thị Bảy\nNăm sinh: 1940\nĐối tượng: người cao tuổi\n"
                             "Thủ tục: khai sinh");
  CHECK(has(b, "Phiếu của Trần Thị Bảy:"));
  CHECK(has(b, "Thiếu \"Địa chỉ\""));
  CHECK(has(b, "Nguyễn Văn Tư — còn thiếu: Năm sinh"));
  CHECK(open_forms(srv) == 2);

  // The fix for A (no colon, no marks) registers A; the reply names A, and B still waits.
  auto fixed = c.say(head, head, "nam sinh 1938", 2);
  CHECK(fixed[0].first == head);
  CHECK(has(fixed[0].second, "Đã bổ sung cho hồ sơ của Nguyễn Văn Tư:"));
  CHECK(has(fixed[0].second, "Đã đăng ký hồ sơ #1"));
  CHECK(has(fixed[0].second, "Trần Thị Bảy — còn thiếu: Địa chỉ"));
  CHECK_FALSE(has(fixed[0].second, "Chào bạn"));  // not the greeting
  CHECK(fixed[1].first == zalo_group);
  CHECK(has(fixed[1].second, "#1"));
  CHECK(state_of(srv, 1) == "registered");
  CHECK(state_of(srv, 2).empty());
  CHECK(open_forms(srv) == 1);

  // Form C lacks its address too: an address alone would be asked about, but a reply to the
  // bot's message about B goes to B.
  auto c_reply = c.one(head, head, "/dangky\nHọ tên: Lê Văn Tám\nNăm sinh: 1933\nĐối tượng: người cao tuổi\n"
                                   "Thủ tục: khai tử");
  CHECK(has(c_reply, "Phiếu của Lê Văn Tám:"));
  auto which = c.one(head, head, "dia chi to 5");
  CHECK(has(which, "bổ sung cho phiếu nào?"));
  CHECK(open_forms(srv) == 2);
  CHECK(state_of(srv, 2).empty());
  auto about_b = platform_id_of(srv, head, "Phiếu của Trần Thị Bảy:");
  auto to_b = c.say(head, head, "Địa chỉ: tổ 5", 2, about_b);
  CHECK(has(to_b[0].second, "Đã bổ sung cho hồ sơ của Trần Thị Bảy:"));
  CHECK(has(to_b[0].second, "Đã đăng ký hồ sơ #2"));
  CHECK(has(to_b[0].second, "Lê Văn Tám — còn thiếu: Địa chỉ"));
  CHECK(state_of(srv, 2) == "registered");
  CHECK(open_forms(srv) == 1);
}
