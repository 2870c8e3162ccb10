// Operator commands of the real binary: webhook set|info|delete against the fake platform, and
// the outbox listing and retry on a database with undeliverable messages.
#include <doctest/doctest.h>

#include <fstream>
#include <regex>

#include <nlohmann/json.hpp>

#include "bot/fake_platform.hpp"
#include "storage/database.hpp"
#include "storage/outbox.hpp"
#include "test_ops_process.hpp"

using namespace tannha;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("ops: webhook set sends the URL and the configured secret; info and delete call the platform") {
  test::fake_platform fp;
  fp.start();
  test::temp_dir dir;
  auto cfg = test::write_ops_config(dir, "telegram", fp.base_url());

  auto set = test::run_tannha({"webhook", "set", "--url", "https://bot.example.vn/webhook", "--config", cfg});
  CHECK(set.exit_code == 0);
  auto info = test::run_tannha({"webhook", "info", "--config", cfg});
  CHECK(info.exit_code == 0);
  auto del = test::run_tannha({"webhook", "--config", cfg, "delete"});
  CHECK(del.exit_code == 0);

  auto reqs = fp.requests();
  REQUIRE(reqs.size() == 3);
  CHECK(reqs[0].target == "/botTESTTOKEN/setWebhook");
  auto body = json::parse(reqs[0].body);
  CHECK(body["url"] == "https://bot.example.vn/webhook");
  CHECK(body["secret_token"] == "bi-mat-thu-nghiem");
  CHECK(reqs[1].target == "/botTESTTOKEN/getWebhookInfo");
  CHECK(reqs[2].target == "/botTESTTOKEN/deleteWebhook");
  // The platform's answer is shown; the token and the secret never are.
  CHECK(has(set.output, "setWebhook: HTTP 200"));
  CHECK(has(set.output, "\"ok\": true"));
  for (const auto* out : {&set.output, &info.output, &del.output}) {
    CHECK_FALSE(has(*out, "TESTTOKEN"));
    CHECK_FALSE(has(*out, "bi-mat-thu-nghiem"));
  }

  // A refusal is shown and fails the command.
  fp.fail_next(1, 400, R"({"ok":false,"error_code":400,"description":"Bad Request: bad webhook: HTTPS url must be provided for webhook"})");
  auto bad = test::run_tannha({"webhook", "set", "--url", "http://x/webhook", "--config", cfg});
  CHECK(bad.exit_code == 1);
  CHECK(has(bad.output, "HTTPS url must be provided"));
  CHECK(test::run_tannha({"webhook", "set", "--config", cfg}).exit_code == 2);  // no --url
  CHECK(test::run_tannha({"webhook", "frobnicate", "--config", cfg}).exit_code == 2);
}

TEST_CASE("ops: outbox lists dead and pending messages and an operator retries them") {
  test::temp_dir dir;
  auto cfg = test::write_ops_config(dir, "zalo", "http://127.0.0.1:9");
  {
    storage::database db(dir.file("tannha.db"));
    storage::outbox box(db);
    auto t = domain::instant{std::chrono::seconds{1764000000}};
    auto a = box.enqueue("chat-a", "Hồ sơ #12 đã có kết quả", t);
    auto b = box.enqueue("chat-b", "Lịch đến nhà Thứ Bảy", t);
    box.enqueue("chat-c", "Đang chờ gửi", t);
    box.mark_dead(a, "error 403: Forbidden: bot was blocked by the user", t);
    box.mark_dead(b, "gave up after 8 attempts: error 500", t);
  }
  auto list = test::run_tannha({"outbox", "--config", cfg});
  CHECK(list.exit_code == 0);
  CHECK(has(list.output, "1 pending, 0 sent, 2 dead"));
  CHECK(has(list.output, "#1  dead  chat=chat-a"));
  CHECK(has(list.output, "bot was blocked by the user"));
  CHECK(has(list.output, "#3  pending  chat=chat-c"));
  auto dead_only = test::run_tannha({"outbox", "list", "--state", "dead", "--config", cfg});
  CHECK(has(dead_only.output, "#2  dead"));
  CHECK_FALSE(has(dead_only.output, "#3  pending"));
  CHECK(test::run_tannha({"outbox", "--state", "lost", "--config", cfg}).exit_code == 2);

  auto one = test::run_tannha({"outbox", "retry", "1", "--config", cfg});
  CHECK(one.exit_code == 0);
  CHECK(has(one.output, "1 message(s) put back"));
  CHECK(test::run_tannha({"outbox", "retry", "3", "--config", cfg}).exit_code == 1);  // pending, not dead
  CHECK(test::run_tannha({"outbox", "retry", "--config", cfg}).exit_code == 2);       // neither ID nor --all
  auto all = test::run_tannha({"outbox", "retry", "--all", "--config", cfg});
  CHECK(has(all.output, "1 message(s) put back"));
  {
    storage::database db(dir.file("tannha.db"));
    storage::outbox box(db);
    CHECK(box.dead_count() == 0);
    CHECK(box.pending_count() == 3);
    CHECK(box.get(1)->attempts == 0);
  }
}

TEST_CASE("ops: run-jobs refuses a future --at while a server uses the database, unless --force") {
  test::temp_dir dir;
  auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  const auto future = domain::iso_instant(domain::instant{now.time_since_epoch()} + std::chrono::hours(48));
  const auto present = domain::iso_instant(domain::instant{now.time_since_epoch()});
  {
    test::service_process srv(dir, "serve", test::ops_config("zalo", "http://127.0.0.1:9"));
    auto refused = test::run_tannha({"run-jobs", "--config", srv.config_path(), "--at", future});
    CHECK(refused.exit_code == 2);
    CHECK(has(refused.output, "running server uses this database"));
    CHECK(has(refused.output, "--force"));
    // The present is fine, and --force overrides.
    CHECK(test::run_tannha({"run-jobs", "--config", srv.config_path(), "--at", present}).exit_code == 0);
    CHECK(test::run_tannha({"run-jobs", "--config", srv.config_path(), "--at", future, "--force"}).exit_code == 0);
    srv.stop();
  }
  // No server: the operator may prepare a database with a future run.
  auto cfg = dir.file("config.toml");
  CHECK(test::run_tannha({"run-jobs", "--config", cfg, "--at", future}).exit_code == 0);
}

TEST_CASE("ops: a server killed with -9 leaves no stale lock: run-jobs --at a future time runs afterwards") {
  test::temp_dir dir;
  auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  const auto future = domain::iso_instant(domain::instant{now.time_since_epoch()} + std::chrono::hours(48));
  test::service_process srv(dir, "serve", test::ops_config("zalo", "http://127.0.0.1:9"));
  CHECK(test::run_tannha({"run-jobs", "--config", srv.config_path(), "--at", future}).exit_code == 2);
  srv.kill9();
  CHECK(test::run_tannha({"run-jobs", "--config", srv.config_path(), "--at", future}).exit_code == 0);
}
