#include "storage/audit_log.hpp"

namespace tannha::storage {

void audit_log::record(const std::string& unit_id, const std::string& actor, const std::string& action,
                       std::optional<std::int64_t> request_id, const std::string& detail, domain::instant now) {
  auto q = db_.prepared(
      "INSERT INTO audit(at, unit_id, actor, action, request_id, detail) VALUES(:at, :u, :a, :act, :r, :d)");
  q->bind(":at", static_cast<std::int64_t>(now.time_since_epoch().count()));
  q->bind(":u", unit_id);
  q->bind(":a", actor);
  q->bind(":act", action);
  if (request_id) q->bind(":r", static_cast<std::int64_t>(*request_id));
  else q->bind(":r");
  q->bind(":d", detail);
  q->exec();
}

int audit_log::count_for(std::int64_t request_id, const std::string& action) {
  auto q = db_.prepared("SELECT COUNT(*) FROM audit WHERE request_id = :r AND action = :a");
  q->bind(":r", static_cast<std::int64_t>(request_id));
  q->bind(":a", action);
  q->executeStep();
  return q->getColumn(0).getInt();
}

}  // namespace tannha::storage
