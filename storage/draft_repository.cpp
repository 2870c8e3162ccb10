#include "storage/draft_repository.hpp"

namespace tannha::storage {

namespace {
std::int64_t secs(domain::instant t) { return t.time_since_epoch().count(); }
}

std::vector<draft_record> draft_repository::list(const std::string& chat_id, const std::string& user_id,
                                                 domain::instant now) {
  auto q = db_.prepared(
      "SELECT id, unit_id, kind, body, expires_at, asked_outbox_id FROM drafts "
      "WHERE chat_id = :c AND user_id = :u AND expires_at > :now ORDER BY id");
  q->bind(":c", chat_id);
  q->bind(":u", user_id);
  q->bind(":now", secs(now));
  std::vector<draft_record> out;
  while (q->executeStep()) {
    draft_record d;
    d.chat_id = chat_id;
    d.user_id = user_id;
    d.id = q->getColumn(0).getInt64();
    d.unit_id = q->getColumn(1).getString();
    d.kind = q->getColumn(2).getString();
    d.body = q->getColumn(3).getString();
    d.expires_at = domain::instant{std::chrono::seconds{q->getColumn(4).getInt64()}};
    d.asked_outbox_id = q->getColumn(5).getInt64();
    out.push_back(std::move(d));
  }
  return out;
}

std::int64_t draft_repository::put(const draft_record& d) {
  if (d.id != 0) {
    auto q = db_.prepared("UPDATE drafts SET unit_id = :unit, kind = :k, body = :b, expires_at = :e WHERE id = :id");
    q->bind(":unit", d.unit_id);
    q->bind(":k", d.kind);
    q->bind(":b", d.body);
    q->bind(":e", secs(d.expires_at));
    q->bind(":id", d.id);
    q->exec();
    return d.id;
  }
  auto q = db_.prepared(
      "INSERT INTO drafts(chat_id, user_id, unit_id, kind, body, expires_at) VALUES(:c, :u, :unit, :k, :b, :e)");
  q->bind(":c", d.chat_id);
  q->bind(":u", d.user_id);
  q->bind(":unit", d.unit_id);
  q->bind(":k", d.kind);
  q->bind(":b", d.body);
  q->bind(":e", secs(d.expires_at));
  q->exec();
  return db_.db().getLastInsertRowid();
}

void draft_repository::remove(std::int64_t id) {
  auto q = db_.prepared("DELETE FROM drafts WHERE id = :id");
  q->bind(":id", id);
  q->exec();
}

void draft_repository::note_question(std::int64_t id, std::int64_t outbox_id) {
  auto q = db_.prepared("UPDATE drafts SET asked_outbox_id = :o WHERE id = :id");
  q->bind(":o", outbox_id);
  q->bind(":id", id);
  q->exec();
}

std::optional<std::int64_t> draft_repository::asked_as(const std::string& chat_id, const std::string& user_id,
                                                       const std::string& platform_message_id, domain::instant now) {
  if (platform_message_id.empty()) return std::nullopt;
  // The user's few drafts, each joined to one outbox row by its key: no outbox index needed.
  auto q = db_.prepared(
      "SELECT d.id FROM drafts d JOIN outbox o ON o.id = d.asked_outbox_id "
      "WHERE d.chat_id = :c AND d.user_id = :u AND d.expires_at > :now "
      "AND o.chat_id = :c AND o.platform_message_id = :p ORDER BY d.id DESC LIMIT 1");
  q->bind(":c", chat_id);
  q->bind(":u", user_id);
  q->bind(":now", secs(now));
  q->bind(":p", platform_message_id);
  if (!q->executeStep()) return std::nullopt;
  return q->getColumn(0).getInt64();
}

int draft_repository::remove_expired(domain::instant now) {
  auto q = db_.prepared("DELETE FROM drafts WHERE expires_at <= :now");
  q->bind(":now", secs(now));
  return q->exec();
}

}  // namespace tannha::storage
