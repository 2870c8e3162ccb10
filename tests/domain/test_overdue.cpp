#include <doctest/doctest.h>

#include "domain/overdue.hpp"

using namespace tannha::domain;
using std::chrono::sys_days; using std::chrono::year; using std::chrono::month;

namespace {
tannha::domain::day d(int y, unsigned m, unsigned dd) { return sys_days{year{y} / month{m} / std::chrono::day{dd}}; }

overdue_facts facts(std::int64_t n, request_state s) {
  overdue_facts f;
  f.number = n;
  f.state = s;
  f.waiting_since = d(2026, 11, 23);
  return f;
}
}  // namespace

TEST_CASE("overdue: a registration not scheduled within N working days, weekends not counted") {
  overdue_rules rules;  // 3 working days
  calendar cal;
  auto f = facts(1, request_state::registered);
  f.waiting_since = d(2026, 11, 26);  // Thursday: deadline Tuesday 1/12
  CHECK_FALSE(check_overdue(f, d(2026, 12, 1), rules, cal));
  auto it = check_overdue(f, d(2026, 12, 2), rules, cal);
  REQUIRE(it);
  CHECK(it->kind == overdue_kind::unscheduled);
  CHECK(it->deadline == d(2026, 12, 1));
  CHECK(it->days_late == 1);
  CHECK_FALSE(it->escalated);
  f.state = request_state::verified;
  CHECK(check_overdue(f, d(2026, 12, 2), rules, cal));
}

TEST_CASE("overdue: holidays extend the time to schedule") {
  overdue_rules rules;
  calendar cal({d(2026, 11, 30)}, {});
  auto f = facts(1, request_state::registered);
  f.waiting_since = d(2026, 11, 26);  // Fri, (Mon holiday), Tue, Wed
  CHECK_FALSE(check_overdue(f, d(2026, 12, 2), rules, cal));
  CHECK(check_overdue(f, d(2026, 12, 3), rules, cal));
}

TEST_CASE("overdue: a visit day passed while the request is still scheduled") {
  overdue_rules rules;
  calendar cal;
  auto f = facts(2, request_state::scheduled);
  f.visit_day = d(2026, 11, 28);
  CHECK_FALSE(check_overdue(f, d(2026, 11, 28), rules, cal));
  auto it = check_overdue(f, d(2026, 11, 30), rules, cal);
  REQUIRE(it);
  CHECK(it->kind == overdue_kind::visit_missed);
  CHECK(it->days_late == 2);
  f.visit_day.reset();
  CHECK_FALSE(check_overdue(f, d(2026, 11, 30), rules, cal));
}

TEST_CASE("overdue: processing past the due day is late (trễ hẹn), on the due day it is not") {
  overdue_rules rules;
  calendar cal;
  auto f = facts(3, request_state::processing);
  f.due_day = d(2026, 11, 27);
  CHECK_FALSE(check_overdue(f, d(2026, 11, 27), rules, cal));
  auto it = check_overdue(f, d(2026, 12, 1), rules, cal);
  REQUIRE(it);
  CHECK(it->kind == overdue_kind::late);
  CHECK(it->days_late == 4);
  CHECK(it->escalated);  // grace 2 days
}

TEST_CASE("overdue: a ready result not returned within N days") {
  overdue_rules rules;
  rules.result_unreturned_days = 5;
  calendar cal;
  auto f = facts(4, request_state::result_ready);
  f.result_day = d(2026, 11, 20);
  CHECK_FALSE(check_overdue(f, d(2026, 11, 25), rules, cal));
  auto it = check_overdue(f, d(2026, 11, 26), rules, cal);
  REQUIRE(it);
  CHECK(it->kind == overdue_kind::unreturned);
  CHECK(it->days_late == 1);
}

TEST_CASE("overdue: needs_papers and closed requests are never overdue") {
  overdue_rules rules;
  calendar cal;
  for (auto s : {request_state::needs_papers, request_state::returned, request_state::cancelled,
                 request_state::rejected}) {
    auto f = facts(5, s);
    f.waiting_since = d(2026, 1, 1);
    f.due_day = d(2026, 1, 1);
    f.visit_day = d(2026, 1, 1);
    f.result_day = d(2026, 1, 1);
    CHECK_FALSE(check_overdue(f, d(2026, 11, 30), rules, cal));
  }
}

TEST_CASE("overdue: the grace period decides escalation, per unit") {
  overdue_rules rules;
  rules.escalation_grace_days = 0;
  calendar cal;
  auto f = facts(3, request_state::processing);
  f.due_day = d(2026, 11, 27);
  CHECK(check_overdue(f, d(2026, 11, 28), rules, cal)->escalated);
  rules.escalation_grace_days = 2;
  CHECK_FALSE(check_overdue(f, d(2026, 11, 29), rules, cal)->escalated);
  CHECK(check_overdue(f, d(2026, 11, 30), rules, cal)->escalated);
}

TEST_CASE("overdue: the list is worst first, trễ hẹn first among equals, then by number") {
  overdue_rules rules;
  calendar cal;
  std::vector<overdue_facts> open;
  auto a = facts(10, request_state::scheduled);
  a.visit_day = d(2026, 11, 28);  // 2 days late on 30/11
  auto b = facts(11, request_state::processing);
  b.due_day = d(2026, 11, 28);  // 2 days late
  auto c = facts(12, request_state::processing);
  c.due_day = d(2026, 11, 20);  // 10 days late
  auto e = facts(13, request_state::registered);  // since 23/11: deadline 26/11, 4 days late
  auto ok = facts(14, request_state::processing);
  ok.due_day = d(2026, 12, 5);
  open = {a, b, c, e, ok};
  auto list = overdue_list(open, d(2026, 11, 30), rules, cal);
  REQUIRE(list.size() == 4);
  CHECK(list[0].number == 12);
  CHECK(list[1].number == 13);
  CHECK(list[2].number == 11);
  CHECK(list[3].number == 10);
  CHECK(any_escalated(list));
  CHECK_FALSE(any_escalated({list[2], list[3]}));
}
