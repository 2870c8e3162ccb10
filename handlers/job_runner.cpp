// The scheduled posts of docs/DESIGN.md §4 and the texts they share with /quahan and /baocao.
#include "handlers/job_runner.hpp"

#include "storage/draft_repository.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>

#include "domain/visit_slot.hpp"
#include "domain/masking.hpp"
#include "handlers/text.hpp"
#include "log/log.hpp"
#include "storage/citizen_repository.hpp"
#include "storage/job_repository.hpp"
#include "storage/outbox.hpp"
#include "storage/post_choices.hpp"
#include "storage/report_repository.hpp"
#include "storage/request_repository.hpp"
#include "storage/team_links.hpp"
#include "storage/unit_repository.hpp"
#include "handlers/unit_posts.hpp"

namespace tannha::handlers {

namespace {

using nlohmann::json;
using namespace std::chrono;

domain::local_time local_now(const domain::unit& u, domain::instant now) { return domain::to_local(now, u.utc_offset); }
domain::day today_of(const domain::unit& u, domain::instant now) { return domain::local_day(local_now(u, now)); }

// "4,2" — Vietnamese decimal comma, one decimal.
std::string decimal(double v) {
  long tenths = std::lround(v * 10.0);
  std::string s = std::to_string(tenths / 10) + "," + std::to_string(std::labs(tenths % 10));
  return s;
}

// What an overdue line says about the deadline that was missed.
std::string overdue_detail(const domain::overdue_item& it) {
  switch (it.kind) {
    case domain::overdue_kind::unscheduled: return "(hạn xếp lịch " + domain::format_day_month(it.deadline) + ")";
    case domain::overdue_kind::visit_missed: return "(hẹn đến nhà " + domain::format_day_month(it.deadline) + ")";
    case domain::overdue_kind::late: return "(hẹn trả " + domain::format_day_month(it.deadline) + ")";
    case domain::overdue_kind::unreturned: return "(hạn trả " + domain::format_day_month(it.deadline) + ")";
  }
  return "";
}

struct overdue_view {
  std::vector<domain::overdue_item> items;
  json lines = json::array();
  std::string summary;  ///< "2 trễ hẹn trả kết quả, 1 chưa xếp lịch"
  int escalated = 0;
};

overdue_view compute_overdue(const std::vector<storage::open_request>& open, const domain::unit& u, domain::day today) {
  overdue_view v;
  std::vector<domain::overdue_facts> facts;
  facts.reserve(open.size());
  for (const auto& o : open) facts.push_back(o.facts);
  v.items = domain::overdue_list(facts, today, u.overdue, u.cal);
  std::map<std::int64_t, const storage::open_request*> by_number;
  for (const auto& o : open) by_number[o.facts.number] = &o;
  int counts[4] = {0, 0, 0, 0};
  for (const auto& it : v.items) {
    const auto* o = by_number[it.number];
    counts[static_cast<int>(it.kind)]++;
    if (it.escalated) ++v.escalated;
    v.lines.push_back({{"number", it.number},
                       {"citizen", o ? o->citizen_name : std::string()},
                       {"village", o ? o->village : std::string()},
                       {"kind", std::string(domain::label(it.kind))},
                       {"detail", overdue_detail(it)},
                       {"days_late", it.days_late},
                       {"escalated", it.escalated}});
  }
  // Summary in the order of seriousness.
  std::vector<std::string> parts;
  auto add = [&](domain::overdue_kind k, std::string_view word) {
    int n = counts[static_cast<int>(k)];
    if (n) parts.push_back(std::to_string(n) + " " + std::string(word));
  };
  add(domain::overdue_kind::late, "trễ hẹn trả kết quả");
  add(domain::overdue_kind::visit_missed, "quá ngày hẹn đến nhà");
  add(domain::overdue_kind::unreturned, "có kết quả chưa trả");
  add(domain::overdue_kind::unscheduled, "chưa xếp lịch");
  v.summary = join(parts, ", ");
  return v;
}

// Leaders by display name, for the escalation line.
std::string leader_names(storage::unit_repository& units, const domain::unit& u) {
  std::vector<std::string> names;
  for (const auto& m : units.members(u.id))
    if (m.role == domain::role::lanhdao && !m.display_name.empty()) names.push_back("@" + m.display_name);
  if (names.empty()) return "lãnh đạo đơn vị";
  return "lãnh đạo " + join(names, ", ");
}

std::string visit_time_of(const storage::open_request& o, const domain::unit& u) {
  return o.visit_time.empty() ? domain::format_hhmm(u.schedule.visit_time) : o.visit_time;
}

bool is_visit_day(const domain::unit& u, domain::day d) {
  return domain::next_visit_day(d - days{1}, u.schedule, u.cal) == d;
}

// --- the posts ---------------------------------------------------------------------------

// Each linked team member's own visits among `visits` (sorted by time), rendered for them alone
// (issue 13: a volunteer without the group still learns where they go). The same masking as the
// group's list: no address, no phone.
std::map<std::string, std::string> own_visits(storage::database& db, const renderer& render, const domain::unit& u,
                                              const std::vector<const storage::open_request*>& visits,
                                              domain::day visit_day, bool cutoff) {
  std::map<std::string, json> items;
  storage::request_repository requests(db);
  storage::team_links links(db);
  for (const auto* o : visits) {
    auto r = requests.by_number(u.id, o->facts.number);
    if (!r) continue;
    auto ids = links.get(r->id);
    if (!ids) continue;
    for (const auto& id : *ids) {
      auto& list = items[id];
      if (list.is_null()) list = json::array();
      list.push_back({{"time", visit_time_of(*o, u)}, {"number", o->facts.number}, {"procedure", o->procedure_name},
                      {"citizen", o->citizen_name}, {"village", o->village}, {"team", o->team}});
    }
  }
  std::map<std::string, std::string> out;
  for (auto& [id, list] : items)
    out[id] = render.render("lich_cua_ban", {{"visit_day", domain::format_weekday_date(visit_day)},
                                             {"unit", u.name},
                                             {"cutoff", cutoff},
                                             {"count", list.size()},
                                             {"items", list}});
  return out;
}

std::vector<unit_post> build_brief(storage::database& db, storage::report_repository& reports,
                                   storage::unit_repository& members_repo, storage::outbox& outbox,
                                   const renderer& render, const domain::unit& u, domain::instant now) {
  auto open = reports.open_requests(u.id, u.utc_offset);
  auto today = today_of(u, now);
  json visits = json::array(), due = json::array();
  std::vector<const storage::open_request*> todays;
  for (const auto& o : open)
    if (o.facts.state == domain::request_state::scheduled && o.facts.visit_day == today) todays.push_back(&o);
  std::stable_sort(todays.begin(), todays.end(), [&](const auto* a, const auto* b) {
    return visit_time_of(*a, u) < visit_time_of(*b, u);
  });
  for (const auto* o : todays)
    visits.push_back({{"time", visit_time_of(*o, u)}, {"number", o->facts.number}, {"procedure", o->procedure_name},
                      {"citizen", o->citizen_name}, {"village", o->village}, {"team", domain::mask_numbers(o->team)}});
  for (const auto& o : open)
    if ((o.facts.state == domain::request_state::processing || o.facts.state == domain::request_state::result_ready) &&
        o.facts.due_day == today)
      due.push_back({{"number", o.facts.number}, {"procedure", o.procedure_name}, {"citizen", o.citizen_name},
                     {"village", o.village}, {"state", std::string(domain::label(o.facts.state))}});
  auto overdue = compute_overdue(open, u, today);
  // Messages that could not be delivered in the last day (to the group or to a member)
  // would otherwise go unnoticed: the leaders see a line so an operator retries them.
  std::int64_t undelivered = 0;
  {
    std::vector<std::string> chats{u.chat_id};
    for (const auto& m : members_repo.members(u.id)) chats.push_back(m.user_id);
    for (const auto& row : outbox.dead_since(now - std::chrono::hours{24}, 1000))
      if (std::find(chats.begin(), chats.end(), row.chat_id) != chats.end()) ++undelivered;
  }
  if (visits.empty() && due.empty() && overdue.items.empty() && undelivered == 0) return {};
  unit_post post;
  post.kind = post_kind::bantin;
  post.own_visits = own_visits(db, render, u, todays, today, false);
  post.text = render.render("bantin_sang", {{"date", domain::format_weekday_date(today)},
                                        {"undelivered", undelivered},
                                        {"has_undelivered", undelivered > 0},
                                        {"unit", u.name},
                                        {"visit_count", visits.size()},
                                        {"due_count", due.size()},
                                        {"overdue_count", overdue.items.size()},
                                        {"has_visits", !visits.empty()},
                                        {"visits", visits},
                                        {"has_due", !due.empty()},
                                        {"due", due},
                                        {"has_overdue", !overdue.items.empty()},
                                        {"overdue", overdue.lines}});
  return {std::move(post)};
}

std::vector<unit_post> build_cutoff(storage::database& db, storage::report_repository& reports, const renderer& render,
                                    const domain::unit& u, domain::day visit_day) {
  auto open = reports.open_requests(u.id, u.utc_offset);
  auto cutoff = domain::to_instant(domain::cutoff_for(visit_day, u.schedule), u.utc_offset);
  auto next_day = domain::next_visit_day(visit_day, u.schedule, u.cal);
  std::vector<const storage::open_request*> on_day, overflow;
  std::vector<std::string> unscheduled;
  for (const auto& o : open) {
    bool waiting = o.facts.state == domain::request_state::registered || o.facts.state == domain::request_state::verified;
    if (o.facts.state == domain::request_state::scheduled && o.facts.visit_day == visit_day) {
      on_day.push_back(&o);
    } else if (waiting && o.proposed_day == visit_day) {
      on_day.push_back(&o);
      unscheduled.push_back("#" + std::to_string(o.facts.number));
    } else if (waiting && o.proposed_day && *o.proposed_day > visit_day && o.registered_at < cutoff) {
      // Registered in time for this visit day but pushed on by capacity.
      overflow.push_back(&o);
    }
  }
  if (on_day.empty() && overflow.empty()) return {};
  std::stable_sort(on_day.begin(), on_day.end(), [&](const auto* a, const auto* b) {
    return visit_time_of(*a, u) < visit_time_of(*b, u);
  });
  json items = json::array(), over = json::array();
  for (const auto* o : on_day) {
    bool scheduled = o->facts.state == domain::request_state::scheduled;
    items.push_back({{"time", visit_time_of(*o, u)}, {"number", o->facts.number}, {"procedure", o->procedure_name},
                     {"citizen", o->citizen_name}, {"village", o->village}, {"team", domain::mask_numbers(o->team)},
                     {"not_scheduled", !scheduled}, {"state", std::string(domain::label(o->facts.state))}});
  }
  for (const auto* o : overflow)
    over.push_back({{"number", o->facts.number}, {"procedure", o->procedure_name}, {"citizen", o->citizen_name},
                    {"village", o->village}});
  std::vector<const storage::open_request*> scheduled;
  for (const auto* o : on_day)
    if (o->facts.state == domain::request_state::scheduled) scheduled.push_back(o);
  unit_post post;
  post.kind = post_kind::chotlich;
  post.own_visits = own_visits(db, render, u, scheduled, visit_day, true);
  post.text = render.render("chotlich", {{"visit_day", domain::format_weekday_date(visit_day)},
                                     {"unit", u.name},
                                     {"count", items.size()},
                                     {"capacity", u.schedule.capacity},
                                     {"items", items},
                                     {"has_overflow", !over.empty()},
                                     {"overflow_count", over.size()},
                                     {"next_day", domain::format_weekday_date(next_day)},
                                     {"overflow", over},
                                     {"has_unscheduled", !unscheduled.empty()},
                                     {"unscheduled", join(unscheduled, ", ")}});
  return {std::move(post)};
}

std::vector<unit_post> build_digest(storage::report_repository& reports, storage::unit_repository& members_repo,
                                    const renderer& render, const domain::unit& u, domain::instant now) {
  auto text = overdue_text(reports, members_repo, render, u, now, true);
  if (!text) return {};
  unit_post post;
  post.kind = post_kind::quahan;
  post.text = std::move(*text);
  // Escalated: the leaders receive it whatever they chose (the text names them).
  post.escalated = compute_overdue(reports.open_requests(u.id, u.utc_offset), u, today_of(u, now)).escalated > 0;
  return {std::move(post)};
}

// A message for one person's private chat (platform user id = its chat id).
struct private_post {
  std::string chat;
  std::string text;
};

// Where the team goes: "xóm 3, cạnh nhà văn hoá, thôn Đông Hải".
std::string reminder_address(const storage::citizen_record& c) {
  std::string village = c.village.empty() ? std::string() : "thôn " + c.village;
  if (c.address.empty()) return village;
  return village.empty() ? c.address : c.address + ", " + village;
}

// The reminders the day before a visit day (issue 13 item 5), all private: each linked team
// member gets their visits in full (address, phone, papers, notes: they go to the door); each
// village head gets who of their village is visited, to tell them to be home with the papers.
// A team written as names only (an outside person, or before members were linked) reaches
// nobody. Nothing scheduled that day: nothing sent.
std::vector<private_post> build_reminders(storage::report_repository& reports, storage::request_repository& requests,
                                          storage::citizen_repository& citizens, storage::team_links& teams,
                                          storage::unit_repository& members_repo, const renderer& render,
                                          const domain::unit& u, const std::vector<domain::procedure>& catalog,
                                          domain::day visit_day) {
  std::vector<storage::open_request> visits;
  for (auto& o : reports.open_requests(u.id, u.utc_offset))
    if (o.facts.state == domain::request_state::scheduled && o.facts.visit_day == visit_day) visits.push_back(std::move(o));
  if (visits.empty()) return {};
  std::stable_sort(visits.begin(), visits.end(), [&](const auto& a, const auto& b) {
    return visit_time_of(a, u) < visit_time_of(b, u);
  });
  const auto members = members_repo.members(u.id);
  const auto is_member = [&](const std::string& id) {
    return std::any_of(members.begin(), members.end(), [&](const auto& m) { return m.user_id == id; });
  };
  std::vector<std::string> team_order;  // first seen first, so the messages come in a stable order
  std::map<std::string, json> team_items;
  std::map<std::string, json> village_items;  // folded village -> its citizens visited
  for (const auto& o : visits) {
    auto r = requests.by_number(u.id, o.facts.number);
    if (!r) continue;
    auto c = citizens.get(r->citizen_id);
    if (!c) continue;
    std::vector<std::string> papers;
    for (const auto& p : catalog)
      if (p.code == o.procedure_code) papers = p.papers;
    std::vector<std::string> notes;
    if (!c->notes.empty()) notes.push_back(c->notes);
    if (!r->notes.empty()) notes.push_back(r->notes);
    const json item = {{"time", visit_time_of(o, u)},
                       {"number", o.facts.number},
                       {"procedure", o.procedure_name},
                       {"citizen", c->full_name},
                       {"birth_year", c->birth_year ? std::to_string(*c->birth_year) : std::string()},
                       {"address", reminder_address(*c)},
                       {"phone", c->phone},
                       {"papers", join(papers, "; ")},
                       {"notes", join(notes, "; ")},
                       {"team", o.team}};
    if (auto linked = teams.get(r->id)) {
      for (const auto& id : *linked) {
        if (!is_member(id)) continue;  // left the unit since: no personal data for them
        if (!team_items.contains(id)) {
          team_order.push_back(id);
          team_items[id] = json::array();
        }
        team_items[id].push_back(item);
      }
    }
    auto& v = village_items[fold(c->village)];
    if (v.is_null()) v = json::array();
    v.push_back(item);
  }
  std::vector<private_post> out;
  const auto day_text = domain::format_weekday_date(visit_day);
  for (const auto& id : team_order)
    out.push_back({id, render.render("nhaclich_doan", {{"unit", u.name},
                                                       {"visit_day", day_text},
                                                       {"count", team_items[id].size()},
                                                       {"visits", team_items[id]}})});
  for (const auto& m : members) {
    if (m.role != domain::role::truongthon || m.village.empty()) continue;
    auto it = village_items.find(fold(m.village));
    if (it == village_items.end()) continue;
    out.push_back({m.user_id, render.render("nhaclich_truongthon", {{"unit", u.name},
                                                                    {"visit_day", day_text},
                                                                    {"village", m.village},
                                                                    {"count", it->second.size()},
                                                                    {"visits", it->second}})});
  }
  return out;
}

// A report with no activity and no backlog has nothing to say.
std::vector<unit_post> build_report(storage::report_repository& reports, const renderer& render, const domain::unit& u,
                                    const domain::period& p, domain::instant now) {
  auto f = reports.figures(u.id, p, u.utc_offset, now);
  bool quiet = f.registered == 0 && f.verified == 0 && f.scheduled == 0 && f.received == 0 && f.returned == 0 &&
               f.cancelled == 0 && f.refused == 0 && f.postponed == 0 && f.result_ready == 0 && f.open_at_end == 0;
  if (quiet) return {};
  unit_post post;
  post.kind = post_kind::baocao;
  post.text = report_text(reports, render, u, p, now);
  return {std::move(post)};
}

std::string breakdown(const std::vector<storage::report_group>& groups) {
  std::vector<std::string> parts;
  for (const auto& g : groups) {
    if (g.registered == 0 && g.returned == 0) continue;
    std::vector<std::string> counts;
    if (g.registered) counts.push_back(std::to_string(g.registered) + " mới");
    if (g.returned) counts.push_back(std::to_string(g.returned) + " đã trả");
    std::string s = (g.name.empty() ? std::string("Khác") : g.name) + " " + join(counts, ", ");
    parts.push_back(s);
  }
  return join(parts, "; ");
}

}  // namespace

std::optional<std::string> overdue_text(storage::report_repository& reports, storage::unit_repository& members,
                                        const renderer& render, const domain::unit& u, domain::instant now,
                                        bool digest) {
  auto today = today_of(u, now);
  auto v = compute_overdue(reports.open_requests(u.id, u.utc_offset), u, today);
  if (v.items.empty()) {
    if (digest) return std::nullopt;
    return render.render("quahan_khong_co", {{"unit", u.name}, {"date", domain::format_weekday_date(today)}});
  }
  json data = {{"unit", u.name},
               {"date", domain::format_weekday_date(today)},
               {"total", v.items.size()},
               {"summary", v.summary},
               {"items", v.lines},
               {"has_escalated", v.escalated > 0},
               {"escalated_count", v.escalated},
               {"grace", u.overdue.escalation_grace_days}};
  if (digest && v.escalated > 0) data["leaders"] = leader_names(members, u);
  return render.render(digest ? "canhbao_quahan" : "quahan", data);
}

std::string report_text(storage::report_repository& reports, const renderer& render, const domain::unit& u,
                        const domain::period& p, domain::instant now) {
  auto f = reports.figures(u.id, p, u.utc_offset, now);
  auto today = today_of(u, now);
  std::string on_time = "—";
  if (auto pct = f.on_time_percent())
    on_time = std::to_string(f.returned_on_time) + "/" + std::to_string(f.returned_with_due) + " (" +
              std::to_string(static_cast<int>(std::lround(*pct))) + "%)";
  auto days_text = [](const std::optional<double>& d) { return d ? decimal(*d) + " ngày" : std::string("—"); };
  std::string rating = f.rated ? decimal(*f.avg_rating) + "/5 (" + std::to_string(f.rated) + " lượt đánh giá)"
                               : std::string("chưa có đánh giá");
  // What needs action: the overdue list, numbers only, worst first — as of today while the period
  // runs, as at its end once it is over (requests of a later period, and what was done since,
  // never change a closed period's report).
  bool running = p.contains(today);
  const auto end = domain::to_instant(domain::local_time{(p.last + std::chrono::days{1}).time_since_epoch()}, u.utc_offset);
  auto v = running ? compute_overdue(reports.open_requests(u.id, u.utc_offset), u, today)
                   : compute_overdue(reports.open_at(u.id, end, u.utc_offset), u, p.last + std::chrono::days{1});
  std::vector<std::string> numbers;
  for (std::size_t i = 0; i < v.items.size() && i < 15; ++i) numbers.push_back("#" + std::to_string(v.items[i].number));
  if (v.items.size() > 15) numbers.push_back("…");
  json data = {{"label", p.label},
               {"unit", u.name},
               {"as_of", running ? domain::format_date(today) : std::string()},
               {"registered", f.registered},
               {"returned", f.returned},
               {"on_time", on_time},
               {"open_at_end", f.open_at_end},
               {"overdue_at_end", f.overdue_at_end ? std::to_string(f.overdue_at_end) : std::string()},
               {"has_action", !v.items.empty()},
               {"action_at_end", !running},
               {"action_total", v.items.size()},
               {"action_numbers", join(numbers, ", ")},
               {"verified", f.verified},
               {"scheduled", f.scheduled},
               {"received", f.received},
               {"result_ready", f.result_ready},
               {"needs_papers", f.needs_papers},
               {"cancelled", f.cancelled},
               {"refused", f.refused},
               {"postponed", f.postponed},
               {"avg_visit", days_text(f.avg_days_to_visit)},
               {"avg_return", days_text(f.avg_days_to_return)},
               {"rating", rating},
               {"villages", breakdown(f.by_village)},
               {"fields", breakdown(f.by_field)},
               {"categories", breakdown(f.by_category)}};
  return render.render("baocao", data);
}

std::string anonymous_name(const renderer& render) { return trim(render.render("an_danh_ten")); }
std::string erase_reason(const renderer& render) { return trim(render.render("xoa_du_lieu_ly_do")); }

// --- the runner ------------------------------------------------------------------------------

struct job_runner::impl {
  storage::database& db;
  std::vector<domain::unit> units;
  renderer render;
  storage::job_repository jobs;
  storage::report_repository reports;
  storage::unit_repository members;
  storage::draft_repository drafts;
  storage::request_repository requests;
  storage::citizen_repository citizens;
  storage::team_links teams;
  storage::outbox outbox;
  storage::post_choices choices;
  std::vector<domain::procedure> catalog;
  storage::privacy_repository privacy;
  retention_options retention;
  // The instant of this process's last purge: the first one searches every closed request
  // (the period may have been shortened since the last start), later ones the last day's.
  std::optional<domain::instant> last_purge;
  int last_without_group = 0;  // logged when it changes, not at every tick

  impl(storage::database& d, std::vector<domain::unit> u, std::size_t max_text_units,
       std::vector<domain::procedure> procedures, retention_options r)
      : db(d),
        units(std::move(u)),
        jobs(d),
        reports(d),
        members(d),
        drafts(d),
        requests(d),
        citizens(d),
        teams(d),
        // Reports can be long: split under the platform's limit.
        outbox(d, [max_text_units](std::string_view text) { return split_by_utf16(text, max_text_units); }),
        choices(d),
        catalog(std::move(procedures)),
        privacy(d),
        retention(r) {}

  // The daily retention purge: once per local day (of the first unit; UTC without units), in
  // one transaction with its job_runs row; then the WAL is emptied so that the erased bytes
  // leave the WAL file too. Only counts are logged.
  std::optional<storage::retention_counts> run_retention(domain::instant now) {
    const auto offset = units.empty() ? std::chrono::minutes{0} : units.front().utc_offset;
    const auto local = domain::to_local(now, offset);
    const auto today = domain::local_day(local);
    if (local < domain::local_time{today.time_since_epoch()} + retention.time) return std::nullopt;
    const auto key = domain::iso_date(today);
    if (jobs.ran(job_names::retention, "*", key)) return std::nullopt;
    storage::retention_counts counts;
    try {
      storage::write_transaction tx(db);
      const auto since = last_purge ? *last_purge - retention.policy.closed_requests : domain::instant{};
      counts = privacy.purge(retention.policy, anonymous_name(render), now, since);
      if (!jobs.record(job_names::retention, "*", key, now, 0)) return std::nullopt;
      tx.commit();
      last_purge = now;
    } catch (const SQLite::Exception& e) {
      if (storage::is_transient(e)) throw;
      log::log_error("job_failed", {{"job", job_names::retention}, {"kind", "sqlite"}, {"code", e.getErrorCode()}});
      return std::nullopt;
    }
    bool emptied = counts.total() == 0 || db.checkpoint_truncate();
    log::log_info("retention_ran", {{"period", key},
                                    {"messages_erased", counts.messages_erased},
                                    {"updates_removed", counts.updates_removed},
                                    {"drafts_removed", counts.drafts_removed},
                                    {"codes_removed", counts.invites_removed},
                                    {"citizens_anonymised", counts.citizens_anonymised},
                                    {"audit_removed", counts.audit_removed},
                                    {"wal_emptied", emptied}});
    return counts;
  }

  // One due occurrence of a job: when it was due (local), its period key, how to build it.
  struct due_job {
    domain::local_time at;
    std::string job;
    std::string key;
    std::function<std::vector<unit_post>()> build;
    /// Messages to members' private chats instead (they need no group).
    std::function<std::vector<private_post>()> build_private{};
  };

  std::vector<due_job> due_for(const domain::unit& u, domain::instant now) {
    std::vector<due_job> out;
    auto local = local_now(u, now);
    auto today = domain::local_day(local);
    auto at = [&](minutes m) { return domain::local_time{today.time_since_epoch()} + m; };
    const auto& t = u.posts;
    if ((u.cal.is_working_day(today) || is_visit_day(u, today)) && local >= at(t.brief_time))
      out.push_back({at(t.brief_time), job_names::brief, domain::iso_date(today),
                     [this, &u, now] { return build_brief(db, reports, members, outbox, render, u, now); }});
    // Every visit day whose cut-off falls today and has passed.
    for (auto vd = domain::next_visit_day(today - days{1}, u.schedule, u.cal); vd <= today + days{21};
         vd = domain::next_visit_day(vd, u.schedule, u.cal)) {
      auto c = domain::cutoff_for(vd, u.schedule);
      if (domain::local_day(c) == today && local >= c)
        out.push_back({c, job_names::cutoff, domain::iso_date(vd),
                       [this, &u, vd] { return build_cutoff(db, reports, render, u, vd); }});
    }
    if (u.cal.is_working_day(today) && local >= at(t.digest_time))
      out.push_back({at(t.digest_time), job_names::digest, domain::iso_date(today),
                     [this, &u, now] { return build_digest(reports, members, render, u, now); }});
    // A report is due from its moment (the report day of the week after the one reported; the
    // 1st of the month after) until that week or month ends, so one missed by a longer outage
    // is still posted once. Only its own day counts for a unit that never had this report
    // before: a new deployment does not start with a stale one.
    const auto report = [&](const char* job, domain::period_kind kind, domain::day due_day, minutes time) {
      const auto due_at = domain::local_time{due_day.time_since_epoch()} + time;
      if (local < due_at || (due_day != today && !jobs.ran_any(job, u.id))) return;
      auto p = domain::previous(domain::period_containing(today, kind));
      out.push_back({due_at, job, p.key, [this, &u, p, now] { return build_report(reports, render, u, p, now); }});
    };
    const auto week = domain::period_containing(today, domain::period_kind::week);
    report(job_names::weekly, domain::period_kind::week, week.first + (t.weekly_report_day - weekday{week.first}),
           t.weekly_report_time);
    report(job_names::monthly, domain::period_kind::month,
           domain::period_containing(today, domain::period_kind::month).first, t.monthly_report_time);
    // The reminders the day before: every day, for tomorrow's scheduled visits, so that a visit
    // set on a day outside the calendar's visit days (or moved by a holiday) is announced too;
    // a day with nothing scheduled sends nothing.
    if (local >= at(t.team_reminder_time)) {
      const auto visit_day = today + days{1};
      out.push_back({at(t.team_reminder_time), job_names::reminder, domain::iso_date(visit_day), {},
                     [this, &u, visit_day] {
                       return build_reminders(reports, requests, citizens, teams, members, render, u, catalog,
                                              visit_day);
                     }});
    }
    std::stable_sort(out.begin(), out.end(), [](const due_job& a, const due_job& b) { return a.at < b.at; });
    return out;
  }

  void run_one(const domain::unit& u, const due_job& j, domain::instant now, job_run_stats& stats) {
    if (jobs.ran(j.job, u.id, j.key)) return;
    try {
      storage::write_transaction tx(db);
      auto posts = j.build ? j.build() : std::vector<unit_post>{};
      auto privates = j.build_private ? j.build_private() : std::vector<private_post>{};
      const auto count = posts.size() + privates.size();
      if (!jobs.record(j.job, u.id, j.key, now, static_cast<int>(count))) return;  // someone else ran it
      // Each post goes where the unit's posts go (its group, its members, or both).
      std::vector<storage::member_record> people;
      std::map<std::string, storage::post_choice_map> chosen;
      if (!posts.empty() && domain::delivery_of(u) != domain::post_delivery::group) {
        people = members.members(u.id);
        chosen = choices.of_unit(u.id);
      }
      std::size_t messages = 0;
      for (const auto& p : posts)
        for (const auto& m : expand_post(u, p, people, chosen)) {
          outbox.enqueue(m.chat_id, m.text, now, storage::outbox_priority::broadcast);
          ++messages;
        }
      for (const auto& p : privates) {
        outbox.enqueue(p.chat, p.text, now, storage::outbox_priority::broadcast);
        ++messages;
      }
      tx.commit();
      ++stats.runs;
      stats.posts += static_cast<int>(count);
      log::log_info("job_ran",
                    {{"job", j.job}, {"unit", u.id}, {"period", j.key}, {"posts", count}, {"messages", messages}});
    } catch (const SQLite::Exception& e) {
      if (storage::is_transient(e)) throw;
      log::log_error("job_failed", {{"job", j.job}, {"unit", u.id}, {"kind", "sqlite"}, {"code", e.getErrorCode()}});
    } catch (const std::exception&) {
      log::log_error("job_failed", {{"job", j.job}, {"unit", u.id}, {"kind", "exception"}});
    }
  }
};

job_runner::job_runner(storage::database& db, std::vector<domain::unit> units, job_runner_options options,
                       retention_options retention)
    : impl_(std::make_unique<impl>(db, std::move(units), options.max_text_units, std::move(options.procedures),
                                   retention)) {}

job_runner::~job_runner() = default;

void job_runner::set_units(std::vector<domain::unit> units) { impl_->units = std::move(units); }

job_run_stats job_runner::run_due_jobs(domain::instant now) {
  job_run_stats stats;
  int without_group = 0;
  for (auto& u : impl_->units) {
    // The group is read at each run: a leader may have connected one (/ketnoi) since start.
    if (auto g = impl_->members.stored_group(u.id)) u.chat_id = *g;
    // A unit that posts to a group it does not have yet: its group jobs wait (unrecorded) until
    // it has one; the private ones (reminders) run.
    const bool no_group = u.chat_id.empty() && domain::delivery_of(u) == domain::post_delivery::group;
    if (no_group) ++without_group;
    for (const auto& j : impl_->due_for(u, now))
      if (!no_group || !j.build) impl_->run_one(u, j, now, stats);
  }
  stats.units_without_group = without_group;
  if (without_group != impl_->last_without_group) {
    log::log_warn("units_without_group", {{"count", without_group}});
    impl_->last_without_group = without_group;
  }
  // Unfinished forms past their expiry hold personal data that nobody will complete; reading a
  // draft never deletes, so this is where they go.
  storage::write_transaction tx(impl_->db);
  stats.drafts_removed = impl_->drafts.remove_expired(now);
  tx.commit();
  stats.purged = impl_->run_retention(now);
  return stats;
}

}  // namespace tannha::handlers
