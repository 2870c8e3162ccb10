// /thongbao: which kinds of posts a member receives privately (issue 13, item 3), and turning
// one off or on. The kinds, the role defaults and who receives what are handlers/unit_posts.cpp.
#include <algorithm>

#include "handlers/commands.hpp"
#include "handlers/suggest.hpp"
#include "handlers/text.hpp"

namespace tannha::handlers {

namespace {

using nlohmann::json;

// How the unit's posts go, in words for the list.
std::string_view delivery_key(const domain::unit& u) {
  switch (domain::delivery_of(u)) {
    case domain::post_delivery::group: return "group";
    case domain::post_delivery::members: return "members";
    case domain::post_delivery::both: return "both";
  }
  return "group";
}

// The kinds that concern the sender's role, as /thongbao lists and matches them.
std::vector<const post_kind_info*> kinds_for(domain::role r) {
  std::vector<const post_kind_info*> out;
  for (const auto& k : post_kinds())
    if (concerns(r, k.kind)) out.push_back(&k);
  return out;
}

void list_choices(context& ctx) {
  const auto r = ctx.role();
  const auto mine = ctx.svc.choices.of(ctx.unit->id, ctx.msg.user_id);
  json kinds = json::array();
  for (const auto* k : kinds_for(r)) {
    const bool own_only = (k->kind == post_kind::bantin || k->kind == post_kind::chotlich) &&
                          r != domain::role::canbo && r != domain::role::lanhdao;
    kinds.push_back({{"key", k->key},
                     {"label", k->label},
                     {"on", receives(r, k->kind, mine)},
                     {"own_only", own_only},
                     {"village_only", k->kind == post_kind::hoso && r == domain::role::truongthon},
                     {"escalation", k->kind == post_kind::quahan && r == domain::role::lanhdao}});
  }
  const auto mode = delivery_key(*ctx.unit);
  ctx.reply(ctx.svc.render.render("thongbao", {{"unit", ctx.unit->name},
                                               {"role", std::string(domain::label(r))},
                                               {"kinds", kinds},
                                               {"has_kinds", !kinds.empty()},
                                               {"group", mode == "group"},
                                               {"members", mode == "members"},
                                               {"both", mode == "both"}}));
}

}  // namespace

void handle_notifications(context& ctx, const std::string& args) {
  const std::string all = trim(args);
  if (all.empty()) {
    list_choices(ctx);
    return;
  }
  // "tat bantin": the verb, then the kind as typed.
  const auto space = all.find(' ');
  const auto verb = fold_compact(all.substr(0, space));
  const std::string typed = space == std::string::npos ? std::string() : trim(std::string_view(all).substr(space));
  const bool on = verb == "bat" || verb == "mo";
  const bool off = verb == "tat" || verb == "tatbot";
  const auto r = ctx.role();
  const auto mine_kinds = kinds_for(r);
  std::string keys;
  for (const auto* k : mine_kinds) keys += (keys.empty() ? "" : ", ") + std::string(k->key);
  if ((!on && !off) || typed.empty()) {
    ctx.reply(ctx.svc.render.render("thongbao_cach_dung", {{"typed", all}, {"keys", keys}, {"has_verb", on || off}}));
    return;
  }
  // The kind, by its word, its Vietnamese name or another word for it, folded.
  std::vector<candidate> cands;
  for (const auto& k : post_kinds()) {
    candidate c{std::string(k.key), {std::string(k.key), std::string(k.label)}};
    for (auto& word : split(k.words, ' '))
      if (!word.empty()) c.keys.push_back(word);
    cands.push_back(std::move(c));
  }
  auto m = match(typed, cands);
  if (m.how != match_result::kind::exact && m.how != match_result::kind::unique_prefix) {
    std::vector<std::string> sugg;
    auto add = [&](const std::string& key) {
      if (std::find(sugg.begin(), sugg.end(), key) == sugg.end()) sugg.push_back(key);
    };
    for (auto i : m.suggestions) add(cands[i].display);
    if (m.how == match_result::kind::ambiguous)
      for (const auto& c : cands)
        for (const auto& key : c.keys)
          if (fold_compact(key).find(fold_compact(typed)) != std::string::npos) add(c.display);
    ctx.reply(ctx.svc.render.render("thongbao_khong_ro", {{"typed", typed},
                                                          {"verb", on ? "bat" : "tat"},
                                                          {"suggestions", json(sugg)},
                                                          {"has_suggestions", !sugg.empty()},
                                                          {"keys", keys}}));
    return;
  }
  const auto& kind = post_kinds()[m.index];
  if (!concerns(r, kind.kind)) {
    ctx.reply(ctx.svc.render.render("thongbao_khong_ap_dung",
                                    {{"label", kind.label}, {"role", std::string(domain::label(r))}, {"keys", keys}}));
    return;
  }
  ctx.svc.choices.set(ctx.unit->id, ctx.msg.user_id, std::string(kind.key), on, ctx.now);
  ctx.reply(ctx.svc.render.render("thongbao_xong",
                                  {{"on", on},
                                   {"label", kind.label},
                                   {"key", kind.key},
                                   {"escalation", kind.kind == post_kind::quahan && r == domain::role::lanhdao},
                                   {"group", delivery_key(*ctx.unit) == "group"}}));
}

}  // namespace tannha::handlers
