// Issue 14, item 4: several unfinished /dangky forms per chat and user. A new form never
// discards an open one; an answer goes to the one form waiting for it and the reply says which;
// when several could take it the bot asks, changing nothing until told; a platform reply to the
// bot's message about a form picks it; /huy drops one at the user's word; the sixth drops the
// oldest and says whose.
#include <doctest/doctest.h>

#include "dispatch_fixture.hpp"
#include "storage/draft_repository.hpp"
#include "storage/outbox.hpp"
#include "storage/request_repository.hpp"

using namespace tannha;
using tannha::test::local;

namespace {

bool od_has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

struct drafts_fixture : test::dispatch_fixture {
  drafts_fixture() {
    storage::unit_repository repo(db());
    repo.put_member({"binhgiang", "tt-dh", domain::role::truongthon, "Đông Hải", "Nguyễn Văn Thôn", "invite"},
                    local(2026, 11, 1));
    repo.put_member({"binhgiang", "cb-1", domain::role::canbo, "", "Trần Văn Cán", "invite"}, local(2026, 11, 1));
  }
  // The village head's private chat: the reply to them (posts to the group are left aside).
  std::string say(const std::string& text, domain::instant at, const std::string& user = "tt-dh") {
    priv(user, text, at);
    std::string reply;
    for (auto& m : take())
      if (m.chat_id == user) reply += m.text;
    return reply;
  }
  std::string in_group(const std::string& user, const std::string& text, domain::instant at) {
    group(user, text, at);
    std::string reply;
    for (auto& m : take())
      if (m.chat_id == "group-bg" && reply.empty()) reply = m.text;
    return reply;
  }
  // Sends as a platform reply to the bot's message `outbox_id` (delivered as platform message "pm-N").
  std::string reply_to(std::int64_t outbox_id, const std::string& text, domain::instant at) {
    const std::string pm = "pm-" + std::to_string(outbox_id);
    storage::outbox(db()).mark_sent(outbox_id, at, pm);
    handlers::incoming_message m;
    m.platform = "zalo";
    m.update_id = "reply-" + std::to_string(outbox_id) + "-" + text;
    m.chat_id = "tt-dh";
    m.user_id = "tt-dh";
    m.text = text;
    m.reply_to = pm;
    m.date = at;
    raw(m, at);
    std::string reply;
    for (auto& m2 : take())
      if (m2.chat_id == "tt-dh") reply += m2.text;
    return reply;
  }
  // The outbox id of the latest message to the village head.
  std::int64_t last_to_head() {
    return db().db().execAndGet("SELECT MAX(id) FROM outbox WHERE chat_id = 'tt-dh'").getInt64();
  }
  int open_forms() { return db().db().execAndGet("SELECT COUNT(*) FROM drafts WHERE kind = 'dangky'").getInt(); }
  std::string bodies() {
    std::string out;
    SQLite::Statement q(db().db(), "SELECT body FROM drafts WHERE kind = 'dangky' ORDER BY id");
    while (q.executeStep()) out += q.getColumn(0).getString() + "\n";
    return out;
  }
  std::string citizen_of(std::int64_t number) {
    storage::request_repository repo(db());
    auto r = repo.by_number("binhgiang", number);
    REQUIRE(r.has_value());
    return db().db().execAndGet("SELECT full_name FROM citizens WHERE id = " + std::to_string(r->citizen_id)).getString();
  }
};

const auto mon = local(2026, 11, 23, 9);

// Form A lacks only its birth year; form B only its address; C lacks both.
const char* form_a = "/dangky\nHọ tên: Nguyễn Văn Tư\nĐịa chỉ: xóm 3\nĐối tượng: thương binh\nThủ tục: chứng thực chữ ký";
const char* form_b = "/dangky\nHọ tên: Trần Thị Bảy\nNăm sinh: 1940\nĐối tượng: người cao tuổi\nThủ tục: khai sinh";
const char* form_c = "/dangky\nHọ tên: Lê Văn Tám\nĐối tượng: người cao tuổi\nThủ tục: khai tử";

}  // namespace

TEST_CASE("open drafts: a new /dangky for another person keeps the first form, and says so") {
  drafts_fixture f;
  auto text = f.say(form_a, mon);
  CHECK(od_has(text, "Thiếu \"Năm sinh\""));
  text = f.say(form_b, mon);
  CHECK(od_has(text, "Phiếu của Trần Thị Bảy:"));
  CHECK(od_has(text, "Thiếu \"Địa chỉ\""));
  CHECK(od_has(text, "Còn 1 phiếu chưa xong, vẫn được giữ"));
  CHECK(od_has(text, "1. Nguyễn Văn Tư — còn thiếu: Năm sinh"));
  CHECK(f.open_forms() == 2);
}

TEST_CASE("open drafts: the fix for the first form completes it, names it, and the other still waits") {
  drafts_fixture f;
  f.say(form_a, mon);
  f.say(form_b, mon);
  auto text = f.say("năm sinh: 1938", local(2026, 11, 23, 10));
  CHECK(od_has(text, "Đã bổ sung cho hồ sơ của Nguyễn Văn Tư:"));
  CHECK(od_has(text, "Đã đăng ký hồ sơ #1"));
  CHECK(od_has(text, "Còn 1 phiếu chưa xong"));
  CHECK(od_has(text, "Trần Thị Bảy — còn thiếu: Địa chỉ"));
  CHECK(f.citizen_of(1) == "Nguyễn Văn Tư");
  CHECK(f.open_forms() == 1);

  // A label without a colon goes to the form waiting for it: B.
  text = f.say("dia chi xom 1 nha mau xanh", local(2026, 11, 23, 10));
  CHECK(od_has(text, "Đã bổ sung cho hồ sơ của Trần Thị Bảy:"));
  CHECK(od_has(text, "Đã đăng ký hồ sơ #2"));
  CHECK_FALSE(od_has(text, "phiếu chưa xong"));
  CHECK(f.citizen_of(2) == "Trần Thị Bảy");
  CHECK(f.open_forms() == 0);
}

TEST_CASE("open drafts: a complete new /dangky registers and says the open form is kept") {
  drafts_fixture f;
  f.say(form_a, mon);
  std::string other = test::full_form;
  other.replace(other.find("Nguyễn Văn Tư"), std::string("Nguyễn Văn Tư").size(), "Đỗ Văn Mười");
  auto text = f.say(other, mon);
  CHECK(od_has(text, "Đã đăng ký hồ sơ #1"));
  CHECK(od_has(text, "Còn 1 phiếu chưa xong, vẫn được giữ"));
  CHECK(od_has(text, "Nguyễn Văn Tư — còn thiếu: Năm sinh"));
  CHECK(f.open_forms() == 1);
}

TEST_CASE("open drafts: when two forms could take an answer the bot asks which, changing nothing until told") {
  drafts_fixture f;
  f.say(form_a, mon);
  f.say(form_c, mon);  // also lacks the birth year
  const auto before = f.bodies();
  auto text = f.say("Năm sinh: 1938", mon);
  CHECK(od_has(text, "bổ sung cho phiếu nào?"));
  CHECK(od_has(text, "1. Nguyễn Văn Tư — còn thiếu: Năm sinh"));
  CHECK(od_has(text, "2. Lê Văn Tám — còn thiếu: Năm sinh, Địa chỉ"));
  CHECK(f.bodies() == before);
  CHECK(f.count("requests") == 0);

  text = f.say("2", mon);
  CHECK(od_has(text, "Đã bổ sung cho hồ sơ của Lê Văn Tám:"));
  CHECK(od_has(text, "Thiếu \"Địa chỉ\""));
  CHECK(od_has(f.bodies(), "1938"));
  CHECK(f.count("requests") == 0);

  // Another form lacking the address, like C now: picked by name this time (no marks, the last
  // words of the name).
  f.say("/dangky\nHọ tên: Phạm Văn Chín\nNăm sinh: 1945\nĐối tượng: người cao tuổi\nThủ tục: khai tử", mon);
  text = f.say("dia chi xom 7", mon);
  CHECK(od_has(text, "bổ sung cho phiếu nào?"));
  CHECK(od_has(text, "Phạm Văn Chín — còn thiếu: Địa chỉ"));
  CHECK_FALSE(od_has(text, "Nguyễn Văn Tư"));  // A has its address
  text = f.say("van chin", mon);
  CHECK(od_has(text, "Đã bổ sung cho hồ sơ của Phạm Văn Chín:"));
  CHECK(od_has(text, "Đã đăng ký hồ sơ #1"));
  CHECK(f.citizen_of(1) == "Phạm Văn Chín");
}

TEST_CASE("open drafts: something else after \"which form?\" drops the question and is read as itself") {
  drafts_fixture f;
  f.say(form_a, mon);
  f.say(form_c, mon);
  f.say("Năm sinh: 1938", mon);
  // Not a choice: an address only C waits for goes to C, and the year waits no more.
  auto text = f.say("Địa chỉ: xóm 5", mon);
  CHECK(od_has(text, "Đã bổ sung cho hồ sơ của Lê Văn Tám:"));
  CHECK_FALSE(od_has(f.bodies(), "1938"));
  CHECK(f.count("drafts") == 2);  // the question is gone
  // A number now picks nothing: it is not an answer to any form.
  text = f.say("1", mon);
  CHECK_FALSE(od_has(text, "Đã bổ sung"));
}

TEST_CASE("open drafts: a platform reply to the bot's message about a form picks that form") {
  drafts_fixture f;
  f.say(form_a, mon);
  const auto about_a = f.last_to_head();
  f.say(form_c, mon);
  const auto about_c = f.last_to_head();
  // Both lack the birth year, but a reply to the message about A goes to A without asking.
  auto text = f.reply_to(about_a, "năm sinh: 1938", mon);
  CHECK(od_has(text, "Đã bổ sung cho hồ sơ của Nguyễn Văn Tư:"));
  CHECK(od_has(text, "Đã đăng ký hồ sơ #1"));
  text = f.reply_to(about_c, "năm sinh: 1941", mon);
  CHECK(od_has(text, "Đã bổ sung cho hồ sơ của Lê Văn Tám:"));
  CHECK(od_has(text, "Thiếu \"Địa chỉ\""));
  // The bot's latest message about C picks C too.
  text = f.reply_to(f.last_to_head(), "Địa chỉ: xóm 2", mon);
  CHECK(od_has(text, "Đã đăng ký hồ sơ #2"));
  CHECK(f.citizen_of(2) == "Lê Văn Tám");
}

TEST_CASE("open drafts: a yes goes to the one form asking \"có phải …?\"; with two asking, the bot asks which") {
  drafts_fixture f;
  f.say("/dangky\nHọ tên: nguyen van tu\nNăm sinh: 1938\nĐịa chỉ: xóm 3\nĐối tượng: thương binh\n"
        "Thủ tục: chứng thực chữ ký",
        mon);
  f.say(form_b, mon);
  auto text = f.say("dung roi", mon);
  CHECK(od_has(text, "Đã bổ sung cho hồ sơ của Nguyen Van Tu:"));
  CHECK(od_has(text, "Đã đăng ký hồ sơ #1"));

  f.say("/dangky\nHọ tên: le van nam\nNăm sinh: 1938\nĐịa chỉ: xóm 3\nĐối tượng: thương binh\nThủ tục: khai tử", mon);
  f.say("/dangky\nHọ tên: do thi hoa\nNăm sinh: 1938\nĐịa chỉ: xóm 3\nĐối tượng: thương binh\nThủ tục: khai tử", mon);
  text = f.say("đúng", mon);
  CHECK(od_has(text, "bổ sung cho phiếu nào?"));
  CHECK_FALSE(od_has(text, "Trần Thị Bảy"));  // B asks nothing
  text = f.say("Do Thi Hoa", mon);
  CHECK(od_has(text, "Đã bổ sung cho hồ sơ của Do Thi Hoa:"));
  CHECK(od_has(text, "Đã đăng ký hồ sơ #2"));
}

TEST_CASE("open drafts: /huy with several asks which; a number or a name drops one and names it; /huy #N is a request") {
  drafts_fixture f;
  f.say(form_a, mon);
  f.say(form_b, mon);
  f.say(form_c, mon);
  auto text = f.say("/huy", mon);
  CHECK(od_has(text, "bỏ phiếu nào?"));
  CHECK(od_has(text, "3. Lê Văn Tám"));
  CHECK(f.open_forms() == 3);
  text = f.say("2", mon);
  CHECK(od_has(text, "Đã bỏ phiếu đăng ký chưa xong của Trần Thị Bảy"));
  CHECK(od_has(text, "Còn 2 phiếu chưa xong"));
  CHECK(f.open_forms() == 2);

  text = f.say("/huy Lê Văn Tám", mon);
  CHECK(od_has(text, "Đã bỏ phiếu đăng ký chưa xong của Lê Văn Tám"));
  text = f.say("/huy", mon);  // the only one left
  CHECK(od_has(text, "Đã bỏ phiếu đăng ký chưa xong của Nguyễn Văn Tư"));
  CHECK(f.open_forms() == 0);
  CHECK(f.count("requests") == 0);

  // Without open forms, and with "#", /huy is the request's cancellation as before.
  text = f.say("/huy", mon);
  CHECK(od_has(text, "/huy"));
  CHECK_FALSE(od_has(text, "Đã bỏ phiếu"));
  f.say(test::full_form, mon);
  f.say(form_a, mon);
  text = f.say("/huy #1 người dân tự đến", mon);
  CHECK(od_has(text, "#1"));
  CHECK_FALSE(od_has(text, "Đã bỏ phiếu"));
  CHECK(f.open_forms() == 1);
}

TEST_CASE("open drafts: a sixth form drops the oldest, and the reply names it") {
  drafts_fixture f;
  const char* names[] = {"Nguyễn Văn Một", "Nguyễn Văn Hai", "Nguyễn Văn Ba", "Nguyễn Văn Bốn", "Nguyễn Văn Năm"};
  for (const char* n : names) {
    auto text = f.say(std::string("/dangky\nHọ tên: ") + n + "\nThủ tục: khai sinh", mon);
    CHECK_FALSE(od_has(text, "Đã bỏ phiếu"));
  }
  CHECK(f.open_forms() == 5);
  auto text = f.say("/dangky\nHọ tên: Nguyễn Văn Sáu\nThủ tục: khai sinh", mon);
  CHECK(od_has(text, "Đã bỏ phiếu chưa xong của Nguyễn Văn Một (phiếu cũ nhất)"));
  CHECK(f.open_forms() == 5);
  CHECK_FALSE(od_has(f.bodies(), "Một"));
  CHECK(od_has(f.bodies(), "Sáu"));
}

TEST_CASE("open drafts: a new /dangky for a person whose form is open starts that form over") {
  drafts_fixture f;
  f.say(form_a, mon);
  f.say(form_b, mon);
  auto text = f.say("/dangky\nHọ tên: nguyễn văn tư\nNăm sinh: 1938\nĐịa chỉ: xóm 4\nĐối tượng: thương binh", mon);
  CHECK(od_has(text, "Phiếu mới thay cho phiếu đang chờ của Nguyễn Văn Tư:"));
  CHECK(od_has(text, "Thiếu \"Thủ tục\""));
  CHECK(f.open_forms() == 2);
  CHECK(od_has(f.bodies(), "xóm 4"));
}

TEST_CASE("open drafts: /dangky alone lists the open forms; with one it continues it as before") {
  drafts_fixture f;
  f.say(form_a, mon);
  auto text = f.say("/dangky", mon);
  CHECK(od_has(text, "Thiếu \"Năm sinh\""));
  CHECK(f.open_forms() == 1);
  f.say(form_b, mon);
  text = f.say("/dangky", mon);
  CHECK(od_has(text, "Bạn đang có 2 phiếu đăng ký chưa xong"));
  CHECK(od_has(text, "1. Nguyễn Văn Tư — còn thiếu: Năm sinh"));
  CHECK(od_has(text, "2. Trần Thị Bảy — còn thiếu: Địa chỉ"));
  CHECK(f.open_forms() == 2);
}

TEST_CASE("open drafts: two forms for people of the same name are told apart by their number") {
  drafts_fixture f;
  f.say(form_a, mon);
  // A form without a name is a form of its own; naming it like A makes two of one name.
  f.say("/dangky\nĐịa chỉ: xóm 9\nĐối tượng: thương binh\nThủ tục: khai sinh", mon);
  auto text = f.say("Họ tên: Nguyễn Văn Tư", mon);
  CHECK(od_has(text, "Đã bổ sung cho hồ sơ của Nguyễn Văn Tư (phiếu 2):"));
  CHECK(f.open_forms() == 2);
  text = f.say("Năm sinh: 1950", mon);
  CHECK(od_has(text, "bổ sung cho phiếu nào?"));
  CHECK(od_has(text, "1. Nguyễn Văn Tư — còn thiếu: Năm sinh"));
  CHECK(od_has(text, "2. Nguyễn Văn Tư — còn thiếu: Năm sinh"));
  text = f.say("Nguyễn Văn Tư", mon);  // names both: picks neither, and records nothing
  CHECK_FALSE(od_has(text, "Đã bổ sung"));
  CHECK_FALSE(od_has(f.bodies(), "1950"));
  f.say("Năm sinh: 1950", mon);
  text = f.say("2", mon);
  CHECK(od_has(text, "Đã bổ sung cho hồ sơ của Nguyễn Văn Tư:"));  // registered: no other form of that name
  CHECK(od_has(text, "Đã đăng ký hồ sơ #1: Đăng ký khai sinh"));
}

TEST_CASE("open drafts: in a group a form's name is shown as echoes are, numbers masked") {
  drafts_fixture f;
  f.in_group("tt-dh", "/dangky\nHọ tên: Nguyễn Văn Tư 0912345678\nThủ tục: khai sinh", mon);
  auto text = f.in_group("tt-dh", form_b, mon);
  CHECK(od_has(text, "Còn 1 phiếu chưa xong"));
  CHECK(od_has(text, "*******678"));
  CHECK_FALSE(od_has(text, "0912345678"));
}

TEST_CASE("open drafts: they expire as before; an expired form takes no answer and the retention job deletes it") {
  drafts_fixture f;
  f.say(form_a, mon);
  f.say(form_b, mon);
  const auto later = mon + std::chrono::hours{25};
  auto text = f.say("năm sinh: 1938", later);
  CHECK_FALSE(od_has(text, "Đã bổ sung"));
  CHECK(f.count("requests") == 0);
  storage::draft_repository drafts(f.db());
  CHECK(drafts.remove_expired(later) == 2);
}
