// Setting up without ids, end to end with the real binary (issue 12): `tannha init
// --non-interactive` writes a config that `serve` accepts; `serve` prints a one-time code that
// claims the unit by /batdau; /ketnoi connects the group; /id answers in a group no unit uses;
// `tannha claim` and `tannha doctor` against the fake platform.
#include <doctest/doctest.h>

#include <SQLiteCpp/Database.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <regex>
#include <sstream>

#include "bot/config.hpp"
#include "bot/fake_platform.hpp"
#include "server_process.hpp"
#include "test_ops_process.hpp"

using namespace tannha;
using namespace std::chrono_literals;
using nlohmann::json;

// A named namespace: test binaries are unity builds, and other files have helpers of these names.
namespace setup_e2e_tests {
namespace {

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

std::string zalo_text(const std::string& message_id, const std::string& chat, bool group, const std::string& user,
                      const std::string& text) {
  return json{{"event_name", "message.text.received"},
              {"message",
               {{"from", {{"id", user}, {"display_name", "Lê Thị Hoa"}, {"is_bot", false}}},
                {"chat", {{"id", chat}, {"chat_type", group ? "GROUP" : "PRIVATE"}}},
                {"text", text},
                {"message_id", message_id},
                {"date", 1764377131999LL}}}}
      .dump();
}

// Waits until the fake platform received more than `seen` messages to `chat`; returns the
// newest one's text ("" on timeout). Sends to one chat are paced (1 a second by default).
std::string wait_text_to(const test::fake_platform& fp, const std::string& chat, std::size_t seen = 0) {
  for (int i = 0; i < 300; ++i) {
    auto reqs = fp.requests_to(chat);
    if (reqs.size() > seen) return reqs.back().text();
    std::this_thread::sleep_for(50ms);
  }
  return "";
}

std::vector<std::string> init_args(const test::fake_platform& fp, const std::string& out) {
  return {"init", "--non-interactive", "--platform", "zalo", "--token", "TESTTOKEN", "--api-base", fp.base_url(),
          "--unit-name", "Xã Bình Giang", "--villages", "Đông Hải, Tây Sơn , Bắc Hà", "--visit-day", "T7",
          "--visit-time", "8:30", "--listen", "127.0.0.1:0", "--out", out};
}

}  // namespace

TEST_CASE("e2e setup: init writes a config serve accepts; its code claims the unit; /ketnoi connects the group") {
  test::fake_platform fp;
  fp.get_me_among_requests();  // init checks the token with getMe: asserted below
  fp.start();
  test::temp_dir dir;
  const auto path = dir.file("tannha.toml");
  auto init = test::run_tannha(init_args(fp, path));
  INFO(init.output);
  REQUIRE(init.exit_code == 0);
  CHECK(has(init.output, "Token hợp lệ"));
  REQUIRE_FALSE(fp.requests().empty());
  CHECK(fp.requests().front().target == "/botTESTTOKEN/getMe");

  auto cfg = bot::load_config(path);
  REQUIRE(cfg);
  REQUIRE(cfg->units.size() == 1);
  CHECK(cfg->units[0].id == "xa-binh-giang");
  CHECK(cfg->units[0].name == "Xã Bình Giang");
  CHECK(cfg->units[0].villages == std::vector<std::string>{"Đông Hải", "Tây Sơn", "Bắc Hà"});
  CHECK(cfg->units[0].schedule.visit_time == std::chrono::minutes{8 * 60 + 30});
  CHECK(cfg->units[0].chat_id.empty());
  CHECK(cfg->units[0].admins.empty());
  CHECK(cfg->storage.path == dir.file("tannha.db"));
  CHECK(cfg->platform.webhook_secret.size() >= 32);

  // An existing file is kept unless --force.
  auto again = test::run_tannha(init_args(fp, path));
  CHECK(again.exit_code == 1);
  CHECK(has(again.output, "--force"));
  auto forced_args = init_args(fp, path);
  forced_args.push_back("--force");
  CHECK(test::run_tannha(forced_args).exit_code == 0);
  cfg = bot::load_config(path);
  REQUIRE(cfg);
  fp.clear();

  // serve accepts it and prints the unit's code (not in the structured log).
  test::service_process srv(dir, "serve", test::read_file(path));
  std::smatch m;
  const auto log = srv.log();
  static const std::regex code_re("Mã khởi tạo cho Xã Bình Giang \\(xa-binh-giang\\): ([A-Z0-9]{10})");
  REQUIRE(std::regex_search(log, m, code_re));
  const std::string code = m[1];
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);)
    if (has(line, "event=")) CHECK_FALSE(has(line, code));

  auto post = [&](const std::string& body) {
    return test::http_call(srv.port(), "POST", "/webhook", body, {{"X-Bot-Api-Secret-Token", cfg->platform.webhook_secret}});
  };
  // Sent privately, the code makes the sender the unit's first leader.
  CHECK(post(zalo_text("m-1", "lead-1", false, "lead-1", "/batdau " + code)).status == 200);
  CHECK(has(wait_text_to(fp, "lead-1"), "lãnh đạo đầu tiên của Xã Bình Giang"));
  // The group: /id first, then /ketnoi.
  CHECK(post(zalo_text("m-2", "grp-1", true, "u-9", "@Tận Nhà /id")).status == 200);
  auto id_text = wait_text_to(fp, "grp-1");
  CHECK(has(id_text, "chat id): grp-1"));
  CHECK(has(id_text, "user id): u-9"));
  CHECK(post(zalo_text("m-3", "grp-1", true, "u-9", "@Tận Nhà /ketnoi")).status == 200);
  CHECK(has(wait_text_to(fp, "grp-1", 1), "chỉ dành cho lãnh đạo"));
  CHECK(post(zalo_text("m-4", "grp-1", true, "lead-1", "@Tận Nhà /ketnoi")).status == 200);
  CHECK(has(wait_text_to(fp, "grp-1", 2), "Đã kết nối"));
  // Served as the unit's group from now on.
  CHECK(post(zalo_text("m-5", "grp-1", true, "lead-1", "@Tận Nhà /thanhvien")).status == 200);
  CHECK(has(wait_text_to(fp, "grp-1", 3), "Thành viên Xã Bình Giang"));
  CHECK(srv.stop() == 0);

  SQLite::Database db(srv.db_path(), SQLite::OPEN_READONLY);
  CHECK(db.execAndGet("SELECT chat_id FROM units WHERE id = 'xa-binh-giang'").getString() == "grp-1");
  CHECK(db.execAndGet("SELECT COUNT(*) FROM audit WHERE action IN ('claim', 'group_connected')").getInt() == 2);
}

TEST_CASE("e2e claim: a new code for a unit without a leader, none for one that has one") {
  test::temp_dir dir;
  auto text = std::regex_replace(test::ops_config("console", "http://127.0.0.1:9"), std::regex("@DB@"), dir.file("t.db"));
  text = std::regex_replace(text, std::regex("admins = \\[\"111\"\\]\n"), "");
  const auto path = dir.file("config.toml");
  std::ofstream(path) << text;
  auto all = test::run_tannha({"claim", "--config", path});
  CHECK(all.exit_code == 0);
  CHECK(has(all.output, "Mã khởi tạo cho Phường Thành Đông (thanhdong): "));
  CHECK_FALSE(has(all.output, "binhgiang"));
  auto first = test::run_tannha({"claim", "--config", path, "--unit", "thanhdong"});
  CHECK(first.exit_code == 0);
  CHECK(first.output != all.output);  // a new code
  auto led = test::run_tannha({"claim", "--config", path, "--unit", "binhgiang"});
  CHECK(led.exit_code == 1);
  CHECK(has(led.output, "đã có lãnh đạo"));
  CHECK(test::run_tannha({"claim", "--config", path, "--unit", "nowhere"}).exit_code == 2);
  SQLite::Database db(dir.file("t.db"), SQLite::OPEN_READONLY);
  CHECK(db.execAndGet("SELECT COUNT(*) FROM claims").getInt() == 1);
}

TEST_CASE("e2e doctor: a token refused by getMe is a FAIL line and exit 1; a sound setup exits 0") {
  test::fake_platform fp;
  fp.get_me_among_requests();  // the refusal below is scripted for doctor's getMe
  fp.start();
  test::temp_dir dir;
  auto text = std::regex_replace(test::ops_config("zalo", fp.base_url()), std::regex("@DB@"), dir.file("t.db"));
  const auto path = dir.file("config.toml");
  std::ofstream(path) << text;
  REQUIRE(test::run_tannha({"migrate", "--config", path}).exit_code == 0);

  fp.fail_next(1, 401, test::fake_platform::error_body(401, "Unauthorized"));
  auto bad = test::run_tannha({"doctor", "--config", path});
  INFO(bad.output);
  CHECK(bad.exit_code == 1);
  CHECK(has(bad.output, "FAIL  token: nền tảng từ chối token (HTTP 401)"));
  CHECK(has(bad.output, "OK    cấu hình"));
  CHECK(has(bad.output, "OK    kết nối ra ngoài"));

  auto good = test::run_tannha({"doctor", "--config", path});
  INFO(good.output);
  CHECK(good.exit_code == 0);
  CHECK(has(good.output, "OK    token: hợp lệ"));
  CHECK(has(good.output, "OK    cơ sở dữ liệu: mở được, kiểm tra toàn vẹn: ok"));
  CHECK(has(good.output, "OK    phiên bản CSDL"));
  CHECK(has(good.output, "OK    đồng hồ"));
  CHECK(has(good.output, "dung lượng đĩa"));
  CHECK(has(good.output, "hàng đợi tin"));
  CHECK_FALSE(has(good.output, "FAIL"));
  CHECK_FALSE(has(good.output, "TESTTOKEN"));
  CHECK(fp.requests().size() >= 3);

  // A broken config is a FAIL line, not a crash; the console platform skips platform checks.
  std::ofstream(dir.file("bad.toml")) << "[platform]\nkind = \"fax\"\n";
  auto broken = test::run_tannha({"doctor", "--config", dir.file("bad.toml")});
  CHECK(broken.exit_code == 1);
  CHECK(has(broken.output, "FAIL  cấu hình"));
  std::ofstream(dir.file("console.toml"))
      << std::regex_replace(test::ops_config("console", "http://127.0.0.1:9"), std::regex("@DB@"), dir.file("c.db"));
  auto console = test::run_tannha({"doctor", "--config", dir.file("console.toml")});
  CHECK(console.exit_code == 0);
  CHECK(has(console.output, "WARN  nền tảng: console"));
  CHECK(has(console.output, "WARN  cơ sở dữ liệu: chưa có tệp"));
}

}  // namespace setup_e2e_tests

TEST_CASE("e2e doctor: a unit without a group that posts to its members is not warned about a missing group") {
  test::fake_platform fp;
  fp.start();
  test::temp_dir dir;
  auto text = std::regex_replace(test::ops_config("zalo", fp.base_url()), std::regex("@DB@"), dir.file("t.db"));
  text = std::regex_replace(text, std::regex("\nchat_id = \"[^\"]*\""), "");
  const auto path = dir.file("config.toml");
  std::ofstream(path) << text;
  REQUIRE(test::run_tannha({"migrate", "--config", path}).exit_code == 0);
  auto r = test::run_tannha({"doctor", "--config", path});
  INFO(r.output);
  CHECK(has(r.output, "không có nhóm: tin của đơn vị gửi riêng cho từng thành viên"));
  CHECK_FALSE(has(r.output, "chưa có nhóm điều phối"));

  // Set to post in a group it does not have: the warning says how to connect one.
  std::ofstream(path) << std::regex_replace(text, std::regex("\n\\[\\[units\\]\\]\n"), "\n[[units]]\nposts = \"group\"\n");
  auto g = test::run_tannha({"doctor", "--config", path});
  INFO(g.output);
  CHECK(has(g.output, "chưa có nhóm điều phối"));
}
