// The scheduled posts (docs/DESIGN.md §4) over a month of one unit's work, with an injected clock.
#include <doctest/doctest.h>

#include <algorithm>

#include <map>

#include "dispatch_fixture.hpp"
#include "handlers/job_runner.hpp"
#include "request_writes.hpp"
#include "storage/job_repository.hpp"
#include "storage/outbox.hpp"
#include "storage/unit_repository.hpp"

using namespace tannha;
using domain::request_state;
using tannha::test::local;

namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

domain::day d(int y, unsigned m, unsigned dd) {
  return std::chrono::sys_days{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{dd}};
}

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

// "dd/mm HH:MM" of a local instant (UTC+7).
std::string stamp(domain::instant t) {
  auto l = domain::to_local(t, std::chrono::minutes{420});
  auto day = domain::local_day(l);
  auto mins = std::chrono::duration_cast<std::chrono::minutes>(l - domain::local_time{day.time_since_epoch()});
  return domain::format_day_month(day) + " " + domain::format_hhmm(mins);
}

struct jobs_fixture : test::dispatch_fixture {
  jobs_fixture() {
    storage::unit_repository repo(db());
    repo.put_member({"binhgiang", "admin-1", domain::role::lanhdao, "", "Chủ tịch Hùng", "config"}, local(2026, 11, 1));
    repo.put_member({"binhgiang", "cb-1", domain::role::canbo, "", "Trần Văn Cán", "invite"}, local(2026, 11, 1));
    runner = std::make_unique<handlers::job_runner>(db(), std::vector<domain::unit>{test::demo_unit()});
  }
  std::unique_ptr<handlers::job_runner> runner;

  // Runs the jobs at `at`; returns the posts queued, each "dd/mm HH:MM first line".
  std::vector<test::sent> run(domain::instant at) {
    runner->run_due_jobs(at);
    return take();
  }
  void register_form(const std::string& name, const std::string& procedure, const std::string& village,
                     domain::instant at) {
    group("admin-1",
          "/dangky\nHọ tên: " + name + "\nNăm sinh: 1940\nThôn: " + village +
              "\nĐịa chỉ: xóm 2\nSĐT: 0912 345 678\nĐối tượng: cao tuổi\nThủ tục: " + procedure,
          at);
    take();
  }
  std::int64_t job_rows(const std::string& job) {
    SQLite::Statement q(db().db(), "SELECT COUNT(*) FROM job_runs WHERE job = ?");
    q.bind(1, job);
    q.executeStep();
    return q.getColumn(0).getInt64();
  }
};

}  // namespace

TEST_CASE_FIXTURE(jobs_fixture, "jobs: a month of work posts each brief, cut-off, digest and report once, on its day") {
  const std::string u = "binhgiang";
  // What happens in the month, by local time.
  std::multimap<domain::instant, std::function<void()>> work;
  work.emplace(local(2026, 11, 2, 9), [&] { register_form("Nguyễn Văn Tư", "chứng thực chữ ký", "Đông Hải", local(2026, 11, 2, 9)); });
  work.emplace(local(2026, 11, 3, 9), [&] { register_form("Trần Thị Lan", "khai sinh", "Tây Sơn", local(2026, 11, 3, 9)); });
  work.emplace(local(2026, 11, 4, 10), [&] {
    test::move_request(db(), u, 1, request_state::scheduled, local(2026, 11, 4, 10), [](auto& r) {
      r.visit_day = d(2026, 11, 7);
      r.visit_time = "08:30";
      r.team = "Lê Thị Hoa";
    });
  });
  work.emplace(local(2026, 11, 7, 10), [&] {
    test::move_request(db(), u, 1, request_state::processing, local(2026, 11, 7, 10), [](auto& r) {
      r.received_at = local(2026, 11, 7, 10);
      r.due_day = d(2026, 11, 9);
    });
  });
  work.emplace(local(2026, 11, 9, 10), [&] {
    test::move_request(db(), u, 2, request_state::scheduled, local(2026, 11, 9, 10), [](auto& r) {
      r.visit_day = d(2026, 11, 14);
      r.team = "Lê Thị Hoa, Phạm Nam";
    });
  });
  work.emplace(local(2026, 11, 12, 10), [&] {
    test::move_request(db(), u, 1, request_state::result_ready, local(2026, 11, 12, 10),
                       [](auto& r) { r.result_at = local(2026, 11, 12, 10); });
  });
  work.emplace(local(2026, 11, 13, 10), [&] {
    test::move_request(db(), u, 1, request_state::returned, local(2026, 11, 13, 10),
                       [](auto& r) { r.returned_at = local(2026, 11, 13, 10); });
  });
  work.emplace(local(2026, 11, 14, 9), [&] {
    test::move_request(db(), u, 2, request_state::processing, local(2026, 11, 14, 9), [](auto& r) {
      r.received_at = local(2026, 11, 14, 9);
      r.due_day = d(2026, 11, 19);
    });
  });
  work.emplace(local(2026, 11, 18, 10), [&] {
    test::move_request(db(), u, 2, request_state::result_ready, local(2026, 11, 18, 10),
                       [](auto& r) { r.result_at = local(2026, 11, 18, 10); });
  });
  work.emplace(local(2026, 11, 20, 10), [&] {
    test::move_request(db(), u, 2, request_state::returned, local(2026, 11, 20, 10), [](auto& r) {
      r.returned_at = local(2026, 11, 20, 10);
      r.rating = 5;
    });
  });
  work.emplace(local(2026, 11, 23, 9), [&] { register_form("Phạm Văn Ba", "BHYT", "Bắc Hà", local(2026, 11, 23, 9)); });

  std::vector<std::string> posts;
  std::map<std::string, std::string> text_of;  // "dd/mm HH:MM" -> the post made then
  auto it = work.begin();
  for (auto t = local(2026, 11, 1, 0); t <= local(2026, 12, 1, 12); t += std::chrono::minutes{30}) {
    while (it != work.end() && it->first <= t) {
      it->second();
      ++it;
    }
    for (const auto& m : run(t)) {
      CHECK(m.chat_id == "group-bg");
      posts.push_back(stamp(t) + " " + first_line(m.text));
      text_of[stamp(t)] = m.text;
    }
  }
  std::vector<std::string> expected = {
      "05/11 17:00 📋 Chốt danh sách đến nhà Thứ Bảy 07/11 — Xã Bình Giang",
      "07/11 07:00 ☀️ Bản tin sáng Thứ Bảy 07/11 — Xã Bình Giang",  // a visit day
      "09/11 07:00 ☀️ Bản tin sáng Thứ Hai 09/11 — Xã Bình Giang",
      "09/11 08:00 📊 Báo cáo Tuần 45 (02/11–08/11/2026) — Xã Bình Giang",
      // 09/11 16:00: #2 was scheduled at 10:00 and #1 is due today: nothing overdue, no digest
      "10/11 07:00 ☀️ Bản tin sáng Thứ Ba 10/11 — Xã Bình Giang",
      "10/11 16:00 🔔 Cảnh báo quá hạn Thứ Ba 10/11 — Xã Bình Giang: 1 hồ sơ",
      "11/11 07:00 ☀️ Bản tin sáng Thứ Tư 11/11 — Xã Bình Giang",
      "11/11 16:00 🔔 Cảnh báo quá hạn Thứ Tư 11/11 — Xã Bình Giang: 1 hồ sơ",
      "12/11 07:00 ☀️ Bản tin sáng Thứ Năm 12/11 — Xã Bình Giang",
      "12/11 17:00 📋 Chốt danh sách đến nhà Thứ Bảy 14/11 — Xã Bình Giang",
      // 13/11: nothing to say
      "14/11 07:00 ☀️ Bản tin sáng Thứ Bảy 14/11 — Xã Bình Giang",
      "16/11 08:00 📊 Báo cáo Tuần 46 (09/11–15/11/2026) — Xã Bình Giang",
      "19/11 07:00 ☀️ Bản tin sáng Thứ Năm 19/11 — Xã Bình Giang",  // #2 due today
      // 19/11 17:00: no request for 21/11, no cut-off post
      "23/11 08:00 📊 Báo cáo Tuần 47 (16/11–22/11/2026) — Xã Bình Giang",
      "26/11 17:00 📋 Chốt danh sách đến nhà Thứ Bảy 28/11 — Xã Bình Giang",
      "27/11 07:00 ☀️ Bản tin sáng Thứ Sáu 27/11 — Xã Bình Giang",  // #3 not scheduled in 3 working days
      "27/11 16:00 🔔 Cảnh báo quá hạn Thứ Sáu 27/11 — Xã Bình Giang: 1 hồ sơ",
      "28/11 07:00 ☀️ Bản tin sáng Thứ Bảy 28/11 — Xã Bình Giang",
      "30/11 07:00 ☀️ Bản tin sáng Thứ Hai 30/11 — Xã Bình Giang",
      "30/11 08:00 📊 Báo cáo Tuần 48 (23/11–29/11/2026) — Xã Bình Giang",
      "30/11 16:00 🔔 Cảnh báo quá hạn Thứ Hai 30/11 — Xã Bình Giang: 1 hồ sơ",
      "01/12 07:00 ☀️ Bản tin sáng Thứ Ba 01/12 — Xã Bình Giang",
      "01/12 08:00 📊 Báo cáo Tháng 11/2026 — Xã Bình Giang",
  };
  CHECK(posts == expected);

  // The cut-off lists the visit day with time and team, marks what is not scheduled yet, and
  // shows nothing private.
  auto cutoff = text_of["05/11 17:00"];
  CHECK(has(cutoff, "2 hồ sơ (tối đa 3)"));
  CHECK(has(cutoff, "• 08:00 #2 Đăng ký khai sinh — Trần Thị Lan (Tây Sơn) — Đoàn: chưa phân công [Mới đăng ký]\n"
                    "• 08:30 #1 Chứng thực chữ ký — Nguyễn Văn Tư (Đông Hải) — Đoàn: Lê Thị Hoa"));
  CHECK(has(cutoff, "Chưa xếp lịch: #2"));
  for (const auto& [k, text] : text_of) {
    CHECK_FALSE(has(text, "0912"));
    CHECK_FALSE(has(text, "xóm 2"));
  }
  // Briefs: totals first, then today's visits, results due, and what is overdue.
  auto sat = text_of["07/11 07:00"];
  CHECK(has(sat, "Hôm nay: 1 lượt đến nhà · 0 hồ sơ đến hẹn trả · 1 hồ sơ quá hạn"));
  CHECK(has(sat, "🏠 Đến nhà hôm nay:\n• 08:30 #1 Chứng thực chữ ký — Nguyễn Văn Tư (Đông Hải) — Đoàn: Lê Thị Hoa"));
  CHECK(has(sat, "• #2 Trần Thị Lan (Tây Sơn) — Chưa xếp lịch (hạn xếp lịch 06/11): trễ 1 ngày"));
  CHECK(has(text_of["09/11 07:00"], "📌 Đến hẹn trả kết quả hôm nay:\n• #1 Chứng thực chữ ký — Nguyễn Văn Tư (Đông Hải) [Đang giải quyết]"));
  // Late results (trễ hẹn) are alerted; the leaders are named only after the grace period.
  auto digest = text_of["10/11 16:00"];
  CHECK(has(digest, "• #1 Nguyễn Văn Tư (Đông Hải) — Trễ hẹn trả kết quả (hẹn trả 09/11): trễ 1 ngày"));
  CHECK_FALSE(has(digest, "Kính báo"));
  auto escalated = text_of["30/11 16:00"];
  CHECK(has(escalated, "trễ 4 ngày ‼️"));
  CHECK(has(escalated, "Kính báo lãnh đạo @Chủ tịch Hùng: 1 hồ sơ đã quá hạn hơn 2 ngày"));
  // Reports: the same text as /baocao for the period just ended.
  auto weekly = text_of["09/11 08:00"];
  CHECK(has(weekly, "Mới đăng ký: 2 · Đã trả kết quả: 0 · Đúng hẹn: —"));
  CHECK(has(weekly, "Cần xử lý: 1 hồ sơ quá hạn — #2"));
  auto monthly = text_of["01/12 08:00"];
  CHECK(has(monthly, "Mới đăng ký: 3 · Đã trả kết quả: 2 · Đúng hẹn: 0/2 (0%)"));
  CHECK(has(monthly, "Hài lòng: 5,0/5 (1 lượt đánh giá)"));
  group("admin-1", "/baocao thang truoc", local(2026, 12, 1, 8));
  CHECK(take_one() == monthly);
  // Every period ran once, including the quiet ones (recorded, nothing posted).
  CHECK(job_rows(handlers::job_names::brief) == 26);  // 21 working days and 4 Saturdays of November, and 01/12
  CHECK(job_rows(handlers::job_names::weekly) == 5);  // 02/11 (W44, quiet) … 30/11
  CHECK(job_rows(handlers::job_names::monthly) == 2); // 01/11 (October, quiet) and 01/12
}

TEST_CASE_FIXTURE(jobs_fixture, "jobs: the cut-off lists the overflow that capacity pushed to the next visit day") {
  for (const char* name : {"Người Một", "Người Hai", "Người Ba", "Người Bốn"})
    register_form(name, "chứng thực chữ ký", "Đông Hải", local(2026, 11, 24, 9));
  CHECK(run(local(2026, 11, 26, 16, 59)).empty());
  auto posts = run(local(2026, 11, 26, 17, 0));
  REQUIRE(posts.size() == 1);
  auto text = posts[0].text;
  CHECK(has(text, "Chốt danh sách đến nhà Thứ Bảy 28/11"));
  CHECK(has(text, "3 hồ sơ (tối đa 3) · 1 hồ sơ chuyển sang Thứ Bảy 05/12"));
  CHECK(has(text, "↪️ Đã đủ chỗ, chuyển sang Thứ Bảy 05/12:\n• #4 Chứng thực chữ ký — Người Bốn (Đông Hải)"));
  CHECK(run(local(2026, 11, 26, 17, 30)).empty());
}

TEST_CASE("jobs: a restart right after a post does not repeat it") {
  test::temp_dir dir;
  auto path = dir.file("bot.db");
  auto unit = test::demo_unit();
  {
    storage::database db(path);
    storage::unit_repository(db).sync_config({unit}, local(2026, 11, 1));
    storage::unit_repository(db).sync_catalog(test::test_catalog());
    test::add_citizen(db, unit.id, "Nguyễn Văn Tư", "Đông Hải", "Cao tuổi", local(2026, 11, 2));
    test::add_request(db, unit.id, 1, "CT-01", local(2026, 11, 2, 9), d(2026, 11, 7));
    handlers::job_runner runner(db, {unit});
    CHECK(runner.run_due_jobs(local(2026, 11, 5, 17, 0)).posts == 1);  // the cut-off
  }
  storage::database db(path);
  handlers::job_runner again(db, {unit});
  auto stats = again.run_due_jobs(local(2026, 11, 5, 17, 1));
  CHECK(stats.posts == 0);
  CHECK(stats.runs == 0);
  CHECK(db.db().execAndGet("SELECT COUNT(*) FROM outbox").getInt() == 1);
}

TEST_CASE_FIXTURE(jobs_fixture, "jobs: a restart after a missed post catches it up once, the same day") {
  register_form("Nguyễn Văn Tư", "chứng thực chữ ký", "Đông Hải", local(2026, 11, 2, 9));
  // Down from 06:00 to 10:40 on Saturday 07/11: the 07:00 brief was missed.
  CHECK(run(local(2026, 11, 7, 6, 0)).empty());
  runner = std::make_unique<handlers::job_runner>(db(), std::vector<domain::unit>{test::demo_unit()});
  auto posts = run(local(2026, 11, 7, 10, 40));
  REQUIRE(posts.size() == 1);
  CHECK(has(posts[0].text, "Bản tin sáng Thứ Bảy 07/11"));
  CHECK(run(local(2026, 11, 7, 11, 10)).empty());
  CHECK(run(local(2026, 11, 7, 23, 59)).empty());
}

TEST_CASE_FIXTURE(jobs_fixture, "jobs: after a two-day outage only today's posts are caught up") {
  register_form("Nguyễn Văn Tư", "chứng thực chữ ký", "Đông Hải", local(2026, 11, 2, 9));
  // Not scheduled: overdue from Friday 06/11; escalated after two more days.
  CHECK(run(local(2026, 11, 6, 7, 0)).size() == 1);
  // Down all of Monday 09/11 and Tuesday 10/11; back on Wednesday 11/11 at 17:30.
  runner = std::make_unique<handlers::job_runner>(db(), std::vector<domain::unit>{test::demo_unit()});
  auto posts = run(local(2026, 11, 11, 17, 30));
  std::vector<std::string> heads;
  for (const auto& p : posts) heads.push_back(first_line(p.text));
  CHECK(heads == std::vector<std::string>{"☀️ Bản tin sáng Thứ Tư 11/11 — Xã Bình Giang",
                                          "🔔 Cảnh báo quá hạn Thứ Tư 11/11 — Xã Bình Giang: 1 hồ sơ"});
  // Monday's brief, weekly report and digest and Tuesday's were never made.
  storage::job_repository jobs(db());
  CHECK_FALSE(jobs.ran(handlers::job_names::brief, "binhgiang", "2026-11-09"));
  CHECK_FALSE(jobs.ran(handlers::job_names::weekly, "binhgiang", "2026-W45"));
  CHECK_FALSE(jobs.ran(handlers::job_names::digest, "binhgiang", "2026-11-10"));
  CHECK(run(local(2026, 11, 11, 18, 0)).empty());
}

TEST_CASE("jobs: the morning brief tells the leaders how many messages could not be delivered") {
  test::temp_dir dir;
  storage::database db(dir.file("jobs.db"));
  auto unit = test::demo_unit();
  storage::unit_repository(db).sync_config({unit}, test::local(2026, 11, 1));
  storage::outbox box(db);
  {
    storage::write_transaction tx(db);
    auto id = box.enqueue(unit.chat_id, "tin thử", test::local(2026, 11, 24, 20));
    box.mark_dead(id, "403 bot removed", test::local(2026, 11, 24, 20));
    tx.commit();
  }
  handlers::job_runner runner(db, {unit});
  runner.run_due_jobs(test::local(2026, 11, 25, 7, 1));
  SQLite::Statement q(db.db(), "SELECT text FROM outbox WHERE state = 'pending' ORDER BY id");
  bool found = false;
  while (q.executeStep())
    if (q.getColumn(0).getString().find("1 tin nhắn của bot không gửi được") != std::string::npos) found = true;
  CHECK(found);
}

TEST_CASE("jobs: a post longer than the platform's limit in the options is queued as several messages") {
  auto posts_with_limit = [](std::size_t limit) {
    test::temp_dir dir;
    storage::database db(dir.file("bot.db"));
    auto unit = test::demo_unit();
    storage::unit_repository(db).sync_config({unit}, local(2026, 11, 1));
    storage::unit_repository(db).sync_catalog(test::test_catalog());
    test::add_citizen(db, unit.id, "Nguyễn Văn Tư", "Đông Hải", "Cao tuổi", local(2026, 11, 2));
    test::add_request(db, unit.id, 1, "CT-01", local(2026, 11, 2, 9), d(2026, 11, 7));
    handlers::job_runner runner(db, {unit}, {.max_text_units = limit});
    REQUIRE(runner.run_due_jobs(local(2026, 11, 5, 17, 0)).posts == 1);  // the cut-off
    return db.db().execAndGet("SELECT COUNT(*) FROM outbox").getInt();   // the messages it became
  };
  CHECK(posts_with_limit(4096) == 1);
  CHECK(posts_with_limit(60) > 1);
}

TEST_CASE("jobs: the scheduler deletes unfinished forms once they expire, and only then") {
  jobs_fixture f;
  f.priv("admin-1", "/dangky\nHọ tên: Nguyễn Văn Tư", local(2026, 11, 25, 9));  // Wednesday 09:00
  f.take();
  auto drafts = [&] { return f.db().db().execAndGet("SELECT COUNT(*) FROM drafts").getInt64(); };
  REQUIRE(drafts() == 1);
  CHECK(f.runner->run_due_jobs(local(2026, 11, 25, 10)).drafts_removed == 0);
  CHECK(drafts() == 1);
  // The default lifetime of a draft is a day.
  CHECK(f.runner->run_due_jobs(local(2026, 11, 26, 10)).drafts_removed == 1);
  CHECK(drafts() == 0);
}

TEST_CASE_FIXTURE(jobs_fixture, "jobs: a weekly or monthly report missed by a longer outage is posted once, later in its period") {
  // Running on Monday 26/10 and Sunday 01/11: the report of week 43 went out on its day.
  run(local(2026, 10, 26, 9, 0));
  register_form("Nguyễn Văn Tư", "chứng thực chữ ký", "Đông Hải", local(2026, 10, 27, 9));  // week 44
  run(local(2026, 11, 1, 9, 0));
  storage::job_repository jobs(db());
  REQUIRE(jobs.ran(handlers::job_names::weekly, "binhgiang", "2026-W43"));
  // Down from Sunday 01/11 09:00 until Wednesday 04/11 10:00: Monday's report of week 44 and
  // the monthly report of October (due 01/11 08:00 — it was posted, the server was up) …
  REQUIRE(jobs.ran(handlers::job_names::monthly, "binhgiang", "2026-10"));
  auto posts = run(local(2026, 11, 4, 10, 0));
  std::vector<std::string> heads;
  for (const auto& p : posts) heads.push_back(first_line(p.text));
  // … the missed weekly report comes now, once; the missed brief of Monday does not.
  CHECK(std::count(heads.begin(), heads.end(), "📊 Báo cáo Tuần 44 (26/10–01/11/2026) — Xã Bình Giang") == 1);
  CHECK(jobs.ran(handlers::job_names::weekly, "binhgiang", "2026-W44"));
  CHECK_FALSE(jobs.ran(handlers::job_names::brief, "binhgiang", "2026-11-02"));
  CHECK(run(local(2026, 11, 4, 11, 0)).empty());
  // Down over the turn of the month until Thursday 03/12: November's report is caught up too.
  run(local(2026, 11, 30, 9, 0));
  auto december = run(local(2026, 12, 3, 9, 0));
  std::size_t monthly = 0;
  for (const auto& p : december) monthly += first_line(p.text) == "📊 Báo cáo Tháng 11/2026 — Xã Bình Giang";
  CHECK(monthly == 1);
  // The next week, nothing of the week before is posted again.
  auto next_week = run(local(2026, 12, 8, 9, 0));
  for (const auto& p : next_week) CHECK(first_line(p.text).find("Tuần 48") == std::string::npos);
}

TEST_CASE_FIXTURE(jobs_fixture, "jobs: a unit new on a Wednesday gets no stale weekly report before its first Monday") {
  register_form("Nguyễn Văn Tư", "chứng thực chữ ký", "Đông Hải", local(2026, 10, 28, 9));  // week 44
  auto posts = run(local(2026, 11, 4, 10, 0));
  for (const auto& p : posts) CHECK(first_line(p.text).find("Báo cáo") == std::string::npos);
  storage::job_repository jobs(db());
  CHECK_FALSE(jobs.ran(handlers::job_names::weekly, "binhgiang", "2026-W44"));
  auto monday = run(local(2026, 11, 9, 8, 30));
  std::size_t weekly = 0;
  for (const auto& p : monday) weekly += first_line(p.text) == "📊 Báo cáo Tuần 45 (02/11–08/11/2026) — Xã Bình Giang";
  CHECK(weekly == 1);
}
