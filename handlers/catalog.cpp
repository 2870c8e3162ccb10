#include "handlers/catalog.hpp"

#include <algorithm>

#include "handlers/text.hpp"

namespace tannha::handlers {

namespace {

// What people type for each category of docs/DESIGN.md §1 (folded).
const std::vector<std::pair<std::string, std::vector<std::string>>>& category_aliases() {
  static const std::vector<std::pair<std::string, std::vector<std::string>>> aliases = {
      {"Người có công", {"nguoi co cong", "co cong", "ncc", "nguoi co cong voi cach mang", "than nhan liet si",
                         "gia dinh liet si", "me viet nam anh hung"}},
      {"Thương binh, bệnh binh", {"thuong binh", "benh binh", "tb", "bb", "thuong benh binh"}},
      {"Người khuyết tật", {"khuyet tat", "nguoi khuyet tat", "nkt", "tan tat", "khiem thi", "khiem thinh"}},
      {"Người cao tuổi", {"cao tuoi", "nguoi cao tuoi", "nguoi gia", "gia yeu", "nct", "tren 80 tuoi"}},
      {"Ốm đau, bệnh hiểm nghèo", {"om dau", "benh hiem ngheo", "om", "benh nang", "om nang", "benh tat"}},
      {"Hộ nghèo, cận nghèo", {"ho ngheo", "can ngheo", "ngheo", "ho can ngheo"}},
      {"Neo đơn", {"neo don", "song mot minh", "co don"}},
      {"Trẻ em", {"tre em", "tre", "tre mo coi"}},
      {"Bất khả kháng", {"bat kha khang"}},
      {"Khác", {"khac", "truong hop khac"}},
  };
  return aliases;
}

template <class T>
lookup<T> miss(std::string_view typed, const std::vector<candidate>& cands, const match_result& m) {
  lookup<T> out;
  out.miss.ambiguous = m.how == match_result::kind::ambiguous;
  out.miss.typed = trim(typed);
  for (auto i : m.suggestions) out.miss.suggestions.push_back(cands[i].display);
  return out;
}

}  // namespace

catalog::catalog(std::vector<domain::procedure> procedures) : procedures_(std::move(procedures)) {
  for (const auto& p : procedures_) {
    candidate c{p.name + " (" + p.code + ")", {p.name, p.code}};
    c.keys.insert(c.keys.end(), p.aliases.begin(), p.aliases.end());
    procedure_candidates_.push_back(std::move(c));
  }
  for (const auto& [name, aliases] : category_aliases()) {
    candidate c{name, {name}};
    c.keys.insert(c.keys.end(), aliases.begin(), aliases.end());
    category_candidates_.push_back(std::move(c));
  }
}

lookup<const domain::procedure*> catalog::find_procedure(std::string_view typed) const {
  auto m = match(typed, procedure_candidates_);
  if (m.how == match_result::kind::exact || m.how == match_result::kind::unique_prefix)
    return {&procedures_[m.index], {}};
  return miss<const domain::procedure*>(typed, procedure_candidates_, m);
}

const domain::procedure* catalog::by_code(std::string_view code) const {
  for (const auto& p : procedures_)
    if (p.code == code) return &p;
  return nullptr;
}

lookup<std::vector<std::string>> catalog::find_categories(std::string_view typed) const {
  std::vector<std::string> out;
  std::string part;
  auto flush = [&]() -> std::optional<lookup_miss> {
    auto t = trim(part);
    part.clear();
    if (t.empty()) return std::nullopt;
    auto m = match(t, category_candidates_);
    if (m.how == match_result::kind::exact || m.how == match_result::kind::unique_prefix) {
      const auto& name = category_candidates_[m.index].display;
      if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
      return std::nullopt;
    }
    return miss<std::vector<std::string>>(t, category_candidates_, m).miss;
  };
  for (char ch : typed) {
    if (ch == ',' || ch == ';' || ch == '+') {
      if (auto f = flush()) return {std::nullopt, *f};
    } else {
      part += ch;
    }
  }
  if (auto f = flush()) return {std::nullopt, *f};
  if (out.empty()) return {std::nullopt, lookup_miss{false, trim(typed), {}}};
  return {out, {}};
}

lookup<std::string> catalog::find_village(std::string_view typed, const std::vector<std::string>& villages) {
  std::vector<candidate> cands;
  for (const auto& v : villages) cands.push_back({v, {v}});
  auto m = match(typed, cands);
  if (m.how == match_result::kind::exact || m.how == match_result::kind::unique_prefix) return {villages[m.index], {}};
  return miss<std::string>(typed, cands, m);
}

}  // namespace tannha::handlers
