#include "storage/poll_state.hpp"

#include <string>

namespace tannha::storage {

std::optional<std::int64_t> poll_state::offset(std::string_view platform) {
  auto q = db_.prepared("SELECT next_offset FROM poll_state WHERE platform = :p");
  q->bind(":p", std::string(platform));
  if (!q->executeStep()) return std::nullopt;
  return q->getColumn(0).getInt64();
}

void poll_state::save(std::string_view platform, std::int64_t offset, domain::instant now) {
  auto q = db_.prepared(
      "INSERT INTO poll_state(platform, next_offset, updated_at) VALUES(:p, :o, :t) "
      "ON CONFLICT(platform) DO UPDATE SET next_offset = excluded.next_offset, updated_at = excluded.updated_at");
  q->bind(":p", std::string(platform));
  q->bind(":o", static_cast<std::int64_t>(offset));
  q->bind(":t", static_cast<std::int64_t>(now.time_since_epoch().count()));
  q->exec();
}

}  // namespace tannha::storage
