// The national database (issue 18 item 4): 3,321 units, ~100,000 members, N requests with
// their events, at the rate of 5 million over five years (~0.83 a unit a day), so a smaller N
// is a shorter history at the same daily activity: 50,000 requests are the last 18 days,
// 500,000 the last 6 months, 5,000,000 five years. What happens this week (open requests, the
// overdue backlog) is the same at every size; only the history grows.
//
// Usage: bench_gen_national --config FILE --db PATH --requests N [--units 3321] [--api-port P]
//          writes the config (inline [[units]] blocks; the bench harness's unit naming, so
//          bench_loadgen's updates land in its units), then the database through the real
//          migrations and unit sync, then bulk rows in one transaction.
//        bench_gen_national --config FILE --db PATH --config-only [--units 3321] [--api-port P]
//          writes the config only (a server run with the fake API's port).
// The database is dated so that "today" is 2026-11-26 (a Thursday): bench_scale runs there.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "bench/bench_updates.hpp"
#include "bot/config.hpp"
#include "domain/time.hpp"
#include "domain/visit_slot.hpp"
#include "handlers/text.hpp"
#include "storage/database.hpp"
#include "storage/unit_repository.hpp"

using namespace tannha;
using clock_type = std::chrono::steady_clock;

namespace {

constexpr double full_rate_requests = 5'000'000;  // over five years
constexpr double five_years_days = 1826.0;

const std::vector<std::string> villages = {"Đông Hải", "Tây Sơn", "Thôn 3", "Thôn 4",
                                           "Thôn 5",   "Thôn 6",  "Thôn 7", "Thôn 8"};
const char* family[] = {"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
                        "Hồ", "Ngô", "Dương", "Lý"};
const char* middle[] = {"Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quang", "Xuân", "Thu"};
const char* given[] = {"An", "Bình", "Chi", "Dũng", "Hà", "Hải", "Hạnh", "Hoa", "Hùng", "Hương", "Khánh", "Lan",
                       "Linh", "Long", "Mai", "Nam", "Nga", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Thắng", "Trang",
                       "Tú", "Tuấn", "Tư", "Vân", "Việt", "Yến"};
const char* categories[] = {"Cao tuổi", "Khuyết tật", "Thương binh", "Người có công", "Hộ nghèo", "Ốm đau"};

/// The config of the national deployment: the bench harness's server settings, one block per unit.
std::string national_config(const std::string& db_path, int api_port, int units) {
  std::string s;
  s += "[server]\nlisten = \"127.0.0.1:0\"\nwebhook_path = \"/webhook\"\nmax_connections = 1024\n\n";
  s += "[platform]\nkind = \"zalo\"\napi_base = \"http://127.0.0.1:" + std::to_string(api_port) + "\"\n";
  s += std::string("token = \"") + bench::token + "\"\nwebhook_secret = \"" + bench::secret +
       "\"\nbot_name = \"Tận Nhà\"\n\n";
  s += "[storage]\npath = \"" + db_path + "\"\n\n";
  s += "[relay]\nmax_attempts = 1000\nbase_backoff_seconds = 0.05\nmax_backoff_seconds = 0.5\n";
  s += "per_chat_per_second = 1000000\nper_group_per_minute = 60000000\nglobal_per_second = 1000000\n";
  s += "request_timeout_seconds = 5\nmax_in_flight = " + std::to_string(bench::harness_max_in_flight) + "\n\n";
  std::string vs;
  for (const auto& v : villages) vs += (vs.empty() ? "\"" : ", \"") + v + "\"";
  for (int u = 0; u < units; ++u) {
    s += "[[units]]\nid = \"u" + std::to_string(u) + "\"\nname = \"Xã " + std::to_string(u) + "\"\n";
    s += "chat_id = \"" + bench::unit_chat(u) + "\"\nadmins = [\"" + bench::unit_admin(u) + "\"]\n";
    s += "villages = [" + vs + "]\n";
    // A quarter visit on Wednesdays, the rest on Saturdays (the default).
    if (u % 4 == 1) s += "visit_days = [\"Thứ Tư\"]\ncutoff_day = \"Thứ Hai\"\n";
    s += "\n";
  }
  return s;
}

domain::instant local_instant(domain::day d, int hh, int mm) {
  return domain::instant{d.time_since_epoch() + std::chrono::hours{hh} + std::chrono::minutes{mm} -
                         std::chrono::hours{7}};
}

struct index_def {
  std::string name, sql;
};

/// Secondary indexes of the bulk-loaded tables: dropped for the load, built again after (a sort
/// per index instead of a random B-tree insert per row); the same definitions come back.
std::vector<index_def> drop_indexes(SQLite::Database& sql) {
  std::vector<index_def> out;
  SQLite::Statement q(sql,
                      "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN "
                      "('requests', 'request_events', 'unit_events', 'citizens', 'members')");
  while (q.executeStep()) out.push_back({q.getColumn(0).getString(), q.getColumn(1).getString()});
  for (const auto& i : out) sql.exec("DROP INDEX " + i.name);
  return out;
}

int usage(const char* argv0) {
  std::fprintf(stderr,
               "usage: %s --config FILE --db PATH (--requests N | --config-only) [--units 3321] [--api-port P]\n",
               argv0);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string config_path, db_path;
  long long n_requests = -1;
  int n_units = 3321, api_port = 9;
  bool config_only = false;
  for (int i = 1; i < argc; ++i) {
    std::string k = argv[i];
    if (k == "--config-only") {
      config_only = true;
      continue;
    }
    if (i + 1 >= argc) return usage(argv[0]);
    std::string v = argv[++i];
    if (k == "--config") config_path = v;
    else if (k == "--db") db_path = v;
    else if (k == "--requests") n_requests = std::atoll(v.c_str());
    else if (k == "--units") n_units = std::atoi(v.c_str());
    else if (k == "--api-port") api_port = std::atoi(v.c_str());
    else return usage(argv[0]);
  }
  if (config_path.empty() || db_path.empty() || (!config_only && n_requests <= 0)) return usage(argv[0]);
  db_path = std::filesystem::absolute(db_path).string();
  std::ofstream(config_path) << national_config(db_path, api_port, n_units);
  if (config_only) return 0;

  auto cfg = bot::load_config(config_path);
  if (!cfg) {
    std::fprintf(stderr, "gen_national: the written config does not load: %s\n", cfg.error().message.c_str());
    return 1;
  }
  const auto& units = cfg->units;
  const auto& procedures = cfg->procedures;
  const domain::day today{std::chrono::year{2026} / 11 / 26};
  const int span_days =
      std::max(7, static_cast<int>(five_years_days * static_cast<double>(n_requests) / full_rate_requests + 0.5));
  const domain::day first_day = today - std::chrono::days{span_days - 1};

  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db_path + suffix);
  auto t0 = clock_type::now();
  storage::database db(db_path);
  {
    storage::unit_repository repo(db);
    repo.sync_config(units, local_instant(first_day, 0, 0));
    repo.sync_catalog(procedures);
  }
  auto& sql = db.db();
  sql.exec("PRAGMA synchronous=OFF");
  sql.exec("PRAGMA cache_size=-1000000");
  sql.exec("BEGIN");
  auto indexes = drop_indexes(sql);

  std::mt19937_64 rng(18);
  auto pick = [&](std::uint64_t n) { return static_cast<int>(rng() % n); };

  // Members: per unit 3 officers (canbo), a village head per village, 18 volunteers (+ the
  // leader from the config): 30 a unit, ~100,000 in all.
  {
    SQLite::Statement m(sql,
                        "INSERT INTO members(unit_id, user_id, role, village, display_name, source, joined_at) "
                        "VALUES(?, ?, ?, ?, ?, 'invite', ?)");
    const auto joined = local_instant(first_day, 9, 0).time_since_epoch().count();
    for (int u = 0; u < n_units; ++u) {
      auto add = [&](const std::string& user, const char* role, const std::string& village) {
        m.bind(1, units[u].id);
        m.bind(2, user);
        m.bind(3, role);
        if (village.empty()) m.bind(4);
        else m.bind(4, village);
        m.bind(5, std::string(family[pick(16)]) + " " + middle[pick(10)] + " " + given[pick(30)]);
        m.bind(6, static_cast<std::int64_t>(joined));
        m.exec();
        m.reset();
      };
      for (int k = 0; k < 3; ++k) add("cb" + std::to_string(u) + "-" + std::to_string(k), "canbo", "");
      for (std::size_t k = 0; k < villages.size(); ++k)
        add("tt" + std::to_string(u) + "-" + std::to_string(k), "truongthon", villages[k]);
      for (int k = 0; k < 18; ++k) add("tn" + std::to_string(u) + "-" + std::to_string(k), "tinhnguyen", "");
    }
  }

  SQLite::Statement citizen(sql,
                            "INSERT INTO citizens(id, unit_id, full_name, folded_name, birth_year, village, address, "
                            "phone, categories, created_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  SQLite::Statement request(
      sql,
      "INSERT INTO requests(id, unit_id, number, citizen_id, procedure_code, state, registered_by, registered_chat, "
      "registered_at, proposed_day, visit_day, visit_time, team, received_at, due_day, result_at, returned_at, "
      "return_way, rating) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  SQLite::Statement event(sql,
                          "INSERT INTO request_events(request_id, at, actor, from_state, to_state) VALUES(?, ?, ?, ?, ?)");
  std::vector<std::vector<std::int64_t>> unit_citizens(n_units);
  std::vector<int> next_number(n_units, 1);
  std::int64_t citizen_id = 0;
  long long n_events = 0;
  auto ev = [&](std::int64_t rid, std::int64_t at, const std::string& actor, const char* from, const char* to) {
    event.bind(1, rid);
    event.bind(2, at);
    event.bind(3, actor);
    if (from) event.bind(4, from);
    else event.bind(4);
    event.bind(5, to);
    event.exec();
    event.reset();
    ++n_events;
  };
  auto at = [&](domain::day d, int hh, int mm = 0) { return local_instant(d, hh, mm).time_since_epoch().count(); };
  // Requests in registration order (ids grow with time, units interleaved, as in real use).
  for (long long k = 0; k < n_requests; ++k) {
    const std::int64_t rid = k + 1;
    const int u = pick(static_cast<std::uint64_t>(n_units));
    const auto& unit = units[u];
    const domain::day reg_day = first_day + std::chrono::days{static_cast<int>(k * span_days / n_requests)};
    const int age = static_cast<int>((today - reg_day).count());
    const auto reg_s = at(reg_day, 7 + pick(11), pick(60));
    const std::string chat = bench::unit_chat(u);
    const int vi = pick(villages.size());
    const std::string head = "tt" + std::to_string(u) + "-" + std::to_string(vi);
    const std::string officer = "cb" + std::to_string(u) + "-" + std::to_string(pick(3));
    // A new person two times in five; otherwise someone the unit served before.
    auto& known = unit_citizens[u];
    std::int64_t cid;
    if (known.empty() || pick(5) < 2) {
      cid = ++citizen_id;
      std::string name = std::string(family[pick(16)]) + " " + middle[pick(10)] + " " + given[pick(30)];
      citizen.bind(1, cid);
      citizen.bind(2, unit.id);
      citizen.bind(3, name);
      citizen.bind(4, handlers::fold(name));
      citizen.bind(5, 1930 + pick(80));
      citizen.bind(6, villages[vi]);
      citizen.bind(7, "xóm " + std::to_string(1 + pick(12)));
      citizen.bind(8, "09" + std::to_string(10000000 + pick(89999999)));
      citizen.bind(9, std::string(categories[pick(6)]) + (pick(3) == 0 ? ";Cao tuổi" : ""));
      citizen.bind(10, static_cast<std::int64_t>(reg_s));
      citizen.exec();
      citizen.reset();
      known.push_back(cid);
    } else {
      cid = known[pick(known.size())];
    }
    const domain::day visit = domain::next_visit_day(reg_day + std::chrono::days{1}, unit.schedule, unit.cal);
    const auto& proc = procedures[pick(procedures.size())];
    const int late = pick(5) == 0 ? 1 + pick(5) : 0;
    const domain::day due = visit + std::chrono::days{std::max(1, proc.processing_days)};
    // Most results are ready by their due day and returned within a day; one in five is late.
    const domain::day result = due + std::chrono::days{late} - std::chrono::days{pick(2)};
    const domain::day returned = result + std::chrono::days{late ? 1 + pick(3) : pick(2)};
    const bool cancelled = pick(20) == 0;
    std::string state = "returned";
    if (cancelled) state = "cancelled";
    else if (returned > today)
      state = result <= today ? "result_ready" : visit <= today ? "processing" : age > 1 ? "scheduled" : "registered";
    // A few stragglers stay open past their time: the overdue backlog of the last two months
    // (older ones were closed by then, so the backlog does not grow with the history).
    if (!cancelled && age <= 60 && pick(100) == 0)
      state = std::vector<std::string>{"registered", "scheduled", "processing", "result_ready"}[pick(4)];
    const bool sched = state != "registered" && state != "cancelled";
    const bool recv = state == "processing" || state == "result_ready" || state == "returned";
    const bool res = state == "result_ready" || state == "returned";
    const bool ret = state == "returned";
    request.bind(1, rid);
    request.bind(2, unit.id);
    request.bind(3, next_number[u]++);
    request.bind(4, cid);
    request.bind(5, proc.code);
    request.bind(6, state);
    request.bind(7, head);
    request.bind(8, chat);
    request.bind(9, static_cast<std::int64_t>(reg_s));
    request.bind(10, domain::iso_date(visit));
    if (sched) request.bind(11, domain::iso_date(visit));
    else request.bind(11);
    request.bind(12, "08:00");
    request.bind(13, sched ? "Tổ " + std::to_string(1 + pick(3)) : std::string());
    if (recv) request.bind(14, static_cast<std::int64_t>(at(visit, 9, pick(60))));
    else request.bind(14);
    if (recv) request.bind(15, domain::iso_date(due));
    else request.bind(15);
    if (res) request.bind(16, static_cast<std::int64_t>(at(result, 10)));
    else request.bind(16);
    if (ret) request.bind(17, static_cast<std::int64_t>(at(returned, 15)));
    else request.bind(17);
    request.bind(18, ret ? (pick(2) ? "tại nhà" : "tại xã") : "");
    if (ret && pick(2) == 0) request.bind(19, 3 + pick(3));
    else request.bind(19);
    request.exec();
    request.reset();
    ev(rid, reg_s, head, nullptr, "registered");
    if (cancelled) {
      ev(rid, reg_s + 86400, officer, "registered", "cancelled");
    } else {
      if (sched) ev(rid, reg_s + 3600, officer, "registered", "scheduled");
      if (recv) ev(rid, at(visit, 9), officer, "scheduled", "processing");
      if (res) ev(rid, at(result, 10), officer, "processing", "result_ready");
      if (ret) ev(rid, at(returned, 15), officer, "result_ready", "returned");
    }
    if (k % 1'000'000 == 999'999)
      std::fprintf(stderr, "  %lld requests, %.0f s\n", k + 1,
                   std::chrono::duration<double>(clock_type::now() - t0).count());
  }
  {
    SQLite::Statement n(sql, "UPDATE units SET next_number = ? WHERE id = ?");
    for (int u = 0; u < n_units; ++u) {
      n.bind(1, next_number[u]);
      n.bind(2, units[u].id);
      n.exec();
      n.reset();
    }
    // The daily retention purge ran at 02:00 today, as on a server that has been up: the 07:00
    // tick measured on this database is the morning's own work.
    sql.exec("INSERT INTO job_runs(job, unit_id, period_key, ran_at, posted) VALUES('luutru', '*', '" +
             domain::iso_date(today) + "', " + std::to_string(at(today, 2)) + ", 0)");
  }
  auto t_rows = clock_type::now();
  for (const auto& i : indexes) sql.exec(i.sql);
  sql.exec("COMMIT");
  db.checkpoint_truncate();
  auto t_end = clock_type::now();
  auto secs = [](auto a, auto b) { return std::chrono::duration<double>(b - a).count(); };
  std::printf("generated units=%d members=%d requests=%lld events=%lld citizens=%lld days=%d rows_s=%.1f "
              "indexes_s=%.1f total_s=%.1f bytes=%lld\n",
              n_units, n_units * 30, n_requests, n_events, static_cast<long long>(citizen_id), span_days,
              secs(t0, t_rows), secs(t_rows, t_end), secs(t0, t_end),
              static_cast<long long>(std::filesystem::file_size(db_path)));
  return 0;
}
