#include "bot/jobs_cli.hpp"

#include <iostream>

#include "domain/time.hpp"
#include "handlers/job_runner.hpp"
#include "storage/database.hpp"
#include "storage/unit_repository.hpp"

namespace tannha::bot {

int run_jobs_cli(const config& cfg, const std::string& at) {
  auto when = domain::parse_iso_instant(at);
  if (!when) {
    std::cerr << "tannha run-jobs: --at: not an ISO 8601 instant: " << at << "\n";
    return 2;
  }
  storage::database db(cfg.storage.path);
  storage::unit_repository units(db);
  units.sync_config(cfg.units, *when);
  units.sync_catalog(cfg.procedures);
  auto before = db.db().execAndGet("SELECT COALESCE(MAX(id), 0) FROM outbox").getInt64();
  handlers::job_runner runner(db, cfg.units);
  auto stats = runner.run_due_jobs(*when);
  SQLite::Statement q(db.db(), "SELECT chat_id, text FROM outbox WHERE id > ? ORDER BY id");
  q.bind(1, static_cast<std::int64_t>(before));
  while (q.executeStep()) {
    std::cout << "→ [" << q.getColumn(0).getString() << "]\n" << q.getColumn(1).getString() << "\n\n";
  }
  std::cout << "run-jobs at " << domain::iso_instant(*when) << ": " << stats.runs << " job(s) run, " << stats.posts
            << " message(s) queued\n";
  return 0;
}

}  // namespace tannha::bot
