#include "storage/report_repository.hpp"

#include <algorithm>
#include <map>

namespace tannha::storage {

namespace {

using namespace std::chrono;

std::int64_t secs(domain::instant t) { return t.time_since_epoch().count(); }

// Local midnight starting day d, as an instant.
domain::instant local_midnight(domain::day d, minutes utc_offset) {
  return domain::to_instant(domain::local_time{d.time_since_epoch()}, utc_offset);
}

std::string local_iso_day(std::int64_t unix_seconds, minutes utc_offset) {
  return domain::iso_date(domain::local_day(domain::to_local(domain::instant{seconds{unix_seconds}}, utc_offset)));
}

std::optional<domain::day> opt_day(const SQLite::Column& c) {
  if (c.isNull()) return std::nullopt;
  return domain::parse_iso_date(c.getString());
}

std::optional<double> opt_double(const SQLite::Column& c) {
  if (c.isNull()) return std::nullopt;
  return c.getDouble();
}

constexpr const char* open_states_sql =
    "('registered','verified','scheduled','needs_papers','processing','result_ready')";

// Adds a count to the named line of a breakdown.
void add_to(std::map<std::string, report_group>& m, const std::string& name, std::int64_t registered,
            std::int64_t returned) {
  auto& g = m[name];
  g.name = name;
  g.registered += registered;
  g.returned += returned;
}

std::vector<report_group> sorted_groups(std::map<std::string, report_group>& m) {
  std::vector<report_group> out;
  for (auto& [k, g] : m) out.push_back(std::move(g));
  std::stable_sort(out.begin(), out.end(), [](const report_group& a, const report_group& b) {
    if (a.registered != b.registered) return a.registered > b.registered;
    return a.returned > b.returned;
  });
  return out;
}

// Categories are stored ';'-separated; a request counts once in each of its categories.
std::vector<std::string> split_categories(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    auto end = s.find(';', start);
    if (end == std::string::npos) end = s.size();
    std::string part = s.substr(start, end - start);
    while (!part.empty() && part.front() == ' ') part.erase(part.begin());
    while (!part.empty() && part.back() == ' ') part.pop_back();
    if (!part.empty()) out.push_back(part);
    start = end + 1;
  }
  if (out.empty()) out.push_back("Khác");
  return out;
}

/// open_at's and open_requests' rows (number, state, registered, proposed, visit day and time,
/// team, due, result, postponed, name, village, procedure code and name), by number.
std::vector<open_request> read_open_requests(SQLite::Statement& q, minutes utc_offset) {
  std::vector<open_request> out;
  auto day_of = [&](std::int64_t s) {
    return domain::local_day(domain::to_local(domain::instant{seconds{s}}, utc_offset));
  };
  while (q.executeStep()) {
    open_request o;
    auto state = domain::request_state_from_string(q.getColumn(1).getString());
    if (!state) continue;  // a state this build does not know cannot be judged
    o.facts.number = q.getColumn(0).getInt64();
    o.facts.state = *state;
    o.registered_at = domain::instant{seconds{q.getColumn(2).getInt64()}};
    o.proposed_day = opt_day(q.getColumn(3));
    o.facts.visit_day = opt_day(q.getColumn(4));
    o.visit_time = q.getColumn(5).isNull() ? "" : q.getColumn(5).getString();
    o.team = q.getColumn(6).getString();
    o.facts.due_day = opt_day(q.getColumn(7));
    if (!q.getColumn(8).isNull()) o.facts.result_day = day_of(q.getColumn(8).getInt64());
    o.facts.waiting_since =
        day_of(q.getColumn(9).isNull() ? q.getColumn(2).getInt64() : q.getColumn(9).getInt64());
    o.citizen_name = q.getColumn(10).getString();
    o.village = q.getColumn(11).getString();
    o.procedure_code = q.getColumn(12).getString();
    o.procedure_name = q.getColumn(13).getString();
    out.push_back(std::move(o));
  }
  // Sorted here: ORDER BY number would make SQLite walk the unit's whole (unit_id, number) index.
  std::sort(out.begin(), out.end(),
            [](const open_request& a, const open_request& b) { return a.facts.number < b.facts.number; });
  return out;
}

}  // namespace

report_figures report_repository::figures(const std::string& unit_id, const domain::period& p, minutes utc_offset) {
  return figures(unit_id, p, utc_offset, local_midnight(p.last + days{1}, utc_offset));
}

report_figures report_repository::figures(const std::string& unit_id, const domain::period& p, minutes utc_offset,
                                          domain::instant as_of) {
  report_figures f;
  f.unit_id = unit_id;
  f.range = p;
  const std::int64_t start = secs(local_midnight(p.first, utc_offset));
  const std::int64_t end = secs(local_midnight(p.last + days{1}, utc_offset));  // exclusive
  const std::int64_t at_end = std::min(end, secs(as_of));
  const std::int64_t off = duration_cast<seconds>(utc_offset).count();

  {
    auto q = db_.prepared("SELECT COUNT(*) FROM requests WHERE unit_id = :u AND registered_at >= :s AND registered_at < :e");
    q->bind(":u", unit_id);
    q->bind(":s", start);
    q->bind(":e", end);
    q->executeStep();
    f.registered = q->getColumn(0).getInt64();
  }
  {
    // Changes in the period, from the history; a rating or a note repeats the state and is not a change.
    // Each figure counts requests (once each) except postponements, which count times. Verified
    // counts /xacminh only: a request scheduled straight from registration is counted once, as
    // scheduled (it used to count as both, which read as verifications nobody typed).
    auto q = db_.prepared(
        "SELECT "
        " COUNT(DISTINCT CASE WHEN from_state = 'registered' AND to_state = 'verified' THEN request_id END),"
        " COUNT(DISTINCT CASE WHEN to_state = 'scheduled' THEN request_id END),"
        " COUNT(DISTINCT CASE WHEN to_state = 'processing' THEN request_id END),"
        " COUNT(DISTINCT CASE WHEN to_state = 'result_ready' THEN request_id END),"
        " COUNT(DISTINCT CASE WHEN to_state = 'returned' THEN request_id END),"
        " COUNT(DISTINCT CASE WHEN to_state = 'cancelled' THEN request_id END),"
        " COUNT(DISTINCT CASE WHEN to_state = 'rejected' THEN request_id END),"
        " COUNT(CASE WHEN from_state = 'scheduled' AND to_state = 'verified' THEN 1 END),"
        " COUNT(DISTINCT CASE WHEN to_state = 'needs_papers' THEN request_id END) "
        "FROM unit_events WHERE unit_id = :u AND at >= :s AND at < :e "
        "AND (from_state IS NULL OR from_state <> to_state)");
    q->bind(":u", unit_id);
    q->bind(":s", start);
    q->bind(":e", end);
    q->executeStep();
    f.verified = q->getColumn(0).getInt64();
    f.scheduled = q->getColumn(1).getInt64();
    f.received = q->getColumn(2).getInt64();
    f.result_ready = q->getColumn(3).getInt64();
    f.returned = q->getColumn(4).getInt64();
    f.cancelled = q->getColumn(5).getInt64();
    f.refused = q->getColumn(6).getInt64();
    f.postponed = q->getColumn(7).getInt64();
    f.needs_papers = q->getColumn(8).getInt64();
  }
  {
    // Returned in the period: on time when the local return day is on or before the due day.
    auto q = db_.prepared(
        "SELECT COUNT(due_day), "
        " COALESCE(SUM(due_day IS NOT NULL AND date(returned_at + :off, 'unixepoch') <= due_day), 0), "
        " AVG(CASE WHEN received_at IS NOT NULL THEN (returned_at - received_at) / 86400.0 END) "
        "FROM requests WHERE unit_id = :u AND returned_at >= :s AND returned_at < :e");
    q->bind(":u", unit_id);
    q->bind(":s", start);
    q->bind(":e", end);
    q->bind(":off", off);
    q->executeStep();
    f.returned_with_due = q->getColumn(0).getInt64();
    f.returned_on_time = q->getColumn(1).getInt64();
    f.avg_days_to_return = opt_double(q->getColumn(2));
  }
  {
    // Ratings entered in the period (a rating given in December for a November return counts in
    // December); a request rated twice in the period counts once, with its last score.
    auto q = db_.prepared(
        "SELECT AVG(ue.rating), COUNT(*) FROM unit_events ue WHERE ue.unit_id = :u AND ue.at >= :s AND ue.at < :e "
        "AND ue.rating IS NOT NULL AND NOT EXISTS (SELECT 1 FROM request_events x WHERE x.request_id = ue.request_id "
        " AND x.id > ue.event_id AND x.rating IS NOT NULL AND x.at < :e)");
    q->bind(":u", unit_id);
    q->bind(":s", start);
    q->bind(":e", end);
    q->executeStep();
    f.avg_rating = opt_double(q->getColumn(0));
    f.rated = q->getColumn(1).getInt64();
  }
  {
    // Registration → first reception, for the requests first received in the period (from the
    // history: a second reception after papers were brought rewrites requests.received_at). A
    // request's first event in processing is its first reception (a note in processing comes
    // after one), so the range reads unit_events_by_state alone.
    auto q = db_.prepared(
        "SELECT AVG((ue.at - r.registered_at) / 86400.0) FROM unit_events ue JOIN requests r ON r.id = ue.request_id "
        "WHERE ue.unit_id = :u AND ue.to_state = 'processing' AND ue.at >= :s AND ue.at < :e "
        "AND NOT EXISTS (SELECT 1 FROM request_events x "
        " WHERE x.request_id = ue.request_id AND x.id < ue.event_id AND x.to_state = 'processing')");
    q->bind(":u", unit_id);
    q->bind(":s", start);
    q->bind(":e", end);
    q->executeStep();
    f.avg_days_to_visit = opt_double(q->getColumn(0));
  }
  {
    std::map<std::string, report_group> villages, fields, categories;
    auto q = db_.prepared(
        "SELECT c.village, COALESCE(p.field, ''), c.categories, COUNT(*) FROM requests r "
        "JOIN citizens c ON c.id = r.citizen_id LEFT JOIN procedures p ON p.code = r.procedure_code "
        "WHERE r.unit_id = :u AND r.registered_at >= :s AND r.registered_at < :e "
        "GROUP BY c.village, p.field, c.categories");
    q->bind(":u", unit_id);
    q->bind(":s", start);
    q->bind(":e", end);
    while (q->executeStep()) {
      auto n = q->getColumn(3).getInt64();
      add_to(villages, q->getColumn(0).getString(), n, 0);
      add_to(fields, q->getColumn(1).getString(), n, 0);
      for (const auto& c : split_categories(q->getColumn(2).getString())) add_to(categories, c, n, 0);
    }
    auto r = db_.prepared(
        "SELECT c.village, COALESCE(p.field, ''), c.categories, COUNT(*) FROM requests r "
        "JOIN citizens c ON c.id = r.citizen_id LEFT JOIN procedures p ON p.code = r.procedure_code "
        "WHERE r.unit_id = :u AND r.returned_at >= :s AND r.returned_at < :e "
        "GROUP BY c.village, p.field, c.categories");
    r->bind(":u", unit_id);
    r->bind(":s", start);
    r->bind(":e", end);
    while (r->executeStep()) {
      auto n = r->getColumn(3).getInt64();
      add_to(villages, r->getColumn(0).getString(), 0, n);
      add_to(fields, r->getColumn(1).getString(), 0, n);
      for (const auto& c : split_categories(r->getColumn(2).getString())) add_to(categories, c, 0, n);
    }
    f.by_village = sorted_groups(villages);
    f.by_field = sorted_groups(fields);
    f.by_category = sorted_groups(categories);
  }
  {
    // The state at the end, from the history: what was open then, with the days in force then.
    const auto open = open_at(unit_id, domain::instant{seconds{at_end}}, utc_offset);
    const auto end_day = domain::local_day(domain::to_local(domain::instant{seconds{at_end}}, utc_offset));
    f.open_at_end = static_cast<std::int64_t>(open.size());
    // Trễ hẹn at the end: received, due before the day the end falls on, no result yet.
    f.overdue_at_end = std::count_if(open.begin(), open.end(), [&](const open_request& o) {
      return o.facts.state == domain::request_state::processing && o.facts.due_day && *o.facts.due_day < end_day;
    });
  }
  return f;
}

std::vector<open_request> report_repository::open_at(const std::string& unit_id, domain::instant t,
                                                     minutes utc_offset) {
  // Candidates: open now and registered before t, or closed at or after t (a closed request
  // never reopens, so each was open at t if it existed; a rating after t of one returned before
  // is dropped by its state at t). Two index ranges — requests_by_state (the unary + keeps the
  // planner off requests_by_registered, every request ever registered) and unit_events_by_state
  // from t on — small for a recent t; neither reads the unit's whole history. For each, the last event before t gives the state
  // and the days in force then. Events before migration 020 carry no days: in the states where a
  // day is always set (a visit day when scheduled, a due day once received) the request's own
  // stands in for it.
  auto q = db_.prepared(std::string(
      "WITH open_then(id) AS ("
      " SELECT id FROM requests WHERE unit_id = :u AND state IN ") + open_states_sql + " AND +registered_at < :t"
      " UNION SELECT request_id FROM unit_events WHERE unit_id = :u AND to_state IN ('returned','cancelled','rejected')"
      "  AND at >= :t), "
      "s(id, eid) AS (SELECT open_then.id, (SELECT e.id FROM request_events e WHERE e.request_id = open_then.id AND e.at < :t "
      "  ORDER BY e.at DESC, e.id DESC LIMIT 1) FROM open_then) "
      "SELECT r.number, e.to_state, r.registered_at, r.proposed_day, "
      " CASE WHEN e.to_state = 'scheduled' THEN COALESCE(e.visit_day, r.visit_day) ELSE e.visit_day END, r.visit_time, "
      " r.team, CASE WHEN e.to_state IN ('processing','result_ready') THEN COALESCE(e.due_day, r.due_day) "
      "  ELSE e.due_day END, "
      " (SELECT MAX(x.at) FROM request_events x WHERE x.request_id = r.id AND x.to_state = 'result_ready' "
      "   AND x.from_state <> 'result_ready' AND x.at < :t), "
      " (SELECT MAX(x.at) FROM request_events x WHERE x.request_id = r.id AND x.from_state = 'scheduled' "
      "   AND x.to_state = 'verified' AND x.at < :t), "
      " cz.full_name, cz.village, r.procedure_code, COALESCE(p.name, r.procedure_code) "
      "FROM s JOIN request_events e ON e.id = s.eid JOIN requests r ON r.id = s.id "
      "JOIN citizens cz ON cz.id = r.citizen_id LEFT JOIN procedures p ON p.code = r.procedure_code "
      "WHERE e.to_state IN " + open_states_sql);
  q->bind(":u", unit_id);
  q->bind(":t", secs(t));
  return read_open_requests(*q, utc_offset);
}

std::vector<open_request> report_repository::open_requests(const std::string& unit_id, minutes utc_offset) {
  auto q = db_.prepared(std::string(
      "SELECT r.number, r.state, r.registered_at, r.proposed_day, r.visit_day, r.visit_time, r.team, r.due_day, "
      " r.result_at, (SELECT MAX(e.at) FROM request_events e WHERE e.request_id = r.id "
      "   AND e.from_state = 'scheduled' AND e.to_state = 'verified') AS postponed_at, "
      " c.full_name, c.village, r.procedure_code, COALESCE(p.name, r.procedure_code) "
      "FROM requests r JOIN citizens c ON c.id = r.citizen_id LEFT JOIN procedures p ON p.code = r.procedure_code "
      "WHERE r.unit_id = :u AND r.state IN ") + open_states_sql);
  q->bind(":u", unit_id);
  return read_open_requests(*q, utc_offset);
}

std::vector<report_row> report_repository::requests_in(const std::string& unit_id, const domain::period& p,
                                                       minutes utc_offset) {
  const std::int64_t start = secs(local_midnight(p.first, utc_offset));
  const std::int64_t end = secs(local_midnight(p.last + days{1}, utc_offset));
  auto q = db_.prepared(
      "SELECT r.number, r.registered_at, c.full_name, c.village, r.procedure_code, COALESCE(p.name, ''), "
      " COALESCE(p.field, ''), r.state, r.visit_day, r.received_at, r.due_day, r.returned_at, r.return_way, r.rating, "
      " c.birth_year, c.categories, r.dossier_code "
      "FROM requests r JOIN citizens c ON c.id = r.citizen_id LEFT JOIN procedures p ON p.code = r.procedure_code "
      "WHERE r.unit_id = :u AND r.registered_at >= :s AND r.registered_at < :e ORDER BY r.number");
  q->bind(":u", unit_id);
  q->bind(":s", start);
  q->bind(":e", end);
  std::vector<report_row> out;
  auto text = [&](int i) { return q->getColumn(i).isNull() ? std::string() : q->getColumn(i).getString(); };
  auto local = [&](int i) {
    return q->getColumn(i).isNull() ? std::string() : local_iso_day(q->getColumn(i).getInt64(), utc_offset);
  };
  while (q->executeStep()) {
    report_row r;
    r.number = q->getColumn(0).getInt64();
    r.registered_day = local(1);
    r.citizen_name = text(2);
    r.village = text(3);
    r.procedure_code = text(4);
    r.procedure_name = text(5);
    r.procedure_field = text(6);
    r.state = text(7);
    r.visit_day = text(8);
    r.received_day = local(9);
    r.due_day = text(10);
    r.returned_day = local(11);
    r.return_way = text(12);
    if (!q->getColumn(13).isNull()) r.rating = q->getColumn(13).getInt();
    if (!q->getColumn(14).isNull()) r.birth_year = q->getColumn(14).getInt();
    if (auto cats = text(15); !cats.empty()) r.categories = split_categories(cats);
    r.dossier_code = text(16);
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<served_row> report_repository::served_in(const std::string& unit_id, const domain::period& p,
                                                     minutes utc_offset) {
  auto q = db_.prepared(
      "SELECT c.id, c.full_name, c.village, p.name, r.received_at FROM requests r "
      "JOIN citizens c ON c.id = r.citizen_id JOIN procedures p ON p.code = r.procedure_code "
      "WHERE r.unit_id = :u AND r.received_at >= :from AND r.received_at < :to "
      "AND r.state NOT IN ('cancelled', 'rejected') ORDER BY r.received_at, r.number");
  q->bind(":u", unit_id);
  q->bind(":from", secs(local_midnight(p.first, utc_offset)));
  q->bind(":to", secs(local_midnight(p.last + days{1}, utc_offset)));
  std::vector<served_row> out;
  while (q->executeStep()) {
    served_row r;
    r.citizen_id = q->getColumn(0).getInt64();
    r.citizen_name = q->getColumn(1).getString();
    r.village = q->getColumn(2).getString();
    r.procedure_name = q->getColumn(3).getString();
    r.received_at = domain::instant{seconds{q->getColumn(4).getInt64()}};
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<returned_row> report_repository::returned_in(const std::string& unit_id, const domain::period& p,
                                                         minutes utc_offset) {
  auto q = db_.prepared(
      "SELECT c.full_name, c.village, p.name, r.returned_at FROM requests r "
      "JOIN citizens c ON c.id = r.citizen_id JOIN procedures p ON p.code = r.procedure_code "
      "WHERE r.unit_id = :u AND r.state = 'returned' AND r.returned_at >= :from AND r.returned_at < :to "
      "ORDER BY r.returned_at, r.number");
  q->bind(":u", unit_id);
  q->bind(":from", secs(local_midnight(p.first, utc_offset)));
  q->bind(":to", secs(local_midnight(p.last + days{1}, utc_offset)));
  std::vector<returned_row> out;
  while (q->executeStep()) {
    returned_row r;
    r.citizen_name = q->getColumn(0).getString();
    r.village = q->getColumn(1).getString();
    r.procedure_name = q->getColumn(2).getString();
    r.returned_at = domain::instant{seconds{q->getColumn(3).getInt64()}};
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<domain::instant> report_repository::registrations_between(const std::string& unit_id, domain::instant from,
                                                                     domain::instant to) {
  auto q = db_.prepared(
      "SELECT registered_at FROM requests WHERE unit_id = :u AND registered_at >= :from AND registered_at < :to");
  q->bind(":u", unit_id);
  q->bind(":from", secs(from));
  q->bind(":to", secs(to));
  std::vector<domain::instant> out;
  while (q->executeStep()) out.push_back(domain::instant{seconds{q->getColumn(0).getInt64()}});
  return out;
}

std::vector<return_fact> report_repository::returns_between(const std::string& unit_id, domain::instant from,
                                                            domain::instant to) {
  auto q = db_.prepared(
      "SELECT returned_at, due_day FROM requests WHERE unit_id = :u AND returned_at >= :from AND returned_at < :to");
  q->bind(":u", unit_id);
  q->bind(":from", secs(from));
  q->bind(":to", secs(to));
  std::vector<return_fact> out;
  while (q->executeStep())
    out.push_back({domain::instant{seconds{q->getColumn(0).getInt64()}}, opt_day(q->getColumn(1))});
  return out;
}

}  // namespace tannha::storage
