// The web pages of issue 17: a session opened by a one-time link from /web, the unit's pages
// (rendered from templates/web/, every value HTML-escaped), and the public list of people served.
// Role rules are the chat's: each page asks the command table whether its command is allowed.
#include "handlers/web_site.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <span>

#include "domain/masking.hpp"
#include "domain/overdue.hpp"
#include "domain/period.hpp"
#include "domain/request_state.hpp"
#include "domain/role.hpp"
#include "handlers/catalog.hpp"
#include "handlers/command_parser.hpp"
#include "handlers/command_table.hpp"
#include "handlers/renderer.hpp"
#include "handlers/text.hpp"
#include "storage/audit_log.hpp"
#include "storage/citizen_repository.hpp"
#include "storage/report_repository.hpp"
#include "storage/request_repository.hpp"
#include "storage/unit_repository.hpp"
#include "storage/web_sessions.hpp"

namespace tannha::handlers {

std::span<const domain::embedded_file> embedded_web_templates();

namespace {

using nlohmann::json;

// Failed logins one address may make in a window before /web/login stops answering it (a
// token has 256 random bits: this is against noise and load, not guessing).
constexpr int web_max_failures = 10;
constexpr auto web_failure_window = std::chrono::minutes{15};
constexpr std::size_t web_max_tracked_addresses = 10000;
constexpr std::size_t web_list_limit = 300;
constexpr std::size_t web_public_page_size = 50;

// No script, no external origin, no inline style: everything comes from this server.
constexpr std::string_view web_csp =
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'";
constexpr std::string_view web_public_csp =
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'";

std::string web_two(int v) { return (v < 10 ? "0" : "") + std::to_string(v); }

std::string web_stamp(domain::instant t, std::chrono::minutes offset) {
  auto local = domain::to_local(t, offset);
  auto d = domain::local_day(local);
  auto mins = std::chrono::duration_cast<std::chrono::minutes>(local - std::chrono::local_seconds{d.time_since_epoch()});
  return domain::format_hhmm(mins) + " " + domain::format_date(d);
}

std::string web_query(const web_request& r, const std::string& name) {
  auto it = r.query.find(name);
  return it == r.query.end() ? std::string() : trim(it->second);
}

std::string web_percent(std::optional<double> p) {
  if (!p) return "—";
  return std::to_string(static_cast<int>(std::lround(*p))) + "%";
}

// A label that fits under its bars: at most 8 letters (the whole name is in each bar's title).
std::string web_short(const std::string& label) {
  std::size_t letters = 0, i = 0;
  for (; i < label.size(); ++i) {
    if ((static_cast<unsigned char>(label[i]) & 0xC0) != 0x80 && ++letters > 8) break;
  }
  return i < label.size() ? label.substr(0, i) + "…" : label;
}

// A bar chart as inline SVG data for chart.mustache: groups of one or two bars.
struct web_series {
  std::string name;
  std::vector<double> values;
};

json web_chart(std::string title, const std::vector<std::string>& labels, const std::vector<web_series>& series,
               bool percent) {
  constexpr int left = 34, top = 10, plot_h = 150, group_w = 48, bottom = 46;
  const int n = static_cast<int>(labels.size());
  const int width = left + std::max(1, n) * group_w + 8;
  const int height = top + plot_h + bottom;
  double max = percent ? 100.0 : 0.0;
  for (const auto& s : series)
    for (double v : s.values) max = std::max(max, v);
  if (max <= 0) max = 1;
  json bars = json::array(), texts = json::array(), grid = json::array(), legend = json::array();
  const int k = static_cast<int>(std::max<std::size_t>(1, series.size()));
  const int bar_w = (group_w - 12) / k;
  for (int g = 0; g < n; ++g) {
    for (int s = 0; s < k && s < static_cast<int>(series.size()); ++s) {
      double v = g < static_cast<int>(series[s].values.size()) ? series[s].values[g] : 0;
      int h = static_cast<int>(std::lround(v / max * plot_h));
      int x = left + g * group_w + 6 + s * bar_w;
      std::string shown = percent ? std::to_string(static_cast<int>(std::lround(v))) + "%" : std::to_string(static_cast<long long>(std::llround(v)));
      bars.push_back({{"x", x}, {"y", top + plot_h - h}, {"w", bar_w - 2}, {"h", h}, {"cls", "s" + std::to_string(s)},
                      {"tip", labels[g] + " — " + series[s].name + ": " + shown}});
    }
    texts.push_back({{"x", left + g * group_w + group_w / 2}, {"y", top + plot_h + 16}, {"text", web_short(labels[g])}});
  }
  for (int i = 0; i <= 2; ++i) {
    double v = max * i / 2.0;
    int y = top + plot_h - static_cast<int>(std::lround(plot_h * i / 2.0));
    std::string shown = percent ? std::to_string(static_cast<int>(std::lround(v))) + "%" : std::to_string(static_cast<long long>(std::llround(v)));
    grid.push_back({{"y", y}, {"ty", y + 4}, {"x2", width}, {"text", shown}});
  }
  for (std::size_t s = 0; s < series.size(); ++s) legend.push_back({{"name", series[s].name}, {"cls", "s" + std::to_string(s)}});
  return {{"title", std::move(title)}, {"width", width},   {"height", height}, {"bars", bars},
          {"labels", texts},           {"grid", grid},     {"legend", legend}, {"has_data", n > 0}};
}

struct web_filter_choice {
  std::string value;
  std::string label;
  bool selected = false;
};

json web_choices(const std::vector<web_filter_choice>& cs) {
  json out = json::array();
  for (const auto& c : cs) out.push_back({{"value", c.value}, {"label", c.label}, {"selected", c.selected}});
  return out;
}

std::optional<domain::period_kind> web_kind(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return domain::period_kind_from_folded(fold(s));
}

// The period a page asks for: `ky` (a key such as 2026-11) or the period of kind `loai`
// containing today; `fallback` when neither is given or understood.
domain::period web_period(const web_request& r, domain::day today, domain::period_kind fallback) {
  if (auto p = domain::parse_period_key(web_query(r, "ky"))) return *p;
  return domain::period_containing(today, web_kind(web_query(r, "loai")).value_or(fallback));
}

json web_period_picker(const domain::period& p, const std::string& unit_id, const std::string& path) {
  auto prev = domain::previous(p), nxt = domain::next(p);
  std::vector<web_filter_choice> kinds = {{"tuan", "Tuần", p.kind == domain::period_kind::week},
                                          {"thang", "Tháng", p.kind == domain::period_kind::month},
                                          {"quy", "Quý", p.kind == domain::period_kind::quarter},
                                          {"nam", "Năm", p.kind == domain::period_kind::year}};
  return {{"label", p.label},
          {"key", p.key},
          {"kinds", web_choices(kinds)},
          {"path", path},
          {"unit_id", unit_id},
          {"prev_key", prev.key},
          {"prev_label", prev.label},
          {"next_key", nxt.key},
          {"next_label", nxt.label}};
}

}  // namespace

std::string web_response::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (k == name) return v;
  return {};
}

struct web_site::impl {
  storage::database& db;
  const std::vector<domain::unit>* units_in_use;  // the caller's, or `own` after set_units()
  std::vector<domain::unit> own;
  catalog procedures;
  web_options options;
  renderer pages{embedded_web_templates(), true};
  storage::unit_repository units_repo{db};
  storage::citizen_repository citizens{db};
  storage::request_repository requests{db};
  storage::report_repository reports{db};
  storage::audit_log audit{db};
  storage::web_session_repository sessions{db};
  std::map<std::string, std::deque<domain::instant>, std::less<>> failures;

  impl(storage::database& d, const std::vector<domain::unit>& u, std::vector<domain::procedure> cat, web_options o)
      : db(d), units_in_use(&u), procedures(std::move(cat)), options(std::move(o)) {}

  const std::vector<domain::unit>& units() const { return *units_in_use; }

  const domain::unit* unit_by_id(std::string_view id) const {
    for (const auto& u : units())
      if (u.id == id) return &u;
    return nullptr;
  }

  std::vector<std::pair<std::string, std::string>> secure_headers(bool framable) const {
    std::vector<std::pair<std::string, std::string>> h = {
        {"Content-Security-Policy", std::string(framable ? web_public_csp : web_csp)},
        {"X-Content-Type-Options", "nosniff"},
        {"Referrer-Policy", "no-referrer"},
        {"Cache-Control", framable ? "public, max-age=300" : "no-store"},
    };
    if (!framable) h.emplace_back("X-Frame-Options", "DENY");
    return h;
  }

  // A whole page: the body template inside layout.mustache.
  web_response page(int status, std::string_view body_template, json data, const web_viewer* v, std::string title,
                    std::string_view current = "", bool framable = false) const {
    web_response res;
    res.status = status;
    res.headers = secure_headers(framable);
    json layout = {{"title", title}, {"content", pages.render(body_template, data)}};
    if (v) {
      json units_json = json::array();
      for (const auto& m : v->memberships) {
        const auto* u = unit_by_id(m.unit_id);
        if (u) units_json.push_back({{"id", u->id}, {"name", u->name}, {"selected", u == v->unit}});
      }
      json links = json::array();
      auto add = [&](std::string_view path, std::string_view label, std::string_view key, action a) {
        domain::actor_context who{v->member.role};
        if (!may(a, who)) return;
        links.push_back({{"href", std::string(path) + "?dv=" + v->unit->id}, {"label", label}, {"current", key == current}});
      };
      add("/web/", "Tổng quan", "tongquan", action::lich);
      add("/web/lich", "Lịch đến nhà", "lich", action::lich);
      add("/web/hoso", "Hồ sơ", "hoso", action::tim);
      add("/web/baocao", "Báo cáo", "baocao", action::baocao);
      add("/web/thanhvien", "Thành viên", "thanhvien", action::vaitro);
      layout["nav"] = {{"unit", v->unit->name},
                       {"unit_id", v->unit->id},
                       {"role", domain::label(v->member.role)},
                       {"links", links},
                       {"units", units_json},
                       {"several", units_json.size() > 1},
                       {"path", current == "tongquan" ? "/web/" : "/web/" + std::string(current)}};
    }
    res.body = pages.render("layout", layout);
    return res;
  }

  web_response message(int status, std::string_view tmpl, json data, const web_viewer* v, std::string title) const {
    return page(status, tmpl, std::move(data), v, std::move(title));
  }

  bool limited(const std::string& address, domain::instant now) {
    auto it = failures.find(address);
    if (it == failures.end()) return false;
    auto& q = it->second;
    while (!q.empty() && q.front() <= now - web_failure_window) q.pop_front();
    if (q.empty()) {
      failures.erase(it);
      return false;
    }
    return static_cast<int>(q.size()) >= web_max_failures;
  }

  void note_failure(const std::string& address, domain::instant now) {
    if (failures.size() >= web_max_tracked_addresses && !failures.contains(address)) failures.clear();
    failures[address].push_back(now);
  }

  // Overdue items of a unit today (the chat's /quahan rules).
  std::vector<domain::overdue_item> overdue_of(const domain::unit& u, domain::day today,
                                               const std::vector<storage::open_request>& open) const {
    std::vector<domain::overdue_facts> facts;
    facts.reserve(open.size());
    for (const auto& o : open) facts.push_back(o.facts);
    return domain::overdue_list(facts, today, u.overdue, u.cal);
  }

  // One audit entry in a transaction of its own (pages only read; this is their one write).
  void audit_now(const std::string& unit_id, const std::string& actor, const std::string& what,
                 std::optional<std::int64_t> request_id, const std::string& detail, domain::instant now) {
    storage::write_transaction tx(db);
    audit.record(unit_id, actor, what, request_id, detail, now);
    tx.commit();
  }

  std::string name_of(const std::string& unit_id, const std::string& user_id) {
    if (user_id.empty()) return "";
    if (auto m = units_repo.member(unit_id, user_id); m && !m->display_name.empty()) return m->display_name;
    if (user_id == "system" || user_id == "bot") return "Hệ thống";
    return "Thành viên";
  }
};

web_site::web_site(storage::database& db, const std::vector<domain::unit>& units, std::vector<domain::procedure> catalog,
                   web_options options)
    : impl_(std::make_unique<impl>(db, units, std::move(catalog), std::move(options))) {}

web_site::~web_site() = default;

void web_site::set_units(std::vector<domain::unit> units) {
  impl_->own = std::move(units);
  impl_->units_in_use = &impl_->own;
}

std::optional<web_viewer> web_site::viewer(const web_request& r, domain::instant now) {
  if (r.session.empty() || !impl_->options.hash) return std::nullopt;
  auto s = impl_->sessions.session(impl_->options.hash(r.session), now);
  if (!s) return std::nullopt;
  web_viewer v;
  v.user_id = s->user_id;
  v.memberships = impl_->units_repo.memberships(s->user_id);
  // Only units this process serves, and only while the person is still a member.
  std::erase_if(v.memberships, [&](const storage::member_record& m) { return !impl_->unit_by_id(m.unit_id); });
  if (v.memberships.empty()) return std::nullopt;
  auto pick = [&](const std::string& id) -> const storage::member_record* {
    for (const auto& m : v.memberships)
      if (m.unit_id == id) return &m;
    return nullptr;
  };
  const storage::member_record* m = pick(web_query(r, "dv"));
  if (!m) m = pick(s->unit_id);
  if (!m) m = &v.memberships.front();
  v.member = *m;
  v.unit = impl_->unit_by_id(m->unit_id);
  return v;
}

web_response web_site::not_logged_in() const {
  return impl_->message(403, "dang_nhap", json::object(), nullptr, "Đăng nhập");
}

web_response web_site::forbidden(const web_viewer& v, std::string_view what) const {
  return impl_->message(403, "khong_du_quyen", {{"what", what}, {"role", domain::label(v.member.role)}}, &v,
                        "Không đủ quyền");
}

web_response web_site::stylesheet() const {
  web_response res;
  res.content_type = "text/css; charset=utf-8";
  res.headers = {{"X-Content-Type-Options", "nosniff"}, {"Cache-Control", "public, max-age=3600"}};
  res.body = impl_->pages.render("style.css");
  return res;
}

web_response web_site::login(const web_request& r, domain::instant now) {
  auto& m = *impl_;
  if (m.limited(r.address, now)) return m.message(429, "dang_nhap_qua_nhieu", json::object(), nullptr, "Thử lại sau");
  const std::string token = web_query(r, "t");
  storage::web_session_record who;
  auto status = storage::web_login_status::unknown;
  const domain::unit* unit = nullptr;
  std::string session_id;
  if (!token.empty() && token.size() <= 256 && m.options.hash && m.options.new_token) {
    storage::write_transaction tx(m.db);
    status = m.sessions.use_login(m.options.hash(token), now, &who);
    unit = status == storage::web_login_status::valid ? m.unit_by_id(who.unit_id) : nullptr;
    if (unit) {
      session_id = m.options.new_token();
      who.expires_at = now + std::chrono::hours{m.options.session_hours};
      m.sessions.add_session(m.options.hash(session_id), who, now);
      m.audit.record(unit->id, who.user_id, "web_login", std::nullopt, "", now);
    }
    tx.commit();
  }
  if (session_id.empty()) {
    m.note_failure(r.address, now);
    const bool used = status == storage::web_login_status::used;
    const bool expired = status == storage::web_login_status::expired;
    return m.message(used || expired ? 410 : 403, "lien_ket_hong", {{"used", used}, {"expired", expired}}, nullptr,
                     "Liên kết không dùng được");
  }
  web_response res;
  res.status = 302;
  res.headers = m.secure_headers(false);
  res.headers.emplace_back("Location", "/web/");
  std::string cookie = std::string(cookie_name) + "=" + session_id + "; Path=/web; HttpOnly; SameSite=Strict; Max-Age=" +
                       std::to_string(m.options.session_hours * 3600);
  if (m.options.public_url.starts_with("https://")) cookie += "; Secure";
  res.headers.emplace_back("Set-Cookie", cookie);
  res.body = m.pages.render("chuyen_trang", {{"to", "/web/"}});
  return res;
}

web_response web_site::dashboard(const web_request& r, domain::instant now) {
  auto v = viewer(r, now);
  if (!v) return not_logged_in();
  auto& m = *impl_;
  const auto& u = *v->unit;
  const auto today = domain::local_day(domain::to_local(now, u.utc_offset));

  auto open = m.reports.open_requests(u.id, u.utc_offset);
  std::map<domain::request_state, int> by_state;
  for (const auto& o : open) ++by_state[o.facts.state];
  json states = json::array();
  for (const auto& [s, n] : by_state)
    states.push_back({{"label", domain::label(s)}, {"state", domain::to_string(s)}, {"count", n}});
  const auto overdue = m.overdue_of(u, today, open);

  const auto week = domain::period_containing(today, domain::period_kind::week);
  const auto visits = m.requests.visits_between(u.id, week.first, week.last);
  const auto month = domain::period_containing(today, domain::period_kind::month);
  const auto month_figures = m.reports.figures(u.id, month, u.utc_offset, now);

  // The charts: two passes over the requests of the last 12 weeks / 6 months, bucketed here by
  // local day (18 calls of figures() cost ten times more at a few hundred requests).
  std::vector<domain::period> weeks, months;
  auto p = week;
  for (int i = 0; i < 12; ++i, p = domain::previous(p)) weeks.push_back(p);
  std::reverse(weeks.begin(), weeks.end());
  p = month;
  for (int i = 0; i < 6; ++i, p = domain::previous(p)) months.push_back(p);
  std::reverse(months.begin(), months.end());
  auto start_of = [&](domain::day d) { return domain::to_instant(domain::local_time{d.time_since_epoch()}, u.utc_offset); };
  auto local_of = [&](domain::instant t) { return domain::local_day(domain::to_local(t, u.utc_offset)); };
  auto index_in = [](const std::vector<domain::period>& ps, domain::day d) -> int {
    for (std::size_t i = 0; i < ps.size(); ++i)
      if (ps[i].contains(d)) return static_cast<int>(i);
    return -1;
  };
  const auto end = start_of(week.last + std::chrono::days{1});
  web_series registered{"Đăng ký", std::vector<double>(weeks.size())}, returned{"Đã trả", std::vector<double>(weeks.size())};
  for (auto t : m.reports.registrations_between(u.id, start_of(weeks.front().first), end))
    if (int i = index_in(weeks, local_of(t)); i >= 0) registered.values[i] += 1;
  const auto first = std::min(weeks.front().first, months.front().first);
  std::vector<double> on_time_n(months.size()), with_due_n(months.size());
  for (const auto& r : m.reports.returns_between(u.id, start_of(first), end)) {
    const auto d = local_of(r.returned_at);
    if (int i = index_in(weeks, d); i >= 0) returned.values[i] += 1;
    if (int i = index_in(months, d); i >= 0 && r.due_day) {
      with_due_n[i] += 1;
      if (d <= *r.due_day) on_time_n[i] += 1;
    }
  }
  std::vector<std::string> week_labels, month_labels;
  for (const auto& w : weeks) week_labels.push_back(domain::format_day_month(w.first));
  web_series on_time{"Đúng hạn", {}};
  for (std::size_t i = 0; i < months.size(); ++i) {
    const std::chrono::year_month_day ymd{months[i].first};
    month_labels.push_back(web_two(static_cast<int>(static_cast<unsigned>(ymd.month()))) + "/" +
                           std::to_string(static_cast<int>(ymd.year()) % 100));
    on_time.values.push_back(with_due_n[i] > 0 ? 100.0 * on_time_n[i] / with_due_n[i] : 0);
  }

  json data = {{"unit", u.name},
               {"today", domain::format_weekday_date(today)},
               {"open_count", open.size()},
               {"states", states},
               {"overdue_count", overdue.size()},
               {"week_label", week.label},
               {"week_visits", visits.size()},
               {"month_label", month.label},
               {"on_time", web_percent(month_figures.on_time_percent())},
               {"returned_month", month_figures.returned},
               {"unit_id", u.id},
               {"chart_weeks", m.pages.render("chart", web_chart("Đăng ký và đã trả theo tuần (12 tuần)", week_labels,
                                                                 {registered, returned}, false))},
               {"chart_on_time", m.pages.render("chart", web_chart("Tỉ lệ trả đúng hạn theo tháng", month_labels,
                                                                   {on_time}, true))}};
  return m.page(200, "tong_quan", data, &*v, "Tổng quan — " + u.name, "tongquan");
}

web_response web_site::schedule(const web_request& r, domain::instant now) {
  auto v = viewer(r, now);
  if (!v) return not_logged_in();
  domain::actor_context who{v->member.role};
  if (!may(action::lich, who)) return forbidden(*v, "xem lịch");
  auto& m = *impl_;
  const auto& u = *v->unit;
  const auto today = domain::local_day(domain::to_local(now, u.utc_offset));
  auto week = domain::period_containing(today, domain::period_kind::week);
  domain::day from = week.first, to = week.last;
  std::string title = "Tuần này";
  const std::string which = fold_compact(web_query(r, "tuan"));
  if (auto d = domain::parse_iso_date(web_query(r, "ngay"))) {
    from = to = *d;
    title = domain::format_weekday_date(*d);
  } else if (which == "sau") {
    auto n = domain::next(week);
    from = n.first;
    to = n.last;
    title = "Tuần sau";
  }
  title += " (" + domain::format_date(from) + (from == to ? "" : "–" + domain::format_date(to)) + ")";
  auto visits = m.requests.visits_between(u.id, from, to);
  std::map<domain::day, json> days;
  for (const auto& rq : visits) {
    if (!rq.visit_day) continue;
    auto c = m.citizens.get(rq.citizen_id);
    const auto* proc = m.procedures.by_code(rq.procedure_code);
    auto& slot = days[*rq.visit_day];
    if (slot.is_null()) slot = json::array();
    slot.push_back({{"number", rq.number},
                    {"time", rq.visit_time},
                    {"citizen", c ? c->full_name : ""},
                    {"village", c ? c->village : ""},
                    {"address", c ? c->address : ""},
                    {"procedure", proc ? proc->name : rq.procedure_code},
                    {"team", rq.team},
                    {"state", domain::label(rq.state)}});
  }
  json out = json::array();
  for (auto& [d, entries] : days)
    out.push_back({{"day", domain::format_weekday_date(d)}, {"count", entries.size()}, {"entries", entries}});
  if (!visits.empty())
    m.audit_now(u.id, v->user_id, "view_schedule", std::nullopt,
                   "web " + domain::iso_date(from) + ".." + domain::iso_date(to), now);
  json data = {{"title", title},
               {"unit_id", u.id},
               {"days", out},
               {"count", visits.size()},
               {"empty", visits.empty()},
               {"this_week", which != "sau" && from != to},
               {"next_week", which == "sau"},
               {"date", from == to ? domain::iso_date(from) : ""}};
  return m.page(200, "lich", data, &*v, "Lịch đến nhà — " + u.name, "lich");
}

web_response web_site::records(const web_request& r, domain::instant now) {
  auto v = viewer(r, now);
  if (!v) return not_logged_in();
  domain::actor_context who{v->member.role};
  if (!may(action::tim, who)) return forbidden(*v, "xem danh sách hồ sơ");
  auto& m = *impl_;
  const auto& u = *v->unit;
  const auto today = domain::local_day(domain::to_local(now, u.utc_offset));
  const auto p = web_period(r, today, domain::period_kind::year);
  const std::string state = web_query(r, "trangthai");
  const std::string village = web_query(r, "thon");
  const std::string proc_code = web_query(r, "thutuc");
  const bool only_overdue = !web_query(r, "quahan").empty();
  const std::string search = web_query(r, "tim");
  const std::string folded = fold(search);
  const auto number = search.empty() ? std::nullopt : parse_request_number(search);

  std::set<std::int64_t> overdue_numbers;
  std::map<std::int64_t, std::string> overdue_kind;
  {
    auto open = m.reports.open_requests(u.id, u.utc_offset);
    for (const auto& item : m.overdue_of(u, today, open)) {
      overdue_numbers.insert(item.number);
      overdue_kind[item.number] = std::string(domain::label(item.kind));
    }
  }
  auto rows = m.reports.requests_in(u.id, p, u.utc_offset);
  json list = json::array();
  std::size_t matched = 0;
  for (auto it = rows.rbegin(); it != rows.rend(); ++it) {
    const auto& row = *it;
    if (!state.empty()) {
      if (state == "mo") {
        auto s = domain::request_state_from_string(row.state);
        if (!s || !domain::is_open(*s)) continue;
      } else if (row.state != state) {
        continue;
      }
    }
    if (!village.empty() && row.village != village) continue;
    if (!proc_code.empty() && row.procedure_code != proc_code) continue;
    if (only_overdue && !overdue_numbers.contains(row.number)) continue;
    if (!search.empty()) {
      bool hit = (number && *number == row.number) ||
                 (!folded.empty() && fold(row.citizen_name).find(folded) != std::string::npos) ||
                 (!row.dossier_code.empty() && fold(row.dossier_code).find(folded) != std::string::npos);
      if (!hit) continue;
    }
    if (++matched > web_list_limit) continue;
    auto s = domain::request_state_from_string(row.state);
    list.push_back({{"number", row.number},
                    {"registered", domain::parse_iso_date(row.registered_day)
                                       ? domain::format_date(*domain::parse_iso_date(row.registered_day))
                                       : row.registered_day},
                    {"citizen", row.citizen_name},
                    {"village", row.village},
                    {"procedure", row.procedure_name},
                    {"state", s ? std::string(domain::label(*s)) : row.state},
                    {"overdue", overdue_kind.contains(row.number) ? overdue_kind[row.number] : ""}});
  }
  std::vector<web_filter_choice> states = {{"", "Tất cả", state.empty()}, {"mo", "Đang mở", state == "mo"}};
  for (auto s : {domain::request_state::registered, domain::request_state::verified, domain::request_state::scheduled,
                 domain::request_state::needs_papers, domain::request_state::processing,
                 domain::request_state::result_ready, domain::request_state::returned, domain::request_state::rejected,
                 domain::request_state::cancelled})
    states.push_back({std::string(domain::to_string(s)), std::string(domain::label(s)), state == domain::to_string(s)});
  std::vector<web_filter_choice> villages = {{"", "Tất cả", village.empty()}};
  for (const auto& name : u.villages) villages.push_back({name, name, name == village});
  std::vector<web_filter_choice> procs = {{"", "Tất cả", proc_code.empty()}};
  for (const auto& pr : m.procedures.procedures()) procs.push_back({pr.code, pr.name, pr.code == proc_code});
  json data = {{"unit_id", u.id},
               {"period", web_period_picker(p, u.id, "/web/hoso")},
               {"states", web_choices(states)},
               {"villages", web_choices(villages)},
               {"procedures", web_choices(procs)},
               {"overdue", only_overdue},
               {"search", search},
               {"rows", list},
               {"count", matched},
               {"truncated", matched > web_list_limit},
               {"limit", web_list_limit},
               {"empty", matched == 0}};
  return m.page(200, "hoso_danh_sach", data, &*v, "Hồ sơ — " + u.name, "hoso");
}

web_response web_site::record(const web_request& r, domain::instant now) {
  auto v = viewer(r, now);
  if (!v) return not_logged_in();
  auto& m = *impl_;
  const auto& u = *v->unit;
  std::string_view tail = r.path;
  constexpr std::string_view prefix = "/web/hoso/";
  if (tail.starts_with(prefix)) tail.remove_prefix(prefix.size());
  auto number = parse_request_number(tail);
  auto rq = number ? m.requests.by_number(u.id, *number) : std::nullopt;
  domain::actor_context who{v->member.role};
  if (rq) who.is_registrant = rq->registered_by == v->user_id;
  if (!may(action::hoso, who)) return forbidden(*v, "xem hồ sơ này");
  if (!rq)
    return m.message(404, "khong_thay", {{"number", number ? std::to_string(*number) : std::string(tail)}, {"unit_id", u.id}},
                     &*v, "Không thấy hồ sơ");
  auto c = m.citizens.get(rq->citizen_id);
  const auto* proc = m.procedures.by_code(rq->procedure_code);
  std::string categories = c ? c->categories : "";
  std::replace(categories.begin(), categories.end(), ';', ',');
  json events = json::array();
  for (const auto& e : m.requests.events(rq->id))
    events.push_back({{"at", web_stamp(e.at, u.utc_offset)},
                      {"to", domain::label(e.to)},
                      {"note", e.note},
                      {"actor", m.name_of(u.id, e.actor)}});
  json data = {{"unit_id", u.id},
               {"number", rq->number},
               {"state", domain::label(rq->state)},
               {"procedure", proc ? proc->name : rq->procedure_code},
               {"procedure_code", rq->procedure_code},
               {"field", proc ? proc->field : ""},
               {"citizen", c ? c->full_name : ""},
               {"birth_year", c && c->birth_year ? std::to_string(*c->birth_year) : ""},
               {"village", c ? c->village : ""},
               {"address", c ? c->address : ""},
               {"phone", c && !c->phone.empty() ? c->phone : "(không có)"},
               {"categories", categories},
               {"notes", c ? c->notes : ""},
               {"registered_at", web_stamp(rq->registered_at, u.utc_offset)},
               {"visit_day", rq->visit_day ? domain::format_weekday_date(*rq->visit_day) : ""},
               {"visit_time", rq->visit_time},
               {"team", rq->team},
               {"dossier_code", rq->dossier_code},
               {"due_day", rq->due_day ? domain::format_weekday_date(*rq->due_day) : ""},
               {"return_way", rq->return_way},
               {"rating", rq->rating ? std::to_string(*rq->rating) : ""},
               {"events", events}};
  m.audit_now(u.id, v->user_id, "view_record", rq->id, "web", now);
  return m.page(200, "hoso", data, &*v, "Hồ sơ #" + std::to_string(rq->number) + " — " + u.name, "hoso");
}

web_response web_site::report(const web_request& r, domain::instant now) {
  auto v = viewer(r, now);
  if (!v) return not_logged_in();
  domain::actor_context who{v->member.role};
  if (!may(action::baocao, who)) return forbidden(*v, "xem báo cáo");
  auto& m = *impl_;
  const auto& u = *v->unit;
  const auto today = domain::local_day(domain::to_local(now, u.utc_offset));
  const auto p = web_period(r, today, domain::period_kind::month);
  const auto f = m.reports.figures(u.id, p, u.utc_offset, now);
  auto groups_chart = [&](std::string title, const std::vector<storage::report_group>& gs) {
    std::vector<std::string> labels;
    web_series reg{"Đăng ký", {}}, ret{"Đã trả", {}};
    for (const auto& g : gs) {
      if (labels.size() >= 12) break;
      labels.push_back(g.name);
      reg.values.push_back(static_cast<double>(g.registered));
      ret.values.push_back(static_cast<double>(g.returned));
    }
    return m.pages.render("chart", web_chart(std::move(title), labels, {reg, ret}, false));
  };
  auto groups_table = [](const std::vector<storage::report_group>& gs) {
    json out = json::array();
    for (const auto& g : gs) out.push_back({{"name", g.name}, {"registered", g.registered}, {"returned", g.returned}});
    return out;
  };
  auto days = [](std::optional<double> d) {
    if (!d) return std::string("—");
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", *d);
    std::string s = buf;
    std::replace(s.begin(), s.end(), '.', ',');
    return s;
  };
  json data = {{"unit_id", u.id},
               {"period", web_period_picker(p, u.id, "/web/baocao")},
               {"registered", f.registered},
               {"verified", f.verified},
               {"scheduled", f.scheduled},
               {"received", f.received},
               {"result_ready", f.result_ready},
               {"returned", f.returned},
               {"cancelled", f.cancelled},
               {"refused", f.refused},
               {"postponed", f.postponed},
               {"needs_papers", f.needs_papers},
               {"on_time", web_percent(f.on_time_percent())},
               {"avg_visit", days(f.avg_days_to_visit)},
               {"avg_return", days(f.avg_days_to_return)},
               {"avg_rating", days(f.avg_rating)},
               {"open_at_end", f.open_at_end},
               {"overdue_at_end", f.overdue_at_end},
               {"by_village", groups_table(f.by_village)},
               {"by_field", groups_table(f.by_field)},
               {"by_category", groups_table(f.by_category)},
               {"chart_village", groups_chart("Theo thôn", f.by_village)},
               {"chart_field", groups_chart("Theo lĩnh vực", f.by_field)},
               {"chart_category", groups_chart("Theo đối tượng", f.by_category)},
               {"key", p.key}};
  return m.page(200, "baocao", data, &*v, "Báo cáo — " + u.name, "baocao");
}

web_response web_site::members(const web_request& r, domain::instant now) {
  auto v = viewer(r, now);
  if (!v) return not_logged_in();
  if (v->member.role != domain::role::lanhdao) return forbidden(*v, "xem danh sách thành viên trên trang web");
  auto& m = *impl_;
  const auto& u = *v->unit;
  json list = json::array();
  for (const auto& mem : m.units_repo.members(u.id))
    list.push_back({{"name", mem.display_name.empty() ? "(chưa rõ tên)" : mem.display_name},
                    {"role", domain::label(mem.role)},
                    {"village", mem.village},
                    {"source", mem.source == "config" ? "Cấu hình" : "Mã mời"}});
  json data = {{"unit", u.name}, {"members", list}, {"count", list.size()}};
  return m.page(200, "thanhvien", data, &*v, "Thành viên — " + u.name, "thanhvien");
}

web_response web_site::public_list(const web_request& r, domain::instant now) {
  auto& m = *impl_;
  std::string_view id = r.path;
  constexpr std::string_view prefix = "/cong-khai/";
  if (id.starts_with(prefix)) id.remove_prefix(prefix.size());
  while (id.ends_with('/')) id.remove_suffix(1);
  const domain::unit* u = m.unit_by_id(id);
  if (!u || !m.options.public_list || !u->public_list)
    return m.page(404, "cong_khai_khong_co", json::object(), nullptr, "Không có danh sách", "", true);
  const auto today = domain::local_day(domain::to_local(now, u->utc_offset));
  const auto p = web_period(r, today, domain::period_kind::month);
  const auto rows = m.reports.returned_in(u->id, p, u->utc_offset);
  if (fold_compact(web_query(r, "dang")) == "csv") {
    web_response res;
    res.headers = m.secure_headers(true);
    res.content_type = "text/csv; charset=utf-8";
    res.headers.emplace_back("Content-Disposition",
                             "attachment; filename=\"cong-khai-" + u->id + "-" + p.key + ".csv\"");
    auto cell = [](const std::string& s) {
      std::string out = "\"";
      // A leading =, +, - or @ would be read as a formula by a spreadsheet.
      if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@')) out += '\'';
      for (char ch : s) {
        if (ch == '"') out += '"';
        out += ch;
      }
      return out + "\"";
    };
    res.body = "\xEF\xBB\xBF" + cell("Họ tên") + "," + cell("Thôn") + "," + cell("Thủ tục") + "," + cell("Ngày trả") + "\r\n";
    for (const auto& row : rows)
      res.body += cell(row.citizen_name) + "," + cell(row.village) + "," + cell(row.procedure_name) + "," +
                  cell(domain::format_date(domain::local_day(domain::to_local(row.returned_at, u->utc_offset)))) + "\r\n";
    return res;
  }
  std::size_t page_no = 1;
  if (auto t = parse_request_number(web_query(r, "trang")); t && *t > 0) page_no = static_cast<std::size_t>(*t);
  const std::size_t pages_total = std::max<std::size_t>(1, (rows.size() + web_public_page_size - 1) / web_public_page_size);
  page_no = std::min(page_no, pages_total);
  json list = json::array();
  for (std::size_t i = (page_no - 1) * web_public_page_size; i < rows.size() && i < page_no * web_public_page_size; ++i)
    list.push_back({{"index", i + 1},
                    {"citizen", rows[i].citizen_name},
                    {"village", rows[i].village},
                    {"procedure", rows[i].procedure_name},
                    {"returned", domain::format_date(domain::local_day(domain::to_local(rows[i].returned_at, u->utc_offset)))}});
  json data = {{"unit", u->name},
               {"period", web_period_picker(p, u->id, "/cong-khai/" + u->id)},
               {"rows", list},
               {"count", rows.size()},
               {"empty", rows.empty()},
               {"page", page_no},
               {"pages", pages_total},
               {"several_pages", pages_total > 1},
               {"prev_page", page_no > 1 ? json(page_no - 1) : json(nullptr)},
               {"next_page", page_no < pages_total ? json(page_no + 1) : json(nullptr)},
               {"base", "/cong-khai/" + u->id},
               {"key", p.key}};
  return m.page(200, "cong_khai", data, nullptr, "Người dân đã được phục vụ — " + u->name, "", true);
}

}  // namespace tannha::handlers
