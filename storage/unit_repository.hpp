#pragma once
#include <optional>
#include <string>
#include <vector>

#include "domain/procedure.hpp"
#include "domain/unit.hpp"
#include "storage/database.hpp"
#include "storage/records.hpp"

namespace tannha::storage {

/// Units, their villages, members and the procedure catalog.
class unit_repository {
 public:
  explicit unit_repository(database& db) : db_(db) {}

  /// Makes the stored units, villages and config admins match the config (one transaction):
  /// new units are added, names/chat ids updated; config admins become leaders. A group a
  /// leader connected with /ketnoi is kept even when the config names another (the chat wins);
  /// a unit without chat_id in the config keeps the group it has, or has none.
  void sync_config(const std::vector<domain::unit>& units, domain::instant now);
  /// Makes the stored catalog match the given procedures (upsert; never deletes a code that
  /// requests refer to).
  void sync_catalog(const std::vector<domain::procedure>& catalog);

  /// The member record of a user in a unit, if any.
  std::optional<member_record> member(const std::string& unit_id, const std::string& user_id);
  /// Every unit in which the user is a member.
  std::vector<member_record> memberships(const std::string& user_id);
  /// Adds or replaces a member (inside the caller's transaction).
  void put_member(const member_record& m, domain::instant now);
  /// Fills a member's display name from the platform when none is known yet (config leaders
  /// start without one); names chosen at invitation are kept.
  void note_display_name(const std::string& unit_id, const std::string& user_id, const std::string& display_name);
  /// Removes a member; false when there was none.
  bool remove_member(const std::string& unit_id, const std::string& user_id);
  /// All members of a unit, leaders first.
  std::vector<member_record> members(const std::string& unit_id);

  /// The unit's group chat as stored: "" when it has none, nullopt when the unit is not stored.
  std::optional<std::string> stored_group(const std::string& unit_id);
  /// Where the unit's group came from: "config", "ketnoi" or "none" ("" when not stored).
  std::string group_source(const std::string& unit_id);
  /// The stored unit whose group is this chat, if any.
  std::optional<std::string> unit_of_group(const std::string& chat_id);
  /// Makes `chat_id` the unit's group, set by a leader's /ketnoi (inside the caller's
  /// transaction); the config no longer overrides it.
  void connect_group(const std::string& unit_id, const std::string& chat_id, const std::string& by,
                     domain::instant now);
  /// Whether the unit has at least one leader.
  bool has_leader(const std::string& unit_id);

  /// The next request number of a unit, reserved (inside the caller's transaction).
  std::int64_t take_request_number(const std::string& unit_id);

 private:
  database& db_;
};

}  // namespace tannha::storage
