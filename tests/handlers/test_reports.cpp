// Report figures against hand-computed values for a fixed data set (docs/DESIGN.md §5), and /baocao,
// /quahan over the dispatcher.
#include <doctest/doctest.h>

#include <cmath>

#include "dispatch_fixture.hpp"
#include "domain/period.hpp"
#include "request_writes.hpp"
#include "storage/report_repository.hpp"

using namespace tannha;
using tannha::test::local;
using domain::request_state;

namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

domain::day d(int y, unsigned m, unsigned dd) {
  return std::chrono::sys_days{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{dd}};
}

// The fixed data set (Bình Giang, UTC+7); every time is local:
//  #1 A CT-01  reg 31/10 23:59, cancelled 05/11
//  #2 B HT-01  reg 01/11 00:00, verified 02/11, scheduled 03/11, received 07/11 09:00 (due 10/11),
//              result 10/11, returned 10/11 15:00 (on time), rating 5
//  #3 C CT-01  reg 30/11 23:59, still registered
//  #4 A BHYT   reg 01/12 00:00
//  #5 B CT-01  reg 10/11 09:00, scheduled 11/11 (verifying in the same step), received 14/11 09:00
//              (due 17/11), result 19/11, returned 20/11 10:00 (late), rating 3
//  #6 C HT-01  reg 12/11 09:00, verified 13/11, scheduled 13/11, postponed 14/11, scheduled 16/11,
//              received 21/11 09:00 (due 26/11), still processing
//  #7 A HT-02  reg 15/11 09:00, refused 16/11
//  #8 C CT-02  reg 02/11 08:00, scheduled 02/11 09:00, received 03/11 08:00 (due 04/11), result 04/11,
//              returned 05/11 06:00 local = 04/11 23:00 UTC (late: local days count)
struct report_fixture : test::dispatch_fixture {
  report_fixture() {
    auto& db = this->db();
    const std::string u = "binhgiang";
    auto a = test::add_citizen(db, u, "Nguyễn Văn An", "Đông Hải", "Thương binh", local(2026, 10, 1));
    auto b = test::add_citizen(db, u, "Trần Thị Bình", "Tây Sơn", "Cao tuổi;Khuyết tật", local(2026, 10, 1));
    auto c = test::add_citizen(db, u, "Lê Văn Cường", "Đông Hải", "Cao tuổi", local(2026, 10, 1));
    using test::add_request;
    using test::move_request;
    REQUIRE(add_request(db, u, a, "CT-01", local(2026, 10, 31, 23, 59)) == 1);
    REQUIRE(add_request(db, u, b, "HT-01", local(2026, 11, 1, 0, 0)) == 2);
    REQUIRE(add_request(db, u, c, "CT-01", local(2026, 11, 30, 23, 59)) == 3);
    REQUIRE(add_request(db, u, a, "BHYT-01", local(2026, 12, 1, 0, 0)) == 4);
    REQUIRE(add_request(db, u, b, "CT-01", local(2026, 11, 10, 9)) == 5);
    REQUIRE(add_request(db, u, c, "HT-01", local(2026, 11, 12, 9)) == 6);
    REQUIRE(add_request(db, u, a, "HT-02", local(2026, 11, 15, 9)) == 7);
    REQUIRE(add_request(db, u, c, "CT-02", local(2026, 11, 2, 8)) == 8);

    move_request(db, u, 1, request_state::cancelled, local(2026, 11, 5, 10));

    move_request(db, u, 2, request_state::verified, local(2026, 11, 2, 10));
    move_request(db, u, 2, request_state::scheduled, local(2026, 11, 3, 10), [](auto& r) { r.visit_day = d(2026, 11, 7); });
    move_request(db, u, 2, request_state::processing, local(2026, 11, 7, 9), [](auto& r) {
      r.received_at = local(2026, 11, 7, 9);
      r.due_day = d(2026, 11, 10);
    });
    move_request(db, u, 2, request_state::result_ready, local(2026, 11, 10, 8), [](auto& r) { r.result_at = local(2026, 11, 10, 8); });
    move_request(db, u, 2, request_state::returned, local(2026, 11, 10, 15), [](auto& r) {
      r.returned_at = local(2026, 11, 10, 15);
      r.return_way = "tại nhà";
    });
    move_request(db, u, 2, request_state::returned, local(2026, 11, 11, 9), [](auto& r) { r.rating = 5; });

    move_request(db, u, 5, request_state::scheduled, local(2026, 11, 11, 9), [](auto& r) { r.visit_day = d(2026, 11, 14); });
    move_request(db, u, 5, request_state::processing, local(2026, 11, 14, 9), [](auto& r) {
      r.received_at = local(2026, 11, 14, 9);
      r.due_day = d(2026, 11, 17);
    });
    move_request(db, u, 5, request_state::result_ready, local(2026, 11, 19, 9), [](auto& r) { r.result_at = local(2026, 11, 19, 9); });
    move_request(db, u, 5, request_state::returned, local(2026, 11, 20, 10), [](auto& r) {
      r.returned_at = local(2026, 11, 20, 10);
      r.rating = 3;
    });

    move_request(db, u, 6, request_state::verified, local(2026, 11, 13, 9));
    move_request(db, u, 6, request_state::scheduled, local(2026, 11, 13, 10), [](auto& r) { r.visit_day = d(2026, 11, 14); });
    move_request(db, u, 6, request_state::verified, local(2026, 11, 14, 7), [](auto& r) { r.visit_day.reset(); });
    move_request(db, u, 6, request_state::scheduled, local(2026, 11, 16, 9), [](auto& r) { r.visit_day = d(2026, 11, 21); });
    move_request(db, u, 6, request_state::processing, local(2026, 11, 21, 9), [](auto& r) {
      r.received_at = local(2026, 11, 21, 9);
      r.due_day = d(2026, 11, 26);
    });

    move_request(db, u, 7, request_state::rejected, local(2026, 11, 16, 9));

    move_request(db, u, 8, request_state::scheduled, local(2026, 11, 2, 9), [](auto& r) { r.visit_day = d(2026, 11, 3); });
    move_request(db, u, 8, request_state::processing, local(2026, 11, 3, 8), [](auto& r) {
      r.received_at = local(2026, 11, 3, 8);
      r.due_day = d(2026, 11, 4);
    });
    move_request(db, u, 8, request_state::result_ready, local(2026, 11, 4, 9), [](auto& r) { r.result_at = local(2026, 11, 4, 9); });
    move_request(db, u, 8, request_state::returned, local(2026, 11, 5, 6), [](auto& r) { r.returned_at = local(2026, 11, 5, 6); });
    take();
  }

  storage::report_figures figures(const char* key) {
    storage::report_repository repo(db());
    auto p = domain::parse_period_key(key);
    REQUIRE(p);
    return repo.figures("binhgiang", *p, std::chrono::minutes{7 * 60});
  }
};

const storage::report_group* group_named(const std::vector<storage::report_group>& v, const std::string& name) {
  for (const auto& g : v)
    if (g.name == name) return &g;
  return nullptr;
}

}  // namespace

TEST_CASE_FIXTURE(report_fixture, "reports: November's figures match the hand count") {
  auto f = figures("2026-11");
  CHECK(f.registered == 6);  // #2 #3 #5 #6 #7 #8
  // Issue 14, item 11: "xác minh" counts /xacminh (#2 #6); #5 #8, scheduled straight away, count
  // as scheduled only (this read 4 before, verifications nobody typed).
  CHECK(f.verified == 2);
  CHECK(f.scheduled == 4);
  CHECK(f.received == 4);
  CHECK(f.result_ready == 3);
  CHECK(f.returned == 3);  // the later rating of #2 is not a second return
  CHECK(f.cancelled == 1);
  CHECK(f.refused == 1);
  CHECK(f.postponed == 1);
  CHECK(f.returned_with_due == 3);
  CHECK(f.returned_on_time == 1);  // #2; #8 came back on 05/11 local although it was 04/11 in UTC
  REQUIRE(f.on_time_percent());
  CHECK(std::abs(*f.on_time_percent() - 100.0 / 3) < 1e-9);
  REQUIRE(f.avg_days_to_visit);
  CHECK(std::abs(*f.avg_days_to_visit - (6.375 + 4.0 + 9.0 + 1.0) / 4) < 1e-9);
  REQUIRE(f.avg_days_to_return);
  CHECK(std::abs(*f.avg_days_to_return - (3.25 + (6 + 1.0 / 24) + (1 + 22.0 / 24)) / 3) < 1e-9);
  REQUIRE(f.avg_rating);
  CHECK(*f.avg_rating == doctest::Approx(4.0));
  CHECK(f.rated == 2);
  CHECK(f.open_at_end == 2);     // #3 and #6
  CHECK(f.overdue_at_end == 1);  // #6, due 26/11

  auto dh = group_named(f.by_village, "Đông Hải");
  auto ts = group_named(f.by_village, "Tây Sơn");
  REQUIRE(dh);
  REQUIRE(ts);
  CHECK(dh->registered == 4);
  CHECK(dh->returned == 1);
  CHECK(ts->registered == 2);
  CHECK(ts->returned == 2);
  CHECK(f.by_village.front().name == "Đông Hải");
  REQUIRE(group_named(f.by_field, "Chứng thực"));
  CHECK(group_named(f.by_field, "Chứng thực")->registered == 3);
  CHECK(group_named(f.by_field, "Hộ tịch")->registered == 3);
  CHECK(group_named(f.by_category, "Cao tuổi")->registered == 5);
  CHECK(group_named(f.by_category, "Khuyết tật")->registered == 2);
  CHECK(group_named(f.by_category, "Thương binh")->registered == 1);
}

TEST_CASE_FIXTURE(report_fixture, "reports: period boundaries are local midnight") {
  // 31/10 23:59 belongs to October, 01/11 00:00 to November; 30/11 23:59 to November, 01/12 00:00 to December.
  CHECK(figures("2026-10").registered == 1);
  CHECK(figures("2026-12").registered == 1);
  CHECK(figures("2026-Q4").registered == 8);
  storage::report_repository repo(db());
  auto rows = repo.requests_in("binhgiang", *domain::parse_period_key("2026-11"));
  std::vector<std::int64_t> numbers;
  for (const auto& r : rows) numbers.push_back(r.number);
  CHECK(numbers == std::vector<std::int64_t>{2, 3, 5, 6, 7, 8});
  CHECK(rows[0].registered_day == "2026-11-01");
  CHECK(rows[1].registered_day == "2026-11-30");
  // #8's return day is its local day.
  CHECK(rows[5].returned_day == "2026-11-05");
  CHECK(rows[5].due_day == "2026-11-04");
  CHECK(rows[5].procedure_field == "Chứng thực");
  CHECK(rows[0].rating == 5);
  CHECK(rows[0].citizen_name == "Trần Thị Bình");
  CHECK(rows[0].village == "Tây Sơn");
}

TEST_CASE_FIXTURE(report_fixture, "reports: a week counts only its own changes, and backlog at its end") {
  auto f = figures("2026-W47");  // 16/11–22/11
  CHECK(f.registered == 0);
  CHECK(f.scheduled == 1);  // #6
  CHECK(f.received == 1);   // #6
  CHECK(f.result_ready == 1);
  CHECK(f.returned == 1);  // #5, late
  CHECK(f.refused == 1);
  CHECK(f.returned_on_time == 0);
  CHECK(f.on_time_percent() == doctest::Approx(0.0));
  // At the end of 22/11: #3 not yet registered; #6 open and not yet due.
  CHECK(f.open_at_end == 1);
  CHECK(f.overdue_at_end == 0);
  auto empty = figures("2026-W40");
  CHECK(empty.returned == 0);
  CHECK_FALSE(empty.on_time_percent());
  CHECK_FALSE(empty.avg_rating);
}

TEST_CASE_FIXTURE(report_fixture, "reports: /baocao posts the summary with totals first and the on-time rate") {
  group("admin-1", "/baocao thang ky truoc", local(2026, 12, 2, 9));
  auto text = take_one();
  CAPTURE(text);
  CHECK(has(text, "Báo cáo Tháng 11/2026 — Xã Bình Giang"));
  CHECK(has(text, "Mới đăng ký: 6 · Đã trả kết quả: 3 · Đúng hẹn: 1/3 (33%)"));
  CHECK(has(text, "Tồn cuối kỳ: 2 hồ sơ, trong đó 1 trễ hẹn"));
  CHECK(has(text, "hoãn 1 lần"));
  CHECK(has(text, "Hài lòng: 4,0/5 (2 lượt đánh giá)"));
  CHECK(has(text, "Theo thôn: Đông Hải 4 mới, 1 đã trả; Tây Sơn 2 mới, 2 đã trả"));
  // What needs action now: #6 is late, #3 unscheduled (registered 30/11, 3 working days: due 03/12: not yet).
  CHECK(has(text, "Cần xử lý: 1 hồ sơ quá hạn — #6"));
  CHECK_FALSE(has(text, "0912"));

  group("admin-1", "/baocao 2026-11", local(2026, 12, 2, 9));
  CHECK(take_one() == text);
  group("admin-1", "/Báo cáo tháng trước", local(2026, 12, 2, 9));
  CHECK(take_one() == text);
}

TEST_CASE_FIXTURE(report_fixture, "reports: /baocao defaults to this week, says so, and refuses a period it cannot read") {
  group("admin-1", "/baocao", local(2026, 11, 26, 9));
  auto text = take_one();
  CHECK(has(text, "Báo cáo Tuần 48 (23/11–29/11/2026)"));
  CHECK(has(text, "tính đến 26/11/2026"));
  group("admin-1", "/baocao hom qua", local(2026, 11, 26, 9));
  CHECK(has(take_one(), "Không hiểu kỳ báo cáo"));
  group("admin-1", "/baocao quy", local(2026, 11, 26, 9));
  CHECK(has(take_one(), "Quý IV/2026"));
}

TEST_CASE_FIXTURE(report_fixture, "reports: /baocao is for leaders and staff only") {
  storage::unit_repository repo(db());
  repo.put_member({"binhgiang", "tt-1", domain::role::truongthon, "Đông Hải", "Nguyễn Thôn", "invite"}, local(2026, 11, 1));
  group("tt-1", "/baocao", local(2026, 11, 26, 9));
  auto text = take_one();
  CHECK_FALSE(has(text, "Báo cáo Tuần"));
}

TEST_CASE_FIXTURE(report_fixture, "reports: /quahan lists what is overdue worst first, without phone or address") {
  // 03/12: #6 late since 26/11 (7 days), #3 registered 30/11: 3 working days → 03/12, not yet.
  group("admin-1", "/quahan", local(2026, 12, 3, 9));
  auto text = take_one();
  CAPTURE(text);
  CHECK(has(text, "Quá hạn — Xã Bình Giang, Thứ Năm 03/12: 1 hồ sơ"));
  CHECK(has(text, "#6 Lê Văn Cường (Đông Hải) — Trễ hẹn trả kết quả (hẹn trả 26/11): trễ 7 ngày ‼️"));
  CHECK_FALSE(has(text, "#3"));
  group("admin-1", "/quahan", local(2026, 12, 4, 9));
  auto later = take_one();
  CAPTURE(later);
  CHECK(has(later, ": 2 hồ sơ"));
  CHECK(later.find("#6") < later.find("#3"));
  CHECK(has(later, "#3 Lê Văn Cường (Đông Hải) — Chưa xếp lịch (hạn xếp lịch 03/12): trễ 1 ngày"));
  CHECK_FALSE(has(later, "0912"));
  CHECK_FALSE(has(later, "xóm 1"));
  CHECK_FALSE(has(later, "Cao tuổi"));
}

namespace {

// December's work on November's requests (issue 14, item 11): #2's rating changed, #6 (late at
// November's end) sent back for papers, received again with a new due day, returned and rated;
// #3 (open at November's end) cancelled; #9 registered and verified; #4 verified.
void december_activity(storage::database& db) {
  const std::string u = "binhgiang";
  using test::move_request;
  move_request(db, u, 2, request_state::returned, local(2026, 12, 1, 9), [](auto& r) { r.rating = 1; });
  move_request(db, u, 6, request_state::needs_papers, local(2026, 12, 2, 9));
  move_request(db, u, 6, request_state::processing, local(2026, 12, 5, 9), [](auto& r) {
    r.received_at = local(2026, 12, 5, 9);
    r.due_day = d(2026, 12, 8);
  });
  move_request(db, u, 6, request_state::result_ready, local(2026, 12, 7, 9), [](auto& r) { r.result_at = local(2026, 12, 7, 9); });
  move_request(db, u, 6, request_state::returned, local(2026, 12, 7, 15), [](auto& r) {
    r.returned_at = local(2026, 12, 7, 15);
    r.rating = 5;
  });
  move_request(db, u, 3, request_state::cancelled, local(2026, 12, 2, 10));
  auto c = test::add_citizen(db, u, "Phạm Thị Dung", "Tây Sơn", "Cao tuổi", local(2026, 12, 3));
  REQUIRE(test::add_request(db, u, c, "CT-01", local(2026, 12, 3, 9)) == 9);
  move_request(db, u, 9, request_state::verified, local(2026, 12, 3, 10));
  move_request(db, u, 4, request_state::verified, local(2026, 12, 3, 11));
}

bool same(const storage::report_figures& a, const storage::report_figures& b) {
  auto groups = [](const std::vector<storage::report_group>& v) {
    std::vector<std::tuple<std::string, std::int64_t, std::int64_t>> out;
    for (const auto& g : v) out.emplace_back(g.name, g.registered, g.returned);
    return out;
  };
  return std::tie(a.registered, a.verified, a.scheduled, a.received, a.result_ready, a.returned, a.cancelled,
                  a.refused, a.postponed, a.needs_papers, a.returned_on_time, a.returned_with_due,
                  a.avg_days_to_visit, a.avg_days_to_return, a.avg_rating, a.rated, a.open_at_end,
                  a.overdue_at_end) ==
             std::tie(b.registered, b.verified, b.scheduled, b.received, b.result_ready, b.returned, b.cancelled,
                      b.refused, b.postponed, b.needs_papers, b.returned_on_time, b.returned_with_due,
                      b.avg_days_to_visit, b.avg_days_to_return, b.avg_rating, b.rated, b.open_at_end,
                      b.overdue_at_end) &&
         groups(a.by_village) == groups(b.by_village) && groups(a.by_field) == groups(b.by_field) &&
         groups(a.by_category) == groups(b.by_category);
}

}  // namespace

TEST_CASE_FIXTURE(report_fixture, "reports: a closed month's figures and /baocao text do not change after later work") {
  const auto before = figures("2026-11");
  const auto week = figures("2026-W47");
  group("admin-1", "/baocao thang 11", local(2026, 12, 1, 8));
  const auto text = take_one();
  december_activity(db());
  CHECK(same(figures("2026-11"), before));
  CHECK(same(figures("2026-W47"), week));
  group("admin-1", "/baocao thang 11", local(2026, 12, 20, 9));
  auto again = take_one();
  CAPTURE(text);
  CAPTURE(again);
  CHECK(again == text);
  // The overdue list of a closed period is the one at its end (#6), not today's.
  CHECK(has(again, "Cần xử lý: 1 hồ sơ quá hạn — #6 (tại cuối kỳ; hôm nay: xem /quahan)"));
}

TEST_CASE_FIXTURE(report_fixture, "reports: a rating counts in the period it was entered, once per request") {
  december_activity(db());
  auto nov = figures("2026-11");
  CHECK(nov.rated == 2);  // #2's 5 (11/11) and #5's 3 (20/11); #2's new 1 is December's
  CHECK(*nov.avg_rating == doctest::Approx(4.0));
  auto dec = figures("2026-12");
  CHECK(dec.rated == 2);  // #2 re-rated 1, #6 rated 5 at its return
  CHECK(*dec.avg_rating == doctest::Approx(3.0));
  // Rated twice within one period: the last score, one rating.
  test::move_request(db(), "binhgiang", 6, request_state::returned, local(2026, 12, 9, 9), [](auto& r) { r.rating = 4; });
  dec = figures("2026-12");
  CHECK(dec.rated == 2);
  CHECK(*dec.avg_rating == doctest::Approx(2.5));
  CHECK(figures("2026-Q4").rated == 3);  // #5; #2 and #6 with their last scores of the quarter
}

TEST_CASE_FIXTURE(report_fixture, "reports: backlog and late are the state at the period's end, from the history") {
  december_activity(db());
  storage::report_repository repo(db());
  const auto end_of_november = local(2026, 12, 1, 0);
  auto open = repo.open_at("binhgiang", end_of_november, std::chrono::minutes{7 * 60});
  // #3 was open then (cancelled since), #6 processing with the due day of its first reception
  // (26/11; the second reception's 08/12 came later); #9, registered in December, is not there.
  REQUIRE(open.size() == 2);
  CHECK(open[0].facts.number == 3);
  CHECK(open[0].facts.state == request_state::registered);
  CHECK(open[1].facts.number == 6);
  CHECK(open[1].facts.state == request_state::processing);
  REQUIRE(open[1].facts.due_day);
  CHECK(*open[1].facts.due_day == d(2026, 11, 26));
  // At the start of 15/11: #5 in processing (due 17/11), #6 back to verified by its postponement
  // of 14/11 and waiting since then; #1 #2 #8 closed, #7 not yet registered.
  auto mid = repo.open_at("binhgiang", local(2026, 11, 15, 0), std::chrono::minutes{7 * 60});
  REQUIRE(mid.size() == 2);
  CHECK(mid[0].facts.number == 5);
  CHECK(mid[0].facts.state == request_state::processing);
  CHECK(mid[0].facts.due_day == d(2026, 11, 17));
  CHECK(mid[1].facts.number == 6);
  CHECK(mid[1].facts.state == request_state::verified);
  CHECK(mid[1].facts.waiting_since == d(2026, 11, 14));
  CHECK_FALSE(mid[1].facts.visit_day);  // the postponement cleared it; 21/11 was set on 16/11
  auto dec = figures("2026-12");
  CHECK(dec.registered == 2);      // #4 (01/12 00:00) and #9
  CHECK(dec.verified == 2);        // #9 #4 by /xacminh
  CHECK(dec.needs_papers == 1);    // #6
  CHECK(dec.received == 1);        // #6 again
  CHECK_FALSE(dec.avg_days_to_visit);  // #6's second reception is not a first visit
  CHECK(dec.returned == 1);
  CHECK(dec.cancelled == 1);       // #3
  CHECK(dec.open_at_end == 2);     // #4 (registered 01/12) and #9
  CHECK(dec.overdue_at_end == 0);
}
