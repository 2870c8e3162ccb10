// How people write a name, a birth year and a yes or a no (issue 14, items 6, 8, 12).
#include "handlers/person_words.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

#include "handlers/text.hpp"

namespace tannha::handlers {

namespace {

std::string answer_words(std::string_view text) {
  std::string cleaned;
  for (char c : std::string(text))
    cleaned.push_back(c == '.' || c == '!' || c == ',' || c == '?' || c == '~' ? ' ' : c);
  return fold_loose(cleaned);
}

}  // namespace

name_reading read_person_name(std::string_view typed) {
  name_reading r;
  std::vector<std::string> words;
  for (auto& w : split(to_nfc(typed), ' '))
    if (auto t = trim(w); !t.empty()) words.push_back(t);
  if (words.size() >= 2) {
    // Compared with their marks where a surname is spelt alike without them (Cù, Chu, Cơ).
    const std::string l = to_lower(words.front());
    const std::string f = fold(words.front());
    const bool always = l == "ông" || l == "ong" || l == "bà" || l == "ba" || l == "cụ" || l == "cô" ||
                        l == "chú" || l == "bác" || l == "bac";
    const bool before_full_name = (f == "anh" || l == "chị" || l == "chi") && words.size() >= 3;
    if (always || before_full_name) {
      r.honorific = words.front();
      words.erase(words.begin());
    }
  }
  std::string name = join(words, " ");
  if (to_lower(name) == name) name = title_case_words(name);
  r.name = name;
  // No diacritics at all in a name of at least two plain words ("nguyen van tu"): a single
  // word ("Lan") or text with other signs in it is nothing to ask about.
  int plain_words = 0;
  for (const auto& w : words)
    if (!w.empty() && std::all_of(w.begin(), w.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)); }))
      ++plain_words;
  r.no_marks = plain_words >= 2 && to_lower(fold(name)) == to_lower(name);
  return r;
}

year_reading read_birth_year(std::string_view text, int this_year) {
  year_reading r;
  const std::string s(text);
  auto digit = [&](std::size_t k) { return k < s.size() && std::isdigit(static_cast<unsigned char>(s[k])); };
  std::vector<std::pair<std::size_t, std::size_t>> numbers;  // (start, length)
  for (std::size_t i = 0; i < s.size();) {
    if (!digit(i)) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (digit(j)) ++j;
    numbers.emplace_back(i, j - i);
    i = j;
  }
  for (auto [at, len] : numbers) {
    if (len != 4) continue;
    const int y = std::stoi(s.substr(at, 4));
    if (y >= 1900 && y <= this_year) r.year = y;
    return r;  // the first 4-digit number is the year, valid or not
  }
  if (numbers.size() != 1 || numbers.front().second != 2) return r;
  const int yy = std::stoi(s.substr(numbers.front().first, 2));
  std::vector<int> fits;
  for (int century : {1900, 2000}) {
    const int y = century + yy;
    if (y <= this_year && y >= this_year - 110) fits.push_back(y);
  }
  if (fits.size() == 1) {
    r.year = fits.front();
    r.two_digits = true;
  } else if (fits.size() > 1) {
    r.ambiguous = true;
  }
  return r;
}

bool is_yes_answer(std::string_view text) {
  static constexpr std::array<std::string_view, 22> yes{
      "dung",   "dung roi", "dung vay", "dung a",   "dung the", "phai",  "phai roi", "phai a",
      "ok",     "oke",      "okay",     "u",        "uh",       "um",    "vang",     "vang a",
      "da",     "da dung",  "co",       "chinh xac", "yes",     "chuan"};
  const std::string w = answer_words(text);
  for (auto y : yes)
    if (w == y) return true;
  return false;
}

bool is_no_answer(std::string_view text) {
  static constexpr std::array<std::string_view, 11> no{"khong",       "ko",       "k",     "kg",   "sai",  "no",
                                                       "khong phai", "khong dung", "sai roi", "chua", "khong a"};
  const std::string w = answer_words(text);
  for (auto n : no)
    if (w == n) return true;
  return false;
}

}  // namespace tannha::handlers
