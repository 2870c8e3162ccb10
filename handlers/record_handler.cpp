// /hoso #N: the full record with its history, for those allowed to see it (docs/DESIGN.md §6).
#include "domain/masking.hpp"
#include "handlers/command_parser.hpp"
#include "handlers/commands.hpp"
#include "handlers/free_text.hpp"
#include "handlers/text.hpp"

namespace tannha::handlers {

namespace {

std::string local_stamp(const context& ctx, domain::instant t) {
  auto local = domain::to_local(t, ctx.unit->utc_offset);
  auto d = domain::local_day(local);
  auto mins = std::chrono::duration_cast<std::chrono::minutes>(local - std::chrono::local_seconds{d.time_since_epoch()});
  return domain::format_hhmm(mins) + " " + domain::format_date(d);
}

}  // namespace

void handle_record(context& ctx, const std::string& args) {
  auto& svc = ctx.svc;
  auto r = find_request(ctx, action::hoso, args);
  if (!r) return;
  // Free text (history notes, reasons, the citizen's notes, the rating's note) is masked in a
  // group; private views show it whole.
  auto citizen = svc.citizens.get(r->citizen_id);
  const auto* proc = svc.procedures.by_code(r->procedure_code);
  // A group only ever gets the summary, even when "đầy đủ" is asked there: the address, the full
  // phone, the categories and free text whole are for private views (SECURITY.md).
  const bool full = !ctx.in_group();

  std::string categories = citizen ? citizen->categories : "";
  std::replace(categories.begin(), categories.end(), ';', ',');
  std::string phone = citizen ? citizen->phone : "";
  nlohmann::json events = nlohmann::json::array();
  const auto group_notes = ctx.in_group() ? svc.requests.group_notes(r->id) : std::map<std::int64_t, std::string>{};
  for (const auto& e : svc.requests.events(r->id)) {
    const auto group_note = group_notes.find(e.id);
    events.push_back({{"at", local_stamp(ctx, e.at)},
                      {"to", domain::event_label(e.from, e.to)},
                      // A correction's group version names the personal fields it changed.
                      {"note", group_note != group_notes.end() ? group_note->second : chat_text(ctx, e.note)},
                      {"actor", actor_name(ctx, e.actor)}});
  }
  nlohmann::json data = {
      {"number", r->number},
      {"state", domain::label(r->state)},
      {"procedure", proc ? proc->name : r->procedure_code},
      {"procedure_code", r->procedure_code},
      {"field", proc ? proc->field : ""},
      {"citizen", citizen ? citizen->full_name : ""},
      {"birth_year", citizen && citizen->birth_year ? std::to_string(*citizen->birth_year) : ""},
      {"village", citizen ? citizen->village : ""},
      {"address", citizen ? citizen->address : ""},
      {"phone", phone.empty() ? "(không có)" : (full ? phone : domain::mask_phone(phone))},
      {"categories", categories},
      {"approved", citizen && citizen->approved},
      {"notes", citizen ? chat_text(ctx, citizen->notes) : ""},
      {"registered_at", local_stamp(ctx, r->registered_at)},
      {"proposed_day", r->proposed_day && !r->visit_day ? domain::format_weekday_date(*r->proposed_day) : ""},
      {"visit_day", r->visit_day ? domain::format_weekday_date(*r->visit_day) : ""},
      {"visit_time", r->visit_time},
      {"team", chat_masked(ctx, r->team)},
      {"dossier_code", r->dossier_code},
      {"due_day", r->due_day ? domain::format_weekday_date(*r->due_day) : ""},
      {"return_way", r->return_way},
      {"rating", r->rating ? std::to_string(*r->rating) : ""},
      {"rating_note", chat_text(ctx, r->rating_note)},
      {"events", events},
      {"full", full}};
  if (full) svc.audit.record(ctx.unit->id, ctx.msg.user_id, "view_record", r->id, "private", ctx.now);
  ctx.reply(svc.render.render("hoso", data));
}

}  // namespace tannha::handlers
