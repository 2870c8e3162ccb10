#include "storage/job_repository.hpp"

namespace tannha::storage {

bool job_repository::record(const std::string& job, const std::string& unit_id, const std::string& period_key,
                            domain::instant at, int posted) {
  auto q = db_.prepared(
      "INSERT OR IGNORE INTO job_runs(job, unit_id, period_key, ran_at, posted) VALUES(:j, :u, :k, :at, :p)");
  q->bind(":j", job);
  q->bind(":u", unit_id);
  q->bind(":k", period_key);
  q->bind(":at", static_cast<std::int64_t>(at.time_since_epoch().count()));
  q->bind(":p", posted);
  return q->exec() == 1;
}

bool job_repository::ran(const std::string& job, const std::string& unit_id, const std::string& period_key) {
  return posted(job, unit_id, period_key).has_value();
}

bool job_repository::ran_any(const std::string& job, const std::string& unit_id) {
  auto q = db_.prepared("SELECT 1 FROM job_runs WHERE job = :j AND unit_id = :u LIMIT 1");
  q->bind(":j", job);
  q->bind(":u", unit_id);
  const bool any = q->executeStep();
  q->reset();
  return any;
}

std::optional<int> job_repository::posted(const std::string& job, const std::string& unit_id,
                                          const std::string& period_key) {
  auto q = db_.prepared("SELECT posted FROM job_runs WHERE job = :j AND unit_id = :u AND period_key = :k");
  q->bind(":j", job);
  q->bind(":u", unit_id);
  q->bind(":k", period_key);
  if (q->executeStep()) return q->getColumn(0).getInt();
  return std::nullopt;
}

}  // namespace tannha::storage
