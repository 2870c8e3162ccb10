#include "storage/post_choices.hpp"

namespace tannha::storage {

post_choice_map post_choices::of(const std::string& unit_id, const std::string& user_id) {
  auto q = db_.prepared("SELECT kind, enabled FROM post_choices WHERE unit_id = :unit AND user_id = :user");
  q->bind(":unit", unit_id);
  q->bind(":user", user_id);
  post_choice_map out;
  while (q->executeStep()) out[q->getColumn(0).getString()] = q->getColumn(1).getInt() != 0;
  return out;
}

std::map<std::string, post_choice_map> post_choices::of_unit(const std::string& unit_id) {
  auto q = db_.prepared("SELECT user_id, kind, enabled FROM post_choices WHERE unit_id = :unit");
  q->bind(":unit", unit_id);
  std::map<std::string, post_choice_map> out;
  while (q->executeStep()) out[q->getColumn(0).getString()][q->getColumn(1).getString()] = q->getColumn(2).getInt() != 0;
  return out;
}

void post_choices::set(const std::string& unit_id, const std::string& user_id, const std::string& kind, bool enabled,
                       domain::instant now) {
  auto q = db_.prepared(
      "INSERT INTO post_choices(unit_id, user_id, kind, enabled, updated_at) VALUES(:unit, :user, :kind, :on, :now) "
      "ON CONFLICT(unit_id, user_id, kind) DO UPDATE SET enabled = excluded.enabled, updated_at = excluded.updated_at");
  q->bind(":unit", unit_id);
  q->bind(":user", user_id);
  q->bind(":kind", kind);
  q->bind(":on", enabled ? 1 : 0);
  q->bind(":now", static_cast<std::int64_t>(now.time_since_epoch().count()));
  q->exec();
}

}  // namespace tannha::storage
