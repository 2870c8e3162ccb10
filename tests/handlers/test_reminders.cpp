// The reminders the day before a visit (issue 13, item 5): at the unit's team_reminder_time, each
// linked team member gets privately their visits of the next day in full, each village head the
// citizens of their village who are visited; once per unit and day, caught up the same day.
#include <doctest/doctest.h>

#include <algorithm>

#include "dispatch_fixture.hpp"
#include "handlers/job_runner.hpp"
#include "storage/job_repository.hpp"

using namespace tannha;
using tannha::test::local;

namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The test catalog with the papers of the two procedures used here.
std::vector<domain::procedure> catalog_with_papers() {
  auto c = test::test_catalog();
  for (auto& p : c) {
    if (p.code == "CT-01") p.papers = {"CCCD còn hạn", "Giấy tờ cần chứng thực chữ ký"};
    if (p.code == "HT-01") p.papers = {"Tờ khai đăng ký khai sinh", "Giấy chứng sinh"};
  }
  return c;
}

const char* second_form =
    "/dangky\nHọ tên: Trần Thị Lan\nNăm sinh: 1950\nThôn: Đông Hải\nĐịa chỉ: xóm 5, ngõ 2\n"
    "SĐT: 0987 654 321\nĐối tượng: cao tuổi\nThủ tục: khai sinh";
const char* third_form =
    "/dangky\nHọ tên: Phạm Văn Ba\nNăm sinh: 1945\nThôn: Tây Sơn\nĐịa chỉ: xóm 1\n"
    "Đối tượng: cao tuổi\nThủ tục: chứng thực chữ ký";

struct reminder_fixture : test::dispatch_fixture {
  reminder_fixture() : test::dispatch_fixture({test::demo_unit()}, catalog_with_papers()) {
    storage::unit_repository repo(db());
    auto put = [&](const char* id, domain::role r, const char* village, const char* name) {
      repo.put_member({"binhgiang", id, r, village, name, "invite"}, local(2026, 11, 1));
    };
    put("cb-1", domain::role::canbo, "", "Trần Văn Cán");
    put("tt-dh", domain::role::truongthon, "Đông Hải", "Nguyễn Văn Thôn");
    put("tt-ts", domain::role::truongthon, "Tây Sơn", "Lý Văn Sơn");
    put("tt-bh", domain::role::truongthon, "Bắc Hà", "Hà Văn Bắc");
    put("tnv-lan", domain::role::tinhnguyen, "", "Đỗ Thị Lan");
    put("tnv-hoa", domain::role::tinhnguyen, "", "Lê Thị Hoa");
    restart_runner();
  }
  void restart_runner() {
    runner = std::make_unique<handlers::job_runner>(db(), units(),
                                                    handlers::job_runner_options{.procedures = catalog_with_papers()});
  }
  // Registers #1 (Đông Hải, CT-01), #2 (Đông Hải, HT-01), #3 (Tây Sơn) on Wednesday 25/11; the
  // next visit day is Saturday 28/11.
  void register_three() {
    priv("tt-dh", test::full_form, local(2026, 11, 25, 9));
    priv("tt-dh", second_form, local(2026, 11, 25, 9, 5));
    priv("tt-ts", third_form, local(2026, 11, 25, 9, 10));
    take();
  }
  void staff(const std::string& text, domain::instant at) {
    group("cb-1", text, at);
    take();
  }
  std::vector<test::sent> run(domain::instant at) {
    runner->run_due_jobs(at);
    return take();
  }
  std::unique_ptr<handlers::job_runner> runner;
};

// The messages sent to one chat.
std::vector<std::string> to(const std::vector<test::sent>& v, const std::string& chat) {
  std::vector<std::string> out;
  for (const auto& m : v)
    if (m.chat_id == chat) out.push_back(m.text);
  return out;
}

const auto wed = local(2026, 11, 25, 11);

}  // namespace

TEST_CASE_FIXTURE(reminder_fixture,
                  "reminders: at 16:00 the day before, each linked member and village head gets their list, once") {
  register_three();
  staff("/xeplich #1 28/11 8h30", wed);
  staff("/phancong #1 @Lan @Công an xã", wed);
  staff("/xeplich #2 28/11 9h30 @Hoa @Lan", wed);
  // #3 stays unscheduled: its village head hears nothing about it.

  CHECK(run(local(2026, 11, 27, 15, 59)).empty());
  auto sent = run(local(2026, 11, 27, 16, 0));
  std::vector<std::string> chats;
  for (const auto& m : sent) chats.push_back(m.chat_id);
  // Only private chats: the two linked volunteers and the village head of Đông Hải.
  CHECK(chats == std::vector<std::string>{"tnv-lan", "tnv-hoa", "tt-dh"});

  auto lan = to(sent, "tnv-lan");
  REQUIRE(lan.size() == 1);
  CHECK(has(lan[0], "ngày mai Thứ Bảy 28/11 bạn đi đến nhà 2 người — Xã Bình Giang"));
  // Everything the team needs at the door, in time order.
  CHECK(has(lan[0], "🏠 08:30 · #1 Chứng thực chữ ký\nNgười dân: Nguyễn Văn Tư (sinh 1938)\n"
                    "Địa chỉ: xóm 3, cạnh nhà văn hoá, thôn Đông Hải\nSĐT: 0912345678\n"
                    "Giấy tờ người dân cần chuẩn bị: CCCD còn hạn; Giấy tờ cần chứng thực chữ ký\n"
                    "Ghi chú: chỉ ở nhà buổi sáng\nĐoàn: Đỗ Thị Lan, Công an xã"));
  CHECK(has(lan[0], "🏠 09:30 · #2 Đăng ký khai sinh\nNgười dân: Trần Thị Lan (sinh 1950)\n"
                    "Địa chỉ: xóm 5, ngõ 2, thôn Đông Hải\nSĐT: 0987654321\n"
                    "Giấy tờ người dân cần chuẩn bị: Tờ khai đăng ký khai sinh; Giấy chứng sinh\n"
                    "Đoàn: Lê Thị Hoa, Đỗ Thị Lan"));
  CHECK(lan[0].find("#1 ") < lan[0].find("#2 "));

  auto hoa = to(sent, "tnv-hoa");
  REQUIRE(hoa.size() == 1);
  CHECK(has(hoa[0], "bạn đi đến nhà 1 người"));
  CHECK(has(hoa[0], "#2 Đăng ký khai sinh"));
  CHECK_FALSE(has(hoa[0], "Nguyễn Văn Tư"));

  // The village head: who of the village is visited, when, and what to have ready.
  auto head = to(sent, "tt-dh");
  REQUIRE(head.size() == 1);
  CHECK(has(head[0], "Ngày mai Thứ Bảy 28/11, đoàn của Xã Bình Giang đến nhà 2 người dân thôn Đông Hải:"));
  CHECK(has(head[0], "• 08:30 Nguyễn Văn Tư — xóm 3, cạnh nhà văn hoá, thôn Đông Hải — Chứng thực chữ ký\n"
                     "  Chuẩn bị: CCCD còn hạn; Giấy tờ cần chứng thực chữ ký"));
  CHECK(has(head[0], "• 09:30 Trần Thị Lan — xóm 5, ngõ 2, thôn Đông Hải — Đăng ký khai sinh"));
  CHECK(has(head[0], "ở nhà"));
  CHECK_FALSE(has(head[0], "0912"));  // the phone is for the team

  // Once: later ticks, and a restart the same evening, send nothing more.
  CHECK(run(local(2026, 11, 27, 16, 30)).empty());
  restart_runner();
  CHECK(run(local(2026, 11, 27, 23, 59)).empty());
  storage::job_repository jobs(db());
  CHECK(jobs.ran(handlers::job_names::reminder, "binhgiang", "2026-11-28"));
}

TEST_CASE_FIXTURE(reminder_fixture, "reminders: down at 16:00, the reminders go out when the bot is back the same day") {
  register_three();
  staff("/xeplich #1 28/11 @Lan", wed);
  CHECK(run(local(2026, 11, 27, 9, 0)).empty());
  // Down from 09:00 to 21:15 on Friday.
  restart_runner();
  auto sent = run(local(2026, 11, 27, 21, 15));
  CHECK(to(sent, "tnv-lan").size() == 1);
  CHECK(to(sent, "tt-dh").size() == 1);
  CHECK(sent.size() == 2);
  CHECK(run(local(2026, 11, 27, 21, 45)).empty());
}

TEST_CASE_FIXTURE(reminder_fixture, "reminders: down all the day before, nothing is sent late on the visit day") {
  register_three();
  staff("/xeplich #1 28/11 @Lan", wed);
  CHECK(run(local(2026, 11, 27, 9, 0)).empty());
  restart_runner();
  auto sent = run(local(2026, 11, 28, 6, 0));  // Saturday morning: too late for a reminder
  CHECK(sent.empty());
  storage::job_repository jobs(db());
  CHECK_FALSE(jobs.ran(handlers::job_names::reminder, "binhgiang", "2026-11-28"));
}

TEST_CASE_FIXTURE(reminder_fixture, "reminders: with no visit scheduled for tomorrow nothing is sent") {
  register_three();  // registered, proposed for Saturday, but nobody scheduled them
  for (auto t = local(2026, 11, 25, 12); t <= local(2026, 11, 29, 23); t += std::chrono::hours{1})
    for (const auto& m : run(t)) CHECK(m.chat_id == "group-bg");  // only the group's posts (cut-off, briefs)
  storage::job_repository jobs(db());
  CHECK(jobs.ran(handlers::job_names::reminder, "binhgiang", "2026-11-28"));  // it ran, with nothing to say
}

TEST_CASE_FIXTURE(reminder_fixture, "reminders: a team of outside names only, or written before links, reaches nobody") {
  register_three();
  staff("/xeplich #1 28/11 @Công an xã", wed);
  staff("/xeplich #3 28/11 @Lan", wed);
  // #3 as written by an older version: names only, no links.
  db().db().exec("UPDATE requests SET team_user_ids = NULL WHERE number = 3");
  auto sent = run(local(2026, 11, 27, 16, 0));
  CHECK(to(sent, "tnv-lan").empty());
  // The village heads are still told, each of their own village only.
  auto dh = to(sent, "tt-dh");
  auto ts = to(sent, "tt-ts");
  REQUIRE(dh.size() == 1);
  REQUIRE(ts.size() == 1);
  CHECK(has(dh[0], "Nguyễn Văn Tư"));
  CHECK_FALSE(has(dh[0], "Phạm Văn Ba"));
  CHECK(has(ts[0], "1 người dân thôn Tây Sơn"));
  CHECK(has(ts[0], "Phạm Văn Ba"));
  CHECK(to(sent, "tt-bh").empty());
  CHECK(sent.size() == 2);
}

TEST_CASE_FIXTURE(reminder_fixture, "reminders: a member who left the unit since the scheduling gets nothing") {
  register_three();
  staff("/xeplich #1 28/11 @Lan", wed);
  storage::unit_repository(db()).remove_member("binhgiang", "tnv-lan");
  auto sent = run(local(2026, 11, 27, 16, 0));
  CHECK(to(sent, "tnv-lan").empty());
  CHECK(to(sent, "tt-dh").size() == 1);
}

TEST_CASE_FIXTURE(reminder_fixture, "reminders: the time is the unit's team_reminder_time") {
  units().front().posts.team_reminder_time = std::chrono::minutes{18 * 60};
  restart();
  restart_runner();
  register_three();
  staff("/xeplich #1 28/11 @Lan", wed);
  CHECK(to(run(local(2026, 11, 27, 17, 59)), "tnv-lan").empty());
  CHECK(to(run(local(2026, 11, 27, 18, 0)), "tnv-lan").size() == 1);
}

TEST_CASE("reminders: a unit without a group still gets its private reminders") {
  auto unit = test::demo_unit();
  test::dispatch_fixture f({unit}, catalog_with_papers());
  storage::unit_repository repo(f.db());
  repo.put_member({"binhgiang", "cb-1", domain::role::canbo, "", "Trần Văn Cán", "invite"}, local(2026, 11, 1));
  repo.put_member({"binhgiang", "tnv-lan", domain::role::tinhnguyen, "", "Đỗ Thị Lan", "invite"}, local(2026, 11, 1));
  f.group("admin-1", test::full_form, wed);
  f.group("cb-1", "/xeplich #1 28/11 @Lan", wed);
  f.take();
  // The group is gone (as for a unit that never had one; issue 13, item 1).
  f.db().db().exec("UPDATE units SET chat_id = '~binhgiang', group_source = 'none' WHERE id = 'binhgiang'");
  unit.chat_id = "";
  // Posting to a group it does not have (h/members: without `posts`, such a unit would post to
  // its members instead), its group posts wait; the reminders do not.
  unit.delivery = domain::post_delivery::group;
  handlers::job_runner runner(f.db(), {unit}, {.procedures = catalog_with_papers()});
  auto stats = runner.run_due_jobs(local(2026, 11, 27, 16, 0));
  CHECK(stats.units_without_group == 1);
  auto sent = f.take();
  REQUIRE(sent.size() == 1);
  CHECK(sent[0].chat_id == "tnv-lan");
}
