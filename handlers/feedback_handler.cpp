// /phananh: feedback or a complaint for the Center, from anyone — members, people in the group
// and strangers in private chat. Stored, acknowledged with its number, and posted to the unit's
// group with numbers masked, or without its text when it mentions health (then the leaders get
// it whole in private).
#include "handlers/commands.hpp"
#include "handlers/free_text.hpp"
#include "handlers/text.hpp"
#include "storage/feedback_repository.hpp"

namespace tannha::handlers {

namespace {

using nlohmann::json;

// A phản ánh is a message, not a document: past this the sender is asked to shorten it (the
// group post must stay readable and within the platforms' limits).
constexpr std::size_t max_feedback_units = 2000;

// "[unit] …" at the start: the unit's id or name as typed, and the text after it.
std::optional<std::string> take_prefix(std::string& text) {
  if (text.empty() || text.front() != '[') return std::nullopt;
  auto close = text.find(']');
  if (close == std::string::npos) return std::nullopt;
  std::string name = trim(std::string_view(text).substr(1, close - 1));
  text = trim(std::string_view(text).substr(close + 1));
  return name;
}

// A configured unit by id or name, matched folded ("binhgiang", "Bình Giang", "xã bình giang").
const domain::unit* find_unit(const services& svc, const std::string& typed) {
  std::vector<candidate> cands;
  for (const auto& u : svc.units) cands.push_back({u.name, {u.id, u.name}});
  auto m = match(typed, cands);
  if (m.how == match_result::kind::exact || m.how == match_result::kind::unique_prefix) return &svc.units[m.index];
  return nullptr;
}

}  // namespace

void handle_feedback(context& ctx, const std::string& args) {
  auto& svc = ctx.svc;
  std::string text = trim(args);
  const domain::unit* unit = ctx.unit;
  if (!unit) {
    // A stranger in private chat: the only unit, or the one named in "[…]".
    std::string rest = text;
    auto named = take_prefix(rest);
    const domain::unit* chosen = named ? find_unit(svc, *named) : nullptr;
    if (chosen) {
      unit = chosen;
      text = rest;
    } else if (svc.units.size() == 1) {
      unit = &svc.units.front();
    } else {
      json units = json::array();
      for (const auto& u : svc.units) units.push_back({{"id", u.id}, {"name", u.name}});
      ctx.reply(svc.render.render("phananh_chon_don_vi",
                                  {{"units", units},
                                   {"typed", named ? json(echo(ctx, *named)) : json(nullptr)},
                                   {"first", svc.units.empty() ? std::string() : svc.units.front().id}}));
      return;
    }
  }
  if (text.empty()) {
    ctx.reply(svc.render.render("phananh_thieu_noi_dung"));
    return;
  }
  if (utf16_length(text) > max_feedback_units) {
    ctx.reply(svc.render.render("phananh_qua_dai", {{"max", max_feedback_units}, {"length", utf16_length(text)}}));
    return;
  }

  storage::feedback_record f;
  f.unit_id = unit->id;
  f.user_id = ctx.msg.user_id;
  f.chat_id = ctx.msg.chat_id;
  f.text = to_valid_utf8(text);
  f.created_at = ctx.now;
  auto id = svc.feedback.insert(f);

  ctx.unit = unit;
  std::string who;
  if (ctx.member && ctx.member->unit_id == unit->id) {
    who = std::string(domain::label(ctx.member->role));
    if (ctx.member->role == domain::role::truongthon && !ctx.member->village.empty()) who += " " + ctx.member->village;
  }
  json data = {{"number", id},
               {"unit", unit->name},
               {"name", ctx.msg.user_name.empty() ? std::string("người dân") : ctx.msg.user_name},
               {"who", who.empty() ? json(nullptr) : json(who)},
               {"private", !ctx.in_group()},
               {"text", f.text}};
  if (ctx.in_group()) {
    // Said in the group already: one message, the record and the thanks together.
    data["thanks"] = true;
    data["text"] = group_text(svc.render, f.text);
    ctx.reply(svc.render.render("phananh_thong_bao", data));
    data["thanks"] = false;
    ctx.post(post_kind::phananh, svc.render.render("phananh_thong_bao", data), true);
    return;
  }
  ctx.reply(svc.render.render("phananh_xong", data));
  data["thanks"] = false;
  data["text"] = group_text(svc.render, f.text);
  ctx.post(post_kind::phananh, svc.render.render("phananh_thong_bao", data));
  if (health_words().mentions(fold(f.text))) {
    // The group saw only that there is one: the leaders read it whole, privately.
    data["text"] = f.text;
    const auto whole = svc.render.render("phananh_thong_bao", data);
    for (const auto& m : svc.units_repo.members(unit->id))
      if (m.role == domain::role::lanhdao && m.user_id != ctx.msg.user_id) ctx.tell_user(m.user_id, whole);
  }
}

}  // namespace tannha::handlers
