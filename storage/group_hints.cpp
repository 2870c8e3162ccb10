#include "storage/group_hints.hpp"

namespace tannha::storage {

bool group_hints::claim(const std::string& user_id, domain::instant now, std::chrono::seconds interval) {
  // One statement: a new person is inserted; a known one is updated only when the last pointer
  // is old enough, so changes() tells whether to send.
  auto q = db_.prepared(
      "INSERT INTO group_hints(user_id, sent_at) VALUES(:u, :now) "
      "ON CONFLICT(user_id) DO UPDATE SET sent_at = excluded.sent_at WHERE group_hints.sent_at <= :cutoff");
  const auto at = static_cast<std::int64_t>(now.time_since_epoch().count());
  q->bind(":u", user_id);
  q->bind(":now", at);
  q->bind(":cutoff", at - static_cast<std::int64_t>(interval.count()));
  return q->exec() == 1;
}

}  // namespace tannha::storage
