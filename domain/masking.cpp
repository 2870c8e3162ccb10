#include "domain/masking.hpp"

namespace tannha::domain {

std::string normalize_phone(std::string_view typed) {
  std::string digits;
  for (char c : typed) {
    if (c >= '0' && c <= '9') digits.push_back(c);
  }
  // International forms: "+84 912…", "0084 912…", "84912…" are the same as "0912…".
  if (digits.rfind("0084", 0) == 0) digits.erase(0, 2);
  if (digits.rfind("84", 0) == 0 && (digits.size() == 11 || digits.size() == 12)) {
    digits.replace(0, 2, "0");
  }
  return digits;
}

bool is_valid_phone(std::string_view normalized) {
  for (char c : normalized) {
    if (c < '0' || c > '9') return false;
  }
  if (normalized.size() == 10) return normalized[0] == '0' && normalized[1] != '0';
  // Landlines kept their 11-digit form with an area code (024…, 028…, 0204…).
  if (normalized.size() == 11) return normalized.substr(0, 2) == "02";
  return false;
}

std::string mask_phone(std::string_view phone) {
  std::string digits = normalize_phone(phone);
  if (digits.size() < 7) return "***";
  // Only the last three digits: enough for staff to tell two people apart, too few to call.
  return std::string(digits.size() - 3, '*') + digits.substr(digits.size() - 3);
}

}  // namespace tannha::domain

namespace tannha::domain {

namespace {

bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }

// Part of a word for the glued-code rule: an ASCII letter or a byte of a non-ASCII letter.
bool is_letter_byte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || static_cast<unsigned char>(c) >= 0x80;
}

bool is_number_separator(char c) { return c == ' ' || c == '.' || c == '-'; }

// 5.12.2026, 05-12-2026, 2026-12-05: a date, not a number to hide.
bool date_shaped(const std::vector<std::size_t>& groups) {
  if (groups.size() != 3) return false;
  return (groups[0] <= 2 && groups[1] <= 2 && groups[2] == 4) || (groups[0] == 4 && groups[1] <= 2 && groups[2] <= 2);
}

std::vector<std::string> words_of(std::string_view folded) {
  std::vector<std::string> words;
  std::string cur;
  for (char c : folded) {
    const bool word_char = (c >= 'a' && c <= 'z') || is_ascii_digit(c) || static_cast<unsigned char>(c) >= 0x80;
    if (word_char) {
      cur.push_back(c);
    } else if (!cur.empty()) {
      words.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) words.push_back(std::move(cur));
  return words;
}

}  // namespace

std::string mask_numbers(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    if (!is_ascii_digit(text[i])) {
      out.push_back(text[i++]);
      continue;
    }
    // A run of digit groups joined by single separators; a space joins only groups of at most
    // five digits, so that "5.12.2026 0912345678" stays a date and a phone.
    const std::size_t start = i;
    std::vector<std::size_t> groups;
    std::string digits;
    bool dotted = false;
    std::size_t j = i;
    while (true) {
      std::size_t g = 0;
      while (j < n && is_ascii_digit(text[j])) {
        digits.push_back(text[j++]);
        ++g;
      }
      groups.push_back(g);
      if (j + 1 < n && is_number_separator(text[j]) && is_ascii_digit(text[j + 1])) {
        if (text[j] == ' ') {
          std::size_t next = 0;
          while (j + 1 + next < n && is_ascii_digit(text[j + 1 + next])) ++next;
          if (g > 5 || next > 5) break;
        } else {
          dotted = true;
        }
        ++j;
        continue;
      }
      break;
    }
    const bool plus = start > 0 && text[start - 1] == '+';
    const std::size_t lead = plus ? start - 1 : start;
    const bool glued = lead > 0 && is_letter_byte(text[lead - 1]);
    const bool code = glued && dotted && !is_valid_phone(normalize_phone(digits));
    if (digits.size() >= 7 && !date_shaped(groups) && !code) {
      if (plus) out.pop_back();
      // "+84 912 345 678" is shown as the phone it is, as mask_phone() shows it.
      const std::string phone = normalize_phone(digits);
      const std::string& shown = is_valid_phone(phone) ? phone : digits;
      out += std::string(shown.size() - 3, '*');
      out += shown.substr(shown.size() - 3);
    } else {
      out.append(text.substr(start, j - start));
    }
    i = j;
  }
  return out;
}

health_lexicon::health_lexicon(std::string_view content) {
  std::size_t pos = 0;
  while (pos <= content.size()) {
    auto end = content.find('\n', pos);
    if (end == std::string_view::npos) end = content.size();
    auto line = content.substr(pos, end - pos);
    if (auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    std::vector<std::string> words;
    std::string cur;
    for (char c : line) {
      if (c == ' ' || c == '\t' || c == '\r') {
        if (!cur.empty()) words.push_back(std::move(cur));
        cur.clear();
      } else {
        cur.push_back(c);
      }
    }
    if (!cur.empty()) words.push_back(std::move(cur));
    if (!words.empty()) entries_.push_back(std::move(words));
    pos = end + 1;
  }
}

bool health_lexicon::mentions(std::string_view folded) const {
  const auto words = words_of(folded);
  for (const auto& e : entries_) {
    if (e.size() > words.size()) continue;
    for (std::size_t i = 0; i + e.size() <= words.size(); ++i) {
      std::size_t k = 0;
      while (k < e.size() && words[i + k] == e[k]) ++k;
      if (k == e.size()) return true;
    }
  }
  return false;
}

group_view free_text_for_group(std::string_view text, std::string_view folded, const health_lexicon& lexicon) {
  if (lexicon.mentions(folded)) return {"", true};
  return {mask_numbers(text), false};
}

std::string echo_excerpt(std::string_view typed, std::size_t max_chars) {
  const std::string masked = mask_numbers(typed);
  std::string out;
  std::size_t chars = 0;
  bool space = false;
  for (std::size_t i = 0; i < masked.size(); ++i) {
    const char c = masked[i];
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
      space = !out.empty();
      continue;
    }
    const bool starts_char = (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    if (starts_char) {
      if (chars + (space ? 1 : 0) >= max_chars) return out + "…";
      if (space) {
        out.push_back(' ');
        ++chars;
        space = false;
      }
      ++chars;
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace tannha::domain
