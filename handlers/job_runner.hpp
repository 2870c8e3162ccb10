#pragma once
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "domain/overdue.hpp"
#include "domain/period.hpp"
#include "domain/procedure.hpp"
#include "domain/time.hpp"
#include "domain/unit.hpp"
#include "handlers/renderer.hpp"
#include "storage/database.hpp"
#include "storage/privacy_repository.hpp"
#include "storage/report_repository.hpp"
#include "storage/unit_repository.hpp"

namespace tannha::handlers {

/// Names of the scheduled jobs, as recorded in job_runs.
namespace job_names {
inline constexpr const char* brief = "bantin";             ///< morning brief; key: local day
inline constexpr const char* cutoff = "chotlich";          ///< cut-off schedule; key: the visit day
inline constexpr const char* digest = "canhbao";           ///< overdue digest; key: local day
inline constexpr const char* weekly = "baocao_tuan";       ///< weekly report; key: the week reported
inline constexpr const char* monthly = "baocao_thang";     ///< monthly report; key: the month reported
inline constexpr const char* reminder = "nhaclich";        ///< private reminders the day before; key: the visit day
/// Daily retention purge ([privacy]); unit "*" (it covers every unit); key: the local day.
inline constexpr const char* retention = "luutru";
}  // namespace job_names

/// The /quahan text for a unit at `now`: every overdue request, worst first (no phone, address
/// or categories: it may be read in the group). With `digest`, the daily alert's wording, naming
/// the leaders (from `members`) when anything is past the grace period; nullopt for a digest
/// with nothing overdue.
std::optional<std::string> overdue_text(storage::report_repository& reports, storage::unit_repository& members,
                                        const renderer& render, const domain::unit& u, domain::instant now,
                                        bool digest);
/// The /baocao summary of a period for a unit at `now` (the same text the weekly and monthly
/// jobs post).
std::string report_text(storage::report_repository& reports, const renderer& render, const domain::unit& u,
                        const domain::period& p, domain::instant now);

/// What one call of run_due_jobs did.
struct job_run_stats {
  int runs = 0;   ///< jobs recorded as run (with or without a post)
  int posts = 0;  ///< messages queued in the outbox
  int drafts_removed = 0;  ///< expired unfinished forms deleted
  int units_without_group = 0;  ///< units skipped: no group to post to yet
  std::optional<storage::retention_counts> purged;  ///< what the daily retention job erased, when it ran
};

/// Settings of the scheduler's posts.
struct job_runner_options {
  /// Longest text of one platform message, in UTF-16 units (the platform's limit, as in
  /// dispatcher_options): longer posts are queued as several messages. 0: never split.
  std::size_t max_text_units = 2000;
  /// The catalog in use: the reminders the day before list each procedure's papers.
  std::vector<domain::procedure> procedures{};
};

/// The daily retention job's settings (job_names::retention).
struct retention_options {
  /// How long personal data is kept ([privacy] in the config).
  storage::retention_policy policy;
  /// Local time of day (of the first unit) from which the job runs: a quiet hour.
  std::chrono::minutes time{2 * 60};
};

/// The placeholder an anonymised citizen's name becomes (from templates/).
std::string anonymous_name(const renderer& render);
/// The reason recorded when `tannha privacy erase` cancels an open request (from templates/).
std::string erase_reason(const renderer& render);

/// The scheduler's work (docs/DESIGN.md §4): for every unit, the posts due at a given instant. Each
/// (job, unit, period) runs exactly once: its job_runs row is written in the transaction that
/// queues its posts. Briefs, cut-offs and digests consider only today's (unit-local)
/// occurrences: one missed during downtime is caught up once the same day, never later. The
/// weekly and monthly reports are caught up until the week or month they are posted in ends.
/// The reminders the day before go privately (to the linked team members and the village
/// heads), so they also run for a unit that has no group.
class job_runner {
 public:
  job_runner(storage::database& db, std::vector<domain::unit> units, job_runner_options options = {},
             retention_options retention = {});
  ~job_runner();

  /// Runs every job due at `now` that has not run; a job that fails is logged, rolled back and
  /// tried again at the next call. Throws only for a database that cannot be written at all.
  job_run_stats run_due_jobs(domain::instant now);
  /// Runs the jobs of these units from the next call on (a reload, SIGHUP); a removed unit gets
  /// no more posts. Call on the thread that runs the jobs.
  void set_units(std::vector<domain::unit> units);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace tannha::handlers
