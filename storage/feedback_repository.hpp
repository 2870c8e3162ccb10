#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/time.hpp"
#include "storage/database.hpp"

namespace tannha::storage {

/// One piece of feedback or complaint (phản ánh) for the Center.
struct feedback_record {
  std::int64_t id = 0;  ///< shown as #PA-<id>
  std::string unit_id;
  std::string user_id;
  std::string chat_id;
  std::string text;     ///< as written; personal data, never logged
  domain::instant created_at{};
};

/// Feedback sent with /phananh.
class feedback_repository {
 public:
  explicit feedback_repository(database& db) : db_(db) {}

  /// Stores feedback (inside the caller's transaction) and returns its id.
  std::int64_t insert(const feedback_record& f);
  /// By id.
  std::optional<feedback_record> get(std::int64_t id);
  /// A unit's feedback, newest first, at most `limit`.
  std::vector<feedback_record> of_unit(const std::string& unit_id, int limit);

 private:
  database& db_;
};

}  // namespace tannha::storage
