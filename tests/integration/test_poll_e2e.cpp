// `tannha poll` end to end: the real binary long-polls the fake platform (Zalo and Telegram),
// answers through the relay, and processes no update twice — not even across a restart.
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

int scalar(const std::string& db_path, const std::string& sql) {
  SQLite::Database db(db_path, SQLite::OPEN_READONLY);
  return db.execAndGet(sql).getInt();
}

std::string zalo_group(const std::string& message_id, const std::string& text) {
  return json{{"event_name", "message.text.received"},
              {"message",
               {{"from", {{"id", "6ede9afa66b88fe6d6a9"}, {"display_name", "Hoa"}}},
                {"chat", {{"id", "a1b2c3d4e5f60718293a"}, {"chat_type", "GROUP"}}},
                {"text", text},
                {"message_id", message_id},
                {"date", 1764377131999LL}}}}
      .dump();
}

std::string telegram_group(std::int64_t update_id, const std::string& text) {
  auto j = json::parse(test::fixture("telegram_group_command.json"));
  j["update_id"] = update_id;
  j["message"]["message_id"] = update_id;
  j["message"]["text"] = text;
  return j.dump();
}

}  // namespace

TEST_CASE("e2e poll zalo: updates come one per call, a redelivered one is answered once") {
  test::fake_platform fp;
  fp.start();
  fp.set_poll_hold(200ms);
  fp.push_update(zalo_group("p-1", "@Tận Nhà /lich"));
  fp.push_update(zalo_group("p-1", "@Tận Nhà /lich"));  // delivered twice
  fp.push_update(zalo_group("p-2", "@Tận Nhà /giup"));
  test::temp_dir dir;
  test::service_process srv(dir, "poll", test::ops_config("zalo", fp.base_url()));
  REQUIRE(fp.wait_for_requests(2, 10s));
  std::this_thread::sleep_for(700ms);
  CHECK(fp.request_count() == 2);
  CHECK(fp.updates_waiting() == 0);
  auto polls = fp.poll_calls();
  REQUIRE(polls.size() >= 4);
  CHECK(polls[0].target == "/botTESTTOKEN/getUpdates");
  CHECK(json::parse(polls[0].body) == json{{"timeout", 30}});
  bool saw_408 = false;
  for (const auto& p : polls) saw_408 = saw_408 || p.answered_status == 408;
  CHECK(saw_408);
  // /healthz and /metrics are served in poll mode too.
  CHECK(test::http_call(srv.port(), "GET", "/healthz").status == 200);
  CHECK(test::http_call(srv.port(), "GET", "/metrics").body.find("tannha_poll_requests_total{result=\"updates\"} 3") !=
        std::string::npos);
  CHECK(srv.stop() == 0);
  CHECK(scalar(srv.db_path(), "SELECT COUNT(*) FROM processed_updates") == 2);
}

TEST_CASE("e2e poll telegram: the offset is kept, so a restart reads nothing twice") {
  test::fake_platform fp;
  fp.start();
  fp.serve_updates_telegram_style();
  fp.set_poll_hold(200ms);
  fp.push_update(telegram_group(500, "/lich@TanNhaBot"));
  fp.push_update(telegram_group(501, "/giup@TanNhaBot"));
  test::temp_dir dir;
  {
    test::service_process srv(dir, "poll", test::ops_config("telegram", fp.base_url()));
    REQUIRE(fp.wait_for_requests(2, 10s));
    // Wait until the platform has seen the confirmation (a call with offset 502).
    auto deadline = std::chrono::steady_clock::now() + 5s;
    while (fp.updates_waiting() > 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(20ms);
    CHECK(srv.stop() == 0);
  }
  auto db_path = dir.file("tannha.db");
  CHECK(scalar(db_path, "SELECT next_offset FROM poll_state WHERE platform = 'telegram'") == 502);
  CHECK(scalar(db_path, "SELECT COUNT(*) FROM processed_updates") == 2);

  auto before = fp.poll_calls().size();
  fp.push_update(telegram_group(502, "/lich@TanNhaBot"));
  test::service_process again(dir, "poll", test::ops_config("telegram", fp.base_url()));
  REQUIRE(fp.wait_for_requests(3, 10s));
  auto polls = fp.poll_calls();
  REQUIRE(polls.size() > before);
  CHECK(json::parse(polls[before].body).value("offset", 0) == 502);  // asked from where it left off
  std::this_thread::sleep_for(500ms);
  CHECK(fp.request_count() == 3);
  for (const auto& r : fp.requests()) CHECK(r.chat_id() == "-1001234567890");
  CHECK(again.stop() == 0);
  CHECK(scalar(db_path, "SELECT COUNT(*) FROM processed_updates") == 3);
}
