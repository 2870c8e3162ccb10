#include "storage/draft_repository.hpp"

namespace tannha::storage {

namespace {
std::int64_t secs(domain::instant t) { return t.time_since_epoch().count(); }
}

std::optional<draft_record> draft_repository::get(const std::string& chat_id, const std::string& user_id,
                                                  domain::instant now) {
  auto q = db_.prepared("SELECT * FROM drafts WHERE chat_id = :c AND user_id = :u AND expires_at > :now");
  q->bind(":c", chat_id);
  q->bind(":u", user_id);
  q->bind(":now", secs(now));
  if (!q->executeStep()) return std::nullopt;
  draft_record d;
  d.chat_id = chat_id;
  d.user_id = user_id;
  d.unit_id = q->getColumn("unit_id").getString();
  d.kind = q->getColumn("kind").getString();
  d.body = q->getColumn("body").getString();
  d.expires_at = domain::instant{std::chrono::seconds{q->getColumn("expires_at").getInt64()}};
  return d;
}

void draft_repository::put(const draft_record& d) {
  auto q = db_.prepared(
      "INSERT INTO drafts(chat_id, user_id, unit_id, kind, body, expires_at) VALUES(:c, :u, :unit, :k, :b, :e) "
      "ON CONFLICT(chat_id, user_id) DO UPDATE SET unit_id = excluded.unit_id, kind = excluded.kind, "
      "body = excluded.body, expires_at = excluded.expires_at");
  q->bind(":c", d.chat_id);
  q->bind(":u", d.user_id);
  q->bind(":unit", d.unit_id);
  q->bind(":k", d.kind);
  q->bind(":b", d.body);
  q->bind(":e", secs(d.expires_at));
  q->exec();
}

void draft_repository::remove(const std::string& chat_id, const std::string& user_id) {
  auto q = db_.prepared("DELETE FROM drafts WHERE chat_id = :c AND user_id = :u");
  q->bind(":c", chat_id);
  q->bind(":u", user_id);
  q->exec();
}

int draft_repository::remove_expired(domain::instant now) {
  auto q = db_.prepared("DELETE FROM drafts WHERE expires_at <= :now");
  q->bind(":now", secs(now));
  return q->exec();
}

}  // namespace tannha::storage
