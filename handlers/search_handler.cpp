// /tim: find citizens and requests by folded name, request number, dossier code, part of a
// phone number, or hamlet and address words.
#include "handlers/command_parser.hpp"
#include "handlers/commands.hpp"
#include "handlers/free_text.hpp"
#include "handlers/search_words.hpp"
#include "handlers/text.hpp"

namespace tannha::handlers {

namespace {
constexpr int max_results = 10;
}

void handle_search(context& ctx, const std::string& args) {
  auto& svc = ctx.svc;
  auto query = trim(args);
  if (query.empty()) {
    ctx.reply(svc.render.render("tim_can_tu_khoa"));
    return;
  }
  nlohmann::json results = nlohmann::json::array();
  nlohmann::json citizens_only = nlohmann::json::array();
  std::vector<std::int64_t> seen;
  auto add_request = [&](const storage::request_record& r) {
    if (std::find(seen.begin(), seen.end(), r.id) != seen.end()) return;
    seen.push_back(r.id);
    auto c = svc.citizens.get(r.citizen_id);
    const auto* p = svc.procedures.by_code(r.procedure_code);
    results.push_back({{"number", r.number},
                       {"citizen", c ? c->full_name : ""},
                       {"village", c ? c->village : ""},
                       {"procedure", p ? p->name : r.procedure_code},
                       {"state", domain::label(r.state)}});
  };

  const bool number = query.front() == '#' || std::all_of(query.begin(), query.end(), ::isdigit);
  if (number) {
    if (auto n = parse_request_number(query))
      if (auto r = svc.requests.by_number(ctx.unit->id, *n)) add_request(*r);
  }
  for (const auto& r : svc.requests.by_dossier_code(ctx.unit->id, query, max_results)) add_request(r);
  bool more = false;
  // Digits ("0912", "345 678") are part of a phone; other text is words, each of which must be
  // in the name or the village and address. "#12" and a number too short for a phone are only
  // request numbers: "12" would otherwise find every "xóm 12".
  std::vector<storage::citizen_record> people;
  if (auto digits = phone_digits_query(query)) people = svc.citizens.search_phone(ctx.unit->id, *digits, max_results + 1);
  else if (!number) people = svc.citizens.search_words(ctx.unit->id, search_words(query), max_results + 1);
  if (static_cast<int>(people.size()) > max_results) {
    more = true;
    people.pop_back();
  }
  for (const auto& c : people) {
    auto reqs = svc.requests.of_citizen(c.id, 5);
    if (reqs.empty()) {
      citizens_only.push_back({{"citizen", c.full_name},
                               {"birth_year", c.birth_year ? std::to_string(*c.birth_year) : ""},
                               {"village", c.village}});
    }
    for (const auto& r : reqs) add_request(r);
  }
  if (results.empty() && citizens_only.empty()) {
    ctx.reply(svc.render.render("tim_khong_thay", {{"query", echo(ctx, query)}}));
    return;
  }
  ctx.reply(svc.render.render("tim_ket_qua",
                              {{"query", echo(ctx, query)}, {"results", results}, {"citizens_only", citizens_only}, {"more", more}}));
}

}  // namespace tannha::handlers
