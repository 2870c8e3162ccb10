#include "bot/jobs_cli.hpp"

#include <chrono>
#include <iostream>

#include "bot/platform.hpp"
#include "bot/server_presence.hpp"
#include "bot/privacy_cli.hpp"
#include "domain/time.hpp"
#include "handlers/job_runner.hpp"
#include "storage/database.hpp"
#include "storage/outbox.hpp"
#include "storage/unit_repository.hpp"

namespace tannha::bot {

int run_jobs_cli(const config& cfg, const std::string& at, const clock& clk, bool force) {
  auto when = domain::parse_iso_instant(at);
  if (!when) {
    std::cerr << "tannha run-jobs: --at: not an ISO 8601 instant: " << at << "\n";
    return 2;
  }
  // A minute's grace: "now" as typed by hand is a little behind or ahead.
  if (!force && *when > clk.now() + std::chrono::minutes(1) && server_running(cfg.storage.path)) {
    std::cerr << "tannha run-jobs: --at " << domain::iso_instant(*when)
              << " is in the future and a running server uses this database: its posts would be queued for that "
                 "time. Run it then, or add --force.\n";
    return 2;
  }
  storage::database db(cfg.storage.path);
  storage::unit_repository units(db);
  units.sync_config(cfg.units, *when);
  units.sync_catalog(cfg.procedures);
  storage::outbox box(db);
  auto before = box.last_id();
  // Split posts under the platform's own limit, as the server does.
  const auto kind = parse_platform_kind(cfg.platform.kind);
  handlers::job_runner runner(db, cfg.units,
                              {.max_text_units = max_text_units(kind.value_or(platform_kind::zalo)), .procedures = cfg.procedures},
                              retention_options_of(cfg));
  auto stats = runner.run_due_jobs(*when);
  for (const auto& row : box.after(before)) std::cout << "→ [" << row.chat_id << "]\n" << row.text << "\n\n";
  std::cout << "run-jobs at " << domain::iso_instant(*when) << ": " << stats.runs << " job(s) run, " << stats.posts
            << " message(s) queued\n";
  return 0;
}

}  // namespace tannha::bot
