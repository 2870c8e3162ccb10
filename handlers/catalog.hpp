#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/procedure.hpp"
#include "handlers/suggest.hpp"

namespace tannha::handlers {

/// Why a typed value matched nothing: ambiguous or unknown, with the closest display names.
struct lookup_miss {
  bool ambiguous = false;
  std::string typed;
  std::vector<std::string> suggestions;
};

/// What a typed value was matched to, or why not.
template <class T>
struct lookup {
  std::optional<T> value;
  lookup_miss miss;
  explicit operator bool() const { return value.has_value(); }
};

/// The procedure catalog and the citizen categories, matched by folded text, code or alias.
class catalog {
 public:
  explicit catalog(std::vector<domain::procedure> procedures);

  /// A procedure by folded name, code or alias; otherwise the closest ones.
  lookup<const domain::procedure*> find_procedure(std::string_view typed) const;
  /// By code.
  const domain::procedure* by_code(std::string_view code) const;
  /// One or more categories separated by ',', ';' or '+', each matched to its display name.
  lookup<std::vector<std::string>> find_categories(std::string_view typed) const;
  /// A village of the given list.
  static lookup<std::string> find_village(std::string_view typed, const std::vector<std::string>& villages);

  const std::vector<domain::procedure>& procedures() const { return procedures_; }

 private:
  std::vector<domain::procedure> procedures_;
  std::vector<candidate> procedure_candidates_;
  std::vector<candidate> category_candidates_;
};

}  // namespace tannha::handlers
