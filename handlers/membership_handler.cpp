// Membership (docs/DESIGN.md §1): one-time invitation codes (/moi), joining with one in private chat
// (/thamgia), the member list (/thanhvien) and changing or revoking roles (/vaitro). Every
// mistake is answered and changes nothing; every change is audited.
#include <algorithm>
#include <array>
#include <cctype>
#include <random>
#include <stdexcept>
#include <tuple>

#include "handlers/command_parser.hpp"
#include "handlers/commands.hpp"
#include "handlers/free_text.hpp"
#include "handlers/text.hpp"
#include "storage/claim_repository.hpp"
#include "storage/invite_repository.hpp"

namespace tannha::handlers {

namespace {

using domain::role;
using nlohmann::json;

// Long enough for a code passed on by phone or in person over a weekend, short enough that a
// lost or leaked code soon stops working.
constexpr auto invite_ttl = std::chrono::hours{72};
// No 0/O and no 1/I/L: a code read aloud or copied by hand cannot be mistaken.
constexpr std::string_view code_alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
constexpr std::size_t code_length = 6;
// Wrong invitation codes a person may send in an hour (issue 16): 31^6 codes, so five guesses
// an hour find none. The tries are the ones /batdau counts (storage::claim_repository), so a
// person has one budget for guessing either kind of code; the same numbers as there.
constexpr int max_wrong_join_codes = 5;
constexpr auto join_try_window = std::chrono::hours{1};

constexpr std::array<role, 4> all_roles{role::lanhdao, role::canbo, role::truongthon, role::tinhnguyen};

// JSON null for an empty string, so that a template section on it is plainly skipped.
json opt(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

// Whitespace-separated words of the (NFC) arguments, as typed.
std::vector<std::string> words(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

std::string join_words(const std::vector<std::string>& w, std::size_t from, std::size_t to) {
  std::vector<std::string> part(w.begin() + static_cast<std::ptrdiff_t>(std::min(from, w.size())),
                                w.begin() + static_cast<std::ptrdiff_t>(std::min(to, w.size())));
  return join(part, " ");
}

// A role named by compact folded text: the canonical names and their spoken forms (via
// domain::role_from_folded), plus a few titles people use for the same jobs.
std::optional<role> role_from_compact(const std::string& compact) {
  if (auto r = domain::role_from_folded(compact)) return r;
  if (compact == "truongap" || compact == "totruong" || compact == "truongxom") return role::truongthon;
  if (compact == "tnv") return role::tinhnguyen;
  return std::nullopt;
}

bool is_revoke_word(const std::string& compact) {
  return compact == "thuhoi" || compact == "xoa";
}

// The longest run (up to three words) starting at word i that names a role, or (when allowed)
// revocation; words == 0 when nothing does.
struct role_phrase {
  std::optional<role> r;
  bool revoke = false;
  std::size_t words = 0;
};

role_phrase read_role(const std::vector<std::string>& w, std::size_t i, bool allow_revoke) {
  for (std::size_t k = std::min<std::size_t>(3, w.size() - std::min(i, w.size())); k >= 1; --k) {
    auto compact = fold_compact(join_words(w, i, i + k));
    if (auto r = role_from_compact(compact)) return {r, false, k};
    if (allow_revoke && is_revoke_word(compact)) return {std::nullopt, true, k};
  }
  return {};
}

// "lanhdao (Lãnh đạo), canbo (Cán bộ), …" for one-line usage texts.
std::string role_list_inline() {
  std::vector<std::string> out;
  for (auto r : all_roles) out.push_back(std::string(domain::to_string(r)) + " (" + std::string(domain::label(r)) + ")");
  return join(out, ", ");
}

json role_list() {
  json out = json::array();
  for (auto r : all_roles) out.push_back({{"code", std::string(domain::to_string(r))}, {"label", std::string(domain::label(r))}});
  return out;
}

std::vector<std::string> role_codes() {
  std::vector<std::string> out;
  for (auto r : all_roles) out.emplace_back(domain::to_string(r));
  return out;
}

std::string role_text(role r, const std::string& village) {
  std::string s(domain::label(r));
  if (r == role::truongthon && !village.empty()) s += " " + village;  // "Trưởng thôn Đông Hải"
  return s;
}

// "17:00 Thứ Năm 26/11" in the unit's local time.
std::string local_stamp(const context& ctx, domain::instant t) {
  auto local = domain::to_local(t, ctx.unit->utc_offset);
  auto d = domain::local_day(local);
  auto mins = std::chrono::duration_cast<std::chrono::minutes>(local - std::chrono::local_seconds{d.time_since_epoch()});
  return domain::format_hhmm(mins) + " " + domain::format_weekday_date(d);
}

// The unit's village named by `typed`; on a miss answers with the closest and the full list.
std::optional<std::string> resolve_village(context& ctx, const std::string& typed, const std::string& example_prefix) {
  const auto& villages = ctx.unit->villages;
  json data = {{"unit", ctx.unit->name},
               {"typed", echo(ctx, typed)},
               {"missing", typed.empty()},
               {"villages", join(villages, ", ")},
               {"example", example_prefix + (villages.empty() ? std::string("…") : villages.front())}};
  if (!typed.empty()) {
    auto v = catalog::find_village(typed, villages);
    if (v) return *v.value;
    data["ambiguous"] = v.miss.ambiguous;
    data["suggestions"] = opt(join(v.miss.suggestions, ", "));
  }
  ctx.reply(ctx.svc.render.render("vaitro_thon", data));
  return std::nullopt;
}

std::string random_code() {
  std::random_device rd;
  std::uniform_int_distribution<std::size_t> pick(0, code_alphabet.size() - 1);
  std::string s;
  for (std::size_t i = 0; i < code_length; ++i) s.push_back(code_alphabet[pick(rd)]);
  return s;
}

// The code as typed, normalised: case, surrounding spaces and inner spaces or dashes do not
// matter ("7k3 qx9" is "7K3QX9"); words after a full-length code are ignored.
std::string normalize_code(const std::string& args) {
  auto w = words(args);
  if (w.empty()) return "";
  std::string code = fold_compact(w.front());
  if (code.size() < code_length) code = fold_compact(args);
  for (auto& c : code) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return code;
}

// The commands a role may use (from the same matrix /giup uses), as "/lich, /tim, …".
std::string commands_for(role r) {
  std::vector<std::string> out;
  // Joining is done; help comes last, as the way to learn the rest.
  for (const auto& row : command_table())
    if (row.id != action::giup && row.id != action::thamgia && domain::allows(row.who, {r, true, true, true}))
      out.push_back("/" + std::string(row.name));
  out.push_back("/" + std::string(command_name(action::giup)));
  return join(out, ", ");
}

int role_rank(role r) {
  switch (r) {
    case role::lanhdao: return 0;
    case role::canbo: return 1;
    case role::truongthon: return 2;
    case role::tinhnguyen: return 3;
    case role::none: return 4;
  }
  return 4;
}

// The unit's members in the order /thanhvien numbers them: by role, village heads by village,
// then by name; the user id breaks ties so the numbers are stable between two commands.
std::vector<storage::member_record> numbered_members(context& ctx) {
  auto list = ctx.svc.units_repo.members(ctx.unit->id);
  std::sort(list.begin(), list.end(), [](const storage::member_record& a, const storage::member_record& b) {
    auto key = [](const storage::member_record& m) {
      return std::make_tuple(role_rank(m.role), m.role == role::truongthon ? fold(m.village) : std::string(),
                             fold(m.display_name), m.user_id);
    };
    return key(a) < key(b);
  });
  return list;
}

std::string shown_name(const context& ctx, const storage::member_record& m) {
  if (!m.display_name.empty()) return m.display_name;
  if (m.user_id == ctx.msg.user_id && !ctx.msg.user_name.empty()) return ctx.msg.user_name;
  return "(chưa rõ tên)";
}

// A member without a display name (config admins start so) takes the one the platform sends,
// so that lists and posts can name them. Only called on a successful command.

}  // namespace

// ---------------------------------------------------------------------------------------------

void handle_invite(context& ctx, const std::string& args) {
  auto& svc = ctx.svc;
  auto w = words(args);
  auto rp = w.empty() ? role_phrase{} : read_role(w, 0, false);
  if (!rp.r) {
    std::string typed = w.empty() ? "" : w.front();
    auto near = closest(fold_compact(typed), role_codes(), 1);
    ctx.reply(svc.render.render("moi_vaitro_khong_ro", {{"typed", opt(echo(ctx, typed))},
                                                        {"suggestion", opt(near.empty() ? "" : near.front())},
                                                        {"roles", role_list()},
                                                        {"example_village", ctx.unit->villages.empty() ? std::string("…") : ctx.unit->villages.front()}}));
    return;
  }
  if (*rp.r == role::lanhdao && ctx.role() != role::lanhdao) {
    ctx.reply(svc.render.render("moi_chi_lanh_dao", {{"role", std::string(domain::label(*rp.r))}}));
    return;
  }
  std::string village_text = join_words(w, rp.words, w.size());
  std::string village;
  bool village_ignored = false;
  if (*rp.r == role::truongthon) {
    auto v = resolve_village(ctx, village_text, "/moi truongthon ");
    if (!v) return;
    village = *v;
  } else {
    village_ignored = !village_text.empty();
  }

  auto& invites = svc.invites;
  storage::invite_record inv;
  inv.unit_id = ctx.unit->id;
  inv.role = *rp.r;
  inv.village = village;
  inv.created_by = ctx.msg.user_id;
  inv.created_at = ctx.now;
  inv.expires_at = ctx.now + invite_ttl;
  // 31^6 codes: a clash is rare; retry a few times rather than ever hand out a code twice.
  for (int attempt = 0;; ++attempt) {
    inv.code = random_code();
    if (invites.insert(inv)) break;
    if (attempt >= 20) throw std::runtime_error("no free invitation code");
  }
  svc.audit.record(ctx.unit->id, ctx.msg.user_id, "invite_created", std::nullopt,
                   std::string(domain::to_string(inv.role)), ctx.now);
  ctx.reply(svc.render.render("moi_xong", {{"code", inv.code},
                                           {"unit", ctx.unit->name},
                                           {"role", std::string(domain::label(inv.role))},
                                           {"village", opt(village)},
                                           {"village_ignored", village_ignored},
                                           {"expires", local_stamp(ctx, inv.expires_at)},
                                           {"hours", std::chrono::duration_cast<std::chrono::hours>(invite_ttl).count()},
                                           {"in_group", ctx.in_group()}}));
}

void handle_join(context& ctx, const std::string& args) {
  auto& svc = ctx.svc;
  const std::string code = normalize_code(args);
  if (code.empty()) {
    ctx.reply(svc.render.render("thamgia_thieu_ma"));
    return;
  }
  storage::claim_repository tries(svc.db);
  const auto& user = ctx.msg.user_id;
  // Minutes until the oldest wrong try of the hour leaves the window (at least 1).
  auto minutes_to_wait = [&] {
    auto oldest = tries.oldest_wrong_try_since(user, ctx.now - join_try_window);
    auto wait = oldest ? *oldest + join_try_window - ctx.now : std::chrono::seconds{join_try_window};
    return std::max<std::int64_t>(1, std::chrono::ceil<std::chrono::minutes>(wait).count());
  };
  if (tries.wrong_tries_since(user, ctx.now - join_try_window) >= max_wrong_join_codes) {
    // Even the right code waits: otherwise the limit only slows a guesser down.
    ctx.reply(svc.render.render("thamgia_qua_nhieu", {{"max", max_wrong_join_codes}, {"minutes", minutes_to_wait()}}));
    return;
  }
  auto& invites = svc.invites;
  auto inv = invites.get(code);
  const domain::unit* unit = inv ? svc.unit_by_id(inv->unit_id) : nullptr;
  auto status = invites.status(code, ctx.now);
  if (!unit) status = storage::invite_status::unknown;  // a unit no longer configured
  if (status != storage::invite_status::valid) {
    bool same_user = status == storage::invite_status::used && inv->used_by == ctx.msg.user_id;
    int left = max_wrong_join_codes;
    if (status == storage::invite_status::unknown) {
      // Only a code that does not exist is a guess; a used or expired one was given to someone.
      tries.record_wrong_try(user, ctx.now);
      left = max_wrong_join_codes - tries.wrong_tries_since(user, ctx.now - join_try_window);
    }
    ctx.reply(svc.render.render("thamgia_ma_khong_dung", {{"code", echo(ctx, code)},
                                                          {"left", left},
                                                          {"none_left", left <= 0},
                                                          {"max", max_wrong_join_codes},
                                                          {"minutes", left <= 0 ? minutes_to_wait() : 0},
                                                          {"unknown", status == storage::invite_status::unknown},
                                                          {"used", status == storage::invite_status::used && !same_user},
                                                          {"used_by_you", same_user},
                                                          {"expired", status == storage::invite_status::expired}}));
    return;
  }

  ctx.unit = unit;
  auto existing = svc.units_repo.member(unit->id, ctx.msg.user_id);
  if (existing && existing->source == "config") {
    ctx.reply(svc.render.render("thamgia_cau_hinh", {{"unit", unit->name},
                                                     {"role", std::string(domain::label(existing->role))}}));
    return;
  }
  if (existing && existing->role == inv->role && existing->village == inv->village) {
    ctx.reply(svc.render.render("thamgia_da_co", {{"unit", unit->name}, {"role", role_text(existing->role, existing->village)}}));
    return;
  }
  if (!invites.consume(code, ctx.msg.user_id, ctx.now)) throw std::logic_error("valid invite not consumed");

  storage::member_record m;
  m.unit_id = unit->id;
  m.user_id = ctx.msg.user_id;
  m.role = inv->role;
  m.village = inv->role == role::truongthon ? inv->village : std::string();
  m.display_name = ctx.msg.user_name;
  m.source = "invite";
  svc.units_repo.put_member(m, ctx.now);
  ctx.member = svc.units_repo.member(unit->id, ctx.msg.user_id);
  svc.audit.record(unit->id, ctx.msg.user_id, existing ? "role_replaced_by_invite" : "member_joined", std::nullopt,
                   std::string(domain::to_string(m.role)), ctx.now);

  const bool several = svc.units_repo.memberships(ctx.msg.user_id).size() > 1;
  json data = {{"unit", unit->name},
               {"unit_id", unit->id},
               {"role", std::string(domain::label(m.role))},
               {"village", opt(m.village)},
               {"replaced", existing.has_value()},
               {"old_role", existing ? role_text(existing->role, existing->village) : std::string()},
               {"commands", commands_for(m.role)},
               {"several_units", several},
               {"name", ctx.msg.user_name.empty() ? std::string("Thành viên mới") : ctx.msg.user_name},
               {"inviter", actor_name(ctx, inv->created_by)}};
  ctx.reply(svc.render.render("thamgia_xong", data));
  ctx.post(post_kind::thanhvien, svc.render.render("thamgia_thong_bao", data));
}

void handle_members(context& ctx, const std::string&) {
  auto list = numbered_members(ctx);
  json groups = json::array();
  for (auto r : all_roles) {
    json items = json::array();
    for (std::size_t i = 0; i < list.size(); ++i) {
      const auto& m = list[i];
      if (m.role != r) continue;
      items.push_back({{"n", i + 1},
                       {"name", shown_name(ctx, m)},
                       {"village", opt(m.role == role::truongthon ? m.village : std::string())},
                       {"config", m.source == "config"},
                       {"me", m.user_id == ctx.msg.user_id}});
    }
    if (!items.empty()) groups.push_back({{"label", std::string(domain::label(r))}, {"count", items.size()}, {"items", items}});
  }
  ctx.reply(ctx.svc.render.render("thanhvien_danh_sach", {{"unit", ctx.unit->name},
                                                          {"total", list.size()},
                                                          {"groups", groups},
                                                          {"has_group", !ctx.unit->chat_id.empty()},
                                                          {"by_ketnoi", ctx.svc.units_repo.group_source(ctx.unit->id) == "ketnoi"},
                                                          {"can_change", may(action::vaitro, {ctx.role()})},
                                                          {"can_invite", may(action::moi, {ctx.role()})}}));
}

void handle_role(context& ctx, const std::string& args) {
  auto& svc = ctx.svc;
  auto w = words(args);

  // "<người> <vai trò|thuhoi> [thôn]": the person is everything before the first role word.
  std::size_t at = w.size();
  role_phrase rp;
  for (std::size_t i = 1; i < w.size(); ++i) {
    rp = read_role(w, i, true);
    if (rp.words) {
      at = i;
      break;
    }
  }
  if (at == w.size()) {
    ctx.reply(svc.render.render("vaitro_cach_dung", {{"typed", opt(echo(ctx, trim(args)))},
                                                     {"only_person", w.size() == 1},
                                                     {"roles", role_list_inline()}}));
    return;
  }

  // Who: a number from /thanhvien, or a name (a mention's '@' dropped), matched folded.
  auto list = numbered_members(ctx);
  std::string person = join_words(w, 0, at);
  while (!person.empty() && person.front() == '@') person.erase(0, 1);
  person = trim(person);
  std::size_t index = list.size();
  const bool by_number = !person.empty() && person.size() <= 6 &&
                         std::all_of(person.begin(), person.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (by_number) {
    auto n = static_cast<std::size_t>(std::stoul(person));
    if (n >= 1 && n <= list.size()) index = n - 1;
  } else {
    const auto typed = fold(person);
    std::vector<std::size_t> exact, containing;
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (list[i].display_name.empty()) continue;
      auto name = fold(list[i].display_name);
      if (name == typed) exact.push_back(i);
      else if ((" " + name + " ").find(" " + typed + " ") != std::string::npos) containing.push_back(i);
    }
    const auto& found = exact.empty() ? containing : exact;
    if (found.size() > 1) {
      json cands = json::array();
      for (auto i : found)
        cands.push_back({{"n", i + 1}, {"name", list[i].display_name}, {"role", role_text(list[i].role, list[i].village)}});
      ctx.reply(svc.render.render("vaitro_nhieu_nguoi", {{"typed", echo(ctx, person)},
                                                         {"candidates", cands},
                                                         {"first_n", found.front() + 1},
                                                         {"rest", join_words(w, at, w.size())}}));
      return;
    }
    if (found.size() == 1) index = found.front();
  }
  if (index == list.size()) {
    std::vector<candidate> cands;
    for (const auto& m : list)
      if (!m.display_name.empty()) cands.push_back({m.display_name, {m.display_name}});
    std::vector<std::string> near;
    if (!by_number)
      for (auto i : match(person, cands).suggestions) near.push_back(cands[i].display);
    ctx.reply(svc.render.render("vaitro_khong_thay", {{"typed", echo(ctx, person)},
                                                      {"by_number", by_number},
                                                      {"total", list.size()},
                                                      {"suggestions", opt(join(near, ", "))}}));
    return;
  }

  const auto target = list[index];
  const std::string name = shown_name(ctx, target);
  if (target.source == "config") {
    ctx.reply(svc.render.render("vaitro_cau_hinh", {{"name", name}, {"role", std::string(domain::label(target.role))}}));
    return;
  }
  const auto leaders = std::count_if(list.begin(), list.end(), [](const auto& m) { return m.role == role::lanhdao; });
  const bool leaves_leadership = target.role == role::lanhdao && (rp.revoke || *rp.r != role::lanhdao);
  if (leaves_leadership && leaders <= 1) {
    ctx.reply(svc.render.render("vaitro_lanh_dao_cuoi", {{"name", name},
                                                         {"self", target.user_id == ctx.msg.user_id},
                                                         {"unit", ctx.unit->name}}));
    return;
  }

  std::string village_text = join_words(w, at + rp.words, w.size());
  json data = {{"name", name},
               {"unit", ctx.unit->name},
               {"actor", actor_name(ctx, ctx.msg.user_id)},
               {"old_role", role_text(target.role, target.village)},
               {"self", target.user_id == ctx.msg.user_id}};
  if (rp.revoke) {
    svc.units_repo.remove_member(ctx.unit->id, target.user_id);
    svc.audit.record(ctx.unit->id, ctx.msg.user_id, "member_revoked", std::nullopt,
                     target.user_id + " " + std::string(domain::to_string(target.role)), ctx.now);
    data["revoked"] = true;
  } else {
    std::string village;
    bool village_ignored = false;
    if (*rp.r == role::truongthon) {
      if (village_text.empty() && target.role == role::truongthon && !target.village.empty()) {
        village = target.village;
      } else {
        auto v = resolve_village(ctx, village_text, "/vaitro " + std::to_string(index + 1) + " truongthon ");
        if (!v) return;
        village = *v;
      }
    } else {
      village_ignored = !village_text.empty();
    }
    if (*rp.r == target.role && village == (target.role == role::truongthon ? target.village : std::string())) {
      ctx.reply(svc.render.render("vaitro_khong_doi", {{"name", name}, {"role", role_text(target.role, village)}}));
      return;
    }
    auto updated = target;
    updated.role = *rp.r;
    updated.village = village;
    svc.units_repo.put_member(updated, ctx.now);
    svc.audit.record(ctx.unit->id, ctx.msg.user_id, "role_changed", std::nullopt,
                     target.user_id + " " + std::string(domain::to_string(target.role)) + "->" +
                         std::string(domain::to_string(updated.role)),
                     ctx.now);
    data["revoked"] = false;
    data["new_role"] = role_text(updated.role, updated.village);
    data["village_ignored"] = village_ignored;
    data["commands"] = commands_for(updated.role);
  }
  ctx.reply(svc.render.render("vaitro_xong", data));
  ctx.post(post_kind::thanhvien, svc.render.render("vaitro_thong_bao", data), ctx.in_group());
  if (target.user_id != ctx.msg.user_id) ctx.tell_user(target.user_id, svc.render.render("vaitro_bao_rieng", data));
}

}  // namespace tannha::handlers
