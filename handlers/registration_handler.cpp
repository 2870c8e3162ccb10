// /dangky: read the form, match it against the unit and the catalog, and either register the
// request or say exactly what is missing while keeping what was given as a draft.
#include <algorithm>

#include "domain/masking.hpp"
#include "domain/visit_slot.hpp"
#include "handlers/commands.hpp"
#include "handlers/form_parser.hpp"
#include "handlers/free_text.hpp"
#include "handlers/open_drafts.hpp"
#include "handlers/person_words.hpp"
#include "handlers/registration_check.hpp"
#include "handlers/search_words.hpp"
#include "handlers/text.hpp"

namespace tannha::handlers {

namespace {

using nlohmann::json;

form_problem lookup_problem(form_field field, const lookup_miss& miss, const std::vector<std::string>& choices = {}) {
  return {.what = form_problem::kind::lookup,
          .label = std::string(field_label(field)),
          .typed = miss.typed,
          .ambiguous = miss.ambiguous,
          .suggestions = join(miss.suggestions, ", "),
          .choices = choices.size() <= 12 ? join(choices, ", ") : std::string()};
}

// A registration that passed every check.
struct valid_form {
  storage::citizen_record citizen;
  const domain::procedure* procedure = nullptr;
};

// Checks the form; fills `problems` and returns the valid form when there is none.
// What the bot read differently from what was typed, said in the reply (issue 14: "38" is 1938,
// "ông" is not part of the name), and the one "có phải …?" a yes may answer.
struct readings {
  std::vector<std::string> notes;
  std::optional<std::pair<form_field, std::string>> pending_yes;
  int questions = 0;  ///< "có phải" questions in the reply: a bare yes answers only a single one
};

// Checks every field into `out` (the fields that passed) and `problems` (the others).
void validate_into(context& ctx, const parsed_form& f, std::vector<form_problem>& problems, readings& read,
                   valid_form& out) {
  using kind = form_problem::kind;
  const auto& unit = *ctx.unit;
  out.citizen.unit_id = unit.id;
  auto value = [&](form_field field) -> std::string {
    auto it = f.values.find(field);
    return it == f.values.end() ? std::string() : trim(it->second);
  };
  auto missing = [&](form_field field) {
    problems.push_back({.what = kind::missing, .label = std::string(field_label(field))});
  };
  auto bad = [&](kind k, const std::string& typed) { problems.push_back({.what = k, .typed = typed}); };
  // A miss with one suggestion is a "có phải …?" that "đúng" may answer.
  auto offer_yes = [&](form_field field, const lookup_miss& miss) {
    if (miss.ambiguous || miss.suggestions.size() != 1) return;
    read.pending_yes = std::pair{field, miss.suggestions.front()};
    ++read.questions;
  };

  for (std::size_t i = 0; i < f.unknown_labels.size(); ++i) {
    std::string sugg = i < f.label_suggestions.size() ? f.label_suggestions[i] : "";
    problems.push_back({.what = kind::unknown_label, .typed = f.unknown_labels[i], .suggest = sugg});
  }
  for (const auto& line : f.stray_lines) bad(kind::stray, line);
  for (auto field : f.repeated)
    problems.push_back({.what = kind::repeated, .label = std::string(field_label(field))});

  // Họ tên
  auto typed_name = value(form_field::ho_ten);
  const auto reading = read_person_name(typed_name);
  const auto& name = reading.name;
  if (typed_name.empty()) {
    missing(form_field::ho_ten);
  } else if (fold(name).find_first_of("abcdefghijklmnopqrstuvwxyz") == std::string::npos || name.size() > 200) {
    bad(kind::bad_name, typed_name);
  } else {
    if (!reading.honorific.empty())
      read.notes.push_back("Họ tên ghi là \"" + name + "\" (bỏ chữ \"" + reading.honorific + "\" ở đầu).");
    if (reading.no_marks && !f.name_confirmed) {
      // Printed on the appointment slip: ask once, keep it when confirmed.
      problems.push_back({.what = kind::name_no_marks, .typed = name});
      read.pending_yes = std::pair{form_field::ho_ten, name};
      ++read.questions;
    } else {
      out.citizen.full_name = name;
      out.citizen.folded_name = fold(name);
    }
  }

  // Năm sinh
  auto year_text = value(form_field::nam_sinh);
  if (year_text.empty()) {
    missing(form_field::nam_sinh);
  } else {
    const int this_year = static_cast<int>(std::chrono::year_month_day{ctx.today()}.year());
    const auto y = read_birth_year(year_text, this_year);
    if (!y.year) {
      problems.push_back({.what = kind::bad_year, .typed = year_text, .ambiguous = y.ambiguous});
    } else {
      out.citizen.birth_year = *y.year;
      if (y.two_digits)
        read.notes.push_back("Năm sinh \"" + year_text + "\" được hiểu là " + std::to_string(*y.year) + ".");
    }
  }

  // Thôn: a village head registers for their own village, which is also the default.
  auto village_text = value(form_field::thon);
  std::string own_village =
      ctx.role() == domain::role::truongthon && ctx.member ? ctx.member->village : std::string();
  if (village_text.empty() && !own_village.empty()) village_text = own_village;
  if (village_text.empty()) {
    missing(form_field::thon);
  } else if (auto v = catalog::find_village(village_text, unit.villages)) {
    if (!own_village.empty() && fold(*v.value) != fold(own_village))
      problems.push_back({.what = kind::wrong_village, .own = own_village});
    else out.citizen.village = *v.value;
  } else {
    problems.push_back(lookup_problem(form_field::thon, v.miss, unit.villages));
    offer_yes(form_field::thon, v.miss);
  }

  // Địa chỉ: the team needs to find the house.
  auto address = value(form_field::dia_chi);
  if (address.empty()) missing(form_field::dia_chi);
  else out.citizen.address = address;

  // SĐT is optional (often a relative's).
  auto phone = value(form_field::sdt);
  if (!phone.empty()) {
    auto normalized = domain::normalize_phone(phone);
    if (!domain::is_valid_phone(normalized)) bad(kind::bad_phone, phone);
    else out.citizen.phone = normalized;
  }

  // Đối tượng
  auto categories = value(form_field::doi_tuong);
  if (categories.empty()) {
    missing(form_field::doi_tuong);
  } else if (auto c = ctx.svc.procedures.find_categories(categories)) {
    out.citizen.categories = join(*c.value, ";");
  } else {
    problems.push_back(lookup_problem(form_field::doi_tuong, c.miss));
    offer_yes(form_field::doi_tuong, c.miss);
  }

  // Thủ tục
  auto proc = value(form_field::thu_tuc);
  if (proc.empty()) {
    missing(form_field::thu_tuc);
  } else if (auto p = ctx.svc.procedures.find_procedure(proc)) {
    out.procedure = *p.value;
  } else {
    problems.push_back(lookup_problem(form_field::thu_tuc, p.miss));
    offer_yes(form_field::thu_tuc, p.miss);
  }

  out.citizen.notes = value(form_field::ghi_chu);
  // What /tim searches besides the name (written with the address, emptied with it).
  out.citizen.folded_place = folded_place(out.citizen.village, out.citizen.address);
}

std::optional<valid_form> validate(context& ctx, const parsed_form& f, std::vector<form_problem>& problems,
                                   readings& read) {
  valid_form out;
  validate_into(ctx, f, problems, read, out);
  if (!problems.empty()) return std::nullopt;
  return out;
}

// What was typed is repeated only as a short masked excerpt (a phone, a diagnosis as a category).
json listed_problems(context& ctx, const std::vector<form_problem>& problems) {
  json listed = problems;
  for (auto& p : listed)
    if (p.contains("typed") && p["typed"].is_string()) p["typed"] = echo(ctx, p["typed"].get<std::string>());
  return listed;
}

// Example lines for what is missing, so the answer can be copied and filled in.
json example_lines(const std::vector<form_problem>& problems) {
  json out = json::array();
  for (const auto& p : problems)
    if (auto label = p.fix_label(); !label.empty()) out.push_back(label + ": …");
  if (out.empty()) out.push_back("Họ tên: …");
  return out;
}

std::string format_visit(context& ctx, domain::day d) {
  (void)ctx;
  return domain::format_weekday_date(d);
}

void answer_problems(context& ctx, const parsed_form& form, const std::vector<form_problem>& problems,
                     const readings& read) {
  // A field is "recorded" only when nothing about it was refused or asked (issue 14, item 8).
  std::vector<std::string> have_list;
  for (auto field : all_form_fields) {
    if (!form.values.count(field)) continue;
    const std::string label(field_label(field));
    const bool refused = std::any_of(problems.begin(), problems.end(), [&](const form_problem& p) {
      return p.fix_label() == label || (p.what == form_problem::kind::wrong_village && field == form_field::thon);
    });
    if (!refused) have_list.push_back(label);
  }
  json listed = listed_problems(ctx, problems);
  json notes = read.notes;
  ctx.reply(ctx.svc.render.render("dangky_thieu", {{"problems", listed},
                                                   {"readings", notes},
                                                   {"yes_hint", read.questions == 1},
                                                   {"have_any", !have_list.empty()},
                                                   {"have", join(have_list, ", ")},
                                                   {"examples", example_lines(problems)},
                                                   {"ttl_hours", std::max(1, ctx.svc.draft_ttl_minutes / 60)}}));
}

// The lines a form waits for, from what its check found (and the field a "có phải" asks about).
std::vector<form_field> waits_of(const std::vector<form_problem>& problems) {
  std::vector<form_field> out;
  auto add = [&](form_field f) {
    if (std::find(out.begin(), out.end(), f) == out.end()) out.push_back(f);
  };
  for (const auto& p : problems) {
    if (p.what == form_problem::kind::wrong_village) add(form_field::thon);
    const auto label = p.what == form_problem::kind::repeated ? p.label : p.fix_label();
    for (auto field : all_form_fields)
      if (!label.empty() && field_label(field) == label) add(field);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Where a form's outcome goes, and what the reply says about which form it is (issue 14, item 4).
struct draft_slot {
  std::int64_t id = 0;     ///< the open form it continues; 0: a new one
  bool answer = false;     ///< an answer to that form ("Đã bổ sung cho hồ sơ của …")
  bool restarted = false;  ///< a new /dangky for the person of that form
  bool name_it = false;    ///< the reply names the form (other forms are, or were, open)
};

// Keeps a form as draft `id` (0: a new one). A new one beyond max_open_drafts drops the oldest:
// `dropped` is then its label, for the reply. Returns the draft's id.
std::int64_t keep_draft(context& ctx, const parsed_form& form, const std::vector<form_field>& waits, std::int64_t id,
                        std::string& dropped) {
  storage::draft_record d;
  d.id = id;
  d.chat_id = ctx.msg.chat_id;
  d.user_id = ctx.msg.user_id;
  d.unit_id = ctx.unit->id;
  d.kind = "dangky";
  d.body = draft_body(form, waits);
  d.expires_at = ctx.now + std::chrono::minutes{ctx.svc.draft_ttl_minutes};
  const auto kept = ctx.svc.drafts.put(d);
  if (id == 0) {
    const auto open = load_drafts(ctx);
    if (open.forms.size() > max_open_drafts) {
      const auto& oldest = open.forms.front();
      dropped = draft_label(ctx, open, oldest);
      ctx.svc.drafts.remove(oldest.row.id);
    }
  }
  return kept;
}

// Frames the reply queued since `first` (the first message to this chat): a line naming the
// form before it, and after it the form dropped to make room and the user's other open forms.
// A platform reply to it later picks form `kept` (0: none).
void frame_reply(context& ctx, std::size_t first, const std::string& intro, std::int64_t kept,
                 const std::string& dropped) {
  auto it = std::find_if(ctx.out.begin() + static_cast<std::ptrdiff_t>(first), ctx.out.end(),
                         [&](const outgoing_message& o) { return o.chat_id == ctx.msg.chat_id && !o.broadcast; });
  if (it == ctx.out.end()) return;
  const auto open = load_drafts(ctx);
  std::vector<const open_draft*> others;
  for (const auto& d : open.forms)
    if (d.row.id != kept) others.push_back(&d);
  std::string text = intro.empty() ? it->text : intro + "\n" + it->text;
  if (!dropped.empty())
    text += "\n" + ctx.svc.render.render("dangky_bo_phieu", {{"label", dropped}, {"cap", max_open_drafts}});
  if (!others.empty())
    text += "\n" + ctx.svc.render.render("dangky_phieu_khac",
                                         {{"count", others.size()}, {"drafts", draft_list(ctx, others)}});
  it->text = std::move(text);
  if (kept != 0 && open.by_id(kept))
    it->on_queued = [&drafts = ctx.svc.drafts, kept](std::int64_t outbox_id) { drafts.note_question(kept, outbox_id); };
}

// The line naming the form a reply is about, or "" when it need not be named.
std::string slot_intro(context& ctx, const draft_slot& slot, const parsed_form& form, std::int64_t kept) {
  if (!slot.name_it && !slot.restarted) return {};
  std::string label;
  const auto open = load_drafts(ctx);
  const auto name = draft_name(form);
  if (const auto* d = open.by_id(kept)) {
    label = draft_label(ctx, open, *d);
  } else {
    label = ctx.svc.render.render("phieu_ten", {{"name", name.empty() ? std::string() : echo(ctx, name)}});
  }
  return ctx.svc.render.render("dangky_cho_phieu", {{"label", label},
                                                    {"named", !name.empty()},
                                                    {"answer", slot.answer},
                                                    {"restarted", slot.restarted}});
}

// Stores a valid form: the citizen (found or new), then the request, unless an open one for
// the same citizen and procedure exists.
void register_valid(context& ctx, valid_form& v, const readings& read) {
  auto& svc = ctx.svc;
  const auto& unit = *ctx.unit;

  std::int64_t citizen_id = 0;
  bool approved = false;
  if (auto existing = svc.citizens.find(unit.id, v.citizen.folded_name, v.citizen.birth_year, v.citizen.village)) {
    citizen_id = existing->id;
    approved = existing->approved;
    if (auto open = svc.requests.open_for(citizen_id, v.procedure->code)) {
      ctx.reply(svc.render.render("dangky_trung", {{"number", open->number},
                                                   {"procedure", v.procedure->name},
                                                   {"citizen", existing->full_name},
                                                   {"village", existing->village},
                                                   {"state", domain::label(open->state)}}));
      return;
    }
    svc.citizens.refresh(citizen_id, v.citizen);
  } else {
    citizen_id = svc.citizens.insert(v.citizen, ctx.now);
  }

  auto slot = domain::propose_slot(ctx.local_now(), unit.schedule, unit.cal,
                                   [&](domain::day d) { return svc.requests.booked_on(unit.id, d); });

  storage::request_record r;
  r.unit_id = unit.id;
  r.number = svc.units_repo.take_request_number(unit.id);
  r.citizen_id = citizen_id;
  r.procedure_code = v.procedure->code;
  r.state = domain::request_state::registered;
  r.registered_by = ctx.msg.user_id;
  r.registered_chat = ctx.msg.chat_id;
  r.registered_at = ctx.now;
  r.proposed_day = slot.visit_day;
  svc.requests.insert(r, ctx.msg.user_id, ctx.now);

  std::string masked_phone = v.citizen.phone.empty() ? "" : domain::mask_phone(v.citizen.phone);
  std::string categories = v.citizen.categories;
  std::replace(categories.begin(), categories.end(), ';', ',');
  json data = {{"number", r.number},
               {"procedure", v.procedure->name},
               {"citizen", v.citizen.full_name},
               {"birth_year", v.citizen.birth_year ? std::to_string(*v.citizen.birth_year) : ""},
               {"village", v.citizen.village},
               {"address", v.citizen.address},
               {"categories", categories},
               {"notes", v.citizen.notes},
               {"visit_day", format_visit(ctx, slot.visit_day)},
               {"visit_time", domain::format_hhmm(unit.schedule.visit_time)},
               {"overflow", slot.overflowed()},
               {"first_choice", domain::format_weekday_date(slot.first_choice)},
               {"capacity", unit.schedule.capacity},
               {"approved", approved},
               {"registrant", actor_name(ctx, ctx.msg.user_id)},
               {"readings", read.notes}};
  if (ctx.in_group()) {
    // The group sees no health detail, no address and a masked phone (docs/DESIGN.md §6).
    data["full"] = false;
    data["phone"] = masked_phone;
    ctx.reply(svc.render.render("dangky_xong", data));
    ctx.post(post_kind::hoso, svc.render.render("dangky_thong_bao", data), true);
  } else {
    data["full"] = true;
    data["phone"] = v.citizen.phone;
    ctx.reply(svc.render.render("dangky_xong", data));
    data["phone"] = masked_phone;
    ctx.post(post_kind::hoso, svc.render.render("dangky_thong_bao", data));
  }
}

// Validates a (merged) form and either registers it (closing draft `slot.id`) or keeps it as
// that draft (a new one when 0).
void process_form(context& ctx, const parsed_form& form, const draft_slot& slot = {}) {
  std::vector<form_problem> problems;
  readings read;
  const auto first = ctx.out.size();
  auto valid = validate(ctx, form, problems, read);
  std::int64_t kept = 0;
  std::string dropped;
  if (!valid) {
    // Only recognised fields are kept for the next answer, with the question a yes answers.
    parsed_form keep;
    keep.values = form.values;
    keep.name_confirmed = form.name_confirmed;
    if (read.questions == 1) keep.pending_yes = read.pending_yes;
    kept = keep_draft(ctx, keep, waits_of(problems), slot.id, dropped);
    answer_problems(ctx, form, problems, read);
  } else {
    if (slot.id != 0) ctx.svc.drafts.remove(slot.id);
    register_valid(ctx, *valid, read);
  }
  frame_reply(ctx, first, slot_intro(ctx, slot, form, kept), kept, dropped);
}

// Applies an answer to one open form; false when the text answers nothing in it. The reply
// always says which form the answer went to.
bool answer_draft(context& ctx, const open_draft& d, const std::string& text) {
  const draft_slot slot{.id = d.row.id, .answer = true, .name_it = true};
  auto draft = d.form;
  // "đúng", "dung roi", "phải" after a "có phải …?" answers it; "không" drops the guess.
  if (draft.pending_yes && is_yes_answer(text)) {
    const auto [field, value] = *draft.pending_yes;
    draft.values[field] = value;
    if (field == form_field::ho_ten) draft.name_confirmed = true;
    draft.pending_yes.reset();
    process_form(ctx, draft, slot);
    return true;
  }
  if (draft.pending_yes && is_no_answer(text)) {
    const std::string label(field_label(draft.pending_yes->first));
    draft.pending_yes.reset();
    const auto first = ctx.out.size();
    std::string dropped;
    keep_draft(ctx, draft, d.waits, d.row.id, dropped);
    ctx.reply(ctx.svc.render.render("dangky_khong_dong_y", {{"label", label}}));
    frame_reply(ctx, first, slot_intro(ctx, slot, draft, d.row.id), d.row.id, dropped);
    return true;
  }
  auto answer = parse_form_answer(text);
  if (answer.values.empty() && answer.unknown_labels.empty()) return false;
  process_form(ctx, merge_forms(draft, answer), slot);
  return true;
}

// The open forms that could take an answer: for a yes or no, those asking "có phải …?"; for
// form lines, those waiting for every line given, else for any of them, else all of them.
std::vector<const open_draft*> forms_for(const open_drafts& open, const std::string& text) {
  std::vector<const open_draft*> out;
  if (is_yes_answer(text) || is_no_answer(text)) {
    for (const auto& d : open.forms)
      if (d.form.pending_yes) out.push_back(&d);
    if (!out.empty()) return out;
  }
  auto answer = parse_form_answer(text);
  if (answer.values.empty() && answer.unknown_labels.empty()) return out;
  auto waits_for = [](const open_draft& d, form_field f) {
    return std::find(d.waits.begin(), d.waits.end(), f) != d.waits.end();
  };
  for (bool every : {true, false}) {
    for (const auto& d : open.forms) {
      bool all = !answer.values.empty(), any = false;
      for (const auto& [field, value] : answer.values) {
        const bool waits = waits_for(d, field);
        all = all && waits;
        any = any || waits;
      }
      if (every ? all : any) out.push_back(&d);
    }
    if (!out.empty()) return out;
  }
  return open.all();
}

// Drops an open form at the user's word (/huy), naming it.
void drop_draft(context& ctx, const open_drafts& open, const open_draft& d) {
  const auto label = draft_label(ctx, open, d);
  ctx.svc.drafts.remove(d.row.id);
  const auto first = ctx.out.size();
  ctx.reply(ctx.svc.render.render("huy_phieu_xong", {{"label", label}}));
  frame_reply(ctx, first, {}, 0, {});
}

}  // namespace

form_check check_form(context& ctx, const parsed_form& f) {
  form_check out;
  readings read;
  valid_form v;
  validate_into(ctx, f, out.problems, read, v);
  out.citizen = std::move(v.citizen);
  out.procedure = v.procedure;
  out.notes = std::move(read.notes);
  return out;
}

nlohmann::json problems_data(context& ctx, const std::vector<form_problem>& problems) {
  return listed_problems(ctx, problems);
}

void handle_register(context& ctx, const std::string& args) {
  auto form = parse_form(args);
  const auto open = load_drafts(ctx);
  // A new /dangky settles an open "which form?" question: it is not answered any more.
  if (open.question) ctx.svc.drafts.remove(open.question->id);
  bool empty = form.values.empty() && form.unknown_labels.empty() && form.stray_lines.empty();
  if (empty) {
    // "/dangky" alone: continue the draft if there is one, list them if several, else show the
    // form to fill.
    if (open.forms.size() == 1) {
      process_form(ctx, open.forms.front().form, {.id = open.forms.front().row.id});
      return;
    }
    if (open.forms.size() > 1) {
      const auto all = open.all();
      ctx.reply(ctx.svc.render.render("dangky_phieu_dang_cho",
                                      {{"count", all.size()}, {"drafts", draft_list(ctx, all)}}));
      return;
    }
    // Start an empty draft: people on phones often send the lines one message at a time.
    std::vector<form_problem> problems;
    readings read;
    validate(ctx, form, problems, read);
    std::string dropped;
    const auto id = keep_draft(ctx, parsed_form{}, waits_of(problems), 0, dropped);
    const auto first = ctx.out.size();
    ctx.reply(ctx.svc.render.render(
        "dangky_mau", {{"village_example", ctx.unit->villages.empty() ? std::string("…") : ctx.unit->villages.front()}}));
    frame_reply(ctx, first, {}, id, dropped);
    return;
  }
  // A new form never discards another open one (issue 14, item 4). It starts over the form of
  // the same person, or one still empty ("/dangky" alone); otherwise it is a form of its own.
  draft_slot slot;
  const auto name = fold(draft_name(form));
  for (const auto& d : open.forms) {
    const bool same_person = !name.empty() && fold(draft_name(d.form)) == name;
    if (same_person || d.form.values.empty()) {
      slot.id = d.row.id;
      slot.restarted = same_person;
      break;
    }
  }
  slot.name_it = open.forms.size() > (slot.id != 0 ? 1u : 0u);
  process_form(ctx, form, slot);
}

std::optional<std::string> registration_open_unit(services& svc, const std::string& chat_id,
                                                  const std::string& user_id, domain::instant now) {
  for (const auto& d : svc.drafts.list(chat_id, user_id, now))
    if (d.kind == "dangky") return d.unit_id;
  return std::nullopt;
}

bool handle_draft_answer(context& ctx, const std::string& text) {
  if (!ctx.unit) return false;
  const auto open = load_drafts(ctx);
  if (open.forms.empty()) {
    if (open.question) ctx.svc.drafts.remove(open.question->id);
    return false;
  }
  if (!may(action::dangky, {ctx.role()})) return false;

  // An answer to "which form?": its number or name applies what was waiting. Anything else is
  // read afresh below, and the question is dropped.
  if (open.question) {
    const auto q = read_question(*open.question);
    ctx.svc.drafts.remove(open.question->id);
    std::vector<const open_draft*> listed;
    for (auto id : q.ids)
      if (const auto* d = open.by_id(id)) listed.push_back(d);
    if (const auto* d = pick_draft(text, listed)) {
      if (q.cancel) {
        drop_draft(ctx, open, *d);
        return true;
      }
      return answer_draft(ctx, *d, q.answer);
    }
  }
  // A platform reply to the bot's message about one form goes to that form.
  if (!ctx.msg.reply_to.empty()) {
    if (auto id = ctx.svc.drafts.asked_as(ctx.msg.chat_id, ctx.msg.user_id, ctx.msg.reply_to, ctx.now))
      if (const auto* d = open.by_id(*id)) return answer_draft(ctx, *d, text);
  }
  const auto candidates = forms_for(open, text);
  if (candidates.empty()) return false;
  if (candidates.size() == 1) return answer_draft(ctx, *candidates.front(), text);
  ask_which(ctx, open, candidates, {.answer = text});
  return true;
}

bool cancel_draft(context& ctx, const std::string& args) {
  const auto a = trim(args);
  if (!ctx.unit || (!a.empty() && a.front() == '#')) return false;
  const auto open = load_drafts(ctx);
  if (open.forms.empty()) return false;
  if (open.question) ctx.svc.drafts.remove(open.question->id);
  const auto all = open.all();
  if (a.empty() && all.size() > 1) {
    ask_which(ctx, open, all, {.cancel = true});
    return true;
  }
  const auto* d = a.empty() ? all.front() : pick_draft(a, all);
  if (!d) return false;
  drop_draft(ctx, open, *d);
  return true;
}

}  // namespace tannha::handlers
