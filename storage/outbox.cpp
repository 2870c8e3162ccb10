#include "storage/outbox.hpp"

#include <algorithm>
#include <unordered_set>

namespace tannha::storage {

namespace {
std::int64_t secs(domain::instant t) { return t.time_since_epoch().count(); }
domain::instant from_secs(std::int64_t s) { return domain::instant{std::chrono::seconds{s}}; }

outbox_row read_row(SQLite::Statement& q) {
  outbox_row r;
  r.id = q.getColumn("id").getInt64();
  r.chat_id = q.getColumn("chat_id").getString();
  r.text = q.getColumn("text").getString();
  r.attempts = q.getColumn("attempts").getInt();
  r.created_at = from_secs(q.getColumn("created_at").getInt64());
  r.next_attempt_at = from_secs(q.getColumn("next_attempt_at").getInt64());
  r.state = q.getColumn("state").getString();
  r.last_error = q.getColumn("last_error").getString();
  r.platform_message_id = q.getColumn("platform_message_id").getString();
  auto failed = q.getColumn("failed_at");
  if (!failed.isNull()) r.failed_at = from_secs(failed.getInt64());
  return r;
}
}  // namespace

std::int64_t outbox::enqueue(const std::string& chat_id, const std::string& text, domain::instant now,
                             outbox_priority priority) {
  auto insert = [&](const std::string& piece) {
    auto q = db_.prepared(
        "INSERT INTO outbox(chat_id, text, created_at, next_attempt_at, priority) "
        "VALUES(:chat, :text, :now, :now, :priority)");
    q->bind(":chat", chat_id);
    q->bind(":text", piece);
    q->bind(":now", static_cast<std::int64_t>(secs(now)));
    q->bind(":priority", static_cast<int>(priority));
    q->exec();
    return db_.db().getLastInsertRowid();
  };
  if (split_) {
    // Rows of one chat are sent by ascending id: queuing the pieces in order keeps them in order.
    std::int64_t last = 0;
    for (const auto& piece : split_(text)) last = insert(piece);
    return last;
  }
  return insert(text);
}

std::vector<outbox_row> outbox::due(domain::instant now, int limit) {
  return due(now, limit, [](const outbox_head&) { return true; });
}

std::vector<outbox_row> outbox::due(domain::instant now, int limit, const head_chooser& take) {
  // Each chat's head (its oldest pending row that is not a post for later) is the only
  // candidate: that keeps order per chat while a chat waiting for a retry does not hold back
  // the others. A row queued with a time still ahead (created_at > now: `run-jobs --at` a
  // future time) is skipped, not waited for: it goes when its time comes, and the chat's
  // replies due now go before it (docs/DESIGN.md §7; issue 16).
  std::vector<outbox_row> out;
  if (limit <= 0) return out;
  const auto limit_n = static_cast<std::size_t>(limit);
  std::vector<std::int64_t> taken;
  auto offer = [&](const outbox_head& h) {
    if (h.next_attempt_at <= now && take(h)) taken.push_back(h.id);
    return taken.size() >= limit_n;
  };
  // Only heads not due need this look-up (few: retries and posts for later).
  auto queued_for_later = [&](std::int64_t id, domain::instant next) {
    if (next <= now) return false;
    auto q = db_.prepared("SELECT created_at > :now FROM outbox WHERE id = :id");
    q->bind(":now", static_cast<std::int64_t>(secs(now)));
    q->bind(":id", static_cast<std::int64_t>(id));
    return q->executeStep() && q->getColumn(0).getInt() != 0;
  };

  // Walk the pending rows in id order (a covering partial index): the first row met of a chat
  // that is not for later is its head. The walk reads at most `budget` rows; the heads it met
  // are offered replies first (priority 0), each priority in id order, so a reply queued behind
  // a post fanned out to many members is not held back by it (the order within a chat is
  // untouched).
  const int budget = std::max(256, 4 * limit);
  std::int64_t last = 0;
  bool cut = false;
  bool done = false;
  std::unordered_set<std::string> decided;  // chats whose head was met
  {
    auto q = db_.prepared(
        "SELECT id, chat_id, next_attempt_at, priority FROM outbox INDEXED BY outbox_pending_order "
        "WHERE state = 'pending' ORDER BY id LIMIT :budget");
    q->bind(":budget", budget);
    std::vector<outbox_head> walked_heads;
    int walked = 0;
    while (q->executeStep()) {
      ++walked;
      last = q->getColumn(0).getInt64();
      std::string chat = q->getColumn(1).getString();
      if (decided.contains(chat)) continue;  // an older row of this chat came first
      outbox_head h{last, chat, from_secs(q->getColumn(2).getInt64()), q->getColumn(3).getInt()};
      if (queued_for_later(h.id, h.next_attempt_at)) continue;
      decided.insert(std::move(chat));
      walked_heads.push_back(std::move(h));
    }
    std::stable_sort(walked_heads.begin(), walked_heads.end(),
                     [](const auto& a, const auto& b) { return a.priority < b.priority; });
    for (const auto& h : walked_heads)
      if ((done = offer(h))) break;
    cut = !done && walked == budget;
  }

  // Few chats with long backlogs: the walk met rows of the same chats only. One seek per chat
  // (the outbox_pending(chat_id, id) index) finds the heads it did not reach: those past `last`.
  if (cut) {
    std::vector<outbox_head> heads;
    std::string prev;  // every chat id sorts after the empty string
    for (;;) {
      auto q = db_.prepared(
          "SELECT chat_id, id, next_attempt_at, priority FROM outbox INDEXED BY outbox_pending "
          "WHERE state = 'pending' AND chat_id > :prev ORDER BY chat_id, id LIMIT 1");
      q->bind(":prev", prev);
      if (!q->executeStep()) break;
      prev = q->getColumn(0).getString();
      if (decided.contains(prev)) continue;
      outbox_head h{q->getColumn(1).getInt64(), prev, from_secs(q->getColumn(2).getInt64()), q->getColumn(3).getInt()};
      // The walk saw only posts for later of this chat up to `last`: its head lies past it.
      std::int64_t after = h.id <= last ? last : 0;
      bool found = after == 0 && !queued_for_later(h.id, h.next_attempt_at);
      while (!found) {
        if (after == 0) after = h.id;
        auto n = db_.prepared(
            "SELECT id, next_attempt_at, priority FROM outbox INDEXED BY outbox_pending "
            "WHERE state = 'pending' AND chat_id = :chat AND id > :after ORDER BY id LIMIT 1");
        n->bind(":chat", prev);
        n->bind(":after", static_cast<std::int64_t>(after));
        if (!n->executeStep()) break;
        h.id = n->getColumn(0).getInt64();
        h.next_attempt_at = from_secs(n->getColumn(1).getInt64());
        h.priority = n->getColumn(2).getInt();
        after = h.id;
        found = !queued_for_later(h.id, h.next_attempt_at);
      }
      if (found) heads.push_back(h);
    }
    std::sort(heads.begin(), heads.end(),
              [](const auto& a, const auto& b) { return std::pair(a.priority, a.id) < std::pair(b.priority, b.id); });
    for (const auto& h : heads)
      if (offer(h)) break;
  }

  out.reserve(taken.size());
  for (auto id : taken)
    if (auto row = get(id)) out.push_back(std::move(*row));
  return out;
}

std::optional<domain::instant> outbox::next_due() {
  auto q = db_.prepared("SELECT MIN(next_attempt_at) FROM outbox WHERE state = 'pending'");
  std::optional<domain::instant> out;
  if (q->executeStep() && !q->getColumn(0).isNull()) out = from_secs(q->getColumn(0).getInt64());
  return out;
}

void outbox::mark_sent(std::int64_t id, domain::instant now, const std::string& platform_message_id) {
  auto q = db_.prepared(
      "UPDATE outbox SET state = 'sent', sent_at = :now, attempts = attempts + 1, platform_message_id = :mid "
      "WHERE id = :id");
  q->bind(":now", static_cast<std::int64_t>(secs(now)));
  q->bind(":mid", platform_message_id);
  q->bind(":id", static_cast<std::int64_t>(id));
  q->exec();
}

void outbox::mark_many(const std::vector<outbox_mark>& marks) {
  if (marks.empty()) return;
  write_transaction tx(db_);
  for (const auto& m : marks) {
    switch (m.what) {
      case outbox_mark::kind::sent:
        mark_sent(m.id, m.at, m.detail);
        break;
      case outbox_mark::kind::retry:
        mark_retry(m.id, m.at, m.detail, m.counted);
        break;
      case outbox_mark::kind::dead:
        mark_dead(m.id, m.detail, m.at);
        break;
    }
  }
  tx.commit();
}

void outbox::mark_retry(std::int64_t id, domain::instant next_attempt, const std::string& error, bool counted) {
  auto q = db_.prepared(
      "UPDATE outbox SET attempts = attempts + :inc, next_attempt_at = :next, last_error = :err WHERE id = :id");
  q->bind(":inc", counted ? 1 : 0);
  q->bind(":next", static_cast<std::int64_t>(secs(next_attempt)));
  q->bind(":err", error);
  q->bind(":id", static_cast<std::int64_t>(id));
  q->exec();
}

void outbox::mark_dead(std::int64_t id, const std::string& error) {
  auto q = db_.prepared(
      "UPDATE outbox SET state = 'dead', attempts = attempts + 1, last_error = :err, "
      "failed_at = CAST(strftime('%s', 'now') AS INTEGER) WHERE id = :id");
  q->bind(":err", error);
  q->bind(":id", static_cast<std::int64_t>(id));
  q->exec();
}

void outbox::mark_dead(std::int64_t id, const std::string& error, domain::instant now) {
  auto q = db_.prepared(
      "UPDATE outbox SET state = 'dead', attempts = attempts + 1, last_error = :err, failed_at = :now WHERE id = :id");
  q->bind(":err", error);
  q->bind(":now", static_cast<std::int64_t>(secs(now)));
  q->bind(":id", static_cast<std::int64_t>(id));
  q->exec();
}

int outbox::retry_dead(std::optional<std::int64_t> id, domain::instant now) {
  auto q = db_.prepared(
      "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = :now, failed_at = NULL "
      "WHERE state = 'dead' AND (:id IS NULL OR id = :id)");
  q->bind(":now", static_cast<std::int64_t>(secs(now)));
  if (id) q->bind(":id", static_cast<std::int64_t>(*id));
  else q->bind(":id");
  return q->exec();
}

outbox_counts outbox::counts() {
  auto q = db_.prepared("SELECT state, COUNT(*) FROM outbox GROUP BY state");
  outbox_counts c;
  while (q->executeStep()) {
    auto s = q->getColumn(0).getString();
    auto n = q->getColumn(1).getInt64();
    if (s == "pending") c.pending = n;
    else if (s == "sent") c.sent = n;
    else if (s == "dead") c.dead = n;
  }
  return c;
}

std::int64_t outbox::pending_count() {
  auto q = db_.prepared("SELECT COUNT(*) FROM outbox WHERE state = 'pending'");
  return q->executeStep() ? q->getColumn(0).getInt64() : 0;
}

std::int64_t outbox::dead_count() {
  auto q = db_.prepared("SELECT COUNT(*) FROM outbox WHERE state = 'dead'");
  return q->executeStep() ? q->getColumn(0).getInt64() : 0;
}

std::optional<domain::instant> outbox::oldest_pending() {
  auto q = db_.prepared("SELECT MIN(created_at) FROM outbox WHERE state = 'pending'");
  if (!q->executeStep() || q->getColumn(0).isNull()) return std::nullopt;
  return domain::instant{std::chrono::seconds{q->getColumn(0).getInt64()}};
}

std::optional<outbox_row> outbox::get(std::int64_t id) {
  auto q = db_.prepared("SELECT * FROM outbox WHERE id = :id");
  q->bind(":id", static_cast<std::int64_t>(id));
  if (!q->executeStep()) return std::nullopt;
  return read_row(*q);
}

std::vector<outbox_row> outbox::dead_since(domain::instant since, int limit) {
  auto q = db_.prepared(
      "SELECT * FROM outbox WHERE state = 'dead' AND failed_at >= :since ORDER BY failed_at, id LIMIT :limit");
  q->bind(":since", static_cast<std::int64_t>(secs(since)));
  q->bind(":limit", limit);
  std::vector<outbox_row> out;
  while (q->executeStep()) out.push_back(read_row(*q));
  return out;
}

std::int64_t outbox::count_dead_since(domain::instant since) {
  auto q = db_.prepared("SELECT COUNT(*) FROM outbox WHERE state = 'dead' AND failed_at >= :since");
  q->bind(":since", static_cast<std::int64_t>(secs(since)));
  return q->executeStep() ? q->getColumn(0).getInt64() : 0;
}

std::int64_t outbox::last_id() {
  auto q = db_.prepared("SELECT COALESCE(MAX(id), 0) FROM outbox");
  q->executeStep();
  return q->getColumn(0).getInt64();
}

std::vector<outbox_row> outbox::after(std::int64_t id) {
  auto q = db_.prepared("SELECT * FROM outbox WHERE id > :id ORDER BY id");
  q->bind(":id", static_cast<std::int64_t>(id));
  std::vector<outbox_row> out;
  while (q->executeStep()) out.push_back(read_row(*q));
  return out;
}

std::vector<outbox_row> outbox::list(const std::string& state, int limit) {
  auto q = db_.prepared("SELECT * FROM outbox WHERE state = :state ORDER BY id DESC LIMIT :limit");
  q->bind(":state", state);
  q->bind(":limit", limit);
  std::vector<outbox_row> out;
  while (q->executeStep()) out.push_back(read_row(*q));
  return out;
}

}  // namespace tannha::storage
