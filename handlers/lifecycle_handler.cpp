// The request lifecycle of docs/DESIGN.md §2: verify, reject, schedule, assign, receive, supplement,
// result, return, rate, postpone, cancel. Every command checks, in this order, the role matrix
// against the request, the state machine, then its own arguments; a mistake is answered and
// changes nothing. Each change is one update + one history event.
#include <algorithm>
#include <array>
#include <cctype>

#include "domain/request_state.hpp"
#include "domain/visit_slot.hpp"
#include "handlers/command_parser.hpp"
#include "handlers/commands.hpp"
#include "handlers/free_text.hpp"
#include "handlers/text.hpp"
#include "handlers/when_parser.hpp"
#include "storage/team_links.hpp"

namespace tannha::handlers {

namespace {

using domain::request_state;
using domain::transition;
using nlohmann::json;

// ---------------------------------------------------------------------------------------------
// Small text helpers

// Whole-word containment on folded text ("le thi hoa" contains "hoa", not "oa").
bool contains_words(std::string_view hay, std::string_view needle) {
  if (needle.empty()) return false;
  std::string h = " " + std::string(hay) + " ";
  std::string n = " " + std::string(needle) + " ";
  return h.find(n) != std::string::npos;
}

// Leading separators people put after a number or a label ("#12: lý do", "#12 - lý do").
std::string strip_leading_separators(std::string s) {
  s = trim(s);
  while (!s.empty() && (s.front() == ':' || s.front() == ',' || s.front() == ';' || s.front() == '-' ||
                        s.front() == '.')) {
    s = trim(std::string_view(s).substr(1));
  }
  if (s.starts_with("\u2014") || s.starts_with("\u2013")) s = trim(std::string_view(s).substr(3));  // — –
  return s;
}

// The arguments after the request number token ("#12 lý do" -> "lý do"; "số 12 …" too).
std::string after_number(std::string_view args) {
  std::string t = trim(args);
  std::size_t i = 0;
  auto first_mark = t.find_first_of("#0123456789");
  if (first_mark != std::string::npos && first_mark > 0 && fold(t.substr(0, first_mark)) == "so") i = first_mark;
  while (i < t.size() && (t[i] == '#' || t[i] == ' ' || t[i] == '\t')) ++i;
  while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) ++i;
  return strip_leading_separators(t.substr(i));
}

// A team list: names separated by '@', ',' or ';' (Zalo mentions arrive as "@Lê Thị Hoa"),
// in the user's spelling (NFC), joined as "Hoa, Nam".
std::string parse_team(std::string_view text) {
  std::string s = to_nfc(text);
  for (auto& c : s) {
    if (c == '@' || c == ';' || c == '\n' || c == '\r') c = ',';
  }
  std::vector<std::string> names;
  for (auto& part : split(s, ',')) {
    auto name = trim(part);
    // "@Hoa và @Nam": the "và" belongs to the sentence, not the name.
    auto f = fold(name);
    if (f.ends_with(" va")) {
      auto sp = name.find_last_of(' ');
      name = trim(std::string_view(name).substr(0, sp));
      f = fold(name);
    }
    if (f.empty() || f == "va") continue;
    bool dup = std::any_of(names.begin(), names.end(), [&](const std::string& n) { return fold(n) == f; });
    if (!dup) names.push_back(name);
  }
  return join(names, ", ");
}

std::vector<std::string> team_entries(std::string_view team) {
  std::vector<std::string> out;
  for (auto& e : split(team, ',')) {
    auto t = trim(e);
    if (!t.empty()) out.push_back(t);
  }
  return out;
}

std::string long_date(domain::day d) { return domain::weekday_name(std::chrono::weekday{d}) + " " + domain::format_date(d); }

// ---------------------------------------------------------------------------------------------
// The request a command acts on

struct target {
  storage::request_record r;
  storage::citizen_record citizen;
  std::string procedure;  ///< display name (code when not in the catalog)
  int processing_days = 0;
  std::string rest;       ///< the arguments after the number, NFC, trimmed
  /// The team's linked members (storage::team_links); nullopt for a team from before links.
  std::optional<std::vector<std::string>> team_members;
};

bool is_village_head_of(const context& ctx, const storage::citizen_record& c) {
  return ctx.role() == domain::role::truongthon && ctx.member && !ctx.member->village.empty() &&
         fold(ctx.member->village) == fold(c.village);
}

// A volunteer is on the team when the team links them (their user id, set by /xeplich or
// /phancong). A team written before members were linked names people only: then the entry must
// be their user id or their whole name as the unit knows it, never a word shared between two
// names (a volunteer "Văn" is not "Nguyễn Văn Hùng").
bool is_on_team(const context& ctx, const std::string& team, const std::optional<std::vector<std::string>>& linked) {
  if (ctx.role() != domain::role::tinhnguyen) return false;
  if (linked) return std::find(linked->begin(), linked->end(), ctx.msg.user_id) != linked->end();
  for (const auto& e : team_entries(team)) {
    if (e == ctx.msg.user_id) return true;
    if (ctx.member && !ctx.member->display_name.empty() && fold(e) == fold(ctx.member->display_name)) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// The visit team: each typed name resolved against the unit's members (issue 13, item 4)

// The last 4 characters of a user id: enough to tell two members of the same name apart.
std::string id_tail(const std::string& user_id) {
  return user_id.size() <= 4 ? user_id : user_id.substr(user_id.size() - 4);
}

// The members a typed name means, compared folded: the member whose user id it is; else those
// whose whole display name it is; else those whose name ends with it, word for word ("Hoa" and
// "Thị Hoa" mean "Lê Thị Hoa", "oa" does not). Members without a name match by id only.
std::vector<storage::member_record> members_named(const std::vector<storage::member_record>& members,
                                                 const std::string& typed) {
  const std::string f = fold(typed);
  std::vector<storage::member_record> whole;
  std::vector<storage::member_record> ending;
  if (f.empty()) return whole;
  for (const auto& m : members) {
    if (m.user_id == typed) return {m};
    if (m.display_name.empty()) continue;
    const std::string name = fold(m.display_name);
    if (name == f) whole.push_back(m);
    else if (name.ends_with(" " + f)) ending.push_back(m);
  }
  return whole.empty() ? ending : whole;
}

// members_named(), and "Hoa 9f8e": a name followed by the end of one member's id, as the reply
// to an ambiguous name suggests.
std::vector<storage::member_record> resolve_name(const std::vector<storage::member_record>& members,
                                                const std::string& typed) {
  auto found = members_named(members, typed);
  if (!found.empty()) return found;
  const auto sp = typed.find_last_of(' ');
  if (sp == std::string::npos) return found;
  const std::string tail = fold(typed.substr(sp + 1));
  if (tail.size() < 4) return found;
  for (auto& m : members_named(members, trim(std::string_view(typed).substr(0, sp))))
    if (fold(m.user_id).ends_with(tail)) found.push_back(std::move(m));
  return found;
}

// A team as typed, resolved: linked members by their unit name, others kept as typed.
struct team_choice {
  std::string names;                   ///< shown and stored: "Lê Thị Hoa, Công an xã"
  std::vector<std::string> user_ids;   ///< the linked members, in order
  std::vector<std::string> outsiders;  ///< people outside the bot: no reminders for them
  json ambiguous = json::array();      ///< [{typed, candidates: [{name, role, village, id_tail}]}]
  std::string example;                 ///< the first candidate as it may be typed to choose
};

team_choice resolve_team(context& ctx, const std::string& team) {
  team_choice c;
  const auto members = ctx.svc.units_repo.members(ctx.unit->id);
  std::vector<std::string> names;
  for (const auto& typed : team_entries(team)) {
    const auto found = resolve_name(members, typed);
    if (found.size() == 1) {
      const auto& m = found.front();
      if (std::find(c.user_ids.begin(), c.user_ids.end(), m.user_id) != c.user_ids.end()) continue;
      c.user_ids.push_back(m.user_id);
      names.push_back(m.display_name.empty() ? typed : m.display_name);
    } else if (found.empty()) {
      names.push_back(typed);
      c.outsiders.push_back(typed);
    } else {
      json candidates = json::array();
      for (const auto& m : found)
        candidates.push_back({{"name", m.display_name},
                              {"role", std::string(domain::label(m.role))},
                              {"village", m.village},
                              {"id_tail", id_tail(m.user_id)}});
      if (c.example.empty()) c.example = found.front().display_name + " " + id_tail(found.front().user_id);
      c.ambiguous.push_back({{"typed", echo(ctx, typed)}, {"candidates", std::move(candidates)}});
    }
  }
  c.names = join(names, ", ");
  return c;
}

// Answers a team with an ambiguous name (nothing is changed); false when there is none.
bool ask_which(context& ctx, const target& t, action a, const team_choice& c, const std::string& args_before) {
  if (c.ambiguous.empty()) return false;
  ctx.reply(ctx.svc.render.render("doan_nhieu_nguoi", {{"number", t.r.number},
                                                       {"command", command_name(a)},
                                                       {"args_before", trim(args_before)},
                                                       {"names", c.ambiguous},
                                                       {"example", c.example}}));
  return true;
}

// Finds the request named by the arguments and checks that the sender may act on it; answers
// and returns nullopt otherwise. Someone who could never do the action was refused by the
// dispatcher before the number is looked at, so strangers learn nothing about which exist.
std::optional<target> load(context& ctx, action a, const std::string& args) {
  auto& svc = ctx.svc;
  auto number = parse_request_number(args);
  if (!number) {
    ctx.reply(svc.render.render("thieu_so_ho_so", {{"command", command_name(a)}}));
    return std::nullopt;
  }
  auto r = svc.requests.by_number(ctx.unit->id, *number);
  if (!r) {
    ctx.reply(svc.render.render("khong_thay_ho_so", {{"number", *number}, {"unit", ctx.unit->name}}));
    return std::nullopt;
  }
  target t;
  t.r = std::move(*r);
  if (auto c = svc.citizens.get(t.r.citizen_id)) t.citizen = std::move(*c);
  const auto* proc = svc.procedures.by_code(t.r.procedure_code);
  t.procedure = proc ? proc->name : t.r.procedure_code;
  t.processing_days = proc ? proc->processing_days : 0;
  t.rest = after_number(args);
  t.team_members = storage::team_links(svc.db).get(t.r.id);
  domain::actor_context who{ctx.role(), t.r.registered_by == ctx.msg.user_id, is_village_head_of(ctx, t.citizen),
                            is_on_team(ctx, t.r.team, t.team_members)};
  if (!may(a, who)) {
    refuse(ctx, a);
    return std::nullopt;
  }
  return t;
}

// The state a transition leads to, or nullopt after answering with the state machine's reason.
std::optional<request_state> next_state(context& ctx, const target& t, transition tr) {
  auto res = domain::apply(t.r.state, tr);
  if (!res) {
    ctx.reply(ctx.svc.render.render("trangthai_khong_hop_le", {{"number", t.r.number}, {"message", res.error().message}}));
    return std::nullopt;
  }
  return *res;
}

json base_data(const target& t) {
  return {{"number", t.r.number},
          {"procedure", t.procedure},
          {"citizen", t.citizen.full_name},
          {"village", t.citizen.village}};
}

// Writes the request (every mutable field) and the event of the change.
void save(context& ctx, target& t, request_state to, std::string note) {
  storage::event_record ev{0, t.r.id, ctx.now, ctx.msg.user_id, t.r.state, to, std::move(note)};
  t.r.state = to;
  ctx.svc.requests.update(t.r, ev);
}

// A short line for the unit, without phone, address or category. Done in the group, the answer
// there was the group's news; the members who get posts privately still get this line.
void announce(context& ctx, const target& t, const std::string& what) {
  json d = base_data(t);
  d["what"] = domain::mask_numbers(what);  // a team may be typed as phone numbers
  d["actor"] = actor_name(ctx, ctx.msg.user_id);
  ctx.post(post_kind::hoso, ctx.svc.render.render("thongbao_nhom", d), ctx.in_group());
}

// Tells the village heads of the request privately: the registrant when a village head, and
// every village head of the citizen's village; never the sender, never twice.
void tell_village_heads(context& ctx, const target& t, json data) {
  auto& svc = ctx.svc;
  std::vector<std::string> to;
  auto add = [&](const std::string& id) {
    if (id.empty() || id == ctx.msg.user_id) return;
    if (std::find(to.begin(), to.end(), id) == to.end()) to.push_back(id);
  };
  if (auto m = svc.units_repo.member(ctx.unit->id, t.r.registered_by); m && m->role == domain::role::truongthon)
    add(m->user_id);
  const auto village = fold(t.citizen.village);
  for (const auto& m : svc.units_repo.members(ctx.unit->id)) {
    if (m.role == domain::role::truongthon && !m.village.empty() && fold(m.village) == village) add(m.user_id);
  }
  // A village head may have turned these off (/thongbao tat hoso).
  std::erase_if(to, [&](const std::string& id) {
    return !receives(domain::role::truongthon, post_kind::hoso, svc.choices.of(ctx.unit->id, id));
  });
  if (to.empty()) return;
  const json base = base_data(t);  // a named object: items() of a temporary would dangle
  for (const auto& [k, v] : base.items()) data[k] = v;
  data["actor"] = actor_name(ctx, ctx.msg.user_id);
  auto text = svc.render.render("thongbao_truongthon", data);
  for (const auto& id : to) ctx.tell_user(id, text);
}

// ---------------------------------------------------------------------------------------------
// /xeplich: date, time and team

// Open requests other than this one that hold day d.
int others_on(context& ctx, const target& t, domain::day d) {
  int n = ctx.svc.requests.booked_on(ctx.unit->id, d);
  bool self = domain::is_open(t.r.state) && (t.r.visit_day ? *t.r.visit_day == d : t.r.proposed_day == d);
  return self ? n - 1 : n;
}

// ---------------------------------------------------------------------------------------------
// Return ways (docs/DESIGN.md §2), matched by folded words.

struct return_way {
  std::string_view label;
  std::array<std::string_view, 3> keys;
};

// Checked in this order: the first way whose key appears wins ("người thân nhận tại Trung tâm"
// is not "tại nhà").
constexpr std::array<return_way, 5> return_ways{{
    {"Người thân nhận tại Trung tâm", {"nguoi than", "", ""}},
    {"Qua bưu chính công ích", {"buu dien", "buu chinh", ""}},
    {"Qua trưởng thôn", {"truong thon", "to truong", "qua thon"}},
    {"Trực tuyến (Cổng Dịch vụ công quốc gia)", {"truc tuyen", "online", "cong"}},
    {"Tại nhà (đoàn trả)", {"tai nha", "tan nha", "doan"}},
}};
constexpr std::string_view default_return_way = "Tại nhà (đoàn trả)";

json return_way_list() {
  // Listed in the order people think of them: at home first.
  json out = json::array();
  out.push_back(std::string(default_return_way));
  for (const auto& w : return_ways)
    if (w.label != default_return_way) out.push_back(std::string(w.label));
  return out;
}

std::optional<std::string> match_return_way(const std::string& typed) {
  auto f = fold(typed);
  if (f.empty()) return std::string(default_return_way);
  for (const auto& w : return_ways) {
    for (auto k : w.keys) {
      if (!k.empty() && contains_words(f, k)) return std::string(w.label);
    }
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// /danhgia score

struct score_spec {
  std::optional<int> score;
  std::string note;
};

score_spec parse_score(const std::string& rest) {
  score_spec s;
  auto tk = split_words(rest);
  if (tk.empty()) return s;
  std::string f = tk[0].folded;
  std::erase(f, ' ');
  for (std::string_view suffix : {"/5", "sao", "diem", "d", "*"}) {
    if (f.size() > suffix.size() && f.ends_with(suffix)) {
      f.resize(f.size() - suffix.size());
      break;
    }
  }
  if (f.size() != 1 || f[0] < '1' || f[0] > '5') return s;
  s.score = f[0] - '0';
  std::size_t end = tk[0].end;
  if (tk.size() > 1) {
    const auto& n = tk[1].folded;
    if (n == "sao" || n == "diem" || n == "/5" || n == "d") end = tk[1].end;
  }
  s.note = strip_leading_separators(rest.substr(end));
  return s;
}

// /tiepnhan: an optional national dossier code, after optional words "mã hồ sơ:".
struct code_spec {
  std::string code;
  bool ok = true;
};

bool valid_code(std::string_view c) {
  if (c.size() < 5 || c.size() > 40) return false;
  return std::all_of(c.begin(), c.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '-';
  });
}

code_spec parse_code(const std::string& rest) {
  code_spec s;
  auto tk = split_words(rest);
  std::size_t i = 0;
  while (i < tk.size()) {
    std::string f = tk[i].folded;
    std::erase(f, ':');
    if (f == "ma" || f == "ho" || f == "so" || f.empty()) ++i;
    else break;
  }
  if (i == tk.size()) return s;
  std::string code = tk[i].text;
  if (!code.empty() && code.front() == ':') code.erase(0, 1);
  if (i + 1 != tk.size() || !valid_code(code)) {
    s.ok = false;
    s.code = strip_leading_separators(rest);
    return s;
  }
  s.code = code;
  return s;
}

}  // namespace

// ---------------------------------------------------------------------------------------------

void handle_verify(context& ctx, const std::string& args) {
  auto t = load(ctx, action::xacminh, args);
  if (!t) return;
  auto to = next_state(ctx, *t, transition::verify);
  if (!to) return;
  save(ctx, *t, *to, t->rest);
  json d = base_data(*t);
  d["note"] = chat_text(ctx, t->rest, t->r.number);
  ctx.reply(ctx.svc.render.render("xacminh_xong", d));
  announce(ctx, *t, "đã xác minh");
}

void handle_reject(context& ctx, const std::string& args) {
  auto t = load(ctx, action::tuchoi, args);
  if (!t) return;
  auto to = next_state(ctx, *t, transition::reject);
  if (!to) return;
  if (t->rest.empty()) {
    ctx.reply(ctx.svc.render.render("tuchoi_can_ly_do", {{"number", t->r.number}}));
    return;
  }
  save(ctx, *t, *to, t->rest);
  json d = base_data(*t);
  d["reason"] = chat_text(ctx, t->rest, t->r.number);
  ctx.reply(ctx.svc.render.render("tuchoi_xong", d));
  announce(ctx, *t, "bị từ chối");
  tell_village_heads(ctx, *t, {{"rejected", true}, {"reason", t->rest}});
}

void handle_schedule(context& ctx, const std::string& args) {
  auto t = load(ctx, action::xeplich, args);
  if (!t) return;
  // /xeplich on a scheduled visit moves it (issue 14, item 2): a "Dời lịch" event from scheduled
  // to scheduled; /hoan stays "postponed, date unknown".
  const bool move = t->r.state == request_state::scheduled;
  std::optional<request_state> to = move ? std::optional(request_state::scheduled) : next_state(ctx, *t, transition::schedule);
  if (!to) return;
  const auto& unit = *ctx.unit;
  const auto today = ctx.today();

  // Everything from the first '@' is the team; before it, the date and the time.
  std::string when_text = t->rest;
  std::string team = t->r.team;
  bool team_given = false;
  team_choice choice;
  if (auto at = t->rest.find('@'); at != std::string::npos) {
    when_text = t->rest.substr(0, at);
    const auto typed = parse_team(std::string_view(t->rest).substr(at));
    team_given = !typed.empty();
    if (team_given) {
      choice = resolve_team(ctx, typed);
      if (ask_which(ctx, *t, action::xeplich, choice, when_text)) return;
      team = choice.names;
    }
  }
  auto when = parse_when(when_text, today);
  if (!when.bad.empty()) {
    ctx.reply(ctx.svc.render.render("xeplich_khong_hieu", {{"number", t->r.number}, {"typed", echo(ctx, when.bad)}}));
    return;
  }
  if (when.date && *when.date < today) {
    ctx.reply(ctx.svc.render.render(
        "xeplich_ngay_qua",
        {{"number", t->r.number}, {"typed", echo(ctx, when.date_typed)}, {"date", long_date(*when.date)}, {"today", long_date(today)}}));
    return;
  }

  const int capacity = unit.schedule.capacity;
  domain::day day{};
  domain::day first_choice{};
  bool moved = false;
  bool over = false;
  int booked = 0;
  if (when.date) {
    day = *when.date;
    booked = others_on(ctx, *t, day);
    over = capacity > 0 && booked >= capacity;
  } else if (move && t->r.visit_day) {
    day = *t->r.visit_day;  // only the time or the team changes
  } else {
    // The proposed day while it lies ahead, else the slot rule from now; a full day moves on.
    if (t->r.proposed_day && *t->r.proposed_day >= today) {
      day = first_choice = *t->r.proposed_day;
    } else {
      auto slot = domain::propose_slot(ctx.local_now(), unit.schedule, unit.cal,
                                       [&](domain::day d) { return others_on(ctx, *t, d); });
      day = slot.visit_day;
      first_choice = slot.first_choice;
    }
    for (int tried = 0; capacity > 0 && others_on(ctx, *t, day) >= capacity && tried < 104; ++tried)
      day = domain::next_visit_day(day, unit.schedule, unit.cal);
    moved = day != first_choice;
  }
  // A part of the day without a clock time takes the unit's time for it, and the reply says so.
  std::string part_note;
  std::chrono::minutes minutes = unit.schedule.visit_time;
  if (when.time) {
    minutes = *when.time;
  } else if (when.part) {
    minutes = unit.schedule.time_for(*when.part);
    part_note = std::string(domain::part_of_day_name(*when.part));
  } else if (move && !t->r.visit_time.empty()) {
    minutes = domain::parse_hhmm(t->r.visit_time).value_or(minutes);
  }
  const std::string time = domain::format_hhmm(minutes);
  const auto& vdays = unit.schedule.visit_days;
  const bool off_day = std::find(vdays.begin(), vdays.end(), std::chrono::weekday{day}) == vdays.end();
  std::vector<std::string> vday_names;
  for (auto wd : vdays) vday_names.push_back(domain::weekday_name(wd));

  const std::string old_day = t->r.visit_day ? domain::format_weekday_date(*t->r.visit_day) : "";
  const std::string old_time = t->r.visit_time;
  if (move && t->r.visit_day == day && old_time == time && team == t->r.team) {
    json d = base_data(*t);
    d["day"] = old_day;
    d["time"] = old_time;
    ctx.reply(ctx.svc.render.render("xeplich_khong_doi", d));
    return;
  }
  t->r.visit_day = day;
  t->r.visit_time = time;
  t->r.team = team;
  std::string note = (move ? "Dời lịch: " : "Lịch: ") + domain::format_weekday_date(day) + " " + time;
  if (move) note += " (trước: " + old_day + " " + old_time + ")";
  if (!team.empty()) note += "; đoàn: " + team;
  save(ctx, *t, *to, note);
  if (team_given) storage::team_links(ctx.svc.db).set(t->r.id, choice.user_ids);

  json d = base_data(*t);
  d["day"] = domain::format_weekday_date(day);
  d["time"] = time;
  d["team"] = chat_masked(ctx, team);
  d["team_given"] = team_given;
  d["outsiders"] = chat_masked(ctx, join(choice.outsiders, ", "));
  d["moved"] = moved;
  d["first_choice"] = moved ? domain::format_weekday_date(first_choice) : "";
  d["capacity"] = capacity;
  d["over"] = over;
  d["booked"] = booked;
  d["part"] = part_note;
  d["off_day"] = off_day;
  d["visit_days"] = join(vday_names, ", ");
  d["rescheduled"] = move;
  d["old_day"] = old_day;
  d["old_time"] = old_time;
  ctx.reply(ctx.svc.render.render("xeplich_xong", d));
  const std::string when_words = domain::format_weekday_date(day) + " lúc " + time;
  announce(ctx, *t, move ? "dời lịch sang " + when_words + " (trước: " + old_day + " " + old_time + ")" : "xếp lịch " + when_words);
  tell_village_heads(ctx, *t, {{"scheduled", !move}, {"rescheduled", move}, {"old_day", old_day}, {"old_time", old_time},
                               {"day", domain::format_weekday_date(day)}, {"time", time}, {"team", team}});
}

void handle_assign(context& ctx, const std::string& args) {
  auto t = load(ctx, action::phancong, args);
  if (!t) return;
  if (!domain::is_open(t->r.state)) {
    ctx.reply(ctx.svc.render.render("phancong_da_dong",
                                    {{"number", t->r.number}, {"state", std::string(domain::label(t->r.state))}}));
    return;
  }
  const auto typed = parse_team(t->rest);
  if (typed.empty()) {
    ctx.reply(ctx.svc.render.render("phancong_can_ten", {{"number", t->r.number}, {"team", chat_masked(ctx, t->r.team)}}));
    return;
  }
  const auto choice = resolve_team(ctx, typed);
  if (ask_which(ctx, *t, action::phancong, choice, "")) return;
  const std::string& team = choice.names;
  const std::string before = t->r.team;
  t->r.team = team;
  save(ctx, *t, t->r.state, "Phân công: " + team);
  storage::team_links(ctx.svc.db).set(t->r.id, choice.user_ids);
  json d = base_data(*t);
  d["team"] = chat_masked(ctx, team);
  d["before"] = before != team ? chat_masked(ctx, before) : "";
  d["outsiders"] = chat_masked(ctx, join(choice.outsiders, ", "));
  d["visit_day"] = t->r.visit_day && t->r.state == request_state::scheduled ? domain::format_weekday_date(*t->r.visit_day) : "";
  d["visit_time"] = t->r.visit_time;
  ctx.reply(ctx.svc.render.render("phancong_xong", d));
  announce(ctx, *t, "phân công: " + team);
}

void handle_receive(context& ctx, const std::string& args) {
  auto t = load(ctx, action::tiepnhan, args);
  if (!t) return;
  auto to = next_state(ctx, *t, transition::receive);
  if (!to) return;
  auto code = parse_code(t->rest);
  if (!code.ok) {
    ctx.reply(ctx.svc.render.render("tiepnhan_ma_sai", {{"number", t->r.number}, {"typed", echo(ctx, code.code)}}));
    return;
  }
  const auto today = ctx.today();
  const auto due = ctx.unit->cal.add_working_days(today, t->processing_days);
  t->r.received_at = ctx.now;
  t->r.due_day = due;
  if (!code.code.empty()) t->r.dossier_code = code.code;
  std::string note = "Hẹn trả: " + domain::format_date(due);
  if (!code.code.empty()) note = "Mã hồ sơ: " + code.code + "; " + note;
  save(ctx, *t, *to, note);

  auto local = ctx.local_now();
  auto mins = std::chrono::duration_cast<std::chrono::minutes>(local - std::chrono::local_seconds{today.time_since_epoch()});
  json d = base_data(*t);
  d["unit"] = ctx.unit->name;
  d["received"] = domain::format_hhmm(mins) + " " + long_date(today);
  d["due"] = long_date(due);
  d["processing_days"] = t->processing_days;
  d["dossier_code"] = t->r.dossier_code;
  d["return_ways"] = return_way_list();
  d["receiver"] = actor_name(ctx, ctx.msg.user_id);
  ctx.reply(ctx.svc.render.render("tiepnhan_phieu_hen", d));
  announce(ctx, *t, "đã tiếp nhận, hẹn trả " + long_date(due));
}

void handle_supplement(context& ctx, const std::string& args) {
  auto t = load(ctx, action::bosung, args);
  if (!t) return;
  auto to = next_state(ctx, *t, transition::supplement);
  if (!to) return;
  if (t->rest.empty()) {
    ctx.reply(ctx.svc.render.render("bosung_can_giay_to", {{"number", t->r.number}}));
    return;
  }
  save(ctx, *t, *to, t->rest);
  json d = base_data(*t);
  d["papers"] = chat_text(ctx, t->rest, t->r.number);
  ctx.reply(ctx.svc.render.render("bosung_xong", d));
  announce(ctx, *t, "cần bổ sung giấy tờ");
  tell_village_heads(ctx, *t, {{"needs_papers", true}, {"papers", t->rest}});
}

void handle_result(context& ctx, const std::string& args) {
  auto t = load(ctx, action::cokq, args);
  if (!t) return;
  auto to = next_state(ctx, *t, transition::result);
  if (!to) return;
  t->r.result_at = ctx.now;
  save(ctx, *t, *to, t->rest);
  json d = base_data(*t);
  d["due"] = t->r.due_day ? long_date(*t->r.due_day) : "";
  ctx.reply(ctx.svc.render.render("cokq_xong", d));
  announce(ctx, *t, "đã có kết quả");
  tell_village_heads(ctx, *t, {{"result_ready", true}, {"due", d["due"]}});
}

void handle_return(context& ctx, const std::string& args) {
  auto t = load(ctx, action::datra, args);
  if (!t) return;
  auto to = next_state(ctx, *t, transition::return_result);
  if (!to) return;
  auto way = match_return_way(t->rest);
  if (!way) {
    ctx.reply(ctx.svc.render.render("datra_cach_tra_sai",
                                    {{"number", t->r.number}, {"typed", echo(ctx, t->rest)}, {"ways", return_way_list()}}));
    return;
  }
  const auto today = ctx.today();
  t->r.returned_at = ctx.now;
  t->r.return_way = *way;
  bool on_time = !t->r.due_day || today <= *t->r.due_day;
  long late = t->r.due_day && !on_time ? (today - *t->r.due_day).count() : 0;
  std::string note = *way + (t->r.due_day ? (on_time ? "; đúng hẹn" : "; trễ hẹn " + std::to_string(late) + " ngày") : "");
  save(ctx, *t, *to, note);
  json d = base_data(*t);
  d["way"] = *way;
  d["has_due"] = t->r.due_day.has_value();
  d["due"] = t->r.due_day ? long_date(*t->r.due_day) : "";
  d["on_time"] = on_time;
  d["late_days"] = late;
  ctx.reply(ctx.svc.render.render("datra_xong", d));
  announce(ctx, *t, "đã trả kết quả (" + *way + ")");
}

void handle_rate(context& ctx, const std::string& args) {
  auto t = load(ctx, action::danhgia, args);
  if (!t) return;
  if (t->r.state != request_state::returned) {
    ctx.reply(ctx.svc.render.render("danhgia_chua_tra",
                                    {{"number", t->r.number}, {"state", std::string(domain::label(t->r.state))}}));
    return;
  }
  auto s = parse_score(t->rest);
  if (!s.score) {
    ctx.reply(ctx.svc.render.render("danhgia_diem_sai", {{"number", t->r.number}, {"typed", echo(ctx, t->rest)}}));
    return;
  }
  auto previous = t->r.rating;
  t->r.rating = s.score;
  t->r.rating_note = s.note;
  std::string note = "Đánh giá " + std::to_string(*s.score) + "/5";
  if (!s.note.empty()) note += ": " + s.note;
  // The score goes on the event too: a report counts a rating in the period it was entered.
  storage::event_record ev{0, t->r.id, ctx.now, ctx.msg.user_id, t->r.state, t->r.state, std::move(note), s.score};
  ctx.svc.requests.update(t->r, ev);
  json d = base_data(*t);
  d["score"] = *s.score;
  d["note"] = chat_text(ctx, s.note, t->r.number);
  d["replaced"] = previous.has_value();
  d["previous"] = previous ? std::to_string(*previous) : "";
  ctx.reply(ctx.svc.render.render("danhgia_xong", d));
  announce(ctx, *t, "được đánh giá " + std::to_string(*s.score) + "/5");
}

void handle_postpone(context& ctx, const std::string& args) {
  auto t = load(ctx, action::hoan, args);
  if (!t) return;
  auto to = next_state(ctx, *t, transition::postpone);
  if (!to) return;
  if (t->rest.empty()) {
    ctx.reply(ctx.svc.render.render("hoan_can_ly_do", {{"number", t->r.number}}));
    return;
  }
  const std::string old_day = t->r.visit_day ? domain::format_weekday_date(*t->r.visit_day) : "";
  t->r.visit_day.reset();
  t->r.visit_time.clear();
  t->r.proposed_day.reset();
  save(ctx, *t, *to, t->rest);
  json d = base_data(*t);
  d["reason"] = chat_text(ctx, t->rest, t->r.number);
  d["old_day"] = old_day;
  ctx.reply(ctx.svc.render.render("hoan_xong", d));
  announce(ctx, *t, old_day.empty() ? "hoãn lịch" : "hoãn lịch " + old_day);
  tell_village_heads(ctx, *t, {{"postponed", true}, {"old_day", old_day}, {"reason", t->rest}});
}

void handle_cancel(context& ctx, const std::string& args) {
  if (cancel_draft(ctx, args)) return;  // an unfinished form, not a request
  auto t = load(ctx, action::huy, args);
  if (!t) return;
  auto to = next_state(ctx, *t, transition::cancel);
  if (!to) return;
  if (t->rest.empty()) {
    ctx.reply(ctx.svc.render.render("huy_can_ly_do", {{"number", t->r.number}}));
    return;
  }
  save(ctx, *t, *to, t->rest);
  json d = base_data(*t);
  d["reason"] = chat_text(ctx, t->rest, t->r.number);
  ctx.reply(ctx.svc.render.render("huy_xong", d));
  announce(ctx, *t, "đã hủy");
  tell_village_heads(ctx, *t, {{"cancelled", true}, {"reason", t->rest}});
}

}  // namespace tannha::handlers
