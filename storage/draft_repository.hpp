#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/time.hpp"
#include "storage/database.hpp"

namespace tannha::storage {

/// An unfinished form (or an open question about one) kept per chat and user until it is
/// completed, cancelled or expires. A user may have several in one chat.
struct draft_record {
  std::string chat_id;
  std::string user_id;
  std::string unit_id;
  std::string kind;  ///< "dangky" (a form) | "chon" (which form an answer is for)
  std::string body;  ///< JSON: the form's fields given so far, or the question
  domain::instant expires_at{};
  std::int64_t id = 0;               ///< 0 until stored
  std::int64_t asked_outbox_id = 0;  ///< outbox row of the bot's latest message about it; 0: none
};

/// Drafts of unfinished forms (personal data: deleted when done or expired).
class draft_repository {
 public:
  explicit draft_repository(database& db) : db_(db) {}

  /// The unexpired drafts of this user in this chat, oldest first (reads only: expired drafts
  /// are deleted by remove_expired(), run by the scheduler).
  std::vector<draft_record> list(const std::string& chat_id, const std::string& user_id, domain::instant now);
  /// Stores a new draft (id 0), or replaces the unit, kind, body and expiry of draft `d.id`;
  /// returns its id.
  std::int64_t put(const draft_record& d);
  /// Removes one draft.
  void remove(std::int64_t id);
  /// Remembers the outbox row of the bot's latest message about draft `id`.
  void note_question(std::int64_t id, std::int64_t outbox_id);
  /// The id of this user's unexpired draft in `chat_id` whose latest message from the bot was
  /// delivered there as the platform's message `platform_message_id`, if any.
  std::optional<std::int64_t> asked_as(const std::string& chat_id, const std::string& user_id,
                                       const std::string& platform_message_id, domain::instant now);
  /// Deletes every draft expired at `now` (personal data nobody will finish); the count.
  int remove_expired(domain::instant now);

 private:
  database& db_;
};

}  // namespace tannha::storage
