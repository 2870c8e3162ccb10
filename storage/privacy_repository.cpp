#include "storage/privacy_repository.hpp"

#include <algorithm>

#include "domain/masking.hpp"
#include "storage/request_repository.hpp"

namespace tannha::storage {

namespace {

std::int64_t secs(domain::instant t) { return t.time_since_epoch().count(); }
domain::instant from_secs(std::int64_t s) { return domain::instant{std::chrono::seconds{s}}; }

constexpr const char* closed_states = "('returned','rejected','cancelled')";

// The texts by which a message or a form names a person. Short values (a two-letter address)
// would match everywhere, so they are left out; the name alone is enough to find most copies.
struct needles {
  std::string name, phone, spaced_phone, address;
};

needles needles_of(const citizen_record& c, bool anonymised) {
  needles n;
  if (!anonymised) n.name = c.full_name;
  if (c.phone.size() >= 6) n.phone = c.phone;
  // As people type it ("0912 345 678"), echoed in some error replies.
  if (c.phone.size() == 10) n.spaced_phone = c.phone.substr(0, 4) + " " + c.phone.substr(4, 3) + " " + c.phone.substr(7);
  if (c.address.size() >= 5) n.address = c.address;
  return n;
}

std::string digits_of(std::string_view s) {
  std::string out;
  for (char ch : s)
    if (ch >= '0' && ch <= '9') out += ch;
  return out;
}

bool names(const std::string& text, const needles& n) {
  auto in = [&](const std::string& part) { return !part.empty() && text.find(part) != std::string::npos; };
  if (in(n.name) || in(n.address) || in(n.phone) || in(n.spaced_phone)) return true;
  // A form's body keeps the phone as typed, with any separators.
  return !n.phone.empty() && digits_of(text).find(n.phone) != std::string::npos;
}

// An empty needle must match nothing (instr(x, '') is 1).
constexpr const char* names_sql =
    "((:name <> '' AND instr(text, :name) > 0) OR (:phone <> '' AND instr(text, :phone) > 0) OR "
    "(:spaced <> '' AND instr(text, :spaced) > 0) OR (:address <> '' AND instr(text, :address) > 0))";

void bind_needles(SQLite::Statement& q, const needles& n) {
  q.bind(":name", n.name);
  q.bind(":phone", n.phone);
  q.bind(":spaced", n.spaced_phone);
  q.bind(":address", n.address);
}

}  // namespace

retention_counts privacy_repository::purge(const retention_policy& policy, const std::string& placeholder,
                                           domain::instant now, domain::instant closed_since) {
  retention_counts c;
  const auto sent_cut = secs(now) - policy.sent_messages.count();
  {
    auto q = db_.prepared("UPDATE outbox SET text = '' WHERE state = 'sent' AND text <> '' AND sent_at < :cut");
    q->bind(":cut", sent_cut);
    c.messages_erased += q->exec();
  }
  {
    auto q = db_.prepared("UPDATE outbox SET text = '' WHERE state = 'dead' AND text <> '' AND failed_at < :cut");
    q->bind(":cut", sent_cut);
    c.messages_erased += q->exec();
  }
  {
    auto q = db_.prepared("DELETE FROM processed_updates WHERE processed_at < :cut");
    q->bind(":cut", secs(now) - policy.processed_updates.count());
    c.updates_removed = q->exec();
  }
  {
    auto q = db_.prepared("DELETE FROM drafts WHERE expires_at <= :now");
    q->bind(":now", secs(now));
    c.drafts_removed = q->exec();
  }
  {
    auto q = db_.prepared("DELETE FROM invites WHERE used_by IS NULL AND expires_at <= :now");
    q->bind(":now", secs(now));
    c.invites_removed = q->exec();
  }
  {
    auto q = db_.prepared("DELETE FROM claims WHERE used_by IS NULL AND expires_at <= :now");
    q->bind(":now", secs(now));
    c.invites_removed += q->exec();
  }
  {
    auto q = db_.prepared("DELETE FROM audit WHERE at < :cut");
    q->bind(":cut", secs(now) - policy.audit.count());
    c.audit_removed = q->exec();
  }
  // Citizens with nothing open whose last request closed before the cut. Candidates: the
  // citizens of requests closed in [closed_since, cut) (the unit's history index by state and
  // time); each is then checked whole: nothing open, and the last event of any of their
  // requests (a rating after the return counts) before the cut.
  const auto cut = secs(now) - policy.closed_requests.count();
  std::vector<std::string> unit_ids;
  {
    auto q = db_.prepared("SELECT id FROM units ORDER BY id");
    while (q->executeStep()) unit_ids.push_back(q->getColumn(0).getString());
  }
  std::vector<std::int64_t> candidates;
  for (const auto& u : unit_ids) {
    auto q = db_.prepared(
        std::string("SELECT DISTINCT r.citizen_id FROM unit_events ue JOIN requests r ON r.id = ue.request_id "
                    "WHERE ue.unit_id = :u AND ue.to_state IN ") +
        closed_states + " AND ue.at >= :since AND ue.at < :cut");
    q->bind(":u", u);
    q->bind(":since", secs(closed_since));
    q->bind(":cut", cut);
    while (q->executeStep()) candidates.push_back(q->getColumn(0).getInt64());
  }
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  std::vector<std::int64_t> due;
  for (auto id : candidates) {
    auto q = db_.prepared(
        std::string("SELECT c.anonymised_at IS NULL "
                    "AND NOT EXISTS (SELECT 1 FROM requests r WHERE r.citizen_id = c.id AND r.state NOT IN ") +
        closed_states +
        ") AND (SELECT MAX(e.at) FROM requests r JOIN request_events e ON e.request_id = r.id "
        "WHERE r.citizen_id = c.id) < :cut FROM citizens c WHERE c.id = :id");
    q->bind(":cut", cut);
    q->bind(":id", static_cast<std::int64_t>(id));
    if (q->executeStep() && q->getColumn(0).getInt() == 1) due.push_back(id);
  }
  for (auto id : due) {
    clear_request_text(id);
    anonymise_citizen(id, placeholder, now);
    ++c.citizens_anonymised;
  }
  return c;
}

void privacy_repository::anonymise_citizen(std::int64_t citizen_id, const std::string& placeholder,
                                           domain::instant now) {
  // Village and categories stay: reports count by them. The folded name and place are emptied
  // (and the phone) so that no search or registration ever finds the row again.
  auto q = db_.prepared(
      "UPDATE citizens SET full_name = :p, folded_name = '', birth_year = NULL, address = '', folded_place = '', phone = '', "
      "notes = '', anonymised_at = COALESCE(anonymised_at, :now) WHERE id = :id");
  q->bind(":p", placeholder);
  q->bind(":now", secs(now));
  q->bind(":id", static_cast<std::int64_t>(citizen_id));
  q->exec();
}

int privacy_repository::clear_request_text(std::int64_t citizen_id) {
  {
    auto q = db_.prepared(
        "UPDATE requests SET notes = '', rating_note = '', dossier_code = '' WHERE citizen_id = :c "
        "AND (notes <> '' OR rating_note <> '' OR dossier_code <> '')");
    q->bind(":c", static_cast<std::int64_t>(citizen_id));
    q->exec();
  }
  auto q = db_.prepared(
      "UPDATE request_events SET note = '', group_note = NULL WHERE (note <> '' OR group_note IS NOT NULL) AND request_id IN "
      "(SELECT id FROM requests WHERE citizen_id = :c)");
  q->bind(":c", static_cast<std::int64_t>(citizen_id));
  return q->exec();
}

std::optional<std::int64_t> privacy_repository::citizen_of_request(const std::string& unit_id, std::int64_t number) {
  auto q = db_.prepared("SELECT citizen_id FROM requests WHERE unit_id = :u AND number = :n");
  q->bind(":u", unit_id);
  q->bind(":n", static_cast<std::int64_t>(number));
  if (q->executeStep()) return q->getColumn(0).getInt64();
  return std::nullopt;
}

std::optional<person_data> privacy_repository::collect(const std::string& unit_id, std::int64_t citizen_id) {
  person_data p;
  {
    auto q = db_.prepared("SELECT * FROM citizens WHERE id = :id AND unit_id = :u");
    q->bind(":id", static_cast<std::int64_t>(citizen_id));
    q->bind(":u", unit_id);
    if (!q->executeStep()) return std::nullopt;
    auto& c = p.person.citizen;
    c.id = q->getColumn("id").getInt64();
    c.unit_id = q->getColumn("unit_id").getString();
    c.full_name = q->getColumn("full_name").getString();
    c.folded_name = q->getColumn("folded_name").getString();
    if (!q->getColumn("birth_year").isNull()) c.birth_year = q->getColumn("birth_year").getInt();
    c.village = q->getColumn("village").getString();
    c.address = q->getColumn("address").getString();
    c.phone = q->getColumn("phone").getString();
    c.categories = q->getColumn("categories").getString();
    c.notes = q->getColumn("notes").getString();
    c.approved = q->getColumn("approved").getInt() != 0;
    p.person.created_at = from_secs(q->getColumn("created_at").getInt64());
    if (!q->getColumn("anonymised_at").isNull())
      p.person.anonymised_at = from_secs(q->getColumn("anonymised_at").getInt64());
  }
  request_repository requests(db_);
  auto list = requests.of_citizen(citizen_id, 1'000'000);
  std::reverse(list.begin(), list.end());  // oldest first
  for (auto& r : list) p.requests.push_back({r, requests.events(r.id)});

  const auto n = needles_of(p.person.citizen, p.person.anonymised_at.has_value());
  {
    auto q = db_.prepared(std::string("SELECT id, chat_id, state, created_at, text FROM outbox WHERE text <> '' AND ") +
                          names_sql + " ORDER BY id");
    bind_needles(*q, n);
    while (q->executeStep())
      p.messages.push_back({q->getColumn(0).getInt64(), q->getColumn(1).getString(), q->getColumn(2).getString(),
                            from_secs(q->getColumn(3).getInt64()), q->getColumn(4).getString()});
  }
  {
    // Drafts are few (a handful per person filling forms) and keep the phone as typed: matched here.
    auto q = db_.prepared(
        "SELECT chat_id, user_id, unit_id, kind, body, expires_at, id, asked_outbox_id FROM drafts WHERE unit_id = :u");
    q->bind(":u", unit_id);
    while (q->executeStep()) {
      draft_record d{q->getColumn(0).getString(), q->getColumn(1).getString(), q->getColumn(2).getString(),
                     q->getColumn(3).getString(), q->getColumn(4).getString(), from_secs(q->getColumn(5).getInt64()),
                     q->getColumn(6).getInt64(), q->getColumn(7).getInt64()};
      if (names(d.body, n)) p.drafts.push_back(std::move(d));
    }
  }
  {
    auto q = db_.prepared(
        "SELECT a.at, a.actor, a.action, a.request_id, a.detail FROM audit a JOIN requests r ON r.id = a.request_id "
        "WHERE r.citizen_id = :c ORDER BY a.id");
    q->bind(":c", static_cast<std::int64_t>(citizen_id));
    while (q->executeStep()) {
      audit_entry e{from_secs(q->getColumn(0).getInt64()), q->getColumn(1).getString(), q->getColumn(2).getString(),
                    std::nullopt, q->getColumn(4).getString()};
      if (!q->getColumn(3).isNull()) e.request_id = q->getColumn(3).getInt64();
      p.audit.push_back(std::move(e));
    }
  }
  return p;
}

erase_counts privacy_repository::plan_erase(const person_data& p) {
  erase_counts c;
  for (const auto& r : p.requests) {
    if (domain::is_open(r.request.state)) ++c.requests_cancelled;
    if (!r.request.notes.empty() || !r.request.rating_note.empty() || !r.request.dossier_code.empty())
      ++c.requests_cleared;
    for (const auto& e : r.events)
      if (!e.note.empty()) ++c.event_notes_erased;
  }
  for (const auto& m : p.messages) (m.state == "pending" ? c.messages_dropped : c.messages_erased)++;
  c.drafts_removed = static_cast<int>(p.drafts.size());
  c.citizen_anonymised = !p.person.anonymised_at.has_value();
  return c;
}

erase_counts privacy_repository::erase(const person_data& p, const std::string& actor, const std::string& reason,
                                       const std::string& placeholder, domain::instant now) {
  auto planned = plan_erase(p);
  const auto citizen_id = p.person.citizen.id;
  erase_counts done;
  done.requests_cleared = planned.requests_cleared;
  done.event_notes_erased = clear_request_text(citizen_id);
  request_repository requests(db_);
  // Cancelled after the text is cleared, so that the reason stays as the last entry.
  for (const auto& pr : p.requests) {
    if (!domain::is_open(pr.request.state)) continue;
    auto r = requests.get(pr.request.id);
    if (!r || !domain::is_open(r->state)) continue;
    auto from = r->state;
    r->state = domain::request_state::cancelled;
    requests.update(*r, {0, r->id, now, actor, from, domain::request_state::cancelled, reason});
    ++done.requests_cancelled;
  }
  for (const auto& m : p.messages) {
    if (m.state == "pending") {
      auto q = db_.prepared("DELETE FROM outbox WHERE id = :id AND state = 'pending'");
      q->bind(":id", static_cast<std::int64_t>(m.id));
      done.messages_dropped += q->exec();
    } else {
      auto q = db_.prepared("UPDATE outbox SET text = '' WHERE id = :id");
      q->bind(":id", static_cast<std::int64_t>(m.id));
      done.messages_erased += q->exec();
    }
  }
  draft_repository drafts(db_);
  for (const auto& d : p.drafts) {
    drafts.remove(d.id);  // only the drafts naming the person, not the user's others
    ++done.drafts_removed;
  }
  anonymise_citizen(citizen_id, placeholder, now);
  done.citizen_anonymised = planned.citizen_anonymised;
  return done;
}

}  // namespace tannha::storage
