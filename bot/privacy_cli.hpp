#pragma once
#include <iosfwd>
#include <string>

#include "bot/clock.hpp"
#include "bot/config.hpp"
#include "handlers/job_runner.hpp"
#include "storage/privacy_repository.hpp"

namespace tannha::bot {

/// The config's [privacy] periods as the retention job applies them.
storage::retention_policy retention_of(const privacy_config& p);
/// The scheduler's retention settings from the config.
handlers::retention_options retention_options_of(const config& cfg);

/// What `tannha privacy` was asked.
struct privacy_request {
  std::string action;   ///< show | export | erase
  std::string unit;     ///< the unit's id
  std::string request;  ///< a request number (the person is its citizen), or ""
  std::string citizen;  ///< a citizen id, or ""
  std::string format;   ///< json (default) | csv
  std::string out;      ///< a file to write (export needs one; show prints when empty)
  std::string actor;    ///< who ran it, for the audit trail
  bool dry_run = false; ///< erase: say what would change, change nothing
};

/// `tannha privacy show|export|erase` (issue 15, a person's rights): everything held about a
/// person, or its erasure at once. Each action but a dry run is audited. Exit status 0 done,
/// 1 no such person or a write failed, 2 bad arguments.
int run_privacy(const config& cfg, const clock& clk, const privacy_request& req, std::ostream& out,
                std::ostream& err);

}  // namespace tannha::bot
