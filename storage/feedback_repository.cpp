#include "storage/feedback_repository.hpp"

namespace tannha::storage {

namespace {
feedback_record read_feedback(SQLite::Statement& q) {
  feedback_record f;
  f.id = q.getColumn("id").getInt64();
  f.unit_id = q.getColumn("unit_id").getString();
  f.user_id = q.getColumn("user_id").getString();
  f.chat_id = q.getColumn("chat_id").getString();
  f.text = q.getColumn("text").getString();
  f.created_at = domain::instant{std::chrono::seconds{q.getColumn("created_at").getInt64()}};
  return f;
}
}  // namespace

std::int64_t feedback_repository::insert(const feedback_record& f) {
  {
    auto q = db_.prepared(
        "INSERT INTO feedback(unit_id, user_id, chat_id, text, created_at) VALUES(:u, :user, :chat, :text, :at)");
    q->bind(":u", f.unit_id);
    q->bind(":user", f.user_id);
    q->bind(":chat", f.chat_id);
    q->bind(":text", f.text);
    q->bind(":at", static_cast<std::int64_t>(f.created_at.time_since_epoch().count()));
    q->exec();
  }
  return db_.db().getLastInsertRowid();
}

std::optional<feedback_record> feedback_repository::get(std::int64_t id) {
  auto q = db_.prepared("SELECT * FROM feedback WHERE id = :id");
  q->bind(":id", static_cast<std::int64_t>(id));
  if (q->executeStep()) return read_feedback(*q);
  return std::nullopt;
}

std::vector<feedback_record> feedback_repository::of_unit(const std::string& unit_id, int limit) {
  auto q = db_.prepared("SELECT * FROM feedback WHERE unit_id = :u ORDER BY id DESC LIMIT :l");
  q->bind(":u", unit_id);
  q->bind(":l", limit);
  std::vector<feedback_record> out;
  while (q->executeStep()) out.push_back(read_feedback(*q));
  return out;
}

}  // namespace tannha::storage
