// /baocao and /quahan latency on a generated database of 1,000,000 requests across 100 units.
// Usage: report_bench [DB_PATH] [REQUESTS] [UNITS] [RUNS]
// The database is generated once (one transaction, prepared statements) and reused when the
// file already holds the requested number of requests.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "domain/period.hpp"
#include "handlers/job_runner.hpp"
#include "handlers/renderer.hpp"
#include "storage/database.hpp"

using namespace tannha;
using clock_type = std::chrono::steady_clock;

namespace {

domain::instant local_instant(domain::day d, int hh, int mm) {
  return domain::instant{d.time_since_epoch() + std::chrono::hours{hh} + std::chrono::minutes{mm} - std::chrono::hours{7}};
}

domain::unit make_unit(int i) {
  domain::unit u;
  u.id = "u" + std::to_string(i);
  u.name = "Xã " + std::to_string(i);
  u.chat_id = "group-" + std::to_string(i);
  u.villages = {"Thôn 1", "Thôn 2", "Thôn 3", "Thôn 4", "Thôn 5", "Thôn 6", "Thôn 7", "Thôn 8"};
  return u;
}

const char* fields[] = {"Chứng thực", "Hộ tịch", "Bảo trợ xã hội", "Người có công", "Bảo hiểm y tế"};
const char* categories[] = {"Cao tuổi", "Khuyết tật", "Thương binh", "Người có công", "Hộ nghèo", "Ốm đau"};

void generate(storage::database& db, int n_requests, int n_units, domain::day today) {
  auto& sql = db.db();
  auto t0 = clock_type::now();
  sql.exec("BEGIN");
  {
    SQLite::Statement unit(sql, "INSERT INTO units(id, name, chat_id, next_number) VALUES(?, ?, ?, ?)");
    SQLite::Statement village(sql, "INSERT INTO villages(unit_id, name) VALUES(?, ?)");
    SQLite::Statement member(sql, "INSERT INTO members(unit_id, user_id, role, display_name, source, joined_at) VALUES(?, ?, 'lanhdao', 'Lãnh đạo', 'config', 0)");
    SQLite::Statement proc(sql, "INSERT INTO procedures(code, name, field, processing_days) VALUES(?, ?, ?, ?)");
    for (int p = 0; p < 25; ++p) {
      proc.bind(1, "P-" + std::to_string(p));
      proc.bind(2, "Thủ tục " + std::to_string(p));
      proc.bind(3, fields[p % 5]);
      proc.bind(4, 1 + p % 7);
      proc.exec();
      proc.reset();
    }
    int per_unit = n_requests / n_units;
    for (int i = 0; i < n_units; ++i) {
      auto u = make_unit(i);
      unit.bind(1, u.id);
      unit.bind(2, u.name);
      unit.bind(3, u.chat_id);
      unit.bind(4, per_unit + 1);
      unit.exec();
      unit.reset();
      for (const auto& v : u.villages) {
        village.bind(1, u.id);
        village.bind(2, v);
        village.exec();
        village.reset();
      }
      member.bind(1, u.id);
      member.bind(2, "lead-" + std::to_string(i));
      member.exec();
      member.reset();
    }
  }
  SQLite::Statement citizen(sql,
                            "INSERT INTO citizens(id, unit_id, full_name, folded_name, birth_year, village, address, phone, "
                            "categories, created_at) VALUES(?, ?, ?, ?, 1940, ?, 'xóm 1', '0912345678', ?, 0)");
  SQLite::Statement request(sql,
                            "INSERT INTO requests(id, unit_id, number, citizen_id, procedure_code, state, registered_by, "
                            "registered_chat, registered_at, proposed_day, visit_day, visit_time, team, received_at, due_day, "
                            "result_at, returned_at, return_way, rating) VALUES(?, ?, ?, ?, ?, ?, 'x', 'x', ?, ?, ?, '08:00', "
                            "'Tổ 1', ?, ?, ?, ?, ?, ?)");
  SQLite::Statement event(sql,
                          "INSERT INTO request_events(request_id, at, actor, from_state, to_state) VALUES(?, ?, 'x', ?, ?)");
  std::mt19937 rng(42);
  const int span_days = 730;  // two years of history up to today
  const int per_unit = n_requests / n_units;
  const int citizens_per_unit = std::max(1, per_unit / 4);
  std::int64_t citizen_id = 0, request_id = 0;
  auto ev = [&](std::int64_t rid, std::int64_t at, const char* from, const char* to) {
    event.bind(1, rid);
    event.bind(2, at);
    if (from) event.bind(3, from);
    else event.bind(3);
    event.bind(4, to);
    event.exec();
    event.reset();
  };
  for (int i = 0; i < n_units; ++i) {
    auto u = make_unit(i);
    std::int64_t first_citizen = citizen_id + 1;
    for (int c = 0; c < citizens_per_unit; ++c) {
      citizen.bind(1, ++citizen_id);
      citizen.bind(2, u.id);
      citizen.bind(3, "Công dân " + std::to_string(c));
      citizen.bind(4, "cong dan " + std::to_string(c));
      citizen.bind(5, u.villages[rng() % u.villages.size()]);
      citizen.bind(6, std::string(categories[rng() % 6]) + (rng() % 3 == 0 ? ";Cao tuổi" : ""));
      citizen.exec();
      citizen.reset();
    }
    for (int n = 1; n <= per_unit; ++n) {
      std::int64_t rid = ++request_id;
      int age = static_cast<int>(rng() % span_days);  // days before today
      domain::day reg_day = today - std::chrono::days{age};
      auto reg = local_instant(reg_day, 7 + static_cast<int>(rng() % 10), static_cast<int>(rng() % 60));
      std::int64_t reg_s = reg.time_since_epoch().count();
      int visit_after = 2 + static_cast<int>(rng() % 8);
      int processing = 1 + static_cast<int>(rng() % 7);
      int late = rng() % 5 == 0 ? 1 + static_cast<int>(rng() % 5) : 0;
      int return_after = 1 + static_cast<int>(rng() % 3);
      domain::day visit = reg_day + std::chrono::days{visit_after};
      domain::day due = visit + std::chrono::days{processing};
      domain::day result = due + std::chrono::days{late} - std::chrono::days{processing > 2 ? 1 : 0};
      domain::day returned = result + std::chrono::days{return_after};
      bool cancelled = rng() % 20 == 0;
      // How far the request got by today.
      std::string state = "returned";
      if (cancelled) state = "cancelled";
      else if (returned > today) state = result <= today ? "result_ready" : visit <= today ? "processing" : age > 1 ? "scheduled" : "registered";
      // Some stragglers stay open long after their time (the overdue backlog).
      if (!cancelled && rng() % 200 == 0) state = std::vector<std::string>{"registered", "scheduled", "processing", "result_ready"}[rng() % 4];
      auto at = [&](domain::day d, int hh) { return local_instant(d, hh, 0).time_since_epoch().count(); };
      request.bind(1, rid);
      request.bind(2, u.id);
      request.bind(3, n);
      request.bind(4, first_citizen + static_cast<std::int64_t>(rng() % citizens_per_unit));
      request.bind(5, "P-" + std::to_string(rng() % 25));
      request.bind(6, state);
      request.bind(7, reg_s);
      request.bind(8, domain::iso_date(visit));
      bool sched = state != "registered";
      bool recv = state == "processing" || state == "result_ready" || state == "returned";
      bool res = state == "result_ready" || state == "returned";
      bool ret = state == "returned";
      if (sched && !cancelled) request.bind(9, domain::iso_date(visit));
      else request.bind(9);
      if (recv) request.bind(10, at(visit, 9));
      else request.bind(10);
      if (recv) request.bind(11, domain::iso_date(due));
      else request.bind(11);
      if (res) request.bind(12, at(result, 10));
      else request.bind(12);
      if (ret) request.bind(13, at(returned, 15));
      else request.bind(13);
      request.bind(14, ret ? "tại nhà" : "");
      if (ret && rng() % 2 == 0) request.bind(15, 3 + static_cast<int>(rng() % 3));
      else request.bind(15);
      request.exec();
      request.reset();
      ev(rid, reg_s, nullptr, "registered");
      if (cancelled) {
        ev(rid, reg_s + 86400, "registered", "cancelled");
        continue;
      }
      if (sched) ev(rid, reg_s + 3600, "registered", "scheduled");
      if (recv) ev(rid, at(visit, 9), "scheduled", "processing");
      if (res) ev(rid, at(result, 10), "processing", "result_ready");
      if (ret) ev(rid, at(returned, 15), "result_ready", "returned");
    }
  }
  sql.exec("COMMIT");
  sql.exec("ANALYZE");
  auto secs = std::chrono::duration<double>(clock_type::now() - t0).count();
  std::printf("generated %d requests across %d units in %.1f s\n", n_requests, n_units, secs);
}

struct stats {
  double median_ms, p95_ms, max_ms;
};

stats measure(int runs, const std::function<void(int)>& f) {
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    auto t0 = clock_type::now();
    f(i);
    ms.push_back(std::chrono::duration<double, std::milli>(clock_type::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  auto at = [&](double q) { return ms[std::min(ms.size() - 1, static_cast<std::size_t>(q * ms.size()))]; };
  return {at(0.5), at(0.95), ms.back()};
}

}  // namespace

int main(int argc, char** argv) {
  std::string path = argc > 1 ? argv[1] : "/tmp/tannha_report_bench.db";
  int n_requests = argc > 2 ? std::stoi(argv[2]) : 1'000'000;
  int n_units = argc > 3 ? std::stoi(argv[3]) : 100;
  int runs = argc > 4 ? std::stoi(argv[4]) : 50;
  const domain::day today{std::chrono::year{2026} / 11 / 26};
  const auto now = local_instant(today, 9, 0);

  bool fresh = !std::filesystem::exists(path);
  storage::database db(path);
  if (!fresh) {
    auto have = db.db().execAndGet("SELECT COUNT(*) FROM requests").getInt64();
    if (have != n_requests) {
      std::printf("%s holds %lld requests, not %d: remove it to regenerate\n", path.c_str(),
                  static_cast<long long>(have), n_requests);
      return 1;
    }
  } else {
    generate(db, n_requests, n_units, today);
  }
  handlers::renderer render;
  std::vector<domain::unit> units;
  for (int i = 0; i < n_units; ++i) units.push_back(make_unit(i));
  std::mt19937 rng(7);
  std::vector<int> pick;
  for (int i = 0; i < runs; ++i) pick.push_back(static_cast<int>(rng() % n_units));

  struct row {
    std::string what;
    stats cold, warm;
  };
  std::vector<row> rows;
  // Cold: the first query of each unit after opening (pages from disk or the OS cache);
  // warm: the same units again, as for a unit whose group is active.
  auto both = [&](const char* name, const std::function<void(int)>& f) {
    auto cold = measure(runs, f);
    auto warm = measure(runs, f);
    rows.push_back({name, cold, warm});
  };
  storage::report_repository reports(db);
  storage::unit_repository members(db);
  auto report = [&](const char* name, domain::period p) {
    both(name, [&, p](int i) { handlers::report_text(reports, render, units[pick[i]], p, now); });
  };
  report("/baocao tuan (this week)", domain::period_containing(today, domain::period_kind::week));
  report("/baocao thang ky truoc", domain::previous(domain::period_containing(today, domain::period_kind::month)));
  report("/baocao quy", domain::period_containing(today, domain::period_kind::quarter));
  report("/baocao nam", domain::period_containing(today, domain::period_kind::year));
  both("/quahan", [&](int i) { handlers::overdue_text(reports, members, render, units[pick[i]], now, false); });

  std::printf("\n%d requests, %d units (%d per unit); %d runs each, random units\n", n_requests, n_units,
              n_requests / n_units, runs);
  std::printf("%-28s %12s %12s %12s %12s\n", "command", "cold median", "cold p95", "warm median", "warm p95");
  for (const auto& r : rows)
    std::printf("%-28s %9.2f ms %9.2f ms %9.2f ms %9.2f ms\n", r.what.c_str(), r.cold.median_ms, r.cold.p95_ms,
                r.warm.median_ms, r.warm.p95_ms);
  return 0;
}
