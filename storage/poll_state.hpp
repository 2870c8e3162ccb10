#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

#include "domain/time.hpp"
#include "storage/database.hpp"

namespace tannha::storage {

/// Where long polling resumes: the next update offset per platform, kept across restarts.
class poll_state {
 public:
  explicit poll_state(database& db) : db_(db) {}
  /// The offset saved for `platform`, if any.
  std::optional<std::int64_t> offset(std::string_view platform);
  /// Saves the offset to ask `platform` for next (inside the caller's transaction, if any).
  void save(std::string_view platform, std::int64_t offset, domain::instant now);

 private:
  database& db_;
};

}  // namespace tannha::storage
