#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "domain/time.hpp"
#include "storage/database.hpp"

namespace tannha::storage {

/// The audit trail: who viewed or exported personal data, and when.
class audit_log {
 public:
  explicit audit_log(database& db) : db_(db) {}
  /// Appends an entry (inside the caller's transaction).
  void record(const std::string& unit_id, const std::string& actor, const std::string& action,
              std::optional<std::int64_t> request_id, const std::string& detail, domain::instant now);
  /// Entries for a request (for tests and the CLI).
  int count_for(std::int64_t request_id, const std::string& action);

 private:
  database& db_;
};

}  // namespace tannha::storage
