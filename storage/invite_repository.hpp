#pragma once
#include <optional>
#include <string>

#include "domain/role.hpp"
#include "domain/time.hpp"
#include "storage/database.hpp"

namespace tannha::storage {

/// A one-time invitation code for a role (and village) in a unit.
struct invite_record {
  std::string code;     ///< upper case, as generated
  std::string unit_id;
  domain::role role = domain::role::none;
  std::string village;  ///< for truongthon
  std::string created_by;
  domain::instant created_at{};
  domain::instant expires_at{};
  std::optional<std::string> used_by;
  std::optional<domain::instant> used_at;
};

/// What a code is worth at a given instant.
enum class invite_status { valid, unknown, used, expired };

/// Invitation codes (single use, with an expiry).
class invite_repository {
 public:
  explicit invite_repository(database& db) : db_(db) {}

  /// Stores a new code (inside the caller's transaction); false when the code already exists.
  bool insert(const invite_record& inv);
  /// The invite with this code (compared as stored: callers upper-case), if any.
  std::optional<invite_record> get(const std::string& code);
  /// The status of a code at `now`: unknown, used, expired (at or after expires_at) or valid.
  invite_status status(const std::string& code, domain::instant now);
  /// Marks a valid code used by `user_id` (inside the caller's transaction); false, changing
  /// nothing, when the code is unknown, already used or expired.
  bool consume(const std::string& code, const std::string& user_id, domain::instant now);

 private:
  database& db_;
};

}  // namespace tannha::storage
