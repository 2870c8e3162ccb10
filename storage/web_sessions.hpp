#pragma once
#include <optional>
#include <string>

#include "domain/time.hpp"
#include "storage/database.hpp"

namespace tannha::storage {

/// What a one-time login link is worth at a given instant.
enum class web_login_status { valid, unknown, used, expired };

/// A member's web session (or the link that opens one): whose and where, until when.
struct web_session_record {
  std::string unit_id;
  std::string user_id;
  domain::instant expires_at{};
};

/// The web pages' one-time login links and sessions; only hex SHA-256 digests of the tokens and
/// session ids are given to and kept by this repository.
class web_session_repository {
 public:
  explicit web_session_repository(database& db) : db_(db) {}

  /// Stores a new login link (inside the caller's transaction).
  void add_login(const std::string& token_hash, const std::string& unit_id, const std::string& user_id,
                 domain::instant now, domain::instant expires_at);
  /// Uses a link once: its member when it was valid at `now` (and marks it used), else why not.
  web_login_status use_login(const std::string& token_hash, domain::instant now, web_session_record* out);
  /// Stores a new session (inside the caller's transaction).
  void add_session(const std::string& session_hash, const web_session_record& s, domain::instant now);
  /// The session with this digest when it is open at `now` (not ended, not expired).
  std::optional<web_session_record> session(const std::string& session_hash, domain::instant now);
  /// Ends every open session of a member and voids their unused links; returns how many sessions.
  int end_all(const std::string& user_id, domain::instant now);

 private:
  database& db_;
};

}  // namespace tannha::storage
