#pragma once
#include <map>
#include <string>

#include "domain/time.hpp"
#include "storage/database.hpp"

namespace tannha::storage {

/// A member's choices of posts received privately: kind → on/off (kinds not listed follow
/// the role's default, decided in handlers/unit_posts.cpp).
using post_choice_map = std::map<std::string, bool>;

/// What each member chose with /thongbao (table post_choices, schema version 11).
class post_choices {
 public:
  explicit post_choices(database& db) : db_(db) {}

  /// One member's choices in a unit.
  post_choice_map of(const std::string& unit_id, const std::string& user_id);
  /// Every member's choices in a unit, by user id (one query for a post's fan-out).
  std::map<std::string, post_choice_map> of_unit(const std::string& unit_id);
  /// Records a choice (inside the caller's write transaction).
  void set(const std::string& unit_id, const std::string& user_id, const std::string& kind, bool enabled,
           domain::instant now);

 private:
  database& db_;
};

}  // namespace tannha::storage
