#pragma once
#include <optional>
#include <string>

#include "domain/time.hpp"
#include "storage/database.hpp"

namespace tannha::storage {

/// The record of scheduled posts that have run: one row per (job, unit, period).
class job_repository {
 public:
  explicit job_repository(database& db) : db_(db) {}

  /// Records a run inside the caller's write transaction; false when this (job, unit, period)
  /// was already recorded (then the caller must not post).
  bool record(const std::string& job, const std::string& unit_id, const std::string& period_key, domain::instant at,
              int posted);
  /// True when this (job, unit, period) has run.
  bool ran(const std::string& job, const std::string& unit_id, const std::string& period_key);
  /// True when this job has run for the unit for any period (the bot was serving the unit).
  bool ran_any(const std::string& job, const std::string& unit_id);
  /// How many messages the run queued, if it ran.
  std::optional<int> posted(const std::string& job, const std::string& unit_id, const std::string& period_key);

 private:
  database& db_;
};

}  // namespace tannha::storage
