// The commands, a web page and the 07:00 tick on a national database (bench_gen_national),
// through the real code in-process: the dispatcher on the database file (one write transaction
// and commit per update, as the server does), the web pages, the job runner.
// Usage: bench_scale --config FILE [--runs 200] [--only NAME (one figure, e.g. /tim or tick, to profile)]
// Prints one line per figure, tab-separated:
//   row NAME RUNS WALL_P50_MS WALL_P99_MS CPU_P50_MS CPU_P99_MS
// (CPU: this thread's CPU time, steadier than the wall clock on a shared machine), and
//   tick SECONDS CPU_SECONDS RUNS POSTS
// The first reply of every command goes to stderr, to see that each did its work.
// It writes to the database (new requests, schedules, the tick's posts): run it on a copy.
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "bench/bench_updates.hpp"
#include "bot/config.hpp"
#include "domain/time.hpp"
#include "handlers/dispatcher.hpp"
#include "handlers/job_runner.hpp"
#include "handlers/web_site.hpp"
#include "storage/database.hpp"
#include "storage/outbox.hpp"
#include "storage/web_sessions.hpp"

using namespace tannha;
using steady = std::chrono::steady_clock;

namespace {

domain::instant local_instant(domain::day d, int hh, int mm) {
  return domain::instant{d.time_since_epoch() + std::chrono::hours{hh} + std::chrono::minutes{mm} -
                         std::chrono::hours{7}};
}

double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size())))];
}

std::string only;  // --only NAME: that figure alone (to profile it)

void measure(const char* name, int runs, const std::function<void(int)>& f) {
  if (!only.empty() && only != name) return;
  std::vector<double> wall, cpu;
  for (int i = 0; i < runs; ++i) {
    auto c0 = thread_cpu_ms();
    auto t0 = steady::now();
    f(i);
    wall.push_back(std::chrono::duration<double, std::milli>(steady::now() - t0).count());
    cpu.push_back(thread_cpu_ms() - c0);
  }
  std::printf("row\t%s\t%d\t%.3f\t%.3f\t%.3f\t%.3f\n", name, runs, quantile(wall, 0.5), quantile(wall, 0.99),
              quantile(cpu, 0.5), quantile(cpu, 0.99));
  std::fflush(stdout);
}

int unit_index(const std::string& id) { return std::atoi(id.c_str() + 1); }  // "u123"

}  // namespace

int main(int argc, char** argv) {
  std::string config_path;
  int runs = 200;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    if (k == "--config") config_path = argv[i + 1];
    else if (k == "--runs") runs = std::atoi(argv[i + 1]);
    else if (k == "--only") only = argv[i + 1];
  }
  if (config_path.empty()) {
    std::fprintf(stderr, "usage: %s --config FILE [--runs 200]\n", argv[0]);
    return 2;
  }
  auto cfg = bot::load_config(config_path);
  if (!cfg) {
    std::fprintf(stderr, "bench_scale: %s\n", cfg.error().message.c_str());
    return 1;
  }
  const domain::day today{std::chrono::year{2026} / 11 / 26};
  auto now = local_instant(today, 9, 0);
  storage::database db(cfg->storage.path);
  handlers::dispatcher_options opts;
  opts.bot_name = "Tận Nhà";
  handlers::dispatcher disp(db, cfg->units, cfg->procedures, opts);
  const int n_units = static_cast<int>(cfg->units.size());
  storage::outbox box(db);

  std::mt19937 rng(2026);
  std::vector<int> pick;
  for (int i = 0; i < runs; ++i) pick.push_back(static_cast<int>(rng() % static_cast<unsigned>(n_units)));
  std::uint64_t seq = 0;
  // Update ids and web sessions unique to this run: a database may be measured again.
  const std::string sess = "s" + std::to_string(std::chrono::system_clock::now().time_since_epoch().count()) + "-";
  auto send = [&](int u, const std::string& text) {
    handlers::incoming_message m;
    m.platform = "zalo";
    m.update_id = sess + std::to_string(++seq);
    m.chat_id = bench::unit_chat(u);
    m.is_group = true;
    m.user_id = bench::unit_admin(u);
    m.user_name = "Lãnh đạo";
    m.text = text;
    now += std::chrono::seconds{1};
    m.date = now;
    return disp.handle(m, now);
  };
  // One command on `runs` random units; its first reply to stderr.
  auto command = [&](const char* name, const std::function<std::string(int)>& text) {
    auto before = box.last_id();
    measure(name, runs, [&](int i) {
      if (send(pick[i], text(i)) != handlers::dispatch_outcome::processed)
        std::fprintf(stderr, "%s: not processed\n", name);
    });
    auto sent = box.after(before);
    if (sent.empty()) return;
    std::fprintf(stderr, "── %s (%zu messages), first:\n%s\n", name, sent.size(),
                 sent.empty() ? "(none)" : sent.front().text.substr(0, 400).c_str());
  };
  // The 07:00 tick for every unit (each brief built and queued), first: the morning's work
  // before the day's commands (which run from 09:00).
  if (only.empty() || only == "tick") {
    handlers::job_runner runner(db, disp.units(), {.max_text_units = 2000, .procedures = cfg->procedures});
    auto before = box.last_id();
    auto c0 = thread_cpu_ms();
    auto t0 = steady::now();
    auto stats = runner.run_due_jobs(local_instant(today, 7, 0));
    double secs = std::chrono::duration<double>(steady::now() - t0).count();
    double cpu = (thread_cpu_ms() - c0) / 1e3;
    auto sent = box.after(before);
    std::printf("tick\t%.3f\t%.3f\t%d\t%d\n", secs, cpu, stats.runs, stats.posts);
    std::fprintf(stderr, "── tick: %d runs, %d posts, %zu messages; first:\n%s\n", stats.runs, stats.posts, sent.size(),
                 sent.empty() ? "(none)" : sent.front().text.substr(0, 600).c_str());
  }
  const char* given[] = {"Lan", "Hùng", "Mai", "Tuấn", "Hoa", "Nam", "Yến", "Sơn"};

  command("/lich", [](int) { return std::string("/lich"); });
  command("/quahan", [](int) { return std::string("/quahan"); });
  command("/tim", [&](int i) { return std::string("/tim ") + given[i % 8]; });
  command("/baocao week", [](int) { return std::string("/baocao 2026-W48"); });
  command("/baocao year", [](int) { return std::string("/baocao 2026"); });

  // The web pages: a session per sampled leader (the hash is the identity: the token is the digest).
  handlers::web_options wopts;
  wopts.public_url = "http://127.0.0.1";
  wopts.new_token = [&] { return "tok" + std::to_string(++seq); };
  wopts.hash = [](std::string_view s) { return std::string(s); };
  handlers::web_site site(db, disp.units(), cfg->procedures, wopts);
  {
    storage::web_session_repository sessions(db);
    storage::write_transaction tx(db);
    for (int u : std::set<int>(pick.begin(), pick.end()))
      sessions.add_session(sess + std::to_string(u),
                           {cfg->units[u].id, bench::unit_admin(u), now + std::chrono::hours{12}}, now);
    tx.commit();
  }
  int bad_pages = 0;
  std::size_t first_page = 0;
  auto page = [&](const char* name, const std::function<handlers::web_response(int)>& f) {
    bad_pages = 0;
    measure(name, runs, [&](int i) {
      auto r = f(i);
      if (r.status != 200) ++bad_pages;
      if (i == 0) first_page = r.body.size();
    });
    std::fprintf(stderr, "── %s: %d pages not 200, first %zu bytes\n", name, bad_pages, first_page);
  };
  page("/web/ (dashboard)", [&](int i) {
    handlers::web_request r;
    r.path = "/web/";
    r.query["dv"] = cfg->units[pick[i]].id;
    r.session = sess + std::to_string(pick[i]);
    r.address = "127.0.0.1";
    return site.dashboard(r, now);
  });
  page("/web/hoso", [&](int i) {
    handlers::web_request r;
    r.path = "/web/hoso";
    r.query["dv"] = cfg->units[pick[i]].id;
    r.session = sess + std::to_string(pick[i]);
    r.address = "127.0.0.1";
    return site.records(r, now);
  });
  page("/cong-khai", [&](int i) {
    handlers::web_request r;
    r.path = "/cong-khai/" + cfg->units[pick[i]].id;
    r.address = "127.0.0.1";
    return site.public_list(r, now);
  });

  // /xeplich on requests waiting for a visit (registered), one per sampled run.
  std::vector<std::pair<int, int>> waiting;
  {
    SQLite::Statement q(db.db(), "SELECT unit_id, number FROM requests WHERE state = 'registered' ORDER BY id DESC");
    while (q.executeStep() && static_cast<int>(waiting.size()) < runs)
      waiting.emplace_back(unit_index(q.getColumn(0).getString()), q.getColumn(1).getInt());
  }
  if (static_cast<int>(waiting.size()) < runs) std::fprintf(stderr, "only %zu registered requests\n", waiting.size());
  if (!waiting.empty()) {
    auto before = box.last_id();
    measure("/xeplich", runs, [&](int i) {
      const auto& [u, n] = waiting[static_cast<std::size_t>(i) % waiting.size()];
      send(u, "/xeplich #" + std::to_string(n) + " 28/11 8h");
    });
    auto sent = box.after(before);
    std::fprintf(stderr, "── /xeplich (%zu messages), first:\n%s\n", sent.size(),
                 sent.empty() ? "(none)" : sent.front().text.c_str());
  }
  command("/dangky", [&](int i) {
    return "/dangky\nHọ tên: Trần Thị Đo " + std::to_string(i) +
           "\nNăm sinh: 1941\nThôn: Đông Hải\nĐịa chỉ: xóm 2\nSĐT: 0912 345 678\nĐối tượng: cao tuổi\nThủ tục: " +
           cfg->procedures[static_cast<std::size_t>(i) % cfg->procedures.size()].name;
  });

  return 0;
}
