// Every statement the bot prepares, after a month of work through the commands, the jobs and
// the relay's outbox calls, finds its rows through an index: none walks a table that grows
// with the unit's work. Guards the schema's indexes (migrations 005–007 trimmed and narrowed
// them) against a query that silently stops using one.
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "dispatch_fixture.hpp"
#include "handlers/job_runner.hpp"
#include "storage/outbox.hpp"
#include "storage/report_repository.hpp"
#include "storage/unit_repository.hpp"

using namespace tannha;
using tannha::test::local;

namespace {

struct plan_step {
  std::string sql;
  std::string detail;
};

// The EXPLAIN QUERY PLAN steps that read a whole table or index ("SCAN …"), or every row of a
// unit: a search whose only constraint is the unit (an index that no longer matches the query
// falls back to one of the unit-prefixed indexes, so a lost index shows as "(unit_id=?)").
std::vector<plan_step> full_scans(storage::database& db) {
  std::vector<plan_step> out;
  for (const auto& sql : db.prepared_sql()) {
    // Only statements that read rows have a plan worth checking (not BEGIN, PRAGMA, …).
    auto first = sql.substr(0, sql.find_first_of(" \n"));
    static const std::set<std::string> reading = {"SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "REPLACE"};
    if (!reading.contains(first)) continue;
    SQLite::Statement q(db.db(), "EXPLAIN QUERY PLAN " + sql);
    while (q.executeStep()) {
      std::string detail = q.getColumn(3).getString();
      bool scan = detail.rfind("SCAN ", 0) == 0 && detail != "SCAN CONSTANT ROW";
      bool whole_unit = detail.ends_with("(unit_id=?)");
      if (scan || whole_unit) out.push_back({sql, detail});
    }
  }
  return out;
}

}  // namespace

TEST_CASE("query plans: after a month of commands, jobs and sends, no query walks a growing table or a whole unit") {
  test::dispatch_fixture f;
  storage::unit_repository repo(f.db());
  auto put = [&](const char* id, domain::role r, const char* village, const char* name) {
    repo.put_member({"binhgiang", id, r, village, name, "invite"}, local(2026, 11, 1));
  };
  put("cb-1", domain::role::canbo, "", "Trần Văn Cán");
  put("tt-dh", domain::role::truongthon, "Đông Hải", "Nguyễn Văn Thôn");
  put("tnv-hoa", domain::role::tinhnguyen, "", "Lê Thị Hoa");

  auto form = [](const std::string& name, const std::string& procedure) {
    return "/dangky\nHọ tên: " + name + "\nNăm sinh: 1940\nThôn: Đông Hải\nĐịa chỉ: xóm 2\nSĐT: 0912 345 678\n"
           "Đối tượng: cao tuổi\nThủ tục: " + procedure;
  };
  const auto mon = local(2026, 11, 23, 9);
  f.group("admin-1", form("Nguyễn Văn Tư", "chứng thực chữ ký"), mon);
  f.group("admin-1", form("Trần Thị Lan", "khai sinh"), mon);
  f.group("admin-1", form("Phạm Văn Ba", "BHYT"), mon);
  f.priv("tt-dh", form("Lê Văn Năm", "khai tử"), mon);
  f.group("admin-1", form("Nguyễn Văn Tư", "chứng thực chữ ký"), mon);  // the same again: refused
  f.priv("tt-dh", "/dangky\nHọ tên: Đỗ Thị Mai", mon);                    // half a form: a draft
  f.priv("tt-dh", "Năm sinh: 1935", mon);                                  // the draft answered
  f.priv("tt-dh", "Thôn: Đông Hải\nĐịa chỉ: xóm 4\nĐối tượng: khuyết tật\nThủ tục: sao y", mon);  // and done
  const auto tue = local(2026, 11, 24, 10);
  for (const char* cmd : {"/xacminh #1 đủ điều kiện", "/xeplich #1 @Lê Thị Hoa", "/phancong #1 @Hoa, @Nam",
                          "/xeplich #2 28/11 8h30", "/tuchoi #3 không thuộc thẩm quyền", "/huy #4 trùng hồ sơ",
                          "/hoso #1", "/lich", "/lich tuan sau", "/quahan", "/tim Nguyễn", "/tim 0975",
                          "/baocao", "/baocao thang truoc", "/thanhvien", "/moi canbo", "/dangki", "/xyz"})
    f.group("cb-1", cmd, tue);
  f.group("admin-1", "/vaitro @Lê Thị Hoa canbo", tue);
  f.priv("tt-dh", "/phananh Đoàn đến muộn 1 tiếng", tue);
  const auto sat = local(2026, 11, 28, 9);
  f.group("tnv-hoa", "/tiepnhan #1 H15.50.05.13-261008-0975", sat);
  f.group("cb-1", "/bosung #2 bản sao CCCD", sat);
  f.group("cb-1", "/hoan #2 người dân đi viện", sat);
  f.group("cb-1", "/cokq #1", local(2026, 12, 1, 15));
  f.group("cb-1", "/datra #1 bưu điện", local(2026, 12, 2, 9));
  f.group("tt-dh", "/danhgia #1 5 rất hài lòng", local(2026, 12, 2, 10));
  f.group("cb-1", "/tim H15.50", local(2026, 12, 2, 10));

  // The scheduled posts of the month, then the relay's calls on what was queued.
  handlers::job_runner jobs(f.db(), {test::demo_unit()});
  for (auto t = local(2026, 11, 23, 0); t <= local(2026, 12, 8, 0); t += std::chrono::minutes{60}) jobs.run_due_jobs(t);
  storage::outbox box(f.db());
  auto rows = box.due(local(2026, 12, 8), 8, [](const storage::outbox_head&) { return true; });
  REQUIRE(!rows.empty());
  std::vector<storage::outbox_mark> marks;
  for (const auto& r : rows) marks.push_back({r.id, storage::outbox_mark::kind::sent, local(2026, 12, 8), "m"});
  box.mark_many(marks);
  (void)box.next_due();
  CHECK(f.count("requests") == 5);

  auto prepared = f.db().prepared_sql();
  CAPTURE(prepared.size());
  CHECK(prepared.size() >= 50);  // the workload reached most of the bot's statements (54 when written)
  for (const auto& step : full_scans(f.db())) {
    CAPTURE(step.sql);
    CAPTURE(step.detail);
    // Reads that stay small whatever the work: the configuration tables (tens of rows), the
    // drafts (one per person filling a form, deleted when done or expired), and the relay's
    // walk of the pending outbox rows (a partial index of the backlog only, cut by LIMIT).
    // Whole-unit reads by design: /tim by part of a name, of a village or address, of a phone
    // or of a dossier code is a substring match, asked by a person, not run for every update.
    static const std::set<std::string> small = {"units", "villages", "procedures", "p", "members", "m", "drafts"};
    auto table = step.detail.substr(step.detail.find(' ') + 1);
    table = table.substr(0, table.find(' '));
    // A report's state at a period's end walks its own list of candidates (open_then), built from
    // two index ranges that this loop checks like any other read.
    bool bounded = small.contains(table) || step.detail == "SCAN outbox USING COVERING INDEX outbox_pending_order" ||
                   step.detail == "SCAN open_then" ||
                   step.sql.find("instr(lower(dossier_code)") != std::string::npos ||
                   step.sql.find("folded_name LIKE :pat") != std::string::npos ||
                   step.sql.find("folded_name LIKE :name0") != std::string::npos ||
                   step.sql.find("instr(phone, :digits)") != std::string::npos;
    CHECK_MESSAGE(bounded, "a read of a whole table or of a whole unit's rows, which grow with the work");
  }
}

TEST_CASE("query plans: /tim by part of a dossier code reads the unit's codes, not every request of the unit") {
  test::dispatch_fixture f;
  f.group("admin-1", test::full_form, local(2026, 11, 23, 9));
  f.group("admin-1", "/tim H15.50", local(2026, 11, 23, 10));
  std::string plan;
  for (const auto& sql : f.db().prepared_sql()) {
    if (sql.find("instr(lower(dossier_code)") == std::string::npos) continue;
    SQLite::Statement q(f.db().db(), "EXPLAIN QUERY PLAN " + sql);
    while (q.executeStep()) plan += q.getColumn(3).getString() + "\n";
  }
  CAPTURE(plan);
  CHECK(plan.find("USING INDEX requests_with_dossier (unit_id=?)") != std::string::npos);
}

// A unit's requests are spread over the whole table, so every row a report looks up is a page of
// its own: on the national database a year's report and the dashboard grew with the database's
// size (bench/NOTES.md). The report's ranges over returns and registrations are read from the
// index alone (migration 026), and whether a reception is a request's first is one probe of the
// receptions' index, not a read of each earlier event of the request.
TEST_CASE("query plans: a report reads its period's returns and registrations from the index alone") {
  test::dispatch_fixture f;
  f.group("admin-1", test::full_form, local(2026, 11, 23, 9));
  storage::report_repository reports(f.db());
  const auto year = domain::parse_period_key("2026");
  REQUIRE(year);
  const std::chrono::minutes offset{7 * 60};
  (void)reports.figures("binhgiang", *year, offset);
  (void)reports.returns_between("binhgiang", local(2026, 6, 1), local(2026, 12, 1));
  auto plan_of = [&](const std::string& needle) {
    std::string plan;
    for (const auto& sql : f.db().prepared_sql()) {
      if (sql.find(needle) == std::string::npos) continue;
      SQLite::Statement q(f.db().db(), "EXPLAIN QUERY PLAN " + sql);
      while (q.executeStep()) plan += q.getColumn(3).getString() + "\n";
    }
    return plan;
  };
  const auto on_time = plan_of("SELECT COUNT(due_day)");
  CAPTURE(on_time);
  CHECK(on_time.find("USING COVERING INDEX requests_by_returned") != std::string::npos);
  const auto chart = plan_of("SELECT returned_at, due_day FROM requests");
  CAPTURE(chart);
  CHECK(chart.find("USING COVERING INDEX requests_by_returned") != std::string::npos);
  const auto returned_groups = plan_of("r.returned_at >= :s AND r.returned_at < :e GROUP BY");
  CAPTURE(returned_groups);
  CHECK(returned_groups.find("SEARCH r USING COVERING INDEX requests_by_returned") != std::string::npos);
  const auto registered_groups = plan_of("r.registered_at >= :s AND r.registered_at < :e GROUP BY");
  CAPTURE(registered_groups);
  CHECK(registered_groups.find("SEARCH r USING COVERING INDEX requests_by_registered") != std::string::npos);
  const auto first_reception = plan_of("AVG((ue.at - r.registered_at)");
  CAPTURE(first_reception);
  CHECK(first_reception.find("SEARCH x USING INDEX request_events_receptions (request_id=? AND id<?)") !=
        std::string::npos);
}
