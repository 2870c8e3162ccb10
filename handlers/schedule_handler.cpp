// /lich: the home-visit schedule of a week or a day, grouped by day, with the requests proposed
// for those days and not yet scheduled. Addresses only in private chat (the team needs them);
// the group never sees an address, a phone or a category (docs/DESIGN.md §6).
#include <algorithm>
#include <map>

#include "handlers/commands.hpp"
#include "handlers/free_text.hpp"
#include "handlers/text.hpp"

namespace tannha::handlers {

namespace {

using nlohmann::json;
using std::chrono::days;

// JSON null for an empty string, so that a template section on it is plainly skipped.
json opt(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

// How far ahead "the next day with something" is looked for.
constexpr days lookahead{366};

struct period {
  domain::day from;
  domain::day to;
  std::string title;  ///< "tuần này (23/11–29/11)", "Thứ Bảy 28/11"
  bool single_day = false;
};

domain::day monday_of(domain::day d) { return d - (std::chrono::weekday{d} - std::chrono::Monday); }

period week(domain::day monday, std::string_view name) {
  return {monday, monday + days{6},
          std::string(name) + " (" + domain::format_day_month(monday) + "–" + domain::format_day_month(monday + days{6}) + ")",
          false};
}

period one_day(domain::day d, domain::day today) {
  std::string t = domain::format_weekday_date(d);
  if (std::chrono::year_month_day{d}.year() != std::chrono::year_month_day{today}.year())
    t = domain::weekday_name(std::chrono::weekday{d}) + " " + domain::format_date(d);
  return {d, d, t, true};
}

// "", "tuần này", "tuần sau"/"tuần tới", "tuần trước", "hôm nay", "ngày mai", "dd/mm[/yyyy]".
std::optional<period> parse_period(const std::string& args, domain::day today) {
  auto c = fold_compact(args);
  if (c.empty() || c == "tuannay" || c == "tuan" || c == "nay") return week(monday_of(today), "tuần này");
  if (c == "tuansau" || c == "tuantoi") return week(monday_of(today) + days{7}, "tuần sau");
  if (c == "tuantruoc") return week(monday_of(today) - days{7}, "tuần trước");
  if (c == "homnay") return one_day(today, today);
  if (c == "ngaymai" || c == "mai") return one_day(today + days{1}, today);
  auto t = trim(args);
  if (fold(t).starts_with("ngay ")) t = trim(std::string_view(t).substr(t.find(' ') + 1));
  if (auto d = domain::parse_user_date(t, today)) return one_day(*d, today);
  return std::nullopt;
}

// Requests proposed for [from, to] and not yet scheduled (registered or verified), by day and
// number. The open backlog is small, so the two state lists are filtered here.
std::vector<storage::request_record> proposed_between(context& ctx, domain::day from, domain::day to) {
  std::vector<storage::request_record> out;
  for (auto s : {domain::request_state::registered, domain::request_state::verified})
    for (auto& r : ctx.svc.requests.in_state(ctx.unit->id, s))
      if (r.proposed_day && *r.proposed_day >= from && *r.proposed_day <= to) out.push_back(std::move(r));
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return std::tie(*a.proposed_day, a.number) < std::tie(*b.proposed_day, b.number);
  });
  return out;
}

json entry(context& ctx, const storage::request_record& r, bool with_address) {
  auto citizen = ctx.svc.citizens.get(r.citizen_id);
  const auto* proc = ctx.svc.procedures.by_code(r.procedure_code);
  json e = {{"number", r.number},
            {"procedure", proc ? proc->name : r.procedure_code},
            {"citizen", citizen ? citizen->full_name : std::string()},
            {"village", opt(citizen ? citizen->village : std::string())},
            {"time", r.visit_time.empty() ? std::string("chưa hẹn giờ") : r.visit_time},
            {"team", opt(chat_masked(ctx, r.team))},
            {"state", std::string(domain::label(r.state))},
            {"not_scheduled", r.state != domain::request_state::scheduled},
            {"address", opt(with_address && citizen ? citizen->address : std::string())}};
  return e;
}

// Entries grouped by day, in day order: [{heading, count, items}].
json by_day(context& ctx, const std::vector<storage::request_record>& rs, bool proposed, bool with_address) {
  std::map<domain::day, json> days_map;
  for (const auto& r : rs) {
    auto d = proposed ? *r.proposed_day : *r.visit_day;
    auto& slot = days_map[d];
    if (slot.is_null()) slot = json::array();
    slot.push_back(entry(ctx, r, with_address));
  }
  json out = json::array();
  for (auto& [d, items] : days_map)
    out.push_back({{"heading", domain::format_weekday_date(d)}, {"count", items.size()}, {"items", items}});
  return out;
}

// The first day after the period (and not before today) with a visit or a proposal, if any.
std::optional<domain::day> next_busy_day(context& ctx, const period& p) {
  const auto start = std::max(p.to + days{1}, ctx.today());
  std::optional<domain::day> best;
  auto visits = ctx.svc.requests.visits_between(ctx.unit->id, start, start + lookahead);
  if (!visits.empty()) best = *visits.front().visit_day;
  for (const auto& r : proposed_between(ctx, start, start + lookahead)) {
    if (!best || *r.proposed_day < *best) best = *r.proposed_day;
    break;  // sorted by day: the first is the earliest
  }
  return best;
}

}  // namespace

void handle_schedule_view(context& ctx, const std::string& args) {
  auto& svc = ctx.svc;
  const auto today = ctx.today();
  auto p = parse_period(args, today);
  if (!p) {
    ctx.reply(svc.render.render("lich_khong_hieu", {{"typed", echo(ctx, trim(args))}, {"example_day", domain::format_day_month(today)}}));
    return;
  }

  const bool with_address = !ctx.in_group();
  auto visits = svc.requests.visits_between(ctx.unit->id, p->from, p->to);
  auto proposed = proposed_between(ctx, p->from, p->to);
  if (visits.empty() && proposed.empty()) {
    auto next = next_busy_day(ctx, *p);
    ctx.reply(svc.render.render("lich_trong", {{"title", p->title},
                                               {"single_day", p->single_day},
                                               {"unit", ctx.unit->name},
                                               {"next", opt(next ? domain::format_weekday_date(*next) : std::string())},
                                               {"next_arg", next ? domain::format_day_month(*next) : std::string()}}));
    return;
  }
  if (with_address && !visits.empty())
    svc.audit.record(ctx.unit->id, ctx.msg.user_id, "view_schedule", std::nullopt,
                     domain::iso_date(p->from) + ".." + domain::iso_date(p->to), ctx.now);
  ctx.reply(svc.render.render("lich", {{"title", p->title},
                                       {"single_day", p->single_day},
                                       {"unit", ctx.unit->name},
                                       {"visit_count", visits.size()},
                                       {"days", by_day(ctx, visits, false, with_address)},
                                       {"has_visits", !visits.empty()},
                                       {"proposed", by_day(ctx, proposed, true, false)},
                                       {"has_proposed", !proposed.empty()},
                                       {"in_group", ctx.in_group()}}));
}

}  // namespace tannha::handlers
