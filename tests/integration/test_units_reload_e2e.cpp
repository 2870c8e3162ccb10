// Units one per file, reloaded by SIGHUP in the real binary (issue 18, item 3): a unit file
// dropped in answers at once, a removed one no longer does, a broken one is named in the log
// while the running units keep answering, and no request is refused during a reload.
#include <doctest/doctest.h>

#include <signal.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "bot/fake_platform.hpp"
#include "server_process.hpp"
#include "test_ops_process.hpp"

using namespace tannha;
using namespace std::chrono_literals;

namespace units_reload_e2e {

const std::string secret = "bi-mat-thu-nghiem";

std::string config(const std::string& api_base) {
  return R"([server]
listen = "127.0.0.1:0"

[platform]
kind = "zalo"
api_base = ")" + api_base + R"("
token = "TESTTOKEN"
webhook_secret = ")" + secret + R"("

[storage]
path = "@DB@"

[units]
dir = "units.d"
)";
}

// A unit file: unit `id` with the group `g-<id>`; `extra` from line 6 on.
std::string unit_file(const std::string& id, const std::string& extra = "") {
  return "# Xã " + id + "\n"                           // 1
         "id = \"" + id + "\"\n"                       // 2
         "name = \"Xã " + id + "\"\n"                  // 3
         "chat_id = \"g-" + id + "\"\n"                // 4
         "villages = [\"Thôn 1\", \"Thôn 2\"]\n"       // 5
         + extra;
}

// A folder with units.d/ holding a unit file for each id.
struct unit_folder {
  test::temp_dir dir;
  explicit unit_folder(const std::vector<std::string>& ids) {
    std::filesystem::create_directories(dir.path() / "units.d");
    for (const auto& id : ids) write(id + ".toml", unit_file(id));
  }
  std::string path(const std::string& name) const { return (dir.path() / "units.d" / name).string(); }
  void write(const std::string& name, const std::string& text) const { std::ofstream(path(name)) << text; }
};

// A group message in unit `id`'s group, with its own update id.
std::string group_message(const std::string& id, const std::string& message_id) {
  return nlohmann::json{{"event_name", "message.text.received"},
                        {"message",
                         {{"from", {{"id", "nguoi-" + message_id}, {"display_name", "Hoa"}, {"is_bot", false}}},
                          {"chat", {{"id", "g-" + id}, {"chat_type", "GROUP"}}},
                          {"text", "@Tận Nhà /giup"},
                          {"message_id", message_id},
                          {"date", 1764377131999LL}}}}
      .dump();
}

int post(unsigned short port, const std::string& body) {
  return test::http_call(port, "POST", "/webhook", body, {{"X-Bot-Api-Secret-Token", secret}}).status;
}

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// How a message was handled, from the server's `update` log line: "processed" for a unit's
// group, "unknown_chat" for a group no unit uses.
std::string result_of(const test::server_process& srv, const std::string& message_id) {
  for (int i = 0; i < 100; ++i) {
    const auto log = srv.log();
    const auto at = log.find("update_id=" + message_id + " ");
    if (at != std::string::npos) {
      const auto line_start = log.rfind('\n', at) + 1;
      const auto r = log.find("result=", line_start);
      return log.substr(r + 7, log.find(' ', r) - r - 7);
    }
    std::this_thread::sleep_for(20ms);
  }
  return "no log line";
}

// Sends SIGHUP and waits for the reload's outcome line after the `seen`-th one.
std::string reload(const test::server_process& srv, int seen) {
  ::kill(srv.pid(), SIGHUP);
  for (int i = 0; i < 500; ++i) {
    const auto log = srv.log();
    std::size_t at = 0;
    int n = 0;
    for (std::size_t p = 0; (p = log.find("event=config_reload result=", p)) != std::string::npos; ++p) {
      if (log.compare(p + 27, 7, "started") == 0) continue;
      if (++n > seen) {
        at = p;
        break;
      }
    }
    if (n > seen) return log.substr(at, log.find('\n', at) - at);
    std::this_thread::sleep_for(20ms);
  }
  return "no reload line";
}

std::string metrics_of(const test::server_process& srv) { return test::http_call(srv.port(), "GET", "/metrics").body; }

}  // namespace units_reload_e2e

using namespace units_reload_e2e;

TEST_CASE("units reload: a unit file dropped in answers after SIGHUP, a removed one no longer does") {
  test::fake_platform fp;
  fp.start();
  unit_folder f({"xa-a", "xa-b"});
  test::service_process srv(f.dir, "serve", config(fp.base_url()), {"--clock", "2026-12-02T03:30:00+07:00"});
  REQUIRE(post(srv.port(), group_message("xa-a", "m-a1")) == 200);
  CHECK(result_of(srv, "m-a1") == "processed");
  REQUIRE(post(srv.port(), group_message("xa-c", "m-c1")) == 200);
  CHECK(result_of(srv, "m-c1") == "unknown_chat");

  f.write("xa-c.toml", unit_file("xa-c"));
  const auto line = reload(srv, 0);
  CHECK(has(line, "result=ok"));
  CHECK(has(line, "units=3"));
  CHECK(has(line, "added=1"));
  REQUIRE(post(srv.port(), group_message("xa-c", "m-c2")) == 200);
  CHECK(result_of(srv, "m-c2") == "processed");
  CHECK(has(metrics_of(srv), "tannha_config_reloads_total{result=\"ok\"} 1"));
  CHECK(has(metrics_of(srv), "tannha_units 3"));

  std::filesystem::remove(f.path("xa-b.toml"));
  const auto removed = reload(srv, 1);
  CHECK(has(removed, "result=ok"));
  CHECK(has(removed, "removed=1"));
  REQUIRE(post(srv.port(), group_message("xa-b", "m-b2")) == 200);
  CHECK(result_of(srv, "m-b2") == "unknown_chat");
  REQUIRE(post(srv.port(), group_message("xa-a", "m-a2")) == 200);
  CHECK(result_of(srv, "m-a2") == "processed");
  CHECK(srv.stop() == 0);
}

TEST_CASE("units reload: a broken unit file is named by file and line, and the running units keep answering") {
  test::fake_platform fp;
  fp.start();
  unit_folder f({"xa-a", "xa-b"});
  test::service_process srv(f.dir, "serve", config(fp.base_url()), {"--clock", "2026-12-02T03:30:00+07:00"});
  f.write("xa-c.toml", unit_file("xa-c", "capacity = -3\n"));  // line 6
  const auto line = reload(srv, 0);
  CHECK(has(line, "result=refused"));
  CHECK(has(line, "units=2"));
  const auto log = srv.log();
  CHECK(has(log, "event=config_problem file=" + f.path("xa-c.toml") + " line=6 key=capacity"));
  // The log names where, never the value written there (nor the message quoting it).
  CHECK_FALSE(has(log, "got -3"));
  CHECK_FALSE(has(log, "must be a positive integer"));
  CHECK(has(metrics_of(srv), "tannha_config_reloads_total{result=\"refused\"} 1"));
  REQUIRE(post(srv.port(), group_message("xa-a", "m-a1")) == 200);
  CHECK(result_of(srv, "m-a1") == "processed");
  REQUIRE(post(srv.port(), group_message("xa-c", "m-c1")) == 200);
  CHECK(result_of(srv, "m-c1") == "unknown_chat");

  // Fixed, and reloaded again: now it serves.
  f.write("xa-c.toml", unit_file("xa-c", "capacity = 3\n"));
  CHECK(has(reload(srv, 1), "result=ok"));
  REQUIRE(post(srv.port(), group_message("xa-c", "m-c2")) == 200);
  CHECK(result_of(srv, "m-c2") == "processed");
  CHECK(srv.stop() == 0);
}

TEST_CASE("units reload: no request is refused or lost while the units are reloaded") {
  test::fake_platform fp;
  fp.start();
  std::vector<std::string> ids;
  for (int i = 0; i < 400; ++i) ids.push_back("dv" + std::to_string(1000 + i));
  unit_folder f(ids);
  test::service_process srv(f.dir, "serve", config(fp.base_url()), {"--clock", "2026-12-02T03:30:00+07:00"});
  std::atomic<bool> go{true};
  std::atomic<int> sent{0}, ok{0};
  std::vector<std::thread> senders;
  for (int t = 0; t < 3; ++t) {
    senders.emplace_back([&, t] {
      for (int i = 0; go; ++i) {
        const auto id = ids[static_cast<std::size_t>((t * 131 + i) % 400)];
        const int status = post(srv.port(), group_message(id, "c" + std::to_string(t) + "-" + std::to_string(i)));
        ++sent;
        if (status == 200) ++ok;
      }
    });
  }
  std::this_thread::sleep_for(200ms);
  for (int r = 0; r < 3; ++r) {
    f.write("new-" + std::to_string(r) + ".toml", unit_file("new-" + std::to_string(r)));
    CHECK(has(reload(srv, r), "result=ok"));
  }
  std::this_thread::sleep_for(200ms);
  go = false;
  for (auto& s : senders) s.join();
  CHECK(sent > 20);
  CHECK(ok == sent);
  // Every message was handled by a unit that was served all along.
  const auto log = srv.log();
  CHECK_FALSE(has(log, "result=unknown_chat"));
  CHECK_FALSE(has(log, "result=failed"));
  REQUIRE(post(srv.port(), group_message("new-2", "m-new")) == 200);
  CHECK(result_of(srv, "m-new") == "processed");
  CHECK(srv.stop() == 0);
}
