// The real `tannha serve` on loopback, a fake Zalo/Telegram Bot API on loopback, real SQLite
// on disk: what a platform and the people in the group would see.
#include <doctest/doctest.h>

#include <SQLiteCpp/Database.h>
#include <nlohmann/json.hpp>

#include "bot/fake_platform.hpp"
#include "server_process.hpp"
#include "test_ops_process.hpp"

using namespace tannha;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

const std::string secret = "bi-mat-thu-nghiem";
const std::string zalo_header = "X-Bot-Api-Secret-Token";
const std::string telegram_header = "X-Telegram-Bot-Api-Secret-Token";

// The operations tests' config (test_ops_process.hpp): both units, quick relay settings.
std::string config_for(const std::string& kind, const test::fake_platform& fp) {
  return test::ops_config(kind, fp.base_url());
}

// A Zalo top-level text delivery.
std::string zalo_text(const std::string& message_id, const std::string& chat, bool group, const std::string& user,
                      const std::string& text) {
  json j = {{"event_name", "message.text.received"},
            {"message",
             {{"from", {{"id", user}, {"display_name", "Lê Thị Hoa"}, {"is_bot", false}}},
              {"chat", {{"id", chat}, {"chat_type", group ? "GROUP" : "PRIVATE"}}},
              {"text", text},
              {"message_id", message_id},
              {"date", 1764377131999LL}}}};
  return j.dump();
}

test::http_answer post(const test::server_process& srv, const std::string& body,
                       const std::string& header = zalo_header, const std::string& value = secret) {
  std::map<std::string, std::string> h;
  if (!header.empty()) h[header] = value;
  return test::http_call(srv.port(), "POST", "/webhook", body, h);
}

int count_rows(const test::server_process& srv, const std::string& table) {
  SQLite::Database db(srv.db_path(), SQLite::OPEN_READONLY);
  return db.execAndGet("SELECT COUNT(*) FROM " + table).getInt();
}

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

const char* form =
    "@Tận Nhà /dangky\nHọ tên: Nguyễn Văn Tư\nNăm sinh: 1938\nThôn: Đông Hải\nĐịa chỉ: xóm 3, cạnh nhà văn hoá\n"
    "SĐT: 0912 345 678\nĐối tượng: thương binh\nThủ tục: chứng thực chữ ký";

}  // namespace

TEST_CASE("e2e zalo: a registration in the group is answered in the group with #1, phone masked") {
  test::fake_platform fp;
  fp.start();
  test::temp_dir dir;
  test::server_process srv(dir, config_for("zalo", fp), {"--clock", "2026-11-25T10:00:00+07:00"});

  auto a = post(srv, zalo_text("m-1", "a1b2c3d4e5f60718293a", true, "6ede9afa66b88fe6d6a9", form));
  CHECK(a.status == 200);
  REQUIRE(fp.wait_for_requests(1, 5s));
  auto r = fp.requests().at(0);
  CHECK(r.target == "/botTESTTOKEN/sendMessage");
  CHECK(r.chat_id() == "a1b2c3d4e5f60718293a");
  CHECK(has(r.text(), "#1"));
  CHECK(has(r.text(), "Thứ Bảy 28/11"));
  CHECK(has(r.text(), "*******678"));
  CHECK_FALSE(has(r.text(), "345 678"));
  CHECK(count_rows(srv, "requests") == 1);
  CHECK(srv.stop() == 0);  // SIGTERM: a clean exit
}

TEST_CASE("e2e zalo: a private registration answers the sender and announces it in the group") {
  test::fake_platform fp;
  fp.start();
  test::temp_dir dir;
  test::server_process srv(dir, config_for("zalo", fp), {"--clock", "2026-11-25T10:00:00+07:00"});
  auto a = post(srv, test::fixture("zalo_private_register.json"));
  CHECK(a.status == 200);
  REQUIRE(fp.wait_for_requests(2, 5s));
  // The two chats are sent to in parallel, so their order is not fixed.
  auto to_sender = fp.requests_to("9c1d2e3f4a5b6c7d8e9f");
  auto to_group = fp.requests_to("a1b2c3d4e5f60718293a");
  REQUIRE(to_sender.size() == 1);
  REQUIRE(to_group.size() == 1);
  CHECK(has(to_sender[0].text(), "0912345678"));
  CHECK(has(to_group[0].text(), "#1"));
  CHECK(has(to_group[0].text(), "*******678"));
  CHECK_FALSE(has(to_group[0].text(), "hương binh"));
}

TEST_CASE("e2e zalo: a typo gets a suggestion; a half-filled form gets what is missing and stores nothing") {
  test::fake_platform fp;
  fp.start();
  test::temp_dir dir;
  test::server_process srv(dir, config_for("zalo", fp));
  CHECK(post(srv, zalo_text("t-1", "a1b2c3d4e5f60718293a", true, "6ede9afa66b88fe6d6a9", "@Tận Nhà /dangki")).status ==
        200);
  REQUIRE(fp.wait_for_requests(1, 5s));
  CHECK(has(fp.requests()[0].text(), "/dangky"));

  CHECK(post(srv, zalo_text("t-2", "a1b2c3d4e5f60718293a", true, "6ede9afa66b88fe6d6a9",
                            "@Tận Nhà /dangky\nHọ tên: Trần Văn Bảy\nThủ tục: khai sinh"))
            .status == 200);
  REQUIRE(fp.wait_for_requests(2, 5s));
  auto text = fp.requests()[1].text();
  CHECK(has(text, "Năm sinh"));
  CHECK(has(text, "Thôn"));
  CHECK(has(text, "Địa chỉ"));
  CHECK(count_rows(srv, "requests") == 0);
  CHECK(count_rows(srv, "citizens") == 0);
}

TEST_CASE("e2e: wrong or missing secret is 401, malformed 400, oversized 413, and nothing is stored") {
  test::fake_platform fp;
  fp.start();
  test::temp_dir dir;
  test::server_process srv(dir, config_for("zalo", fp));
  auto body = zalo_text("s-1", "a1b2c3d4e5f60718293a", true, "6ede9afa66b88fe6d6a9", form);
  CHECK(post(srv, body, zalo_header, "wrong").status == 401);
  CHECK(post(srv, body, "", "").status == 401);
  CHECK(post(srv, "{not json").status == 400);
  CHECK(post(srv, "[1,2,3]").status == 400);
  CHECK(post(srv, std::string(70 * 1024, 'x')).status == 413);
  CHECK(test::http_call(srv.port(), "GET", "/healthz").status == 200);
  auto metrics = test::http_call(srv.port(), "GET", "/metrics");
  CHECK(metrics.status == 200);
  CHECK(has(metrics.body, "updates_total"));
  std::this_thread::sleep_for(200ms);
  CHECK(fp.request_count() == 0);
  CHECK(count_rows(srv, "processed_updates") == 0);
}

TEST_CASE("e2e: the same update delivered twice gives one reply; an unknown group is told once") {
  test::fake_platform fp;
  fp.start();
  test::temp_dir dir;
  test::server_process srv(dir, config_for("zalo", fp));
  auto body = zalo_text("d-1", "a1b2c3d4e5f60718293a", true, "6ede9afa66b88fe6d6a9", form);
  CHECK(post(srv, body).status == 200);
  CHECK(post(srv, body).status == 200);
  REQUIRE(fp.wait_for_requests(1, 5s));
  std::this_thread::sleep_for(500ms);
  CHECK(fp.request_count() == 1);
  CHECK(count_rows(srv, "requests") == 1);

  fp.clear();
  CHECK(post(srv, zalo_text("d-2", "other-group", true, "someone", "@Tận Nhà /lich")).status == 200);
  CHECK(post(srv, zalo_text("d-3", "other-group", true, "someone", form)).status == 200);
  REQUIRE(fp.wait_for_requests(1, 5s));
  std::this_thread::sleep_for(500ms);
  auto reqs = fp.requests();
  CHECK(reqs.size() == 1);
  CHECK(reqs[0].chat_id() == "other-group");
  CHECK(has(reqs[0].text(), "chưa được cài đặt"));
  CHECK(count_rows(srv, "requests") == 1);
}

TEST_CASE("e2e zalo: every update fixture is accepted, and an unsupported sender is answered privately") {
  test::fake_platform fp;
  fp.start();
  test::temp_dir dir;
  test::server_process srv(dir, config_for("zalo", fp));
  for (auto name : {"zalo_group_text_toplevel.json", "zalo_group_text_wrapped.json", "zalo_image.json"}) {
    CAPTURE(name);
    CHECK(post(srv, test::fixture(name)).status == 200);
  }
  CHECK(post(srv, test::fixture("zalo_unsupported.json")).status == 200);
  // The two group commands and the unsupported sender; the image in the group is not answered.
  REQUIRE(fp.wait_for_requests(3, 5s));
  bool told_privately = false;
  for (const auto& r : fp.requests())
    if (r.chat_id() == "0f0e0d0c0b0a09080706" && has(r.text(), "trưởng thôn")) told_privately = true;
  CHECK(told_privately);
}

TEST_CASE("e2e zalo: images, stickers, voice, a bot's message and mentions, over the real webhook") {
  test::fake_platform fp;
  fp.start();
  test::temp_dir dir;
  test::server_process srv(dir, config_for("zalo", fp), {"--clock", "2026-11-25T10:00:00+07:00"});
  const std::string group = "a1b2c3d4e5f60718293a";
  const std::string nam = "9c1d2e3f4a5b6c7d8e9f";  // a leader of the unit, writing privately

  // In the group: an image (older "photo" field) and a bot's own post get nothing.
  CHECK(post(srv, test::fixture("zalo_image.json")).status == 200);
  CHECK(post(srv, test::fixture("zalo_from_bot.json")).status == 200);
  // In private: an image (photo_url), a sticker and a voice message (wrapped) get one reply each.
  for (auto name : {"zalo_image_photo_url.json", "zalo_sticker.json", "zalo_voice.json"}) {
    CAPTURE(name);
    CHECK(post(srv, test::fixture(name)).status == 200);
  }
  REQUIRE(fp.wait_for_requests(3, 5s));
  auto to_nam = fp.requests_to(nam);
  REQUIRE(to_nam.size() == 3);
  for (const auto& r : to_nam) CHECK(has(r.text(), "chỉ đọc được tin nhắn chữ"));

  // A mention glued to the command runs it; free text after a mention gets one pointer an hour.
  fp.clear();
  CHECK(post(srv, zalo_text("g-1", group, true, "6ede9afa66b88fe6d6a9", "@TậnNhà/giup")).status == 200);
  REQUIRE(fp.wait_for_requests(1, 5s));
  CHECK(has(fp.requests()[0].text(), "/dangky"));
  CHECK(post(srv, zalo_text("g-2", group, true, "6ede9afa66b88fe6d6a9", "@tan nha cho hỏi")).status == 200);
  CHECK(post(srv, zalo_text("g-3", group, true, "6ede9afa66b88fe6d6a9", "@Tận Nhà cho hỏi lần nữa")).status == 200);
  REQUIRE(fp.wait_for_requests(2, 5s));
  std::this_thread::sleep_for(500ms);
  auto reqs = fp.requests();
  REQUIRE(reqs.size() == 2);
  CHECK(reqs[1].chat_id() == group);
  CHECK(has(reqs[1].text(), "/giup"));
  CHECK(count_rows(srv, "group_hints") == 1);
  CHECK(count_rows(srv, "processed_updates") == 7);  // every delivery but the bot's (dropped when read), once
  CHECK(srv.stop() == 0);
}

TEST_CASE("e2e telegram: a group command with @BotName is answered in the group, chat id as a number") {
  test::fake_platform fp;
  fp.start();
  test::temp_dir dir;
  test::server_process srv(dir, config_for("telegram", fp));
  json update = json::parse(test::fixture("telegram_group_command.json"));
  update["message"]["text"] = "/giup@TanNhaBot";
  CHECK(post(srv, update.dump(), telegram_header).status == 200);
  CHECK(post(srv, update.dump(), zalo_header).status == 401);  // Telegram's header only
  REQUIRE(fp.wait_for_requests(1, 5s));
  auto r = fp.requests()[0];
  CHECK(r.chat_id() == "-1001234567890");
  CHECK(r.chat_id_is_number());
  CHECK(has(r.text(), "/dangky"));

  // A Telegram registration in the group, one line with ';'.
  update["update_id"] = 10050;
  update["message"]["text"] =
      "/dangky Họ tên: Đỗ Thị Mai; Năm sinh: 1945; Thôn: Tổ dân phố 2; Địa chỉ: số 4 ngõ 7; Đối tượng: neo đơn; "
      "Thủ tục: BHYT";
  CHECK(post(srv, update.dump(), telegram_header).status == 200);
  REQUIRE(fp.wait_for_requests(2, 5s));
  CHECK(has(fp.requests()[1].text(), "#1"));
}

TEST_CASE("e2e zalo: the name getMe reports is a mention too: \"@<that name> /lich\" in the group is answered") {
  test::fake_platform fp;
  // The platform calls the bot otherwise than the config's bot_name ("Tận Nhà", the default).
  fp.set_me({{"id", "1c2b3a4d5e6f70819203"}, {"account_name", "trolyxa_bot"}, {"display_name", "Trợ lý Xã"}});
  fp.start();
  test::temp_dir dir;
  test::server_process srv(dir, config_for("zalo", fp), {"--clock", "2026-11-25T10:00:00+07:00"});
  REQUIRE(fp.wait_for_me_calls(1, 5s));
  // Learnt once the answer is read: the log says so (never blocking start-up, which came first).
  for (int i = 0; i < 100 && !has(srv.log(), "event=bot_names"); ++i) std::this_thread::sleep_for(50ms);
  REQUIRE(has(srv.log(), "event=bot_names"));
  CHECK(has(srv.log(), "Trợ lý Xã"));

  const std::string group = "a1b2c3d4e5f60718293a";
  CHECK(post(srv, zalo_text("m-1", group, true, "6ede9afa66b88fe6d6a9", "@Trợ lý Xã /lich")).status == 200);
  CHECK(post(srv, zalo_text("m-2", group, true, "6ede9afa66b88fe6d6a9", "@tro ly xa/lich tuan sau")).status == 200);
  REQUIRE(fp.wait_for_requests(2, 5s));
  auto to_group = fp.requests_to(group);
  REQUIRE(to_group.size() == 2);
  for (const auto& r : to_group) {
    CAPTURE(r.text());
    CHECK(r.target == "/botTESTTOKEN/sendMessage");
    CHECK(has(r.text(), "Xã Bình Giang"));         // the schedule of the unit, not a pointer to /giup
    CHECK_FALSE(has(r.text(), "/giup"));
  }
  CHECK(fp.me_calls() == 1);  // asked once
  CHECK(srv.stop() == 0);
}
