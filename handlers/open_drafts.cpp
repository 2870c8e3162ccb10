#include "handlers/open_drafts.hpp"

#include <algorithm>

#include "handlers/free_text.hpp"
#include "handlers/person_words.hpp"
#include "handlers/text.hpp"

namespace tannha::handlers {

namespace {

using nlohmann::json;

constexpr std::string_view form_kind = "dangky";
constexpr std::string_view question_kind = "chon";

// The lines a form lacks when its body does not say what it waits for (a draft kept before
// several could be open): every required line not given.
std::vector<form_field> required_missing(const parsed_form& f) {
  std::vector<form_field> out;
  for (auto field : {form_field::ho_ten, form_field::nam_sinh, form_field::thon, form_field::dia_chi,
                     form_field::doi_tuong, form_field::thu_tuc})
    if (!f.values.count(field)) out.push_back(field);
  return out;
}

open_draft read_form(const storage::draft_record& row) {
  open_draft d;
  d.row = row;
  auto j = json::parse(row.body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return d;  // unreadable: an empty form, asked again
  d.form = j.get<parsed_form>();
  const auto w = j.find("_waits");
  if (w == j.end() || !w->is_array()) {
    d.waits = required_missing(d.form);
    return d;
  }
  for (const auto& key : *w)
    for (auto field : all_form_fields)
      if (key.is_string() && json(field).get<std::string>() == key.get<std::string>()) d.waits.push_back(field);
  return d;
}

std::string waits_text(const open_draft& d) {
  std::vector<std::string> labels;
  for (auto field : d.waits) labels.emplace_back(field_label(field));
  return join(labels, ", ");
}

// "số 2", "phiếu 2", "#2", "2." -> 2.
std::optional<int> chosen_number(const std::string& text) {
  auto words = split_words(text);
  std::vector<std::string> kept;
  for (const auto& w : words)
    if (w.folded != "so" && w.folded != "phieu" && w.folded != "thu" && w.folded != "tu") kept.push_back(w.folded);
  if (kept.size() != 1) return std::nullopt;
  std::string digits = kept.front();
  if (!digits.empty() && digits.front() == '#') digits.erase(0, 1);
  while (!digits.empty() && (digits.back() == '.' || digits.back() == ')')) digits.pop_back();
  if (digits.empty() || digits.size() > 2 || !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) return std::nullopt;
  return std::stoi(digits);
}

}  // namespace

const open_draft* open_drafts::by_id(std::int64_t id) const {
  for (const auto& d : forms)
    if (d.row.id == id) return &d;
  return nullptr;
}

std::vector<const open_draft*> open_drafts::all() const {
  std::vector<const open_draft*> out;
  for (const auto& d : forms) out.push_back(&d);
  return out;
}

open_drafts load_drafts(context& ctx) {
  open_drafts out;
  if (!ctx.unit) return out;
  for (auto& row : ctx.svc.drafts.list(ctx.msg.chat_id, ctx.msg.user_id, ctx.now)) {
    if (row.unit_id != ctx.unit->id) continue;
    if (row.kind == question_kind) {
      out.question = std::move(row);
    } else if (row.kind == form_kind) {
      out.forms.push_back(read_form(row));
      out.forms.back().number = static_cast<int>(out.forms.size());
    }
  }
  return out;
}

std::string draft_body(const parsed_form& form, const std::vector<form_field>& waits) {
  json j = form;
  j["_waits"] = json::array();
  for (auto field : waits) j["_waits"].push_back(json(field).get<std::string>());
  return j.dump();
}

std::string draft_name(const parsed_form& form) {
  auto it = form.values.find(form_field::ho_ten);
  if (it == form.values.end()) return {};
  auto reading = read_person_name(it->second);
  return reading.name.empty() ? trim(it->second) : reading.name;
}

std::string draft_label(context& ctx, const open_drafts& open, const open_draft& d) {
  const auto name = draft_name(d.form);
  const auto folded = fold(name);
  const bool repeated = std::any_of(open.forms.begin(), open.forms.end(), [&](const open_draft& o) {
    return o.row.id != d.row.id && fold(draft_name(o.form)) == folded;
  });
  json data = {{"name", name.empty() ? std::string() : echo(ctx, name)}};
  if (repeated) data["number"] = d.number;
  return ctx.svc.render.render("phieu_ten", data);
}

json draft_list(context& ctx, const std::vector<const open_draft*>& forms) {
  json out = json::array();
  for (const auto* d : forms) {
    const auto name = draft_name(d->form);
    out.push_back({{"number", d->number},
                   {"label", ctx.svc.render.render("phieu_ten", {{"name", name.empty() ? std::string() : echo(ctx, name)}})},
                   {"waits", waits_text(*d)}});
  }
  return out;
}

const open_draft* pick_draft(const std::string& text, const std::vector<const open_draft*>& choices) {
  if (auto n = chosen_number(text)) {
    for (const auto* d : choices)
      if (d->number == *n) return d;
    return nullptr;
  }
  const auto typed = fold(read_person_name(text).name);
  if (typed.empty()) return nullptr;
  // The whole name first ("Nguyễn Văn Tư"), then its last words ("Tư", "Văn Tư").
  std::vector<const open_draft*> whole, tail;
  for (const auto* d : choices) {
    const auto name = fold(draft_name(d->form));
    if (name.empty()) continue;
    if (name == typed) whole.push_back(d);
    else if (name.size() > typed.size() && name.ends_with(" " + typed)) tail.push_back(d);
  }
  if (whole.size() == 1) return whole.front();
  if (whole.empty() && tail.size() == 1) return tail.front();
  return nullptr;
}

void ask_which(context& ctx, const open_drafts& open, const std::vector<const open_draft*>& choices,
               draft_question q) {
  if (open.question) ctx.svc.drafts.remove(open.question->id);
  q.ids.clear();
  for (const auto* d : choices) q.ids.push_back(d->row.id);
  storage::draft_record row;
  row.chat_id = ctx.msg.chat_id;
  row.user_id = ctx.msg.user_id;
  row.unit_id = ctx.unit->id;
  row.kind = question_kind;
  row.body = json{{"cancel", q.cancel}, {"answer", q.answer}, {"ids", q.ids}}.dump();
  // The answer waits as long as the forms would: it is personal data of the same kind.
  row.expires_at = ctx.now + std::chrono::minutes{ctx.svc.draft_ttl_minutes};
  ctx.svc.drafts.put(row);
  ctx.reply(ctx.svc.render.render("dangky_phieu_nao", {{"cancel", q.cancel},
                                                       {"count", choices.size()},
                                                       {"drafts", draft_list(ctx, choices)},
                                                       {"first", choices.empty() ? 1 : choices.front()->number}}));
}

draft_question read_question(const storage::draft_record& row) {
  draft_question q;
  auto j = json::parse(row.body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return q;
  if (auto c = j.find("cancel"); c != j.end() && c->is_boolean()) q.cancel = c->get<bool>();
  if (auto a = j.find("answer"); a != j.end() && a->is_string()) q.answer = a->get<std::string>();
  if (auto ids = j.find("ids"); ids != j.end() && ids->is_array())
    for (const auto& id : *ids)
      if (id.is_number_integer()) q.ids.push_back(id.get<std::int64_t>());
  return q;
}

}  // namespace tannha::handlers
