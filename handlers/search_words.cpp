#include "handlers/search_words.hpp"

#include "handlers/text.hpp"
#include "storage/citizen_repository.hpp"

namespace tannha::handlers {

namespace {

/// fold() with every ASCII character other than a letter or a digit made a space, and the
/// spaces collapsed ("xom 3, canh" -> "xom 3 canh"); other characters are kept.
std::string fold_words(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : fold(s)) {
    const auto u = static_cast<unsigned char>(c);
    const bool word_char = u >= 0x80 || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!word_char) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

}  // namespace

std::string folded_place(std::string_view village, std::string_view address) {
  std::string both(village);
  both.append(" ").append(address);
  return fold_words(both);
}

std::vector<std::string> search_words(std::string_view typed, std::size_t max_words) {
  std::vector<std::string> out;
  for (auto& w : split(fold_words(typed), ' '))
    if (!w.empty() && out.size() < max_words) out.push_back(std::move(w));
  return out;
}

std::optional<std::string> phone_digits_query(std::string_view typed) {
  const std::string t = trim(typed);
  std::string digits;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    if (c >= '0' && c <= '9') digits.push_back(c);
    else if (c == '+' && i == 0) continue;
    else if (c != ' ' && c != '.' && c != '-' && c != '(' && c != ')') return std::nullopt;
  }
  if (digits.size() < 3) return std::nullopt;
  // Phones are stored as "0912…": "+84 912" is typed for the same number.
  if (!t.empty() && t.front() == '+' && digits.rfind("84", 0) == 0) digits.replace(0, 2, "0");
  return digits;
}

int fill_folded_places(storage::database& db) {
  storage::citizen_repository citizens(db);
  int filled = 0;
  std::int64_t after = 0;
  for (;;) {
    auto rows = citizens.without_folded_place(after, 500);
    if (rows.empty()) return filled;
    storage::write_transaction tx(db);
    for (const auto& row : rows) {
      citizens.set_folded_place(row.id, folded_place(row.village, row.address));
      after = row.id;
      ++filled;
    }
    tx.commit();
  }
}

}  // namespace tannha::handlers
