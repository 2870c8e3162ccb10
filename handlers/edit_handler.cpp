// /sua #N: a correction of an open request's form lines (issue 14, item 5). The lines are read
// and checked as /dangky reads and checks them; nothing changes unless every given line passes.
// The history keeps old and new values whole (private /hoso) beside the group's version, and the
// group is told what changed without the personal fields (SECURITY.md "Who sees what").
#include <algorithm>

#include "domain/masking.hpp"
#include "domain/request_state.hpp"
#include "handlers/command_parser.hpp"
#include "handlers/commands.hpp"
#include "handlers/free_text.hpp"
#include "handlers/registration_check.hpp"
#include "handlers/search_words.hpp"
#include "handlers/text.hpp"

namespace tannha::handlers {

namespace {

using nlohmann::json;

// The text after the request number ("#3 năm sinh: 1954" -> "năm sinh: 1954"; also "số 3 …").
std::string edit_lines(std::string_view args) {
  std::string t = trim(args);
  std::size_t i = 0;
  const auto mark = t.find_first_of("#0123456789");
  if (mark != std::string::npos && mark > 0 && fold(t.substr(0, mark)) == "so") i = mark;
  while (i < t.size() && (t[i] == '#' || t[i] == ' ' || t[i] == '\t')) ++i;
  while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i;
  while (i < t.size() && (t[i] == ' ' || t[i] == '\t' || t[i] == ':' || t[i] == ',' || t[i] == '-')) ++i;
  return t.substr(i);
}

// Categories as stored (';') and as typed or shown (", ").
std::string shown_categories(std::string s) {
  std::string out;
  for (char c : s) out += c == ';' ? std::string(", ") : std::string(1, c);
  return out;
}

// The request's current values as form lines, so a correction is checked as a whole form.
parsed_form current_form(const storage::citizen_record& c, const std::string& procedure) {
  parsed_form f;
  auto put = [&](form_field field, const std::string& v) {
    if (!v.empty()) f.values[field] = v;
  };
  put(form_field::ho_ten, c.full_name);
  put(form_field::nam_sinh, c.birth_year ? std::to_string(*c.birth_year) : "");
  put(form_field::thon, c.village);
  put(form_field::dia_chi, c.address);
  put(form_field::sdt, c.phone);
  put(form_field::doi_tuong, shown_categories(c.categories));
  put(form_field::thu_tuc, procedure);
  put(form_field::ghi_chu, c.notes);
  f.name_confirmed = true;  // a name typed in a correction is what its author wants printed
  return f;
}

// A field's value as stored, for comparing and for the history.
std::string stored_value(form_field field, const storage::citizen_record& c, const std::string& procedure) {
  switch (field) {
    case form_field::ho_ten: return c.full_name;
    case form_field::nam_sinh: return c.birth_year ? std::to_string(*c.birth_year) : "";
    case form_field::thon: return c.village;
    case form_field::dia_chi: return c.address;
    case form_field::sdt: return c.phone;
    case form_field::doi_tuong: return shown_categories(c.categories);
    case form_field::thu_tuc: return procedure;
    case form_field::ghi_chu: return c.notes;
  }
  return "";
}

// A value as a group may see it: name, birth year, village and procedure whole; the phone's last
// digits; the address, categories and the citizen's notes never (named only), as /hoso in a group.
json group_value(context& ctx, form_field field, const std::string& v, std::int64_t number) {
  switch (field) {
    case form_field::dia_chi:
    case form_field::doi_tuong:
    case form_field::ghi_chu: return json(nullptr);
    case form_field::sdt: return v.empty() ? json("") : json(domain::mask_phone(v));
    default: return json(group_text(ctx.svc.render, v, number));  // typed text: numbers masked
  }
}

// "Sửa Năm sinh: 1945 → 1954; SĐT: … → …" (the template lists; the last separator goes).
std::string history_line(const renderer& render, const json& changes) {
  auto s = trim(render.render("sua_lich_su", {{"changes", changes}}));
  while (!s.empty() && (s.back() == ';' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

void handle_edit(context& ctx, const std::string& args) {
  auto& svc = ctx.svc;
  auto r = find_request(ctx, action::sua, args);
  if (!r) return;
  auto citizen = svc.citizens.get(r->citizen_id);
  const auto* proc = svc.procedures.by_code(r->procedure_code);
  const std::string proc_name = proc ? proc->name : r->procedure_code;
  if (!domain::is_open(r->state) || !citizen) {
    ctx.reply(svc.render.render("sua_da_dong", {{"number", r->number}, {"state", domain::label(r->state)}}));
    return;
  }

  const auto answer = parse_form_answer(edit_lines(args));
  if (answer.values.empty()) {
    ctx.reply(svc.render.render("sua_cach_dung", {{"number", r->number}}));
    return;
  }
  auto merged = merge_forms(current_form(*citizen, proc_name), answer);
  merged.name_confirmed = true;
  auto checked = check_form(ctx, merged);

  // Only the given lines are judged (an unchanged line that no longer matches the catalog is
  // left as it is); a line that is not a field is a mistake too.
  std::vector<form_problem> problems;
  for (const auto& p : checked.problems) {
    const auto label = p.fix_label();
    const bool given = std::any_of(answer.values.begin(), answer.values.end(),
                                   [&](const auto& kv) { return field_label(kv.first) == label; }) ||
                       (p.what == form_problem::kind::wrong_village && answer.values.count(form_field::thon));
    const bool not_a_field = p.what == form_problem::kind::unknown_label || p.what == form_problem::kind::stray ||
                             p.what == form_problem::kind::repeated;
    if (given || not_a_field) problems.push_back(p);
  }
  if (!problems.empty()) {
    ctx.reply(svc.render.render("sua_sai", {{"number", r->number}, {"problems", problems_data(ctx, problems)}}));
    return;
  }

  // The corrected record: the given fields from the check, the others as stored.
  storage::citizen_record after = *citizen;
  const storage::citizen_record& n = checked.citizen;
  std::string new_proc_code = r->procedure_code;
  std::string new_proc_name = proc_name;
  for (const auto& [field, typed] : answer.values) {
    switch (field) {
      case form_field::ho_ten: after.full_name = n.full_name; after.folded_name = n.folded_name; break;
      case form_field::nam_sinh: after.birth_year = n.birth_year; break;
      case form_field::thon: after.village = n.village; break;
      case form_field::dia_chi: after.address = n.address; break;
      case form_field::sdt: after.phone = n.phone; break;
      case form_field::doi_tuong: after.categories = n.categories; break;
      case form_field::ghi_chu: after.notes = n.notes; break;
      case form_field::thu_tuc:
        if (checked.procedure) {
          new_proc_code = checked.procedure->code;
          new_proc_name = checked.procedure->name;
        }
        break;
    }
  }

  json changes = json::array();        // private: old and new whole
  json group_changes = json::array();  // group: masked
  for (auto field : all_form_fields) {
    if (!answer.values.count(field)) continue;
    const auto before_v = stored_value(field, *citizen, proc_name);
    const auto after_v = stored_value(field, after, new_proc_name);
    if (before_v == after_v) continue;
    const std::string label(field_label(field));
    changes.push_back({{"label", label}, {"old", before_v}, {"new", after_v}});
    json g = {{"label", label}};
    const auto go = group_value(ctx, field, before_v, r->number);
    const auto gn = group_value(ctx, field, after_v, r->number);
    if (!gn.is_null()) {
      g["old"] = go;
      g["new"] = gn;
    }
    group_changes.push_back(std::move(g));
  }
  if (changes.empty()) {
    ctx.reply(svc.render.render("sua_khong_doi", {{"number", r->number}}));
    return;
  }

  if (new_proc_code != r->procedure_code) {
    if (auto open = svc.requests.open_for(citizen->id, new_proc_code); open && open->id != r->id) {
      ctx.reply(svc.render.render("dangky_trung", {{"number", open->number},
                                                   {"procedure", new_proc_name},
                                                   {"citizen", after.full_name},
                                                   {"village", after.village},
                                                   {"state", domain::label(open->state)}}));
      return;
    }
  }

  after.folded_place = folded_place(after.village, after.address);
  svc.citizens.correct(after);
  if (new_proc_code != r->procedure_code) svc.requests.set_procedure(r->id, new_proc_code);
  storage::event_record ev{0, r->id, ctx.now, ctx.msg.user_id, r->state, r->state, history_line(svc.render, changes)};
  svc.requests.append_correction(ev, history_line(svc.render, group_changes));

  json data = {{"number", r->number},
               {"procedure", new_proc_name},
               {"citizen", after.full_name},
               {"village", after.village},
               {"actor", actor_name(ctx, ctx.msg.user_id)},
               {"readings", checked.notes}};
  if (ctx.in_group()) {
    data["changes"] = group_changes;
    ctx.reply(svc.render.render("sua_xong", data));
    data["readings"] = json::array();
    ctx.post(post_kind::hoso, svc.render.render("sua_thong_bao", data), true);  // members-mode copies
  } else {
    data["changes"] = changes;
    ctx.reply(svc.render.render("sua_xong", data));
    data["changes"] = group_changes;
    data["readings"] = json::array();
    ctx.post(post_kind::hoso, svc.render.render("sua_thong_bao", data));
  }
}

}  // namespace tannha::handlers
