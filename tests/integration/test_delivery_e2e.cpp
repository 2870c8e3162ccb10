// The real binary against a fake platform that refuses, then accepts: delivery survives a
// restart; /metrics and the log tell an operator what happened, without personal data.
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
const std::string group = "a1b2c3d4e5f60718293a";
const std::string leader = "6ede9afa66b88fe6d6a9";

std::string zalo_text(const std::string& message_id, const std::string& text) {
  return json{{"event_name", "message.text.received"},
              {"message",
               {{"from", {{"id", leader}, {"display_name", "Lê Thị Hoa"}, {"is_bot", false}}},
                {"chat", {{"id", group}, {"chat_type", "GROUP"}}},
                {"text", text},
                {"message_id", message_id},
                {"date", 1764377131999LL}}}}
      .dump();
}

int post(unsigned short port, const std::string& body) {
  return test::http_call(port, "POST", "/webhook", body, {{"X-Bot-Api-Secret-Token", secret}}).status;
}

int scalar(const std::string& db_path, const std::string& sql) {
  SQLite::Database db(db_path, SQLite::OPEN_READONLY);
  return db.execAndGet(sql).getInt();
}

const char* form =
    "@Tận Nhà /dangky\nHọ tên: Nguyễn Văn Tư\nNăm sinh: 1938\nThôn: Đông Hải\nĐịa chỉ: xóm 3, cạnh nhà văn hoá\n"
    "SĐT: 0912 345 678\nĐối tượng: thương binh\nThủ tục: chứng thực chữ ký";

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("e2e delivery: a reply queued before a stop is sent after the restart") {
  test::fake_platform fp;
  fp.start();
  fp.fail_chat(group, 500, "down for maintenance");
  test::temp_dir dir;
  {
    test::service_process srv(dir, "serve", test::ops_config("zalo", fp.base_url()),
                              {"--clock", "2026-11-25T10:00:00+07:00"});
    CHECK(post(srv.port(), zalo_text("r-1", form)) == 200);
    REQUIRE(fp.wait_for_requests(2, 5s));  // tried, refused, tried again
    CHECK(srv.stop() == 0);
  }
  auto db_path = dir.file("tannha.db");
  CHECK(scalar(db_path, "SELECT COUNT(*) FROM outbox WHERE state = 'pending'") == 1);
  CHECK(scalar(db_path, "SELECT MAX(attempts) FROM outbox") >= 2);

  fp.clear();  // the platform is back
  test::service_process again(dir, "serve", test::ops_config("zalo", fp.base_url()),
                              {"--clock", "2026-11-25T10:05:00+07:00"});
  REQUIRE(fp.wait_for_requests(1, 10s));
  auto r = fp.requests().at(0);
  CHECK(r.chat_id() == group);
  CHECK(has(r.text(), "#1"));
  std::this_thread::sleep_for(300ms);
  CHECK(fp.request_count() == 1);
  CHECK(scalar(db_path, "SELECT COUNT(*) FROM outbox WHERE state = 'sent'") == 1);
  CHECK(scalar(db_path, "SELECT COUNT(*) FROM requests") == 1);  // the update was not replayed
}

TEST_CASE("e2e delivery: /metrics counts updates, commands and sends; the log has one line each and no personal data") {
  test::fake_platform fp;
  fp.start();
  test::temp_dir dir;
  test::service_process srv(dir, "serve", test::ops_config("zalo", fp.base_url()),
                            {"--clock", "2026-11-25T10:00:00+07:00"});
  CHECK(post(srv.port(), zalo_text("o-1", form)) == 200);
  CHECK(post(srv.port(), zalo_text("o-1", form)) == 200);  // a redelivery
  CHECK(post(srv.port(), zalo_text("o-2", "@Tận Nhà /lich")) == 200);
  CHECK(test::http_call(srv.port(), "POST", "/webhook", "{}", {{"X-Bot-Api-Secret-Token", "guess"}}).status == 401);
  REQUIRE(fp.wait_for_requests(2, 5s));
  std::this_thread::sleep_for(300ms);

  auto m = test::http_call(srv.port(), "GET", "/metrics").body;
  CHECK(has(m, "tannha_updates_total{result=\"processed\"} 2"));
  CHECK(has(m, "tannha_updates_total{result=\"duplicate\"} 1"));
  CHECK(has(m, "tannha_updates_total{result=\"unauthorized\"} 1"));
  CHECK(has(m, "tannha_commands_total{name=\"dangky\"} 1"));
  CHECK(has(m, "tannha_commands_total{name=\"lich\"} 1"));
  CHECK(has(m, "tannha_outbox_sent_total 2"));
  CHECK(has(m, "tannha_send_seconds_count 2"));
  CHECK(has(m, "tannha_send_seconds_bucket{le=\"+Inf\"} 2"));
  CHECK(has(m, "tannha_outbox_pending 0"));
  CHECK(has(m, "tannha_outbox_dead 0"));
  CHECK(has(m, "# TYPE tannha_scheduler_runs_total counter"));

  srv.stop();
  auto log = srv.log();
  std::size_t updates = 0, sends = 0;
  for (std::size_t at = log.find("event=update "); at != std::string::npos; at = log.find("event=update ", at + 1)) ++updates;
  for (std::size_t at = log.find("event=send "); at != std::string::npos; at = log.find("event=send ", at + 1)) ++sends;
  CHECK(updates == 4);  // two processed, one duplicate, one unauthorized
  CHECK(sends == 2);
  for (auto secret_part : {secret, std::string("guess"), std::string("Nguyễn"), std::string("0912"),
                           std::string("345 678"), std::string("Lê Thị Hoa"), std::string("xóm 3"),
                           std::string("TESTTOKEN")}) {
    CAPTURE(secret_part);
    CHECK_FALSE(has(log, secret_part));
  }
}
