#include "storage/claim_repository.hpp"

namespace tannha::storage {

namespace {
std::int64_t secs(domain::instant t) { return t.time_since_epoch().count(); }
domain::instant from_secs(std::int64_t s) { return domain::instant{std::chrono::seconds{s}}; }
}  // namespace

void claim_repository::issue(const claim_record& c) {
  {
    auto q = db_.prepared("DELETE FROM claims WHERE unit_id = :u AND used_by IS NULL");
    q->bind(":u", c.unit_id);
    q->exec();
  }
  auto q = db_.prepared(
      "INSERT OR REPLACE INTO claims(code_hash, unit_id, created_at, expires_at) VALUES(:h, :u, :at, :exp)");
  q->bind(":h", c.code_hash);
  q->bind(":u", c.unit_id);
  q->bind(":at", secs(c.created_at));
  q->bind(":exp", secs(c.expires_at));
  q->exec();
}

std::optional<claim_record> claim_repository::find(const std::string& code_hash) {
  auto q = db_.prepared("SELECT * FROM claims WHERE code_hash = :h");
  q->bind(":h", code_hash);
  if (!q->executeStep()) return std::nullopt;
  claim_record r;
  r.code_hash = q->getColumn("code_hash").getString();
  r.unit_id = q->getColumn("unit_id").getString();
  r.created_at = from_secs(q->getColumn("created_at").getInt64());
  r.expires_at = from_secs(q->getColumn("expires_at").getInt64());
  if (!q->getColumn("used_by").isNull()) r.used_by = q->getColumn("used_by").getString();
  if (!q->getColumn("used_at").isNull()) r.used_at = from_secs(q->getColumn("used_at").getInt64());
  return r;
}

claim_status claim_repository::status(const std::string& code_hash, domain::instant now) {
  auto c = find(code_hash);
  if (!c) return claim_status::unknown;
  if (c->used_by) return claim_status::used;
  if (now >= c->expires_at) return claim_status::expired;
  return claim_status::valid;
}

bool claim_repository::consume(const std::string& code_hash, const std::string& user_id, domain::instant now) {
  auto q = db_.prepared(
      "UPDATE claims SET used_by = :user, used_at = :now WHERE code_hash = :h AND used_by IS NULL AND expires_at > :now");
  q->bind(":user", user_id);
  q->bind(":now", secs(now));
  q->bind(":h", code_hash);
  return q->exec() > 0;
}

void claim_repository::record_wrong_try(const std::string& user_id, domain::instant now) {
  auto q = db_.prepared("INSERT INTO claim_attempts(user_id, at) VALUES(:user, :at)");
  q->bind(":user", user_id);
  q->bind(":at", secs(now));
  q->exec();
}

int claim_repository::wrong_tries_since(const std::string& user_id, domain::instant since) {
  auto q = db_.prepared("SELECT COUNT(*) FROM claim_attempts WHERE user_id = :user AND at >= :since");
  q->bind(":user", user_id);
  q->bind(":since", secs(since));
  q->executeStep();
  return q->getColumn(0).getInt();
}

std::optional<domain::instant> claim_repository::oldest_wrong_try_since(const std::string& user_id,
                                                                         domain::instant since) {
  auto q = db_.prepared("SELECT MIN(at) FROM claim_attempts WHERE user_id = :user AND at >= :since");
  q->bind(":user", user_id);
  q->bind(":since", secs(since));
  if (!q->executeStep() || q->getColumn(0).isNull()) return std::nullopt;
  return from_secs(q->getColumn(0).getInt64());
}

}  // namespace tannha::storage
