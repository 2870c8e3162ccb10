#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/database.hpp"

namespace tannha::storage {

/// The members a request's visit team links, by platform user id (requests.team keeps the names
/// shown). Kept beside the request record so that the many readers of the team's names are not
/// touched.
class team_links {
 public:
  explicit team_links(database& db) : db_(db) {}

  /// The linked members' user ids, in order; nullopt for a team written before members were
  /// linked (schema version 9), whose names are all there is.
  std::optional<std::vector<std::string>> get(std::int64_t request_id);
  /// Sets the linked members (inside the caller's transaction, with the request's update).
  void set(std::int64_t request_id, const std::vector<std::string>& user_ids);

 private:
  database& db_;
};

}  // namespace tannha::storage
