// /thutuc: the procedure catalog, whole or searched by folded words, code or alias.
#include "handlers/commands.hpp"
#include "handlers/free_text.hpp"
#include "handlers/text.hpp"

namespace tannha::handlers {

namespace {

nlohmann::json entry(const domain::procedure& p) {
  return {{"code", p.code}, {"name", p.name}, {"field", p.field}, {"days", p.processing_days},
          {"same_day", p.processing_days == 0}};
}

// Whether every folded word of the query appears in the procedure's name, field, code or aliases.
bool mentions(const domain::procedure& p, const std::vector<std::string>& words) {
  std::string hay = fold(p.name) + " " + fold(p.field) + " " + fold(p.code);
  for (const auto& a : p.aliases) hay += " " + fold(a);
  for (const auto& w : words)
    if (!w.empty() && hay.find(w) == std::string::npos) return false;
  return true;
}

}  // namespace

void handle_catalog(context& ctx, const std::string& args) {
  const auto& cat = ctx.svc.procedures;
  const auto query = trim(args);
  nlohmann::json list = nlohmann::json::array();
  if (query.empty()) {
    for (const auto& p : cat.procedures()) list.push_back(entry(p));
    ctx.reply_t("thutuc", {{"all", true}, {"procedures", list}, {"count", list.size()},
                           {"example", list.empty() ? nlohmann::json("…") : list.front()["code"]}});
    return;
  }
  // An exact name, code or alias first; then every entry that mentions all the words.
  auto found = cat.find_procedure(query);
  if (found) {
    list.push_back(entry(**found.value));
  } else {
    const auto words = split(fold(query), ' ');
    for (const auto& p : cat.procedures())
      if (mentions(p, words)) list.push_back(entry(p));
  }
  if (list.empty()) {
    ctx.reply_t("thutuc_khong_thay", {{"typed", echo(ctx, query)},
                                      {"suggestions", join(found.miss.suggestions, ", ")}});
    return;
  }
  ctx.reply_t("thutuc", {{"all", false}, {"typed", echo(ctx, query)}, {"procedures", list}, {"count", list.size()},
                         {"example", list.front()["code"]}});
}

}  // namespace tannha::handlers
