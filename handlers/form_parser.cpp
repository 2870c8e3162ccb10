#include "handlers/form_parser.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <utility>

#include "handlers/suggest.hpp"
#include "handlers/text.hpp"

namespace tannha::handlers {

namespace {

struct label_entry {
  std::string_view compact;  ///< folded compact spelling
  form_field field;
};

/// Every spelling of every label (folded compact). The first entry of a field is its own name.
constexpr label_entry labels[] = {
    {"hoten", form_field::ho_ten},
    {"hovaten", form_field::ho_ten},
    {"ten", form_field::ho_ten},
    {"namsinh", form_field::nam_sinh},
    {"ns", form_field::nam_sinh},
    {"sinhnam", form_field::nam_sinh},
    {"ngaysinh", form_field::nam_sinh},  // people write a birth date; the year is what counts
    {"thon", form_field::thon},
    {"ap", form_field::thon},
    {"ban", form_field::thon},
    {"todanpho", form_field::thon},
    {"khupho", form_field::thon},
    {"to", form_field::thon},
    {"diachi", form_field::dia_chi},
    {"d/c", form_field::dia_chi},  // the usual abbreviation "Đ/c"
    {"sdt", form_field::sdt},
    {"sodienthoai", form_field::sdt},
    {"dienthoai", form_field::sdt},
    {"dt", form_field::sdt},
    {"sodt", form_field::sdt},
    {"doituong", form_field::doi_tuong},
    {"thutuc", form_field::thu_tuc},
    {"tthc", form_field::thu_tuc},
    {"thutuchanhchinh", form_field::thu_tuc},
    {"ghichu", form_field::ghi_chu},
    {"luuy", form_field::ghi_chu},
    {"hotennguoidan", form_field::ho_ten},
    {"sodienthoailienhe", form_field::sdt},
};

std::optional<form_field> lookup_label(std::string_view compact) {
  for (const auto& e : labels)
    if (e.compact == compact) return e.field;
  return std::nullopt;
}

/// The field a label names. A line that starts with a mention of the bot ("@Tận Nhà Năm
/// sinh: 1938", an answer typed in a group) names the field of its last words.
std::optional<form_field> field_of_label(const std::string& label) {
  if (const auto f = lookup_label(fold_compact(label))) return f;
  if (label.empty() || label.front() != '@') {
    // Telex slips: "nawm sinh", "ddiaj chir".
    std::string loose = fold_loose(label);
    std::erase_if(loose, [](char ch) { return ch == ' ' || ch == '_' || ch == '-'; });
    if (const auto f = lookup_label(loose)) return f;
  }
  if (label.empty() || label.front() != '@') return std::nullopt;
  const auto words = split(fold(label), ' ');
  for (std::size_t k = 1; k < words.size(); ++k) {
    std::string compact;
    for (std::size_t i = k; i < words.size(); ++i) compact += words[i];
    std::erase_if(compact, [](char ch) { return ch == '_' || ch == '-'; });
    if (const auto f = lookup_label(compact)) return f;
  }
  return std::nullopt;
}

/// The closest field label to an unknown one ("Doi tong" -> "Đối tượng"), or "".
std::string suggest_label(std::string_view typed) {
  std::vector<std::string> options;
  for (const auto& e : labels) options.emplace_back(e.compact);
  const auto best = closest(typed, options, 1);
  if (best.empty()) return {};
  return std::string(field_label(*lookup_label(best.front())));
}

/// Drops list decorations before a label: "- ", "• ", "* ", "1. ", "2) ".
std::string strip_bullet(std::string label) {
  while (true) {
    label = trim(label);
    std::string_view v = label;
    std::size_t drop = 0;
    if (!v.empty() && std::string_view("-*+>").find(v.front()) != std::string_view::npos)
      drop = 1;
    else if (v.starts_with("\u2022") || v.starts_with("\u2013") || v.starts_with("\u2014"))
      drop = 3;
    else if (v.starts_with("\u00B7"))
      drop = 2;
    else {
      std::size_t d = 0;
      while (d < v.size() && v[d] >= '0' && v[d] <= '9') ++d;
      if (d > 0 && d < v.size() && (v[d] == '.' || v[d] == ')')) drop = d + 1;
    }
    if (drop == 0) return label;
    label.erase(0, drop);
  }
}

/// Whether text before a colon can be a label rather than part of a sentence ("8:30",
/// "https://…", a long sentence with a colon in it).
bool looks_like_label(const std::string& label, std::string_view value) {
  if (label.empty() || value.starts_with("//")) return false;
  if (std::any_of(label.begin(), label.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return false;
  const std::string f = fold(label);
  return std::count(f.begin(), f.end(), ' ') < 5 && code_points(label).size() <= 40;
}

/// Position and byte length of the first ':' or full-width '：' (U+FF1A).
std::pair<std::size_t, std::size_t> find_colon(std::string_view s) {
  const std::size_t ascii = s.find(':');
  const std::size_t wide = s.find("\uFF1A");
  if (wide != std::string_view::npos && (ascii == std::string_view::npos || wide < ascii))
    return {wide, 3};
  return {ascii, 1};
}

std::string unify_newlines(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r') {
      out.push_back('\n');
      if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

/// Fields whose values are free text where a ';' may be part of the value.
bool continues_with_semicolon(std::optional<form_field> f) {
  return f == form_field::dia_chi || f == form_field::ghi_chu || f == form_field::doi_tuong;
}

/// A label and its value being read; committed when the next label starts or the line ends.
struct pending_pair {
  std::optional<form_field> field;  ///< nullopt: an unknown label, whose value is dropped
  std::string value;
};

void commit(parsed_form& form, const pending_pair& p) {
  if (!p.field || p.value.empty()) return;  // an empty value is a missing field
  const auto [it, inserted] = form.values.emplace(*p.field, p.value);
  if (inserted || fold(it->second) == fold(p.value)) return;
  // Two different values: keep the first, and let the caller ask which one is right.
  if (std::find(form.repeated.begin(), form.repeated.end(), *p.field) == form.repeated.end())
    form.repeated.push_back(*p.field);
}

}  // namespace

std::string_view field_label(form_field f) {
  switch (f) {
    case form_field::ho_ten: return "Họ tên";
    case form_field::nam_sinh: return "Năm sinh";
    case form_field::thon: return "Thôn";
    case form_field::dia_chi: return "Địa chỉ";
    case form_field::sdt: return "SĐT";
    case form_field::doi_tuong: return "Đối tượng";
    case form_field::thu_tuc: return "Thủ tục";
    case form_field::ghi_chu: return "Ghi chú";
  }
  return {};
}

parsed_form parse_form(std::string_view text) {
  parsed_form form;
  bool first_line = true;
  for (const auto& raw_line : split(unify_newlines(to_nfc(text)), '\n')) {
    const std::string line = trim(raw_line);
    if (line.empty()) continue;
    // The whole message may be passed in: its command line is not part of the form.
    if (first_line && line.front() == '/') {
      first_line = false;
      continue;
    }
    first_line = false;

    std::optional<pending_pair> pending;
    std::vector<std::string> strays;
    bool any_pair = false;
    for (const auto& raw_segment : split(line, ';')) {
      const std::string segment = trim(raw_segment);
      if (segment.empty()) continue;
      const auto [colon, colon_len] = find_colon(segment);
      if (colon != std::string::npos) {
        const std::string label = strip_bullet(segment.substr(0, colon));
        const std::string value = trim(std::string_view(segment).substr(colon + colon_len));
        if (looks_like_label(label, value)) {
          if (pending) commit(form, *pending);
          any_pair = true;
          pending = pending_pair{field_of_label(label), value};
          if (!pending->field) {
            form.unknown_labels.push_back(label);
            form.label_suggestions.push_back(suggest_label(label));
          }
          continue;
        }
      }
      // Not a pair: in free-text fields, the rest of a value that had a ';' in it; elsewhere
      // a stray piece ("Họ tên: Tư; 1938" must not make "Tư; 1938" a name).
      if (pending && continues_with_semicolon(pending->field))
        pending->value = pending->value.empty() ? segment : pending->value + "; " + segment;
      else
        strays.push_back(segment);
    }
    if (pending) commit(form, *pending);
    if (!any_pair)
      form.stray_lines.push_back(line);
    else
      for (auto& s : strays) form.stray_lines.push_back(std::move(s));
  }
  return form;
}

parsed_form parse_form_answer(std::string_view text) {
  std::string rewritten;
  for (const auto& raw_line : split(unify_newlines(to_nfc(text)), '\n')) {
    std::string line = trim(raw_line);
    if (find_colon(line).first == std::string::npos && !line.empty() && line.front() != '/') {
      // The longest run of up to four leading words that is a label.
      std::vector<std::pair<std::size_t, std::string>> ends;  // byte end of word k, its loose fold
      std::size_t i = 0;
      while (i < line.size() && ends.size() < 4) {
        while (i < line.size() && line[i] == ' ') ++i;
        const std::size_t b = i;
        while (i < line.size() && line[i] != ' ') ++i;
        if (b < i) ends.emplace_back(i, fold_loose(line.substr(b, i - b)));
      }
      for (std::size_t k = ends.size(); k >= 1; --k) {
        std::string compact;
        for (std::size_t j = 0; j < k; ++j) compact += ends[j].second;
        std::erase_if(compact, [](char ch) { return ch == '_' || ch == '-'; });
        const auto field = lookup_label(compact);
        const std::string value = trim(std::string_view(line).substr(ends[k - 1].first));
        if (!field || value.empty()) continue;
        const bool short_label = compact == "to" || compact == "ban" || compact == "ap" || compact == "ten" ||
                                 compact == "dt" || compact == "ns";
        if (short_label && !(value[0] >= '0' && value[0] <= '9')) continue;
        line = line.substr(0, ends[k - 1].first) + ": " + value;
        break;
      }
    }
    rewritten += line;
    rewritten += '\n';
  }
  return parse_form(rewritten);
}

parsed_form merge_forms(const parsed_form& earlier, const parsed_form& later) {
  parsed_form merged;
  merged.values = earlier.values;
  for (const auto& [field, value] : later.values) merged.values[field] = value;
  // Problems of the earlier message were reported already; a field the answer gives again
  // settles a repetition, the answer's own problems are what is left to tell.
  for (const auto f : earlier.repeated)
    if (!later.values.contains(f)) merged.repeated.push_back(f);
  for (const auto f : later.repeated)
    if (std::find(merged.repeated.begin(), merged.repeated.end(), f) == merged.repeated.end())
      merged.repeated.push_back(f);
  merged.unknown_labels = later.unknown_labels;
  merged.label_suggestions = later.label_suggestions;
  merged.stray_lines = later.stray_lines;
  // A confirmation holds only for the name it was given for.
  merged.name_confirmed = earlier.name_confirmed && !later.values.contains(form_field::ho_ten);
  return merged;
}

void to_json(nlohmann::json& j, const parsed_form& f) {
  j = nlohmann::json::object();
  for (const auto& [field, value] : f.values) j[nlohmann::json(field).get<std::string>()] = value;
  if (f.pending_yes) {
    j["_yes_field"] = nlohmann::json(f.pending_yes->first).get<std::string>();
    j["_yes_value"] = f.pending_yes->second;
  }
  if (f.name_confirmed) j["_name_ok"] = true;
}

void from_json(const nlohmann::json& j, parsed_form& f) {
  f = parsed_form{};
  if (!j.is_object()) return;
  for (auto field : all_form_fields) {
    auto it = j.find(nlohmann::json(field).get<std::string>());
    if (it != j.end() && it->is_string()) f.values[field] = it->get<std::string>();
  }
  const auto yf = j.find("_yes_field");
  const auto yv = j.find("_yes_value");
  if (yf != j.end() && yv != j.end() && yf->is_string() && yv->is_string()) {
    for (auto field : all_form_fields)
      if (nlohmann::json(field).get<std::string>() == yf->get<std::string>())
        f.pending_yes = std::pair{field, yv->get<std::string>()};
  }
  const auto ok = j.find("_name_ok");
  f.name_confirmed = ok != j.end() && ok->is_boolean() && ok->get<bool>();
}

std::string form_problem::fix_label() const {
  switch (what) {
    case kind::missing:
    case kind::lookup: return label;
    case kind::bad_year: return std::string(field_label(form_field::nam_sinh));
    case kind::bad_phone: return std::string(field_label(form_field::sdt));
    case kind::bad_name:
    case kind::name_no_marks: return std::string(field_label(form_field::ho_ten));
    case kind::unknown_label:
    case kind::stray:
    case kind::repeated:
    case kind::wrong_village: return "";
  }
  return "";
}

void to_json(nlohmann::json& j, const form_problem& p) {
  using k = form_problem::kind;
  switch (p.what) {
    case k::missing: j = {{"missing", true}, {"label", p.label}}; return;
    case k::unknown_label: j = {{"unknown_label", true}, {"typed", p.typed}, {"suggest", p.suggest}}; return;
    case k::stray: j = {{"stray", true}, {"typed", p.typed}}; return;
    case k::repeated: j = {{"repeated", true}, {"label", p.label}}; return;
    case k::bad_name: j = {{"bad_name", true}, {"typed", p.typed}}; return;
    case k::bad_year: j = {{"bad_year", true}, {"typed", p.typed}, {"ambiguous", p.ambiguous}}; return;
    case k::bad_phone: j = {{"bad_phone", true}, {"typed", p.typed}}; return;
    case k::wrong_village: j = {{"wrong_village", true}, {"own", p.own}}; return;
    case k::name_no_marks: j = {{"name_no_marks", true}, {"typed", p.typed}}; return;
    case k::lookup: {
      // "Không tìm thấy thủ tục …": the label inside a sentence is lower case.
      j = {{"lookup", true},
           {"ambiguous", p.ambiguous},
           {"what", p.label},
           {"what_lower", to_lower(p.label)},
           {"typed", p.typed},
           {"suggestions", p.suggestions},
           {"choices", p.choices}};
      return;
    }
  }
}

}  // namespace tannha::handlers
