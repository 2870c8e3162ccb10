#pragma once
#include <optional>
#include <string>

#include "domain/time.hpp"
#include "storage/database.hpp"

namespace tannha::storage {

/// A one-time code to claim a unit that has no leader; only its hash is stored.
struct claim_record {
  std::string code_hash;  ///< hex SHA-256 of the code, computed by the caller
  std::string unit_id;
  domain::instant created_at{};
  domain::instant expires_at{};
  std::optional<std::string> used_by;
  std::optional<domain::instant> used_at;
};

/// What a code is worth at a given instant.
enum class claim_status { valid, unknown, used, expired };

/// Claim codes (single use, with an expiry) and the wrong tries made with them.
class claim_repository {
 public:
  explicit claim_repository(database& db) : db_(db) {}

  /// Stores a new code for the unit, replacing its unused ones (inside the caller's transaction).
  void issue(const claim_record& c);
  /// The code with this hash, if any.
  std::optional<claim_record> find(const std::string& code_hash);
  /// The status of a code at `now`: unknown, used, expired (at or after expires_at) or valid.
  claim_status status(const std::string& code_hash, domain::instant now);
  /// Marks a valid code used by `user_id`; false, changing nothing, when it is not valid.
  bool consume(const std::string& code_hash, const std::string& user_id, domain::instant now);
  /// Records a wrong code sent by `user_id`.
  void record_wrong_try(const std::string& user_id, domain::instant now);
  /// Wrong codes sent by `user_id` at or after `since` (claim codes and invitation codes alike:
  /// one budget per person for guessing either).
  int wrong_tries_since(const std::string& user_id, domain::instant since);
  /// The oldest wrong code `user_id` sent at or after `since`, if any (when the next try frees).
  std::optional<domain::instant> oldest_wrong_try_since(const std::string& user_id, domain::instant since);

 private:
  database& db_;
};

}  // namespace tannha::storage
