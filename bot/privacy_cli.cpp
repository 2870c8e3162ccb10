#include "bot/privacy_cli.hpp"

#include <sys/stat.h>

#include <charconv>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "bot/csv.hpp"
#include "domain/time.hpp"
#include "handlers/job_runner.hpp"
#include "handlers/renderer.hpp"
#include "storage/audit_log.hpp"
#include "storage/database.hpp"
#include "storage/unit_repository.hpp"

namespace tannha::bot {

namespace {

using nlohmann::ordered_json;

std::optional<std::int64_t> positive_number(const std::string& s) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size() || v <= 0) return std::nullopt;
  return v;
}

ordered_json opt_instant_json(const std::optional<domain::instant>& t) {
  return t ? ordered_json(domain::iso_instant(*t)) : ordered_json(nullptr);
}
ordered_json opt_day_json(const std::optional<domain::day>& d) {
  return d ? ordered_json(domain::iso_date(*d)) : ordered_json(nullptr);
}

ordered_json person_json(const std::string& unit, const storage::person_data& p) {
  const auto& c = p.person.citizen;
  ordered_json j;
  j["unit"] = unit;
  j["citizen"] = {{"id", c.id},
                  {"full_name", c.full_name},
                  {"birth_year", c.birth_year ? ordered_json(*c.birth_year) : ordered_json(nullptr)},
                  {"village", c.village},
                  {"address", c.address},
                  {"phone", c.phone},
                  {"categories", c.categories},
                  {"notes", c.notes},
                  {"approved", c.approved},
                  {"created_at", opt_instant_json(p.person.created_at)},
                  {"anonymised_at", opt_instant_json(p.person.anonymised_at)}};
  auto& reqs = j["requests"] = ordered_json::array();
  for (const auto& pr : p.requests) {
    const auto& r = pr.request;
    ordered_json rj = {{"number", r.number},
                       {"procedure", r.procedure_code},
                       {"state", std::string(domain::to_string(r.state))},
                       {"registered_by", r.registered_by},
                       {"registered_at", domain::iso_instant(r.registered_at)},
                       {"proposed_day", opt_day_json(r.proposed_day)},
                       {"visit_day", opt_day_json(r.visit_day)},
                       {"visit_time", r.visit_time},
                       {"team", r.team},
                       {"dossier_code", r.dossier_code},
                       {"received_at", opt_instant_json(r.received_at)},
                       {"due_day", opt_day_json(r.due_day)},
                       {"result_at", opt_instant_json(r.result_at)},
                       {"returned_at", opt_instant_json(r.returned_at)},
                       {"return_way", r.return_way},
                       {"rating", r.rating ? ordered_json(*r.rating) : ordered_json(nullptr)},
                       {"rating_note", r.rating_note},
                       {"notes", r.notes}};
    auto& evs = rj["history"] = ordered_json::array();
    for (const auto& e : pr.events)
      evs.push_back({{"at", domain::iso_instant(e.at)},
                     {"actor", e.actor},
                     {"from", e.from ? ordered_json(std::string(domain::to_string(*e.from))) : ordered_json(nullptr)},
                     {"to", std::string(domain::to_string(e.to))},
                     {"note", e.note}});
    reqs.push_back(std::move(rj));
  }
  auto& msgs = j["messages"] = ordered_json::array();
  for (const auto& m : p.messages)
    msgs.push_back({{"id", m.id}, {"chat_id", m.chat_id}, {"state", m.state},
                    {"created_at", domain::iso_instant(m.created_at)}, {"text", m.text}});
  auto& drafts = j["drafts"] = ordered_json::array();
  for (const auto& d : p.drafts)
    drafts.push_back({{"chat_id", d.chat_id}, {"user_id", d.user_id}, {"kind", d.kind},
                      {"expires_at", domain::iso_instant(d.expires_at)}, {"body", d.body}});
  auto& audit = j["audit"] = ordered_json::array();
  for (const auto& a : p.audit)
    audit.push_back({{"at", domain::iso_instant(a.at)}, {"actor", a.actor}, {"action", a.action},
                     {"request_id", a.request_id ? ordered_json(*a.request_id) : ordered_json(nullptr)},
                     {"detail", a.detail}});
  return j;
}

// The same content flat: one line per value, "section,item,field,value" (item: the request
// number, message id, …; empty for the citizen).
std::string person_csv(const ordered_json& j) {
  std::string out = "\xEF\xBB\xBF";  // Excel reads UTF-8 only with a BOM
  out += csv_line({"section", "item", "field", "value"});
  auto text = [](const ordered_json& v) { return v.is_string() ? v.get<std::string>() : v.is_null() ? "" : v.dump(); };
  for (const auto& [k, v] : j["citizen"].items()) out += csv_line({"citizen", "", k, text(v)});
  for (const auto& r : j["requests"]) {
    const auto item = "#" + std::to_string(r["number"].get<std::int64_t>());
    for (const auto& [k, v] : r.items()) {
      if (k == "history") continue;
      out += csv_line({"request", item, k, text(v)});
    }
    int n = 0;
    for (const auto& e : r["history"]) {
      ++n;
      for (const auto& [k, v] : e.items()) out += csv_line({"history", item + "/" + std::to_string(n), k, text(v)});
    }
  }
  for (const char* section : {"messages", "drafts", "audit"}) {
    int n = 0;
    for (const auto& row : j[section]) {
      ++n;
      for (const auto& [k, v] : row.items()) out += csv_line({section, std::to_string(n), k, text(v)});
    }
  }
  return out;
}

std::string counts_text(const storage::erase_counts& c) {
  return "requests_cancelled=" + std::to_string(c.requests_cancelled) +
         " requests_cleared=" + std::to_string(c.requests_cleared) +
         " history_notes_erased=" + std::to_string(c.event_notes_erased) +
         " messages_erased=" + std::to_string(c.messages_erased) +
         " pending_messages_dropped=" + std::to_string(c.messages_dropped) +
         " drafts_removed=" + std::to_string(c.drafts_removed) +
         " citizen_anonymised=" + (c.citizen_anonymised ? "yes" : "no (already)");
}

// A file of personal data: owner-only whatever the umask.
bool write_private(const std::string& path, const std::string& content) {
  const mode_t old = ::umask(077);
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  ::umask(old);
  f << content;
  f.close();
  ::chmod(path.c_str(), 0600);
  return static_cast<bool>(f);
}

}  // namespace

storage::retention_policy retention_of(const privacy_config& p) {
  storage::retention_policy r;
  r.sent_messages = std::chrono::days{p.sent_message_days};
  r.processed_updates = std::chrono::days{p.processed_update_days};
  r.closed_requests = std::chrono::years{p.closed_request_years};
  r.audit = std::chrono::years{p.audit_years};
  return r;
}

handlers::retention_options retention_options_of(const config& cfg) {
  handlers::retention_options r;
  r.policy = retention_of(cfg.privacy);
  return r;
}

int run_privacy(const config& cfg, const clock& clk, const privacy_request& req, std::ostream& out,
                std::ostream& err) {
  const std::string me = "tannha privacy " + req.action;
  if (req.action != "show" && req.action != "export" && req.action != "erase") {
    err << "tannha privacy: the action is show, export or erase (got '" << req.action << "')\n";
    return 2;
  }
  if (req.request.empty() == req.citizen.empty()) {
    err << me << ": give one of --request N or --citizen ID\n";
    return 2;
  }
  const auto number = positive_number(req.request.empty() ? req.citizen : req.request);
  if (!number) {
    err << me << ": " << (req.request.empty() ? "--citizen" : "--request") << " must be a positive number\n";
    return 2;
  }
  const std::string format = req.format.empty() ? "json" : req.format;
  if (format != "json" && format != "csv") {
    err << me << ": --format must be json or csv (got '" << format << "')\n";
    return 2;
  }
  if (req.action == "export" && req.out.empty()) {
    err << me << ": give --out FILE\n";
    return 2;
  }
  if (req.dry_run && req.action != "erase") {
    err << me << ": --dry-run goes with erase only\n";
    return 2;
  }
  bool known_unit = false;
  for (const auto& u : cfg.units) known_unit = known_unit || u.id == req.unit;
  if (!known_unit) {
    err << me << ": no unit '" << req.unit << "' in the config\n";
    return 2;
  }

  storage::database db(cfg.storage.path);
  storage::privacy_repository privacy(db);
  std::optional<std::int64_t> citizen_id = *number;
  std::optional<std::int64_t> request_id;
  if (!req.request.empty()) {
    citizen_id = privacy.citizen_of_request(req.unit, *number);
    if (!citizen_id) {
      err << me << ": no request #" << *number << " in unit " << req.unit << "\n";
      return 1;
    }
  }
  auto person = privacy.collect(req.unit, *citizen_id);
  if (!person) {
    err << me << ": no citizen " << *citizen_id << " in unit " << req.unit << "\n";
    return 1;
  }
  for (const auto& pr : person->requests)
    if (!req.request.empty() && pr.request.number == *number) request_id = pr.request.id;
  const auto subject = "citizen=" + std::to_string(*citizen_id);
  const auto now = clk.now();

  if (req.action == "erase") {
    if (req.dry_run) {
      // Nothing is written, not even the audit entry: a dry run changes nothing.
      out << "dry run, nothing changed: erasing " << subject << " of unit " << req.unit << " would change "
          << counts_text(privacy.plan_erase(*person)) << "\n";
      return 0;
    }
    handlers::renderer render;
    storage::erase_counts done;
    {
      storage::write_transaction tx(db);
      done = privacy.erase(*person, req.actor, handlers::erase_reason(render), handlers::anonymous_name(render), now);
      storage::audit_log(db).record(req.unit, req.actor, "privacy_erase", request_id, subject + " " + counts_text(done),
                                    now);
      tx.commit();
    }
    // Erased bytes leave the WAL too (the connection zeroes freed space in the file itself).
    const bool emptied = db.checkpoint_truncate();
    out << "erased " << subject << " of unit " << req.unit << ": " << counts_text(done) << "\n";
    if (!emptied) out << "note: the WAL is still in use by another process; it is emptied at its next checkpoint\n";
    return 0;
  }

  const auto j = person_json(req.unit, *person);
  const std::string content = format == "csv" ? person_csv(j) : j.dump(2) + "\n";
  if (!req.out.empty()) {
    if (!write_private(req.out, content)) {
      err << me << ": cannot write " << req.out << "\n";
      return 1;
    }
  } else {
    out << content;
  }
  {
    storage::write_transaction tx(db);
    storage::audit_log(db).record(req.unit, req.actor, "privacy_" + req.action, request_id,
                                  subject + " format=" + format + (req.out.empty() ? "" : " out=" + req.out), now);
    tx.commit();
  }
  if (!req.out.empty()) out << "wrote everything held about " << subject << " to " << req.out << "\n";
  return 0;
}

}  // namespace tannha::bot
