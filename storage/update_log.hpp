#pragma once
#include <string>

#include "domain/time.hpp"
#include "storage/database.hpp"

namespace tannha::storage {

/// Processed update ids (exactly-once) and groups already told they are not set up.
class update_log {
 public:
  explicit update_log(database& db) : db_(db) {}

  /// Records the update; false when it was already recorded (a redelivery). Call inside the
  /// transaction that applies the update, so both commit or neither does.
  bool record(const std::string& platform, const std::string& update_id, domain::instant now);
  /// Records that an unknown group was told; false when it already was.
  bool record_unknown_chat(const std::string& chat_id, domain::instant now);

 private:
  database& db_;
};

}  // namespace tannha::storage
