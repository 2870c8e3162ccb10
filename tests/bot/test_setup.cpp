// Setting up without ids (issue 12): claiming a unit with a one-time code (/batdau), connecting
// its group from the chat (/ketnoi), /id, and a config without chat_id or admins. A real
// dispatcher over a real SQLite file, with the real SHA-256 code hash of bot/.
#include <doctest/doctest.h>

#include <SQLiteCpp/Database.h>

#include <memory>
#include <string>
#include <vector>

#include "bot/claim.hpp"
#include "bot/config.hpp"
#include "handlers/dispatcher.hpp"
#include "handlers/job_runner.hpp"
#include "storage/database.hpp"
#include "storage/unit_repository.hpp"
#include "handlers/dispatch_fixture.hpp"
#include "test_support.hpp"

using namespace tannha;
using namespace std::chrono_literals;

// A named namespace: test binaries are unity builds, and other files have helpers of these names.
namespace setup_tests {
namespace {

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

std::vector<domain::procedure> catalog() { return {{"CT-01", "Chứng thực chữ ký", "Chứng thực", 1, {"ký chứng thực"}}}; }

// A unit configured without chat_id and admins, as `tannha init` writes it.
domain::unit bare_unit() {
  auto u = test::demo_unit("binhgiang", "", {});
  return u;
}

// The handler tests' dispatch fixture, with the real SHA-256 code hash of bot/, as the server
// builds its dispatcher; group() names the chat first.
struct setup_fixture : test::dispatch_fixture {
  explicit setup_fixture(std::vector<domain::unit> units = {bare_unit()})
      : dispatch_fixture(std::move(units), catalog(), options()) {}
  static handlers::dispatcher_options options() {
    handlers::dispatcher_options o;
    o.code_hash = [](std::string_view c) { return bot::sha256_hex(c); };
    return o;
  }
  void start() { restart(); }
  handlers::dispatch_outcome group(const std::string& chat, const std::string& user, const std::string& text,
                                   domain::instant now) {
    return send(chat, user, text, now, true);
  }
  int scalar(const std::string& sql) { return db().db().execAndGet(sql).getInt(); }
  std::string text(const std::string& sql) { return db().db().execAndGet(sql).getString(); }
  handlers::dispatcher& disp() { return dispatcher(); }
};

const auto t0 = test::local(2026, 11, 25, 9);

}  // namespace

TEST_CASE("config: a unit without chat_id and without admins is accepted") {
  auto r = bot::parse_config(
      "[platform]\nwebhook_secret = \"x\"\n[[units]]\nid = \"a\"\nname = \"A\"\nvillages = [\"T1\"]\n", "test.toml");
  REQUIRE(r);
  CHECK(r->units[0].chat_id.empty());
  CHECK(r->units[0].admins.empty());
}

TEST_CASE("claim: codes are 10 unambiguous characters, stored only as their SHA-256") {
  auto code = bot::new_claim_code();
  CHECK(code.size() == 10);
  CHECK(code.find_first_of("01OIL") == std::string::npos);
  CHECK(bot::sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  setup_fixture f;
  auto issued = bot::issue_claim_code(f.db(), "binhgiang", t0);
  CHECK(f.scalar("SELECT COUNT(*) FROM claims WHERE code_hash = '" + bot::sha256_hex(issued) + "'") == 1);
  CHECK(f.scalar("SELECT COUNT(*) FROM claims WHERE code_hash = '" + issued + "'") == 0);
  // A new code replaces the unit's old one.
  auto second = bot::issue_claim_code(f.db(), "binhgiang", t0);
  CHECK(f.scalar("SELECT COUNT(*) FROM claims") == 1);
  f.priv("u-1", "/batdau " + issued, t0);
  CHECK(has(f.take_one(), "không đúng"));
  CHECK(second != issued);
}

TEST_CASE("claim: the first person to send the code privately becomes the leader, once") {
  setup_fixture f;
  auto code = bot::issue_claim_code(f.db(), "binhgiang", t0);

  // In a group the code is refused and not used up.
  f.group("group-x", "u-1", "/batdau " + code, t0);
  auto group_answer = f.take();
  REQUIRE(group_answer.size() == 1);
  CHECK(has(group_answer[0].text, "chưa được cài đặt"));  // a group no unit uses: not served
  CHECK(f.scalar("SELECT COUNT(*) FROM members") == 0);

  // Lower case and a dash are fine.
  std::string typed = code;
  for (auto& c : typed) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  typed.insert(4, "-");
  f.priv("u-1", "/batdau " + typed, t0 + 1min);
  auto done = f.take_one();
  CHECK(has(done, "lãnh đạo đầu tiên của Xã Bình Giang"));
  CHECK(has(done, "/ketnoi"));
  CHECK(f.text("SELECT role FROM members WHERE user_id = 'u-1'") == "lanhdao");
  CHECK(f.text("SELECT source FROM members WHERE user_id = 'u-1'") == "claim");
  CHECK(f.scalar("SELECT COUNT(*) FROM audit WHERE action = 'claim' AND actor = 'u-1' AND unit_id = 'binhgiang'") == 1);

  // The same code again: used.
  f.priv("u-2", "/batdau " + code, t0 + 2min);
  CHECK(has(f.take_one(), "đã được dùng"));
  f.priv("u-1", "/batdau " + code, t0 + 2min);
  CHECK(has(f.take_one(), "đã là lãnh đạo"));
  // A fresh code once the unit has a leader: refused, nobody else becomes leader.
  auto late = bot::issue_claim_code(f.db(), "binhgiang", t0 + 3min);
  f.priv("u-2", "/batdau " + late, t0 + 4min);
  CHECK(has(f.take_one(), "đã có lãnh đạo"));
  CHECK(f.scalar("SELECT COUNT(*) FROM members WHERE role = 'lanhdao'") == 1);
}

TEST_CASE("claim: a private-only command in a configured group is refused there") {
  auto u = bare_unit();
  u.chat_id = "group-bg";
  setup_fixture f({u});
  auto code = bot::issue_claim_code(f.db(), "binhgiang", t0);
  f.group("group-bg", "u-1", "/batdau " + code, t0);
  CHECK(has(f.take_one(), "RIÊNG"));
  CHECK(f.scalar("SELECT COUNT(*) FROM members") == 0);
  CHECK(f.scalar("SELECT COUNT(*) FROM claims WHERE used_by IS NULL") == 1);
}

TEST_CASE("claim: an expired code is refused") {
  setup_fixture f;
  auto code = bot::issue_claim_code(f.db(), "binhgiang", t0);
  f.priv("u-1", "/batdau " + code, t0 + bot::claim_ttl);
  auto text = f.take_one();
  CHECK(has(text, "hết hạn"));
  CHECK(has(text, "tannha claim"));
  CHECK(f.scalar("SELECT COUNT(*) FROM members") == 0);
}

TEST_CASE("claim: wrong codes are counted, and after five in an hour even the right one waits") {
  setup_fixture f;
  auto code = bot::issue_claim_code(f.db(), "binhgiang", t0);
  f.priv("u-1", "/batdau", t0);
  CHECK(has(f.take_one(), "/batdau K7M2P9QX"));
  for (int i = 1; i <= 5; ++i) {
    f.priv("u-1", "/batdau ABCDEFGHJK", t0 + std::chrono::minutes{i});
    auto text = f.take_one();
    CHECK(has(text, "không đúng"));
    if (i < 5) CHECK(has(text, "còn " + std::to_string(5 - i) + " lần"));
    else CHECK(has(text, "hết lượt"));
  }
  f.priv("u-1", "/batdau " + code, t0 + 10min);
  CHECK(has(f.take_one(), "quá 5 lần"));
  CHECK(f.scalar("SELECT COUNT(*) FROM members") == 0);
  // Someone else is not held back, and an hour later the first person may try again.
  f.priv("u-2", "/batdau ABCDEFGHJK", t0 + 10min);
  CHECK(has(f.take_one(), "còn 4 lần"));
  f.priv("u-1", "/batdau " + code, t0 + 70min);
  CHECK(has(f.take_one(), "lãnh đạo đầu tiên"));
}

TEST_CASE("ketnoi: refused for non-leaders and in private chat, nothing changes") {
  setup_fixture f;
  storage::member_record m;
  m.unit_id = "binhgiang";
  m.user_id = "cb-1";
  m.role = domain::role::canbo;
  {
    storage::write_transaction tx(f.db());
    storage::unit_repository(f.db()).put_member(m, t0);
    tx.commit();
  }
  CHECK(f.group("group-new", "cb-1", "/ketnoi", t0) == handlers::dispatch_outcome::processed);
  auto text = f.take_one();
  CHECK(has(text, "/ketnoi chỉ dành cho lãnh đạo"));
  f.group("group-new", "stranger", "/ketnoi", t0);
  CHECK(has(f.take_one(), "chỉ dành cho lãnh đạo"));
  f.priv("cb-1", "/ketnoi", t0);
  CHECK(has(f.take_one(), "trong NHÓM"));
  CHECK(f.text("SELECT chat_id FROM units WHERE id = 'binhgiang'") == "~binhgiang");
  CHECK(f.scalar("SELECT COUNT(*) FROM audit WHERE action = 'group_connected'") == 0);
  // Chatter in the group still gets the one-time "not set up" answer.
  f.group("group-new", "cb-1", "/lich", t0);
  CHECK(has(f.take_one(), "chưa được cài đặt"));
}

TEST_CASE("ketnoi: a leader connects the group; it is served, shown and posted to, also after a restart") {
  // A unit that posts to its group (issue 13: without `posts`, a unit with no group posts to
  // its members until one is connected) waits for /ketnoi.
  auto unit = bare_unit();
  unit.delivery = domain::post_delivery::group;
  setup_fixture f({unit});
  auto code = bot::issue_claim_code(f.db(), "binhgiang", t0);
  f.priv("lead-1", "/batdau " + code, t0);
  f.take();
  // Before: a post has nowhere to go and the job runner skips the unit.
  handlers::job_runner jobs(f.db(), f.units());
  auto before = jobs.run_due_jobs(test::local(2026, 11, 30, 8, 30));
  CHECK(before.units_without_group == 1);
  CHECK(f.take().empty());

  CHECK(f.group("group-new", "lead-1", "@Tận Nhà /ketnoi", t0 + 1min) == handlers::dispatch_outcome::processed);
  auto out = f.take();
  REQUIRE(out.size() == 1);
  CHECK(out[0].chat_id == "group-new");
  CHECK(has(out[0].text, "Đã kết nối"));
  CHECK(f.text("SELECT chat_id FROM units WHERE id = 'binhgiang'") == "group-new");
  CHECK(f.scalar("SELECT COUNT(*) FROM audit WHERE action = 'group_connected' AND actor = 'lead-1'") == 1);
  CHECK(f.disp().units().front().chat_id == "group-new");

  // A later command in that group is served as the unit's.
  f.group("group-new", "lead-1", "/thanhvien", t0 + 2min);
  auto members = f.take_one();
  CHECK(has(members, "Thành viên Xã Bình Giang"));
  CHECK(has(members, "đã kết nối (bằng /ketnoi)"));
  f.group("group-new", "lead-1", "/ketnoi", t0 + 3min);
  CHECK(has(f.take_one(), "đã là nhóm điều phối"));

  // The scheduler posts there (Monday's weekly report, about this request).
  f.group("group-new", "lead-1",
          "/dangky\nHọ tên: Nguyễn Văn Tư\nNăm sinh: 1938\nThôn: Đông Hải\nĐịa chỉ: xóm 3\n"
          "Đối tượng: thương binh\nThủ tục: chứng thực chữ ký",
          t0 + 4min);
  auto registered = f.take();
  REQUIRE_FALSE(registered.empty());
  CHECK(has(registered[0].text, "#1"));
  auto ran = jobs.run_due_jobs(test::local(2026, 11, 30, 8, 30));
  CHECK(ran.units_without_group == 0);
  CHECK(ran.runs >= 1);
  auto posts = f.take();
  REQUIRE_FALSE(posts.empty());
  for (const auto& p : posts) CHECK(p.chat_id == "group-new");

  // The config (without chat_id, or naming another group) does not undo it on restart.
  auto configured = f.units();
  storage::unit_repository(f.db()).sync_config(configured, t0 + 1h);
  configured.front().chat_id = "group-old-config";
  storage::unit_repository(f.db()).sync_config(configured, t0 + 1h);
  f.units() = configured;
  f.start();
  CHECK(f.disp().units().front().chat_id == "group-new");
  f.group("group-new", "lead-1", "/lich", t0 + 2h);
  CHECK(f.take().size() == 1);

  // Moving to another group tells the old one.
  f.group("group-2", "lead-1", "/ketnoi", t0 + 3h);
  auto moved = f.take();
  REQUIRE(moved.size() == 2);
  CHECK(moved[0].chat_id == "group-2");
  CHECK(moved[1].chat_id == "group-new");
  CHECK(has(moved[1].text, "đã chuyển sang"));
}

TEST_CASE("id: answers the sender's and the chat's ids in private, in a configured group and in an unknown one") {
  auto u = bare_unit();
  u.chat_id = "group-bg";
  setup_fixture f({u});
  f.priv("u-7", "/id", t0);
  auto text = f.take_one();
  CHECK(has(text, "user id): u-7"));
  CHECK(has(text, "chat id): u-7"));
  CHECK(has(text, "trò chuyện riêng"));
  f.group("group-bg", "u-7", "/id", t0);
  text = f.take_one();
  CHECK(has(text, "chat id): group-bg"));
  CHECK(has(text, "nhóm điều phối của Xã Bình Giang"));
  CHECK(f.group("group-unknown", "u-7", "/id", t0) == handlers::dispatch_outcome::processed);
  auto out = f.take();
  REQUIRE(out.size() == 1);
  CHECK(out[0].chat_id == "group-unknown");
  CHECK(has(out[0].text, "chat id): group-unknown"));
  CHECK(has(out[0].text, "Đây là một nhóm."));
  // /id did not use up the group's one-time "not set up" answer.
  f.group("group-unknown", "u-7", "/lich", t0);
  CHECK(has(f.take_one(), "chưa được cài đặt"));
}

}  // namespace setup_tests
