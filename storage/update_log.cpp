#include "storage/update_log.hpp"

namespace tannha::storage {

bool update_log::record(const std::string& platform, const std::string& update_id, domain::instant now) {
  auto q = db_.prepared(
      "INSERT OR IGNORE INTO processed_updates(platform, update_id, processed_at) VALUES(:p, :id, :now)");
  q->bind(":p", platform);
  q->bind(":id", update_id);
  q->bind(":now", static_cast<std::int64_t>(now.time_since_epoch().count()));
  return q->exec() == 1;
}

bool update_log::record_unknown_chat(const std::string& chat_id, domain::instant now) {
  auto q = db_.prepared("INSERT OR IGNORE INTO unknown_chats(chat_id, told_at) VALUES(:c, :now)");
  q->bind(":c", chat_id);
  q->bind(":now", static_cast<std::int64_t>(now.time_since_epoch().count()));
  return q->exec() == 1;
}

}  // namespace tannha::storage
