#include <doctest/doctest.h>

#include "dispatch_fixture.hpp"

using namespace tannha;
using tannha::test::local;
using handlers::dispatch_outcome;

namespace {
bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
}  // namespace

TEST_CASE("dangky: a leader registers in the group and gets #1 with the proposed Saturday, phone masked") {
  test::dispatch_fixture f;
  // Wednesday 25/11/2026, before the Thursday cut-off: this Saturday 28/11.
  CHECK(f.group("admin-1", test::full_form, local(2026, 11, 25, 10)) == dispatch_outcome::processed);
  auto out = f.take();
  REQUIRE(out.size() == 1);
  CHECK(out[0].chat_id == "group-bg");
  CHECK(has(out[0].text, "#1"));
  CHECK(has(out[0].text, "Chứng thực chữ ký"));
  CHECK(has(out[0].text, "Nguyễn Văn Tư"));
  CHECK(has(out[0].text, "Thứ Bảy 28/11"));
  CHECK(has(out[0].text, "*******678"));
  CHECK_FALSE(has(out[0].text, "0912345678"));
  CHECK_FALSE(has(out[0].text, "345 678"));
  CHECK_FALSE(has(out[0].text, "hương binh"));      // no category in the group
  CHECK_FALSE(has(out[0].text, "cạnh nhà văn hoá"));  // no full address in the group
  CHECK(f.count("requests") == 1);
  CHECK(f.count("citizens") == 1);
}

TEST_CASE("dangky: in private chat the registrant sees the full details and the group gets a masked announcement") {
  test::dispatch_fixture f;
  CHECK(f.priv("admin-1", test::full_form, local(2026, 11, 27, 9)) == dispatch_outcome::processed);  // Friday
  auto out = f.take();
  REQUIRE(out.size() == 2);
  CHECK(out[0].chat_id == "admin-1");
  CHECK(has(out[0].text, "0912345678"));
  CHECK(has(out[0].text, "cạnh nhà văn hoá"));
  CHECK(has(out[0].text, "Thương binh"));
  CHECK(has(out[0].text, "Thứ Bảy 05/12"));  // after the cut-off: the Saturday after
  CHECK(out[1].chat_id == "group-bg");
  CHECK(has(out[1].text, "#1"));
  CHECK(has(out[1].text, "*******678"));
  CHECK_FALSE(has(out[1].text, "Thương binh"));
  CHECK_FALSE(has(out[1].text, "cạnh nhà văn hoá"));
}

TEST_CASE("dangky: a half-filled form is answered with what is missing and stores no request") {
  test::dispatch_fixture f;
  f.group("admin-1", "/dangky\nHọ tên: Trần Thị Lan\nNăm sinh: 1942", local(2026, 11, 25));
  auto text = f.take_one();
  CHECK(has(text, "Chưa đăng ký được"));
  CHECK(has(text, "Thôn"));
  CHECK(has(text, "Địa chỉ"));
  CHECK(has(text, "Đối tượng"));
  CHECK(has(text, "Thủ tục"));
  CHECK(f.count("requests") == 0);
  CHECK(f.count("citizens") == 0);

  // Answering with just the missing lines completes the registration.
  f.group("admin-1", "Thôn: Tây Sơn\nĐịa chỉ: đội 2\nĐối tượng: cao tuổi\nThủ tục: khai sinh", local(2026, 11, 25, 11));
  text = f.take_one();
  CHECK(has(text, "#1"));
  CHECK(has(text, "Đăng ký khai sinh"));
  CHECK(f.count("requests") == 1);
  CHECK(f.count("drafts") == 0);
}

TEST_CASE("dangky: an unknown procedure is answered with the closest catalog entries") {
  test::dispatch_fixture f;
  f.group("admin-1",
          "/dangky\nHọ tên: Lê Văn Ba; Năm sinh: 1950; Thôn: Đông Hải; Địa chỉ: xóm 1; Đối tượng: khuyết tật; "
          "Thủ tục: chung thuc chu ki",
          local(2026, 11, 25));
  auto text = f.take_one();
  CHECK(has(text, "chung thuc chu ki"));
  CHECK(has(text, "Chứng thực chữ ký (CT-01)"));
  CHECK(f.count("requests") == 0);
}

TEST_CASE("dangky: an unknown village and a bad year are both named, with the unit's villages") {
  test::dispatch_fixture f;
  f.group("admin-1",
          "/dangky\nHọ tên: Lê Văn Ba\nNăm sinh: 19x0\nThôn: Đông Hả\nĐịa chỉ: xóm 1\nĐối tượng: khuyết tật\n"
          "Thủ tục: khai tử\nQuê quán: Hà Nam",
          local(2026, 11, 25));
  auto text = f.take_one();
  CHECK(has(text, "19x0"));
  CHECK(has(text, "Đông Hải"));
  CHECK(has(text, "Quê quán"));
  CHECK(f.count("requests") == 0);
}

TEST_CASE("dangky: registering the same citizen for the same procedure again answers with the open #N") {
  test::dispatch_fixture f;
  f.group("admin-1", test::full_form, local(2026, 11, 25));
  f.take();
  f.group("admin-1", test::full_form, local(2026, 11, 25, 11));
  auto text = f.take_one();
  CHECK(has(text, "#1"));
  CHECK(has(text, "đang được xử lý"));
  CHECK(f.count("requests") == 1);
}

TEST_CASE("dangky: when the Saturday is full the request moves to the next one and says so") {
  test::dispatch_fixture f;  // capacity 3 in the demo unit
  const char* names[] = {"An", "Bình", "Cường", "Dũng"};
  std::string last;
  for (auto* n : names) {
    f.group("admin-1",
            std::string("/dangky\nHọ tên: Phạm Văn ") + n +
                "\nNăm sinh: 1940\nThôn: Bắc Hà\nĐịa chỉ: xóm 4\nĐối tượng: cao tuổi\nThủ tục: BHYT",
            local(2026, 11, 24));
    last = f.take_one();
  }
  CHECK(has(last, "#4"));
  CHECK(has(last, "Thứ Bảy 05/12"));
  CHECK(has(last, "28/11"));  // names the full day
}

TEST_CASE("dispatch: the same update delivered twice gives one reply and one request") {
  test::dispatch_fixture f;
  handlers::incoming_message m;
  m.platform = "zalo";
  m.update_id = "same-id";
  m.chat_id = "group-bg";
  m.is_group = true;
  m.user_id = "admin-1";
  m.text = test::full_form;
  CHECK(f.raw(m, local(2026, 11, 25)) == dispatch_outcome::processed);
  CHECK(f.raw(m, local(2026, 11, 25)) == dispatch_outcome::duplicate);
  CHECK(f.take().size() == 1);
  CHECK(f.count("requests") == 1);
}

TEST_CASE("dispatch: an unknown group is told once that it is not set up, and nothing else happens") {
  test::dispatch_fixture f;
  CHECK(f.group("someone", "/lich", local(2026, 11, 25), "group-other") == dispatch_outcome::unknown_chat);
  auto text = f.take_one();
  CHECK(has(text, "chưa được cài đặt"));
  CHECK(f.group("someone", test::full_form, local(2026, 11, 25), "group-other") == dispatch_outcome::unknown_chat);
  CHECK(f.take().empty());
  CHECK(f.count("requests") == 0);
}

TEST_CASE("dispatch: a mistyped command is answered with the closest command") {
  test::dispatch_fixture f;
  f.group("admin-1", "@Tận Nhà /dangki", local(2026, 11, 25));
  auto text = f.take_one();
  CHECK(has(text, "/dangky"));
}

TEST_CASE("dispatch: a protected sender's unreadable message is answered privately with where to get help") {
  test::dispatch_fixture f;
  handlers::incoming_message m;
  m.platform = "zalo";
  m.update_id = "unsupported-1";
  m.chat_id = "stranger";
  m.user_id = "stranger";
  m.kind = handlers::message_kind::unsupported;
  CHECK(f.raw(m, local(2026, 11, 25)) == dispatch_outcome::processed);
  auto out = f.take();
  REQUIRE(out.size() == 1);
  CHECK(out[0].chat_id == "stranger");
  CHECK(has(out[0].text, "trưởng thôn"));
}

TEST_CASE("dispatch: a stranger may not register, and is told who may and how to join") {
  test::dispatch_fixture f;
  f.group("stranger", test::full_form, local(2026, 11, 25));
  auto text = f.take_one();
  CHECK(has(text, "/dangky"));
  CHECK(has(text, "/thamgia"));
  CHECK(f.count("requests") == 0);
}

TEST_CASE("giup: the overview lists what the role may do, and one command's help has an example") {
  test::dispatch_fixture f;
  f.group("admin-1", "/giúp", local(2026, 11, 25));
  auto text = f.take_one();
  CHECK(has(text, "/dangky"));
  CHECK(has(text, "/vaitro"));
  f.group("stranger", "/giup", local(2026, 11, 25));
  text = f.take_one();
  CHECK(has(text, "/phananh"));
  CHECK_FALSE(has(text, "/vaitro"));
  f.group("stranger", "/giúp đăng ký", local(2026, 11, 25));
  text = f.take_one();
  CHECK(has(text, "Họ tên: Nguyễn Văn Tư"));
}

TEST_CASE("hoso: the full record is shown in private and audited; the group sees a masked summary") {
  test::dispatch_fixture f;
  f.group("admin-1", test::full_form, local(2026, 11, 25));
  f.take();
  f.priv("admin-1", "/hoso #1", local(2026, 11, 25, 11));
  auto text = f.take_one();
  CHECK(has(text, "0912345678"));
  CHECK(has(text, "Thương binh"));
  CHECK(has(text, "Lịch sử"));
  CHECK(f.db().db().execAndGet("SELECT COUNT(*) FROM audit WHERE action = 'view_record'").getInt() == 1);

  f.group("admin-1", "/hoso 1", local(2026, 11, 25, 11));
  text = f.take_one();
  CHECK(has(text, "*******678"));
  CHECK_FALSE(has(text, "Thương binh"));

  f.group("stranger", "/hoso #1", local(2026, 11, 25, 11));
  text = f.take_one();
  CHECK_FALSE(has(text, "Nguyễn Văn Tư"));
  f.group("admin-1", "/hoso #99", local(2026, 11, 25, 11));
  CHECK(has(f.take_one(), "#99"));
}

TEST_CASE("tim: finds a citizen by name without diacritics and by request number") {
  test::dispatch_fixture f;
  f.group("admin-1", test::full_form, local(2026, 11, 25));
  f.take();
  f.group("admin-1", "/tim nguyen van tu", local(2026, 11, 25));
  auto text = f.take_one();
  CHECK(has(text, "#1"));
  CHECK(has(text, "Nguyễn Văn Tư"));
  f.group("admin-1", "/tìm #1", local(2026, 11, 25));
  CHECK(has(f.take_one(), "#1"));
  f.group("admin-1", "/tim hoang", local(2026, 11, 25));
  CHECK(has(f.take_one(), "Không tìm thấy"));
}

TEST_CASE("dispatch: a config leader's display name is learnt from their first message") {
  test::dispatch_fixture f;
  f.group("admin-1", "/giup", local(2026, 11, 25));
  f.take();
  auto name = f.db().db().execAndGet("SELECT display_name FROM members WHERE user_id = 'admin-1'").getString();
  CHECK(name == "Người dùng admin-1");
}

TEST_CASE("dangky: after '/dangky' alone, the form may come line by line in separate messages") {
  test::dispatch_fixture f;
  f.priv("admin-1", "/dangky", local(2026, 11, 25, 9));
  CHECK(has(f.take_one(), "Họ tên:"));
  f.priv("admin-1", "Họ tên: Nguyễn Văn Tư", local(2026, 11, 25, 9, 1));
  CHECK(has(f.take_one(), "Năm sinh"));  // what is still missing
  f.priv("admin-1", "Năm sinh: 1938\nThôn: Đông Hải\nĐịa chỉ: xóm 3", local(2026, 11, 25, 9, 2));
  CHECK(has(f.take_one(), "Đối tượng"));
  CHECK(f.count("requests") == 0);
  f.priv("admin-1", "Đối tượng: thương binh; Thủ tục: chứng thực chữ ký", local(2026, 11, 25, 9, 3));
  auto out = f.take();
  REQUIRE(out.size() == 2);  // the reply, and the announcement in the group
  CHECK(has(out[0].text, "#1"));
  CHECK(f.count("requests") == 1);
}

namespace {

handlers::incoming_message group_message(const std::string& update_id, const std::string& text) {
  handlers::incoming_message m;
  m.platform = "zalo";
  m.update_id = update_id;
  m.chat_id = "group-bg";
  m.is_group = true;
  m.user_id = "admin-1";
  m.user_name = "Lê Thị Hoa";
  m.text = text;
  return m;
}

std::string form_for(const std::string& name) {
  return "/dangky\nHọ tên: " + name +
         "\nNăm sinh: 1940\nThôn: Đông Hải\nĐịa chỉ: xóm 1\nSĐT: 0912 345 678\nĐối tượng: người cao tuổi\n"
         "Thủ tục: chứng thực chữ ký";
}

}  // namespace

TEST_CASE("dispatch: a batch commits every update at once, a redelivery inside it changes nothing") {
  test::dispatch_fixture f;
  auto a = group_message("b1", form_for("Nguyễn Văn Một"));
  auto b = group_message("b2", form_for("Trần Thị Hai"));
  auto again = group_message("b1", form_for("Nguyễn Văn Một"));
  auto typo = group_message("b3", "/dangki");
  const handlers::incoming_message* batch[] = {&a, &b, &again, &typo};
  auto outcomes = f.dispatcher().handle_batch(batch, local(2026, 11, 25, 10));
  REQUIRE(outcomes.size() == 4);
  CHECK(outcomes[0] == dispatch_outcome::processed);
  CHECK(outcomes[1] == dispatch_outcome::processed);
  CHECK(outcomes[2] == dispatch_outcome::duplicate);
  CHECK(outcomes[3] == dispatch_outcome::processed);
  auto sent = f.take();
  CHECK(f.count("requests") == 2);
  CHECK(f.count("processed_updates") == 3);
  // Replies in the order of the updates: #1, #2, then the typo's suggestion.
  std::string all;
  for (const auto& s : sent) all += s.text + "\n---\n";
  auto first = all.find("#1");
  auto second = all.find("#2");
  CHECK(first != std::string::npos);
  CHECK(second != std::string::npos);
  CHECK(first < second);
  REQUIRE(!sent.empty());
  CHECK(sent.back().text.find("/dangky") != std::string::npos);  // the typo's answer comes last
}

TEST_CASE("dispatch: a fault in one update of a batch undoes only that one, which gets the apology") {
  test::dispatch_fixture f;
  // A database-level refusal for one citizen only: the handler's write throws mid-update.
  f.db().db().exec(
      "CREATE TEMP TRIGGER refuse_one BEFORE INSERT ON citizens WHEN NEW.full_name = 'Lê Văn Lỗi' "
      "BEGIN SELECT RAISE(ABORT, 'refused'); END");
  auto a = group_message("f1", form_for("Nguyễn Văn Một"));
  auto bad = group_message("f2", form_for("Lê Văn Lỗi"));
  auto c = group_message("f3", form_for("Trần Thị Ba"));
  const handlers::incoming_message* batch[] = {&a, &bad, &c};
  auto outcomes = f.dispatcher().handle_batch(batch, local(2026, 11, 25, 10));
  REQUIRE(outcomes.size() == 3);
  CHECK(outcomes[0] == dispatch_outcome::processed);
  CHECK(outcomes[1] == dispatch_outcome::failed);
  CHECK(outcomes[2] == dispatch_outcome::processed);
  CHECK(f.count("requests") == 2);
  CHECK(f.count("citizens") == 2);
  CHECK(f.count("processed_updates") == 3);  // the failed one too, so a redelivery does not loop
  auto sent = f.take();
  int apologies = 0;
  for (const auto& s : sent)
    if (s.text.find("gặp sự cố") != std::string::npos) ++apologies;
  CHECK(apologies == 1);
  // The redelivered update is a duplicate, not a second attempt.
  const handlers::incoming_message* again[] = {&bad};
  CHECK(f.dispatcher().handle_batch(again, local(2026, 11, 25, 10, 5)).front() == dispatch_outcome::duplicate);
}

TEST_CASE("dispatch: commands are counted once their update commits; a fault or a redelivery is not counted") {
  test::dispatch_fixture f;
  std::vector<std::string> counted;
  f.dispatcher().on_command([&](std::string_view name) { counted.emplace_back(name); });

  handlers::incoming_message m;
  m.platform = "zalo";
  m.update_id = "once-1";
  m.chat_id = "group-bg";
  m.is_group = true;
  m.user_id = "admin-1";
  m.user_name = "Chủ tịch";
  m.text = "/giup";
  m.date = local(2026, 11, 25, 9);
  CHECK(f.raw(m, local(2026, 11, 25, 9)) == dispatch_outcome::processed);
  CHECK(counted == std::vector<std::string>{"giup"});
  // The platform delivers the same update again: nothing new is counted.
  CHECK(f.raw(m, local(2026, 11, 25, 9)) == dispatch_outcome::duplicate);
  CHECK(counted.size() == 1);

  // A command whose work fails unexpectedly is rolled back (the sender gets an apology): not counted.
  f.db().db().exec("DROP TABLE feedback");
  CHECK(f.group("admin-1", "/phananh đoàn chưa đến", local(2026, 11, 25, 9)) == dispatch_outcome::failed);
  CHECK(counted.size() == 1);
  CHECK(f.group("admin-1", "/lich", local(2026, 11, 25, 9)) == dispatch_outcome::processed);
  CHECK(counted == std::vector<std::string>{"giup", "lich"});
}
