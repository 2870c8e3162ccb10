#include "handlers/text.hpp"

#include <utf8proc.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <vector>

namespace tannha::handlers {

namespace {

constexpr char32_t replacement_char = 0xFFFD;

/// Decodes one code point at `p`; returns its byte length, or -1 when the bytes are not
/// valid UTF-8 (the caller then consumes a single byte as U+FFFD).
long decode_one(const unsigned char* p, std::size_t left, char32_t& out) {
  if (left > 0 && *p < 0x80) {
    // ASCII, most of every message: what utf8proc_iterate answers, without the call.
    out = *p;
    return 1;
  }
  utf8proc_int32_t cp = 0;
  const auto n = utf8proc_iterate(p, static_cast<utf8proc_ssize_t>(left), &cp);
  if (n <= 0) return -1;
  out = static_cast<char32_t>(cp);
  return static_cast<long>(n);
}

void append_utf8(std::string& out, char32_t c) {
  utf8proc_uint8_t buf[4];
  const auto n = utf8proc_encode_char(static_cast<utf8proc_int32_t>(c), buf);
  out.append(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(n));
}

/// Runs utf8proc_map over text already known to be valid UTF-8; nullopt-like empty flag on
/// failure (out of memory, or a code point utf8proc refuses).
bool map_utf8(const std::string& valid, int options, std::string& out) {
  utf8proc_uint8_t* dst = nullptr;
  const auto n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(valid.data()),
                              static_cast<utf8proc_ssize_t>(valid.size()), &dst,
                              static_cast<utf8proc_option_t>(options));
  if (n < 0) {
    std::free(dst);
    return false;
  }
  out.assign(reinterpret_cast<const char*>(dst), static_cast<std::size_t>(n));
  std::free(dst);
  return true;
}

// Code points that NFC leaves exactly as they are in any sequence made only of them: none has
// a decomposition NFC keeps, a combining class, or composes with a neighbour — ASCII, Latin-1,
// Latin Extended-A/B, the precomposed Vietnamese letters (U+1EA0–U+1EF9) and general
// punctuation (checked over every pair; tests/handlers/test_text.cpp compares with utf8proc).
// Vietnamese typed on a phone keyboard is made of these, so most text needs no mapping.
bool nfc_inert(char32_t c) {
  return c < 0x250 || (c >= 0x1EA0 && c <= 0x1EF9) || (c >= 0x2010 && c <= 0x2027) || (c >= 0x2030 && c <= 0x205E);
}

/// True when `s` is valid UTF-8 made only of nfc_inert() code points: then to_valid_utf8(s)
/// and its NFC are `s` itself.
bool already_nfc(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  std::size_t i = 0;
  while (i < s.size()) {
    if (p[i] < 0x80) {
      ++i;
      continue;
    }
    char32_t c = 0;
    const long n = decode_one(p + i, s.size() - i, c);
    if (n < 0 || !nfc_inert(c)) return false;
    i += static_cast<std::size_t>(n);
  }
  return true;
}

constexpr int fold_options =
    UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE;

/// fold's utf8proc mapping of each nfc_inert() code point below U+1F00, computed once: the
/// mapping (decompose, strip marks, case-fold, drop ignorables) works code point by code point,
/// so a text made of them maps to the concatenation without a utf8proc_map call per text.
class fold_table {
 public:
  fold_table() {
    for (char32_t c = 0; c < limit; ++c) {
      if (!nfc_inert(c) || c == 0) continue;
      std::string one;
      append_utf8(one, c);
      std::string mapped;
      if (map_utf8(one, fold_options, mapped)) {
        map_[c] = std::move(mapped);
        known_[c] = true;
      }
    }
  }
  /// Appends the mapping of valid UTF-8 `s` to `out`; false when a code point is not covered.
  bool map(std::string_view s, std::string& out) const {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    std::size_t i = 0;
    while (i < s.size()) {
      if (p[i] < 0x80 && p[i] != 0) {
        // ASCII: only letters change (case-folded); the table says the same, this is quicker.
        char ch = static_cast<char>(p[i]);
        out.push_back(ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch - 'A' + 'a') : ch);
        ++i;
        continue;
      }
      char32_t c = 0;
      const long n = decode_one(p + i, s.size() - i, c);
      if (n < 0 || c >= limit || !known_[c]) return false;
      out += map_[c];
      i += static_cast<std::size_t>(n);
    }
    return true;
  }

 private:
  static constexpr char32_t limit = 0x1F00;
  std::vector<std::string> map_ = std::vector<std::string>(limit);
  std::vector<bool> known_ = std::vector<bool>(limit, false);
};

}  // namespace

bool is_space(char32_t c) {
  switch (c) {
    case 0x09: case 0x0A: case 0x0B: case 0x0C: case 0x0D: case 0x20:
    case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029: case 0x202F:
    case 0x205F: case 0x3000: case 0x200B: case 0xFEFF:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200A;
  }
}

std::string to_valid_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  std::size_t i = 0;
  while (i < s.size()) {
    if (p[i] < 0x80) {
      out.push_back(static_cast<char>(p[i]));
      ++i;
      continue;
    }
    char32_t c = 0;
    const long n = decode_one(p + i, s.size() - i, c);
    if (n < 0) {
      append_utf8(out, replacement_char);
      ++i;
    } else {
      out.append(s.substr(i, static_cast<std::size_t>(n)));
      i += static_cast<std::size_t>(n);
    }
  }
  return out;
}

std::u32string code_points(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  std::size_t i = 0;
  while (i < s.size()) {
    char32_t c = 0;
    const long n = decode_one(p + i, s.size() - i, c);
    if (n < 0) {
      out.push_back(replacement_char);
      ++i;
    } else {
      out.push_back(c);
      i += static_cast<std::size_t>(n);
    }
  }
  return out;
}

std::string trim(std::string_view s) {
  // Walk code points so that multi-byte spaces (NBSP, U+3000) are recognised.
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  std::size_t begin = 0;
  std::size_t end = 0;  // one past the last non-space code point
  bool seen = false;
  std::size_t i = 0;
  while (i < s.size()) {
    char32_t c = 0;
    long n = decode_one(p + i, s.size() - i, c);
    if (n < 0) {
      n = 1;
      c = replacement_char;
    }
    if (!is_space(c)) {
      if (!seen) begin = i;
      seen = true;
      end = i + static_cast<std::size_t>(n);
    }
    i += static_cast<std::size_t>(n);
  }
  if (!seen) return {};
  return std::string(s.substr(begin, end - begin));
}

std::string to_nfc(std::string_view s) {
  if (already_nfc(s)) return trim(s);
  const std::string valid = to_valid_utf8(s);
  std::string mapped;
  if (!map_utf8(valid, UTF8PROC_STABLE | UTF8PROC_COMPOSE, mapped)) return trim(valid);
  return trim(mapped);
}

std::string to_lower(std::string_view s) {
  const std::string valid = to_valid_utf8(s);
  std::string mapped;
  if (!map_utf8(valid, UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD, mapped)) return valid;
  return mapped;
}

std::string fold(std::string_view s) {
  static const fold_table table;
  std::string mapped;
  mapped.reserve(s.size());
  if (!table.map(s, mapped)) {
    mapped.clear();
    const std::string valid = to_valid_utf8(s);
    if (!map_utf8(valid, fold_options, mapped)) {
      // Cannot happen for valid input short of memory exhaustion; ASCII lower case is a sane
      // degraded answer.
      mapped = valid;
      for (auto& ch : mapped)
        if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
    }
  }
  std::string out;
  out.reserve(mapped.size());
  bool pending_space = false;
  for (char32_t c : code_points(mapped)) {
    if (is_space(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) {
      out.push_back(' ');
      pending_space = false;
    }
    // U+0111/U+0110 have no decomposition, so STRIPMARK leaves them: fold by hand.
    if (c == 0x0111 || c == 0x0110) c = U'd';
    append_utf8(out, c);
  }
  return out;
}

std::string fold_compact(std::string_view s) {
  std::string f = fold(s);
  std::erase_if(f, [](char ch) { return ch == ' ' || ch == '_' || ch == '-'; });
  return f;
}

std::string untelex_word(std::string_view w) {
  if (w.size() < 3) return std::string(w);
  const auto vowel = [](char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y'; };
  bool has_vowel = false;
  for (char c : w) {
    if (c >= '0' && c <= '9') return std::string(w);
    if (static_cast<unsigned char>(c) >= 0x80) return std::string(w);
    has_vowel = has_vowel || vowel(c);
  }
  if (!has_vowel) return std::string(w);
  std::string out(w);
  if (std::string_view("sfrxj").find(out.back()) != std::string_view::npos) out.pop_back();
  std::string clean;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const char c = out[i];
    if (c == 'w' && i > 0 && (out[i - 1] == 'u' || out[i - 1] == 'o' || out[i - 1] == 'a')) continue;
    if (!clean.empty() && c == clean.back() && (c == 'a' || c == 'e' || c == 'o' || c == 'd')) continue;
    clean.push_back(c);
  }
  return clean;
}

std::string title_case_words(std::string_view s) {
  std::string out;
  bool word_start = true;
  for (char32_t c : code_points(to_lower(to_nfc(s)))) {
    if (is_space(c)) {
      word_start = true;
      append_utf8(out, U' ');
      continue;
    }
    if (word_start) c = static_cast<char32_t>(utf8proc_toupper(static_cast<utf8proc_int32_t>(c)));
    word_start = c == U'-';
    append_utf8(out, c);
  }
  return out;
}

std::string fold_loose(std::string_view s) {
  std::string out;
  for (const auto& w : split(fold(s), ' ')) {
    if (w.empty()) continue;
    if (!out.empty()) out.push_back(' ');
    out += untelex_word(w);
  }
  return out;
}

std::vector<std::string> split(std::string_view s, char delim) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const auto pos = s.find(delim, start);
    if (pos == std::string_view::npos) {
      parts.emplace_back(s.substr(start));
      return parts;
    }
    parts.emplace_back(s.substr(start, pos - start));
    start = pos + 1;
  }
}

std::size_t utf16_length(std::string_view s) {
  std::size_t n = 0;
  for (char32_t c : code_points(s)) n += c >= 0x10000 ? 2 : 1;
  return n;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  const std::u32string x = code_points(a);
  const std::u32string y = code_points(b);
  const std::size_t m = x.size();
  const std::size_t n = y.size();
  // Optimal string alignment: three rows of the Damerau–Levenshtein table.
  std::vector<std::size_t> prev2(n + 1), prev(n + 1), cur(n + 1);
  for (std::size_t j = 0; j <= n; ++j) prev[j] = j;
  for (std::size_t i = 1; i <= m; ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= n; ++j) {
      const std::size_t cost = x[i - 1] == y[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && x[i - 1] == y[j - 2] && x[i - 2] == y[j - 1])
        cur[j] = std::min(cur[j], prev2[j - 2] + 1);
    }
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return prev[n];
}

std::vector<std::string> split_by_utf16(std::string_view s, std::size_t max_units) {
  std::vector<std::string> pieces;
  const std::string valid = to_valid_utf8(s);
  if (max_units == 0) {
    std::string whole = trim(valid);
    if (!whole.empty()) pieces.push_back(std::move(whole));
    return pieces;
  }
  std::string_view rest = valid;
  while (!rest.empty()) {
    // Find the byte offset where max_units is reached, remembering the last good cut points.
    std::size_t units = 0;
    std::size_t i = 0;
    std::size_t last_newline = std::string_view::npos;
    std::size_t last_space = std::string_view::npos;
    const auto* p = reinterpret_cast<const unsigned char*>(rest.data());
    while (i < rest.size()) {
      char32_t c = 0;
      const long n = decode_one(p + i, rest.size() - i, c);  // valid: n > 0
      const std::size_t w = c >= 0x10000 ? 2 : 1;
      if (units + w > max_units) break;
      units += w;
      if (c == U'\n') last_newline = i;
      else if (is_space(c)) last_space = i;
      i += static_cast<std::size_t>(n);
    }
    std::size_t cut = i;
    if (i < rest.size()) {
      if (last_newline != std::string_view::npos && last_newline > 0) cut = last_newline;
      else if (last_space != std::string_view::npos && last_space > 0) cut = last_space;
    }
    if (cut == 0) {
      if (i == 0) {  // max_units too small for even one code point: give it its own piece
        char32_t c = 0;
        cut = static_cast<std::size_t>(decode_one(p, rest.size(), c));
      } else {
        cut = i;
      }
    }
    std::string piece = trim(rest.substr(0, cut));
    if (!piece.empty()) pieces.push_back(std::move(piece));
    rest.remove_prefix(cut);
  }
  return pieces;
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

std::vector<text_word> split_words(const std::string& s, std::string (*fold_word)(std::string_view)) {
  std::vector<text_word> out;
  std::size_t i = 0;
  auto is_sep = [&](std::size_t k) {
    unsigned char c = static_cast<unsigned char>(s[k]);
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == ';';
  };
  while (i < s.size()) {
    while (i < s.size() && is_sep(i)) ++i;
    if (i >= s.size()) break;
    std::size_t b = i;
    while (i < s.size() && !is_sep(i)) ++i;
    text_word t{b, i, s.substr(b, i - b), ""};
    t.folded = fold_word(t.text);
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace tannha::handlers
