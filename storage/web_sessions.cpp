#include "storage/web_sessions.hpp"

namespace tannha::storage {

namespace {
std::int64_t web_secs(domain::instant t) { return t.time_since_epoch().count(); }
domain::instant web_from_secs(std::int64_t s) { return domain::instant{std::chrono::seconds{s}}; }
}  // namespace

void web_session_repository::add_login(const std::string& token_hash, const std::string& unit_id,
                                       const std::string& user_id, domain::instant now, domain::instant expires_at) {
  auto q = db_.prepared(
      "INSERT INTO web_logins(token_hash, unit_id, user_id, created_at, expires_at) VALUES(:h, :u, :user, :at, :exp)");
  q->bind(":h", token_hash);
  q->bind(":u", unit_id);
  q->bind(":user", user_id);
  q->bind(":at", web_secs(now));
  q->bind(":exp", web_secs(expires_at));
  q->exec();
}

web_login_status web_session_repository::use_login(const std::string& token_hash, domain::instant now,
                                                   web_session_record* out) {
  web_session_record found;
  bool used = false;
  {
    auto q = db_.prepared("SELECT unit_id, user_id, expires_at, used_at FROM web_logins WHERE token_hash = :h");
    q->bind(":h", token_hash);
    if (!q->executeStep()) return web_login_status::unknown;
    found.unit_id = q->getColumn(0).getString();
    found.user_id = q->getColumn(1).getString();
    found.expires_at = web_from_secs(q->getColumn(2).getInt64());
    used = !q->getColumn(3).isNull();
  }
  if (used) return web_login_status::used;
  if (now >= found.expires_at) return web_login_status::expired;
  auto q = db_.prepared("UPDATE web_logins SET used_at = :now WHERE token_hash = :h AND used_at IS NULL");
  q->bind(":now", web_secs(now));
  q->bind(":h", token_hash);
  if (q->exec() == 0) return web_login_status::used;
  if (out) *out = found;
  return web_login_status::valid;
}

void web_session_repository::add_session(const std::string& session_hash, const web_session_record& s,
                                         domain::instant now) {
  auto q = db_.prepared(
      "INSERT INTO web_sessions(session_hash, unit_id, user_id, created_at, expires_at) "
      "VALUES(:h, :u, :user, :at, :exp)");
  q->bind(":h", session_hash);
  q->bind(":u", s.unit_id);
  q->bind(":user", s.user_id);
  q->bind(":at", web_secs(now));
  q->bind(":exp", web_secs(s.expires_at));
  q->exec();
}

std::optional<web_session_record> web_session_repository::session(const std::string& session_hash,
                                                                  domain::instant now) {
  auto q = db_.prepared(
      "SELECT unit_id, user_id, expires_at FROM web_sessions "
      "WHERE session_hash = :h AND ended_at IS NULL AND expires_at > :now");
  q->bind(":h", session_hash);
  q->bind(":now", web_secs(now));
  if (!q->executeStep()) return std::nullopt;
  return web_session_record{q->getColumn(0).getString(), q->getColumn(1).getString(),
                            web_from_secs(q->getColumn(2).getInt64())};
}

int web_session_repository::end_all(const std::string& user_id, domain::instant now) {
  {
    auto q = db_.prepared("UPDATE web_logins SET used_at = :now WHERE user_id = :user AND used_at IS NULL");
    q->bind(":now", web_secs(now));
    q->bind(":user", user_id);
    q->exec();
  }
  auto q = db_.prepared(
      "UPDATE web_sessions SET ended_at = :now WHERE user_id = :user AND ended_at IS NULL AND expires_at > :now");
  q->bind(":now", web_secs(now));
  q->bind(":user", user_id);
  return q->exec();
}

}  // namespace tannha::storage
