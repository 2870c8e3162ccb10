#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace tannha::domain {

/// Digits only of a phone as typed ("0912 345 678" -> "0912345678"; "+84 912…" -> "0912…").
std::string normalize_phone(std::string_view typed);
/// True when the normalised phone looks like a Vietnamese number (10 digits starting with 0,
/// or 11 for old landlines).
bool is_valid_phone(std::string_view normalized);
/// Masked for group posts: every digit but the last three is a star, so the length still tells
/// a mobile (10) from a landline (11): "0912345678" -> "*******678", "02438251234" ->
/// "********234". Input of fewer than 7 digits is "***" (three digits would be most of it).
std::string mask_phone(std::string_view phone);

/// Copy of free text with every phone-like number masked as mask_phone() masks a phone: any run
/// of 7 or more digits (groups joined by one space, dot or dash; a leading '+' included) keeps
/// only its last three digits. Phones, ID-card and insurance numbers all fall under it. Left as
/// written: dates (5.12.2026, 2026-12-05) and codes glued to letters whose digits are not a phone
/// (the dossier code H15.50.05.13-261008-0975).
std::string mask_numbers(std::string_view text);

/// A shipped list of health and disability words (docs: SECURITY.md), folded as
/// handlers::fold() folds (lower case, no diacritics, 'đ' -> 'd'), so that text typed without
/// diacritics is caught too. Built from the file's text: one word or phrase per line, '#'
/// starts a comment.
class health_lexicon {
 public:
  /// Parses the list; entries are kept as written after trimming (they must already be folded).
  explicit health_lexicon(std::string_view content);
  /// Whether folded text contains an entry as whole words ("benh vien" in "dang nam benh vien").
  bool mentions(std::string_view folded) const;
  /// The entries, each a list of words.
  const std::vector<std::vector<std::string>>& entries() const { return entries_; }

 private:
  std::vector<std::vector<std::string>> entries_;
};

/// What a group post may show of one piece of free text (a reason, a note, papers, feedback).
struct group_view {
  std::string text;       ///< the text with numbers masked; empty when withheld
  bool withheld = false;  ///< it mentions health or disability: the group gets a neutral phrase
};

/// The group's view of free text: withheld when `folded` (the same text folded) mentions a word
/// of the lexicon, else the text with numbers masked. The stored text is never changed.
group_view free_text_for_group(std::string_view text, std::string_view folded, const health_lexicon& lexicon);

/// A short excerpt of what a user typed, to repeat it in a reply: numbers masked, whitespace
/// runs (line breaks too) made one space, at most `max_chars` code points, "…" when cut.
std::string echo_excerpt(std::string_view typed, std::size_t max_chars = 40);

}  // namespace tannha::domain
