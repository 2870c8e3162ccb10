#include "storage/unit_repository.hpp"

#include <algorithm>

namespace tannha::storage {

namespace {
std::int64_t secs(domain::instant t) { return t.time_since_epoch().count(); }

member_record read_member(SQLite::Statement& q) {
  member_record m;
  m.unit_id = q.getColumn("unit_id").getString();
  m.user_id = q.getColumn("user_id").getString();
  m.role = domain::role_from_folded(q.getColumn("role").getString()).value_or(domain::role::none);
  m.village = q.getColumn("village").getString();
  m.display_name = q.getColumn("display_name").getString();
  m.source = q.getColumn("source").getString();
  return m;
}
}  // namespace

void unit_repository::sync_config(const std::vector<domain::unit>& units, domain::instant now) {
  write_transaction tx(db_);
  for (const auto& u : units) {
    if (u.chat_id.empty()) {
      // No group in the config: keep one connected by /ketnoi, else none ('~' || id).
      auto q = db_.prepared(
          "INSERT INTO units(id, name, chat_id, group_source) VALUES(:id, :name, '~' || :id, 'none') "
          "ON CONFLICT(id) DO UPDATE SET name = excluded.name, "
          "chat_id = CASE WHEN units.group_source = 'ketnoi' THEN units.chat_id ELSE '~' || units.id END, "
          "group_source = CASE WHEN units.group_source = 'ketnoi' THEN 'ketnoi' ELSE 'none' END");
      q->bind(":id", u.id);
      q->bind(":name", u.name);
      q->exec();
    } else {
      // chat_id is unique: free it first in case two units swapped their groups in the config.
      {
        auto q = db_.prepared(
            "UPDATE units SET chat_id = '~' || id, group_source = 'none' WHERE chat_id = :chat AND id <> :id");
        q->bind(":chat", u.chat_id);
        q->bind(":id", u.id);
        q->exec();
      }
      auto q = db_.prepared(
          "INSERT INTO units(id, name, chat_id, group_source) VALUES(:id, :name, :chat, 'config') "
          "ON CONFLICT(id) DO UPDATE SET name = excluded.name, "
          "chat_id = CASE WHEN units.group_source = 'ketnoi' THEN units.chat_id ELSE excluded.chat_id END, "
          "group_source = CASE WHEN units.group_source = 'ketnoi' THEN 'ketnoi' ELSE 'config' END");
      q->bind(":id", u.id);
      q->bind(":name", u.name);
      q->bind(":chat", u.chat_id);
      q->exec();
    }
    for (const auto& v : u.villages) {
      auto qv = db_.prepared("INSERT OR IGNORE INTO villages(unit_id, name) VALUES(:u, :n)");
      qv->bind(":u", u.id);
      qv->bind(":n", v);
      qv->exec();
    }
    // A leader taken out of the config is no longer one: their role came only from there.
    {
      std::vector<std::string> stale;
      auto qc = db_.prepared("SELECT user_id FROM members WHERE unit_id = :u AND source = 'config'");
      qc->bind(":u", u.id);
      while (qc->executeStep()) {
        auto id = qc->getColumn(0).getString();
        if (std::find(u.admins.begin(), u.admins.end(), id) == u.admins.end()) stale.push_back(id);
      }
      for (const auto& id : stale) remove_member(u.id, id);
    }
    for (const auto& a : u.admins) {
      // Config admins are leaders; an invited role is not downgraded by a restart.
      auto qa = db_.prepared(
          "INSERT INTO members(unit_id, user_id, role, source, joined_at) "
          "VALUES(:u, :user, 'lanhdao', 'config', :now) "
          "ON CONFLICT(unit_id, user_id) DO UPDATE SET role = 'lanhdao', source = 'config'");
      qa->bind(":u", u.id);
      qa->bind(":user", a);
      qa->bind(":now", secs(now));
      qa->exec();
    }
  }
  tx.commit();
}

void unit_repository::sync_catalog(const std::vector<domain::procedure>& catalog) {
  write_transaction tx(db_);
  for (const auto& p : catalog) {
    auto q = db_.prepared(
        "INSERT INTO procedures(code, name, field, processing_days) VALUES(:c, :n, :f, :d) "
        "ON CONFLICT(code) DO UPDATE SET name = excluded.name, field = excluded.field, "
        "processing_days = excluded.processing_days");
    q->bind(":c", p.code);
    q->bind(":n", p.name);
    q->bind(":f", p.field);
    q->bind(":d", p.processing_days);
    q->exec();
  }
  tx.commit();
}

std::optional<member_record> unit_repository::member(const std::string& unit_id, const std::string& user_id) {
  auto q = db_.prepared("SELECT * FROM members WHERE unit_id = :u AND user_id = :user");
  q->bind(":u", unit_id);
  q->bind(":user", user_id);
  if (q->executeStep()) return read_member(*q);
  return std::nullopt;
}

std::vector<member_record> unit_repository::memberships(const std::string& user_id) {
  auto q = db_.prepared("SELECT * FROM members WHERE user_id = :user ORDER BY unit_id");
  q->bind(":user", user_id);
  std::vector<member_record> out;
  while (q->executeStep()) out.push_back(read_member(*q));
  return out;
}

void unit_repository::put_member(const member_record& m, domain::instant now) {
  auto q = db_.prepared(
      "INSERT INTO members(unit_id, user_id, role, village, display_name, source, joined_at) "
      "VALUES(:u, :user, :role, :village, :name, :source, :now) "
      "ON CONFLICT(unit_id, user_id) DO UPDATE SET role = excluded.role, village = excluded.village, "
      "display_name = CASE WHEN excluded.display_name <> '' THEN excluded.display_name ELSE display_name END");
  q->bind(":u", m.unit_id);
  q->bind(":user", m.user_id);
  q->bind(":role", std::string(domain::to_string(m.role)));
  q->bind(":village", m.village);
  q->bind(":name", m.display_name);
  q->bind(":source", m.source.empty() ? std::string("invite") : m.source);
  q->bind(":now", secs(now));
  q->exec();
}

void unit_repository::note_display_name(const std::string& unit_id, const std::string& user_id,
                                        const std::string& display_name) {
  auto q = db_.prepared(
      "UPDATE members SET display_name = :name WHERE unit_id = :u AND user_id = :user AND display_name = ''");
  q->bind(":name", display_name);
  q->bind(":u", unit_id);
  q->bind(":user", user_id);
  q->exec();
}

bool unit_repository::remove_member(const std::string& unit_id, const std::string& user_id) {
  auto q = db_.prepared("DELETE FROM members WHERE unit_id = :u AND user_id = :user");
  q->bind(":u", unit_id);
  q->bind(":user", user_id);
  return q->exec() > 0;
}

std::vector<member_record> unit_repository::members(const std::string& unit_id) {
  auto q = db_.prepared(
      "SELECT * FROM members WHERE unit_id = :u ORDER BY CASE role WHEN 'lanhdao' THEN 0 "
      "WHEN 'canbo' THEN 1 WHEN 'truongthon' THEN 2 ELSE 3 END, joined_at, user_id");
  q->bind(":u", unit_id);
  std::vector<member_record> out;
  while (q->executeStep()) out.push_back(read_member(*q));
  return out;
}

std::optional<std::string> unit_repository::stored_group(const std::string& unit_id) {
  auto q = db_.prepared("SELECT chat_id FROM units WHERE id = :u");
  q->bind(":u", unit_id);
  if (!q->executeStep()) return std::nullopt;
  auto chat = q->getColumn(0).getString();
  return chat.starts_with('~') ? std::string() : chat;
}

std::string unit_repository::group_source(const std::string& unit_id) {
  auto q = db_.prepared("SELECT chat_id, group_source FROM units WHERE id = :u");
  q->bind(":u", unit_id);
  if (!q->executeStep()) return {};
  if (q->getColumn(0).getString().starts_with('~')) return "none";
  return q->getColumn(1).getString();
}

std::optional<std::string> unit_repository::unit_of_group(const std::string& chat_id) {
  if (chat_id.empty() || chat_id.starts_with('~')) return std::nullopt;
  auto q = db_.prepared("SELECT id FROM units WHERE chat_id = :chat");
  q->bind(":chat", chat_id);
  if (!q->executeStep()) return std::nullopt;
  return q->getColumn(0).getString();
}

void unit_repository::connect_group(const std::string& unit_id, const std::string& chat_id, const std::string& by,
                                    domain::instant now) {
  auto q = db_.prepared(
      "UPDATE units SET chat_id = :chat, group_source = 'ketnoi', group_set_by = :by, group_set_at = :now "
      "WHERE id = :u");
  q->bind(":chat", chat_id);
  q->bind(":by", by);
  q->bind(":now", secs(now));
  q->bind(":u", unit_id);
  q->exec();
}

bool unit_repository::has_leader(const std::string& unit_id) {
  auto q = db_.prepared("SELECT 1 FROM members WHERE unit_id = :u AND role = 'lanhdao' LIMIT 1");
  q->bind(":u", unit_id);
  return q->executeStep();
}

std::int64_t unit_repository::take_request_number(const std::string& unit_id) {
  auto q = db_.prepared("UPDATE units SET next_number = next_number + 1 WHERE id = :u RETURNING next_number - 1");
  q->bind(":u", unit_id);
  if (!q->executeStep()) throw std::runtime_error("unknown unit in take_request_number");
  auto n = q->getColumn(0).getInt64();
  while (q->executeStep()) {
  }
  return n;
}

}  // namespace tannha::storage
