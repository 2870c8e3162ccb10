#include <doctest/doctest.h>
#include <utf8proc.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "handlers/text.hpp"

using namespace tannha::handlers;

namespace {
// "Đăng ký" typed on a keyboard that sends decomposed text (NFD): a + U+0306, y + U+0301.
const std::string dang_ky_nfd = "\xC4\x90" "a\xCC\x86ng ky\xCC\x81";
const std::string dang_ky_nfc = "Đăng ký";
// utf8proc_map itself, for comparing the quick paths of to_nfc and fold with it.
std::string utf8proc_mapped(const std::string& s, int options) {
  utf8proc_uint8_t* dst = nullptr;
  auto n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(s.data()), static_cast<utf8proc_ssize_t>(s.size()),
                        &dst, static_cast<utf8proc_option_t>(options));
  std::string out = n < 0 ? std::string("<error>") : std::string(reinterpret_cast<const char*>(dst), n);
  std::free(dst);
  return out;
}

std::string utf8_of(char32_t c) {
  utf8proc_uint8_t buf[4];
  auto n = utf8proc_encode_char(static_cast<utf8proc_int32_t>(c), buf);
  return std::string(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(n));
}
}  // namespace

TEST_CASE("fold: NFD and NFC of the same word fold the same") {
  CHECK(dang_ky_nfd != dang_ky_nfc);
  CHECK(fold(dang_ky_nfd) == "dang ky");
  CHECK(fold(dang_ky_nfc) == "dang ky");
  CHECK(fold("Nguy\xC3\xAA\xCC\x83n") == fold("Nguyễn"));  // ê + combining tilde
}

TEST_CASE("fold: đ and Đ become d, case and every Vietnamese mark go") {
  CHECK(fold("Đ") == "d");
  CHECK(fold("đ") == "d");
  CHECK(fold("ĐỐI TƯỢNG") == "doi tuong");
  CHECK(fold("Chứng Thực CHỮ KÝ") == "chung thuc chu ky");
  CHECK(fold("ơ ư ă â ê ô ỹ Ỵ") == "o u a a e o y y");
}

TEST_CASE("fold: tabs, NBSP and newlines collapse to one space and are trimmed") {
  CHECK(fold("  Họ\u00A0\t tên \n\n Tư\t") == "ho ten tu");
  CHECK(fold("\u3000Thôn\u2003Đông\u00A0\u00A0Hải ") == "thon dong hai");
  CHECK(fold(" \t\u00A0") == "");
}

TEST_CASE("fold_compact: spaces, underscores and hyphens vanish") {
  CHECK(fold_compact("/DANG_KY") == "/dangky");
  CHECK(fold_compact("Đăng-ký") == "dangky");
  CHECK(fold_compact(dang_ky_nfd) == "dangky");
  CHECK(fold_compact("Số\u00A0điện thoại") == "sodienthoai");
}

TEST_CASE("to_nfc: decomposed input comes back composed, trimmed, inner spaces kept") {
  CHECK(to_nfc(dang_ky_nfd) == dang_ky_nfc);
  CHECK(to_nfc("\u00A0\t xóm  3 \n") == "xóm  3");
  CHECK(to_nfc("Nguy\xC3\xAA\xCC\x83n V\xC4\x83n T\xC6\xB0") == "Nguyễn Văn Tư");
}

TEST_CASE("invalid UTF-8 never crashes and becomes U+FFFD") {
  const std::string bad = "a\xFF" "b\xC3";  // stray byte, then a truncated sequence
  CHECK(to_nfc(bad) == "a\uFFFDb\uFFFD");
  CHECK(to_valid_utf8(bad) == "a\uFFFDb\uFFFD");
  CHECK(fold(bad) == "a\uFFFDb\uFFFD");
  CHECK(utf16_length(bad) == 4);
  // Overlong NUL and an encoded surrogate are invalid too: one U+FFFD per bad byte.
  CHECK(to_valid_utf8("\xC0\x80") == "\uFFFD\uFFFD");
  CHECK(to_valid_utf8("\xED\xA0\x80") == "\uFFFD\uFFFD\uFFFD");
  CHECK(edit_distance("\xFF\xFE", "ab") == 2);
  CHECK(trim("\xFF  ") == "\xFF");
  CHECK(fold_compact("\x80Đ_K") == "\uFFFDdk");
}

TEST_CASE("to_valid_utf8: valid text is unchanged") {
  CHECK(to_valid_utf8("Thành Đông 😀") == "Thành Đông 😀");
  CHECK(to_valid_utf8(std::string("a\0b", 3)) == std::string("a\0b", 3));
}

TEST_CASE("trim: ASCII and Unicode whitespace at both ends only") {
  CHECK(trim("\u00A0 \tĐông Hải\u00A0 \r\n") == "Đông Hải");
  CHECK(trim("\u3000a  b\u3000") == "a  b");
  CHECK(trim("\uFEFFxin chào") == "xin chào");
  CHECK(trim("   ") == "");
  CHECK(trim("") == "");
}

TEST_CASE("split: empty parts are kept") {
  CHECK(split("a;;b", ';') == std::vector<std::string>{"a", "", "b"});
  CHECK(split("", ';') == std::vector<std::string>{""});
  CHECK(split("a;", ';') == std::vector<std::string>{"a", ""});
}

TEST_CASE("utf16_length: BMP characters count one, astral (emoji) two") {
  CHECK(utf16_length("") == 0);
  CHECK(utf16_length("abc") == 3);
  CHECK(utf16_length(dang_ky_nfc) == 7);
  CHECK(utf16_length(dang_ky_nfd) == 9);  // the two combining marks count
  CHECK(utf16_length("😀") == 2);
  CHECK(utf16_length("a😀b") == 4);
}

TEST_CASE("edit_distance: counted in code points, a swap is one edit") {
  CHECK(edit_distance("xeplic", "xeplich") == 1);
  CHECK(edit_distance("", "abc") == 3);
  CHECK(edit_distance("abc", "") == 3);
  CHECK(edit_distance("kitten", "sitting") == 3);
  CHECK(edit_distance("đ", "d") == 1);  // two bytes, one code point
  CHECK(edit_distance("Tư", "Tu") == 1);
  CHECK(edit_distance("hoten", "hotne") == 1);
  CHECK(edit_distance("same", "same") == 0);
}

TEST_CASE("split_by_utf16: pieces fit the limit and prefer line breaks") {
  const std::string text = "dòng một\ndòng hai\ndòng ba";
  const auto pieces = split_by_utf16(text, 18);
  REQUIRE(pieces.size() == 2);
  CHECK(pieces[0] == "dòng một\ndòng hai");
  CHECK(pieces[1] == "dòng ba");
  for (const auto& p : pieces) CHECK(utf16_length(p) <= 18);

  CHECK(split_by_utf16("short", 2000) == std::vector<std::string>{"short"});
  CHECK(split_by_utf16("aaaa bbbb", 6) == std::vector<std::string>{"aaaa", "bbbb"});
  CHECK(split_by_utf16("abcdef", 4) == std::vector<std::string>{"abcd", "ef"});
  // An emoji is never cut in half, even when only one unit would fit.
  CHECK(split_by_utf16("a😀", 2) == std::vector<std::string>{"a", "😀"});
  CHECK(split_by_utf16("😀", 1) == std::vector<std::string>{"😀"});
  CHECK(split_by_utf16("whole text", 0) == std::vector<std::string>{"whole text"});
  CHECK(split_by_utf16("   ", 10).empty());
}

TEST_CASE("to_nfc and fold read Latin and Vietnamese text exactly as utf8proc maps it") {
  // Both skip utf8proc_map for text made of these code points (handlers/text.cpp): the answer
  // must be the one the full mapping gives, alone and next to any neighbour.
  std::vector<char32_t> inert;
  for (char32_t c = 1; c < 0x250; ++c) inert.push_back(c);
  for (char32_t c = 0x1EA0; c <= 0x1EF9; ++c) inert.push_back(c);
  for (char32_t c = 0x2010; c <= 0x2027; ++c) inert.push_back(c);
  for (char32_t c = 0x2030; c <= 0x205E; ++c) inert.push_back(c);
  const std::vector<char32_t> neighbours{U'a', U'A', U'e', U'o', U'u', U'y', U'D', U'1', U'.', 0xE0, 0xC2, 0xEA, 0xF4,
                                         0x103, 0x1A1, 0x1B0, 0x1AF, 0x1EA1, 0x1EC7, 0x1EF9, 0x1EE9, 0x2013, 0xAD};
  const int nfc = UTF8PROC_STABLE | UTF8PROC_COMPOSE;
  const int folding =
      UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE;
  auto spaceless = [](char32_t c) { return !is_space(c) && c != 0x110 && c != 0x111; };
  int checked = 0;
  for (char32_t c : inert) {
    std::vector<std::string> texts{utf8_of(c)};
    for (char32_t n : neighbours) {
      texts.push_back(utf8_of(n) + utf8_of(c));
      texts.push_back(utf8_of(c) + utf8_of(n));
    }
    for (const auto& t : texts) {
      CAPTURE(static_cast<unsigned>(c));
      CHECK(to_nfc(t) == trim(utf8proc_mapped(t, nfc)));
      // fold() also collapses spaces and turns đ into d: compare where neither applies.
      if (spaceless(c)) CHECK(fold(t) == utf8proc_mapped(t, folding));
      ++checked;
    }
  }
  CHECK(checked > 30000);
}
