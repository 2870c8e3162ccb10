#pragma once
#include <cstdint>
#include <optional>
#include <string>
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
};

/// Counts by state, for /metrics and the CLI.
struct outbox_counts {
  std::int64_t pending = 0, sent = 0, dead = 0;
};

/// The outbox table: replies and posts written in the same transaction as the change that
/// caused them, then sent by the relay in order per chat.
class outbox {
 public:
  explicit outbox(database& db) : db_(db) {}

  /// Queues a message (call inside the caller's write transaction).
  std::int64_t enqueue(const std::string& chat_id, const std::string& text, domain::instant now);
  /// For each chat, its oldest pending message if it is due at `now`; oldest first, at most
  /// `limit`. A chat whose head is waiting for a retry yields nothing, so order is kept.
  std::vector<outbox_row> due(domain::instant now, int limit);
  /// The earliest next_attempt_at among pending rows, if any (for the relay's sleep).
  std::optional<domain::instant> next_due();
  void mark_sent(std::int64_t id, domain::instant now);
  void mark_retry(std::int64_t id, domain::instant next_attempt, const std::string& error);
  void mark_dead(std::int64_t id, const std::string& error);
  /// Puts dead rows back to pending (all, or one id); returns how many.
  int retry_dead(std::optional<std::int64_t> id, domain::instant now);
  outbox_counts counts();
  /// Rows in a state, newest first (for the CLI).
  std::vector<outbox_row> list(const std::string& state, int limit);

 private:
  database& db_;
};

}  // namespace tannha::storage
