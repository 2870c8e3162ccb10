#include "storage/request_repository.hpp"

#include <stdexcept>

namespace tannha::storage {

namespace {
std::int64_t secs(domain::instant t) { return t.time_since_epoch().count(); }
domain::instant from_secs(std::int64_t s) { return domain::instant{std::chrono::seconds{s}}; }

std::optional<domain::day> opt_day(const SQLite::Column& c) {
  if (c.isNull()) return std::nullopt;
  return domain::parse_iso_date(c.getString());
}
std::optional<domain::instant> opt_instant(const SQLite::Column& c) {
  if (c.isNull()) return std::nullopt;
  return from_secs(c.getInt64());
}

void bind_day(SQLite::Statement& q, const char* name, const std::optional<domain::day>& d) {
  if (d) q.bind(name, domain::iso_date(*d));
  else q.bind(name);
}
void bind_instant(SQLite::Statement& q, const char* name, const std::optional<domain::instant>& t) {
  if (t) q.bind(name, secs(*t));
  else q.bind(name);
}

domain::request_state state_of(const std::string& s) {
  auto st = domain::request_state_from_string(s);
  if (!st) throw std::runtime_error("unknown request state in database: " + s);
  return *st;
}

request_record read_request(SQLite::Statement& q) {
  request_record r;
  r.id = q.getColumn("id").getInt64();
  r.unit_id = q.getColumn("unit_id").getString();
  r.number = q.getColumn("number").getInt64();
  r.citizen_id = q.getColumn("citizen_id").getInt64();
  r.procedure_code = q.getColumn("procedure_code").getString();
  r.state = state_of(q.getColumn("state").getString());
  r.registered_by = q.getColumn("registered_by").getString();
  r.registered_chat = q.getColumn("registered_chat").getString();
  r.registered_at = from_secs(q.getColumn("registered_at").getInt64());
  r.proposed_day = opt_day(q.getColumn("proposed_day"));
  r.visit_day = opt_day(q.getColumn("visit_day"));
  r.visit_time = q.getColumn("visit_time").isNull() ? "" : q.getColumn("visit_time").getString();
  r.team = q.getColumn("team").getString();
  r.dossier_code = q.getColumn("dossier_code").getString();
  r.received_at = opt_instant(q.getColumn("received_at"));
  r.due_day = opt_day(q.getColumn("due_day"));
  r.result_at = opt_instant(q.getColumn("result_at"));
  r.returned_at = opt_instant(q.getColumn("returned_at"));
  r.return_way = q.getColumn("return_way").getString();
  if (!q.getColumn("rating").isNull()) r.rating = q.getColumn("rating").getInt();
  r.rating_note = q.getColumn("rating_note").getString();
  r.notes = q.getColumn("notes").getString();
  return r;
}

std::vector<request_record> read_all(SQLite::Statement& q) {
  std::vector<request_record> out;
  while (q.executeStep()) out.push_back(read_request(q));
  return out;
}

constexpr const char* open_states = "('registered','verified','scheduled','needs_papers','processing','result_ready')";
}  // namespace

std::int64_t request_repository::insert(const request_record& r, const std::string& actor, domain::instant now) {
  {
    auto q = db_.prepared(
        "INSERT INTO requests(unit_id, number, citizen_id, procedure_code, state, registered_by, "
        "registered_chat, registered_at, proposed_day, notes) VALUES(:u, :n, :c, :p, :s, :by, :chat, "
        ":at, :proposed, :notes)");
    q->bind(":u", r.unit_id);
    q->bind(":n", static_cast<std::int64_t>(r.number));
    q->bind(":c", static_cast<std::int64_t>(r.citizen_id));
    q->bind(":p", r.procedure_code);
    q->bind(":s", std::string(domain::to_string(r.state)));
    q->bind(":by", r.registered_by);
    q->bind(":chat", r.registered_chat);
    q->bind(":at", secs(r.registered_at));
    bind_day(*q, ":proposed", r.proposed_day);
    q->bind(":notes", r.notes);
    q->exec();
  }
  auto id = db_.db().getLastInsertRowid();
  append_event({0, id, now, actor, std::nullopt, r.state, ""});
  return id;
}

std::optional<request_record> request_repository::by_number(const std::string& unit_id, std::int64_t number) {
  auto q = db_.prepared("SELECT * FROM requests WHERE unit_id = :u AND number = :n");
  q->bind(":u", unit_id);
  q->bind(":n", static_cast<std::int64_t>(number));
  if (q->executeStep()) return read_request(*q);
  return std::nullopt;
}

std::optional<request_record> request_repository::get(std::int64_t id) {
  auto q = db_.prepared("SELECT * FROM requests WHERE id = :id");
  q->bind(":id", static_cast<std::int64_t>(id));
  if (q->executeStep()) return read_request(*q);
  return std::nullopt;
}

void request_repository::update(const request_record& r, const event_record& ev) {
  auto q = db_.prepared(
      "UPDATE requests SET state = :s, proposed_day = :proposed, visit_day = :vday, visit_time = :vtime, "
      "team = :team, dossier_code = :code, received_at = :recv, due_day = :due, result_at = :res, "
      "returned_at = :ret, return_way = :way, rating = :rating, rating_note = :rnote, notes = :notes "
      "WHERE id = :id");
  q->bind(":s", std::string(domain::to_string(r.state)));
  bind_day(*q, ":proposed", r.proposed_day);
  bind_day(*q, ":vday", r.visit_day);
  if (r.visit_time.empty()) q->bind(":vtime");
  else q->bind(":vtime", r.visit_time);
  q->bind(":team", r.team);
  q->bind(":code", r.dossier_code);
  bind_instant(*q, ":recv", r.received_at);
  bind_day(*q, ":due", r.due_day);
  bind_instant(*q, ":res", r.result_at);
  bind_instant(*q, ":ret", r.returned_at);
  q->bind(":way", r.return_way);
  if (r.rating) q->bind(":rating", *r.rating);
  else q->bind(":rating");
  q->bind(":rnote", r.rating_note);
  q->bind(":notes", r.notes);
  q->bind(":id", static_cast<std::int64_t>(r.id));
  q->exec();
  append_event(ev);
}

// Every event keeps the request's visit and due days as they are after it (read from the row the
// caller has just written): a report at a past period's end reads the days in force then, which a
// later /xeplich or reception overwrites in requests.
void request_repository::append_event(const event_record& ev) {
  auto q = db_.prepared(
      "INSERT INTO request_events(request_id, at, actor, from_state, to_state, note, rating, visit_day, due_day) "
      "SELECT :r, :at, :actor, :from, :to, :note, :rating, visit_day, due_day FROM requests WHERE id = :r");
  q->bind(":r", static_cast<std::int64_t>(ev.request_id));
  q->bind(":at", secs(ev.at));
  q->bind(":actor", ev.actor);
  if (ev.from) q->bind(":from", std::string(domain::to_string(*ev.from)));
  else q->bind(":from");
  q->bind(":to", std::string(domain::to_string(ev.to)));
  q->bind(":note", ev.note);
  if (ev.rating) q->bind(":rating", *ev.rating);
  else q->bind(":rating");
  q->exec();
}

void request_repository::append_correction(const event_record& ev, const std::string& group_note) {
  // The history is append-only (a trigger refuses updates): the group's version goes in with it.
  auto q = db_.prepared(
      "INSERT INTO request_events(request_id, at, actor, from_state, to_state, note, group_note, visit_day, due_day) "
      "SELECT :r, :at, :actor, :from, :to, :note, :g, visit_day, due_day FROM requests WHERE id = :r");
  q->bind(":r", static_cast<std::int64_t>(ev.request_id));
  q->bind(":at", secs(ev.at));
  q->bind(":actor", ev.actor);
  if (ev.from) q->bind(":from", std::string(domain::to_string(*ev.from)));
  else q->bind(":from");
  q->bind(":to", std::string(domain::to_string(ev.to)));
  q->bind(":note", ev.note);
  q->bind(":g", group_note);
  q->exec();
}

std::map<std::int64_t, std::string> request_repository::group_notes(std::int64_t request_id) {
  auto q = db_.prepared(
      "SELECT id, group_note FROM request_events WHERE request_id = :r AND group_note IS NOT NULL");
  q->bind(":r", static_cast<std::int64_t>(request_id));
  std::map<std::int64_t, std::string> out;
  while (q->executeStep()) out[q->getColumn(0).getInt64()] = q->getColumn(1).getString();
  return out;
}

void request_repository::set_procedure(std::int64_t request_id, const std::string& procedure_code) {
  auto q = db_.prepared("UPDATE requests SET procedure_code = :p WHERE id = :id");
  q->bind(":p", procedure_code);
  q->bind(":id", static_cast<std::int64_t>(request_id));
  q->exec();
}

std::vector<event_record> request_repository::events(std::int64_t request_id) {
  auto q = db_.prepared("SELECT * FROM request_events WHERE request_id = :r ORDER BY id");
  q->bind(":r", static_cast<std::int64_t>(request_id));
  std::vector<event_record> out;
  while (q->executeStep()) {
    event_record e;
    e.id = q->getColumn("id").getInt64();
    e.request_id = q->getColumn("request_id").getInt64();
    e.at = from_secs(q->getColumn("at").getInt64());
    e.actor = q->getColumn("actor").getString();
    if (!q->getColumn("from_state").isNull()) e.from = state_of(q->getColumn("from_state").getString());
    e.to = state_of(q->getColumn("to_state").getString());
    e.note = q->getColumn("note").getString();
    if (!q->getColumn("rating").isNull()) e.rating = q->getColumn("rating").getInt();
    out.push_back(std::move(e));
  }
  return out;
}

int request_repository::booked_on(const std::string& unit_id, domain::day d) {
  // Two counts, each a range of one covering index (an OR over both columns would scan the
  // unit's requests). Open means not closed: the three closed states are compared one by one,
  // as every stored state is one of the nine of domain::request_state (read_request refuses
  // others). "state IN (six open states)" built the list into a temporary b-tree and sought
  // each state in turn on every call: 6 % of a /dangky's instructions, once per registration.
  auto q = db_.prepared(
      "SELECT (SELECT COUNT(*) FROM requests WHERE unit_id = :u AND visit_day = :d AND state <> 'returned' "
      "AND state <> 'rejected' AND state <> 'cancelled') + (SELECT COUNT(*) FROM requests WHERE unit_id = :u "
      "AND proposed_day = :d AND visit_day IS NULL AND state <> 'returned' AND state <> 'rejected' "
      "AND state <> 'cancelled')");
  q->bind(":u", unit_id);
  q->bind(":d", domain::iso_date(d));
  q->executeStep();
  return q->getColumn(0).getInt();
}

std::optional<request_record> request_repository::open_for(std::int64_t citizen_id, const std::string& procedure_code) {
  auto q = db_.prepared(std::string(
      "SELECT * FROM requests WHERE citizen_id = :c AND procedure_code = :p AND state IN ") + open_states +
      " ORDER BY id LIMIT 1");
  q->bind(":c", static_cast<std::int64_t>(citizen_id));
  q->bind(":p", procedure_code);
  if (q->executeStep()) return read_request(*q);
  return std::nullopt;
}

std::vector<request_record> request_repository::of_citizen(std::int64_t citizen_id, int limit) {
  auto q = db_.prepared("SELECT * FROM requests WHERE citizen_id = :c ORDER BY id DESC LIMIT :l");
  q->bind(":c", static_cast<std::int64_t>(citizen_id));
  q->bind(":l", limit);
  return read_all(*q);
}

std::vector<request_record> request_repository::by_dossier_code(const std::string& unit_id, const std::string& code_part,
                                                                int limit) {
  auto q = db_.prepared(
      "SELECT * FROM requests WHERE unit_id = :u AND dossier_code <> '' AND instr(lower(dossier_code), lower(:c)) > 0 "
      "ORDER BY id DESC LIMIT :l");
  q->bind(":u", unit_id);
  q->bind(":c", code_part);
  q->bind(":l", limit);
  return read_all(*q);
}

std::vector<request_record> request_repository::visits_between(const std::string& unit_id, domain::day from,
                                                               domain::day to) {
  auto q = db_.prepared(std::string(
      "SELECT * FROM requests WHERE unit_id = :u AND state IN ") + open_states +
      " AND visit_day BETWEEN :from AND :to ORDER BY visit_day, visit_time, number");
  q->bind(":u", unit_id);
  q->bind(":from", domain::iso_date(from));
  q->bind(":to", domain::iso_date(to));
  return read_all(*q);
}

std::vector<request_record> request_repository::in_state(const std::string& unit_id, domain::request_state s) {
  auto q = db_.prepared("SELECT * FROM requests WHERE unit_id = :u AND state = :s ORDER BY id");
  q->bind(":u", unit_id);
  q->bind(":s", std::string(domain::to_string(s)));
  return read_all(*q);
}

}  // namespace tannha::storage
