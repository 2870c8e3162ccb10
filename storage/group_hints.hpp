#pragma once
#include <chrono>
#include <string>

#include "domain/time.hpp"
#include "storage/database.hpp"

namespace tannha::storage {

/// When each person was last pointed to /giup in a group (at most once per interval).
class group_hints {
 public:
  explicit group_hints(database& db) : db_(db) {}

  /// Records a pointer to `user_id` at `now` and returns true, unless one was recorded less
  /// than `interval` before `now` (then false, nothing changed). Call inside the transaction
  /// that queues the pointer, so both commit or neither does.
  bool claim(const std::string& user_id, domain::instant now, std::chrono::seconds interval);

 private:
  database& db_;
};

}  // namespace tannha::storage
