#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tannha::handlers {

/// One thing a user may mean: what to show, and the keys it is known by (name, code,
/// aliases); keys may be given as typed, match() folds them.
struct candidate {
  std::string display;
  std::vector<std::string> keys;
};

/// How a typed value matched a list of candidates.
struct match_result {
  enum class kind { exact, unique_prefix, none, ambiguous } how = kind::none;
  std::size_t index = 0;                ///< the candidate, when exact or unique_prefix
  std::vector<std::size_t> suggestions; ///< closest candidates, best first (at most 3)
};

/// Matches typed text against candidates by folded text: an exact key wins (two candidates
/// sharing that key: ambiguous); otherwise a key that contains the typed words, whole and in
/// order (or is contained by them), when only one candidate does ("khai sinh" -> "Đăng ký khai
/// sinh"), several: ambiguous; otherwise none, with suggestions ranked by edit distance and
/// shared words (only plausible typos; empty typed text: none, no suggestions).
match_result match(std::string_view typed, const std::vector<candidate>& candidates);

/// The closest keys to `typed` among plain strings (for command words and labels), best first,
/// only those near enough to be a plausible typo.
std::vector<std::string> closest(std::string_view typed, const std::vector<std::string>& options,
                                 std::size_t max = 3);

}  // namespace tannha::handlers
