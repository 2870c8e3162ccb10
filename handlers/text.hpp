#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tannha::handlers {

/// NFC-normalised copy of UTF-8 text (invalid UTF-8 bytes are replaced by U+FFFD), with
/// surrounding whitespace trimmed and runs of inner spaces kept as typed.
std::string to_nfc(std::string_view s);

/// Lower-case copy of UTF-8 text that keeps its diacritics, NFC ("Thủ Tục" -> "thủ tục").
std::string to_lower(std::string_view s);

/// Folded text for matching: NFC/NFD-insensitive, lower case, Vietnamese diacritics removed,
/// 'đ'/'Đ' -> 'd', runs of whitespace collapsed to one space, trimmed.
/// fold("Đăng Ký") == "dang ky".
std::string fold(std::string_view s);

/// fold() with every space, '_' and '-' removed: how command words and labels are compared.
/// fold_compact("/DANG_KY") == "/dangky".
std::string fold_compact(std::string_view s);

/// A folded word with the keys of a half-working Telex keyboard taken out: a trailing tone key
/// (s f r x j: no Vietnamese word ends with one), 'w' after a vowel, and doubled aa/ee/oo/dd
/// ("thuws" -> "thu", "bayr" -> "bay", "chieeuf" -> "chieu", "nawm" -> "nam"). Words with
/// digits, and words of fewer than three letters, are returned unchanged.
std::string untelex_word(std::string_view folded_word);

/// fold() with every word passed through untelex_word(): for matching known words (time words,
/// periods, questions, form labels), never for values such as names.
std::string fold_loose(std::string_view s);

/// A word of a text with its byte range in it, as typed and folded.
struct text_word {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::string text;
  std::string folded;
};
/// Splits on whitespace and on ',' / ';' (which people put between a date and a time); each
/// word is folded by `fold_word` (fold(), or fold_loose() to forgive Telex slips).
std::vector<text_word> split_words(const std::string& s, std::string (*fold_word)(std::string_view) = fold);

/// Upper-cases the first letter of every word and lower-cases the rest, NFC ("nguyễn văn tư" ->
/// "Nguyễn Văn Tư"), the way Vietnamese writes a person's name.
std::string title_case_words(std::string_view s);

/// Trims ASCII and Unicode whitespace (incl. NBSP) from both ends.
std::string trim(std::string_view s);

/// Splits on a delimiter, keeping empty parts.
std::vector<std::string> split(std::string_view s, char delim);

/// Joins parts with a separator ("a, b, c").
std::string join(const std::vector<std::string>& parts, std::string_view sep);

/// Number of UTF-16 code units of UTF-8 text (how Zalo counts message length).
std::size_t utf16_length(std::string_view s);

/// Edit distance between two (folded) strings, counted in code points. Insertions, deletions,
/// substitutions and swaps of two neighbouring code points each cost one (the common typos).
std::size_t edit_distance(std::string_view a, std::string_view b);

/// Copy of `s` with every byte that is not part of valid UTF-8 replaced by U+FFFD (so that it
/// can be stored, rendered and put into JSON safely).
std::string to_valid_utf8(std::string_view s);

/// The code points of UTF-8 text; invalid bytes come out as U+FFFD.
std::u32string code_points(std::string_view s);

/// Whether a code point is whitespace for our purposes (ASCII, NBSP, Unicode spaces, and the
/// zero-width space / BOM that some keyboards insert).
bool is_space(char32_t c);

/// Splits text into pieces of at most `max_units` UTF-16 units (platform message limits),
/// cutting at the last line break, else the last space, else between code points. Each
/// piece is trimmed; empty pieces are dropped. max_units == 0 returns the text whole.
std::vector<std::string> split_by_utf16(std::string_view s, std::size_t max_units);

}  // namespace tannha::handlers
