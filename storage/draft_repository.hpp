#pragma once
#include <optional>
#include <string>

#include "domain/time.hpp"
#include "storage/database.hpp"

namespace tannha::storage {

/// An unfinished form kept per chat and user until it is completed or expires.
struct draft_record {
  std::string chat_id;
  std::string user_id;
  std::string unit_id;
  std::string kind;  ///< "dangky"
  std::string body;  ///< JSON object of the fields given so far
  domain::instant expires_at{};
};

/// Drafts of unfinished forms (personal data: deleted when done or expired).
class draft_repository {
 public:
  explicit draft_repository(database& db) : db_(db) {}

  /// The unexpired draft of this user in this chat, if any (reads only: expired drafts are
  /// deleted by remove_expired(), run by the scheduler).
  std::optional<draft_record> get(const std::string& chat_id, const std::string& user_id, domain::instant now);
  /// Creates or replaces.
  void put(const draft_record& d);
  /// Removes.
  void remove(const std::string& chat_id, const std::string& user_id);
  /// Deletes every draft expired at `now` (personal data nobody will finish); the count.
  int remove_expired(domain::instant now);

 private:
  database& db_;
};

}  // namespace tannha::storage
