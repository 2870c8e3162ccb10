#include "storage/invite_repository.hpp"

namespace tannha::storage {

namespace {
std::int64_t secs(domain::instant t) { return t.time_since_epoch().count(); }
domain::instant from_secs(std::int64_t s) { return domain::instant{std::chrono::seconds{s}}; }

invite_record read_invite(SQLite::Statement& q) {
  invite_record r;
  r.code = q.getColumn("code").getString();
  r.unit_id = q.getColumn("unit_id").getString();
  r.role = domain::role_from_folded(q.getColumn("role").getString()).value_or(domain::role::none);
  r.village = q.getColumn("village").getString();
  r.created_by = q.getColumn("created_by").getString();
  r.created_at = from_secs(q.getColumn("created_at").getInt64());
  r.expires_at = from_secs(q.getColumn("expires_at").getInt64());
  if (!q.getColumn("used_by").isNull()) r.used_by = q.getColumn("used_by").getString();
  if (!q.getColumn("used_at").isNull()) r.used_at = from_secs(q.getColumn("used_at").getInt64());
  return r;
}
}  // namespace

bool invite_repository::insert(const invite_record& inv) {
  auto q = db_.prepared(
      "INSERT OR IGNORE INTO invites(code, unit_id, role, village, created_by, created_at, expires_at) "
      "VALUES(:code, :u, :role, :village, :by, :at, :exp)");
  q->bind(":code", inv.code);
  q->bind(":u", inv.unit_id);
  q->bind(":role", std::string(domain::to_string(inv.role)));
  q->bind(":village", inv.village);
  q->bind(":by", inv.created_by);
  q->bind(":at", secs(inv.created_at));
  q->bind(":exp", secs(inv.expires_at));
  return q->exec() > 0;
}

std::optional<invite_record> invite_repository::get(const std::string& code) {
  auto q = db_.prepared("SELECT * FROM invites WHERE code = :code");
  q->bind(":code", code);
  if (q->executeStep()) return read_invite(*q);
  return std::nullopt;
}

invite_status invite_repository::status(const std::string& code, domain::instant now) {
  auto inv = get(code);
  if (!inv) return invite_status::unknown;
  if (inv->used_by) return invite_status::used;
  if (now >= inv->expires_at) return invite_status::expired;
  return invite_status::valid;
}

bool invite_repository::consume(const std::string& code, const std::string& user_id, domain::instant now) {
  // One statement decides and marks, so a code can never be used twice.
  auto q = db_.prepared(
      "UPDATE invites SET used_by = :user, used_at = :now "
      "WHERE code = :code AND used_by IS NULL AND expires_at > :now");
  q->bind(":user", user_id);
  q->bind(":now", secs(now));
  q->bind(":code", code);
  return q->exec() > 0;
}

}  // namespace tannha::storage
