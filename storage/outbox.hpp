#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/time.hpp"
#include "storage/database.hpp"

namespace tannha::storage {

/// One queued message.
struct outbox_row {
  std::int64_t id = 0;
  std::string chat_id;
  std::string text;
  int attempts = 0;
  domain::instant created_at{};
  domain::instant next_attempt_at{};
  std::string state;       ///< "pending" | "sent" | "dead"
  std::string last_error;
  std::string platform_message_id;           ///< the platform's id once sent (when it gave one)
  std::optional<domain::instant> failed_at;  ///< when it went dead
};

/// What one attempt came to, for outbox::mark_many().
struct outbox_mark {
  enum class kind { sent, retry, dead };
  std::int64_t id = 0;
  kind what = kind::sent;
  domain::instant at{};  ///< sent: sent_at; retry: the next attempt; dead: failed_at
  std::string detail;    ///< sent: the platform's message id (may be empty); retry/dead: the error
  bool counted = true;   ///< retry: adds one to attempts (false when the platform said when to come back)
};

/// A pending chat head offered to outbox::due()'s chooser (the row itself is read only when
/// the head is taken).
struct outbox_head {
  std::int64_t id = 0;
  std::string chat_id;
  domain::instant next_attempt_at{};
  int priority = 0;  ///< outbox_priority: replies before broadcast copies
};

/// How urgent a queued message is: among the chats' heads, replies go before broadcast copies.
enum class outbox_priority : int {
  reply = 0,      ///< an answer to someone who just typed a command
  broadcast = 1,  ///< a unit's post or one member's copy of it
};

/// Counts by state, for /metrics and the CLI.
struct outbox_counts {
  std::int64_t pending = 0, sent = 0, dead = 0;
};

/// The outbox table: replies and posts written in the same transaction as the change that
/// caused them, then sent by the relay in order per chat.
class outbox {
 public:
  /// Cuts a text into pieces that each fit one platform message (e.g. handlers::split_by_utf16
  /// with the platform's limit); pieces are queued in order.
  using splitter = std::function<std::vector<std::string>(std::string_view)>;

  explicit outbox(database& db) : db_(db) {}
  /// An outbox whose enqueue() splits long texts with `split`.
  outbox(database& db, splitter split) : db_(db), split_(std::move(split)) {}

  /// Queues a message (call inside the caller's write transaction). With a splitter, a long
  /// text becomes several rows in order; returns the id of the last row queued (0 when the
  /// splitter left nothing to send).
  std::int64_t enqueue(const std::string& chat_id, const std::string& text, domain::instant now,
                       outbox_priority priority = outbox_priority::reply);
  /// For each chat, its oldest pending message if it is due at `now`; oldest first, at most
  /// `limit`. A chat whose head is waiting for a retry yields nothing, so order is kept. A row
  /// queued for a time still ahead (created_at > now, e.g. `run-jobs --at` a future time) is
  /// not a head: it holds back none of its chat's later rows and goes once its time comes.
  /// Heads of replies (outbox_priority::reply) are offered before heads of broadcast copies.
  /// Cost: at most max(256, 4·limit) pending rows are walked in id order (a covering index);
  /// when the heads are far apart (few chats with long backlogs) it switches to one index seek
  /// per chat, so it never reads the whole backlog.
  std::vector<outbox_row> due(domain::instant now, int limit);
  /// Decides, for each due head — replies' heads first, then in id order — whether the caller takes it now (`take` may
  /// reserve what it needs, e.g. rate tokens: it is called at most once per head); returns the
  /// taken rows, oldest first, at most `limit`. Heads not taken do not count toward `limit`,
  /// so chats the caller cannot serve now (in flight, rate-limited) hold back no other.
  using head_chooser = std::function<bool(const outbox_head&)>;
  std::vector<outbox_row> due(domain::instant now, int limit, const head_chooser& take);
  /// The earliest next_attempt_at among pending rows, if any (for the relay's sleep).
  std::optional<domain::instant> next_due();
  /// Marks a row delivered; `platform_message_id` is the platform's id for it, when given.
  void mark_sent(std::int64_t id, domain::instant now, const std::string& platform_message_id = {});
  /// Puts a row off until `next_attempt`; `counted` false leaves attempts as they are (a
  /// platform's retry_after is a "later", not a failed try).
  void mark_retry(std::int64_t id, domain::instant next_attempt, const std::string& error, bool counted = true);
  /// Applies several attempts' outcomes in ONE write transaction, all or none (the relay's
  /// batch: one commit for many replies). Call outside any transaction; throws on a DB fault,
  /// leaving every row as it was.
  void mark_many(const std::vector<outbox_mark>& marks);
  /// Marks a row given up on; `now` is kept as failed_at (dead_since() reads it).
  void mark_dead(std::int64_t id, const std::string& error, domain::instant now);
  /// mark_dead() at the system clock's now, for callers without a process clock.
  void mark_dead(std::int64_t id, const std::string& error);
  /// Puts dead rows back to pending (all, or one id); returns how many.
  int retry_dead(std::optional<std::int64_t> id, domain::instant now);
  /// Counts by state. Counts every sent row: for the CLI, not for each /metrics scrape.
  outbox_counts counts();
  /// Pending rows now; cheap (a partial index), for /metrics.
  std::int64_t pending_count();
  /// Dead rows now; cheap (a partial index), for /metrics.
  std::int64_t dead_count();
  /// When the oldest pending row was queued, if any (for `tannha doctor`).
  std::optional<domain::instant> oldest_pending();
  /// Rows in a state, newest first (for the CLI).
  std::vector<outbox_row> list(const std::string& state, int limit);
  /// One row by id.
  std::optional<outbox_row> get(std::int64_t id);
  /// The id of the newest row, 0 when the outbox is empty (a mark for after()).
  std::int64_t last_id();
  /// Every row queued after the row `id`, oldest first (what a run queued, for the CLI).
  std::vector<outbox_row> after(std::int64_t id);
  /// Rows that went dead at or after `since` and are still dead, oldest first, at most `limit`
  /// (for the leaders' brief: "N messages could not be delivered since the last brief").
  std::vector<outbox_row> dead_since(domain::instant since, int limit);
  /// How many rows went dead at or after `since` and are still dead.
  std::int64_t count_dead_since(domain::instant since);

 private:
  database& db_;
  splitter split_;
};

}  // namespace tannha::storage
