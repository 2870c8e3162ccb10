#include <doctest/doctest.h>

#include <algorithm>

#include "domain/masking.hpp"

using namespace tannha::domain;

TEST_CASE("masking: phones typed with spaces, dots or the country code normalise to 0xxx") {
  CHECK(normalize_phone("0912 345 678") == "0912345678");
  CHECK(normalize_phone("0912.345.678") == "0912345678");
  CHECK(normalize_phone("0912-345-678") == "0912345678");
  CHECK(normalize_phone("+84 912 345 678") == "0912345678");
  CHECK(normalize_phone("84912345678") == "0912345678");
  CHECK(normalize_phone("0084 912 345 678") == "0912345678");
  CHECK(normalize_phone("(+84) 24 3825 1234") == "02438251234");
  CHECK(normalize_phone("không có") == "");
}

TEST_CASE("masking: valid phones are 10-digit mobiles or 11-digit landlines") {
  CHECK(is_valid_phone("0912345678"));
  CHECK(is_valid_phone("0386123456"));
  CHECK(is_valid_phone("02438251234"));
  CHECK_FALSE(is_valid_phone("091234567"));     // 9 digits
  CHECK_FALSE(is_valid_phone("9123456789"));    // no leading 0
  CHECK_FALSE(is_valid_phone("09123456789"));   // 11 digits, not a landline
  CHECK_FALSE(is_valid_phone("0012345678"));
  CHECK_FALSE(is_valid_phone("0912 345 678"));  // not normalised
  CHECK_FALSE(is_valid_phone(""));
}

TEST_CASE("masking: a phone shows only its last three digits, the rest are stars") {
  CHECK(mask_phone("0912345678") == "*******678");
  CHECK(mask_phone("0912 345 678") == "*******678");
  CHECK(mask_phone("+84 912 345 678") == "*******678");
  CHECK(mask_phone("02438251234") == "********234");
  // Two people with different numbers are still told apart by what is shown.
  CHECK(mask_phone("0912345678") != mask_phone("0912345679"));
  // No more than three digits are ever shown.
  for (const char* phone : {"0912345678", "02438251234", "1234567", "0084912345678"}) {
    CAPTURE(phone);
    auto masked = mask_phone(phone);
    CHECK(std::count_if(masked.begin(), masked.end(), [](char c) { return c >= '0' && c <= '9'; }) <= 3);
  }
}

TEST_CASE("masking: a short or empty phone is fully masked") {
  CHECK(mask_phone("123456") == "***");
  CHECK(mask_phone("") == "***");
  CHECK(mask_phone("1234567") == "****567");
}

TEST_CASE("masking: a phone inside free text keeps only its last three digits, however it is written") {
  CHECK(mask_numbers("gọi con trai 0912345678 trước") == "gọi con trai *******678 trước");
  CHECK(mask_numbers("SĐT: 0912 345 678.") == "SĐT: *******678.");
  CHECK(mask_numbers("dt 0912.345.678, chiều") == "dt *******678, chiều");
  CHECK(mask_numbers("+84 912 345 678") == "*******678");
  CHECK(mask_numbers("sdt0912345678") == "sdt*******678");
  CHECK(mask_numbers("ĐT0912.345.678") == "ĐT*******678");
  // An ID-card number is hidden the same way.
  CHECK(mask_numbers("CCCD 001234567890") == "CCCD *********890");
  for (const char* text : {"nhà 0912345678", "gọi 0912 345 678 hoặc 02438251234", "+84912345678"}) {
    CAPTURE(text);
    auto masked = mask_numbers(text);
    CHECK(masked.find("345") == std::string::npos);
    CHECK(masked.find("825") == std::string::npos);
  }
}

TEST_CASE("masking: dates, short numbers and dossier codes in free text stay as written") {
  CHECK(mask_numbers("hẹn lại 5.12.2026 lúc 8.30") == "hẹn lại 5.12.2026 lúc 8.30");
  CHECK(mask_numbers("từ 2026-12-05") == "từ 2026-12-05");
  CHECK(mask_numbers("ngày 05/12/2026, nhà số 123") == "ngày 05/12/2026, nhà số 123");
  CHECK(mask_numbers("mã H15.50.05.13-261008-0975") == "mã H15.50.05.13-261008-0975");
  CHECK(mask_numbers("hẹn 5.12.2026 0912345678") == "hẹn 5.12.2026 *******678");
  CHECK(mask_numbers("") == "");
}

TEST_CASE("masking: the health lexicon finds whole folded words and phrases, nothing inside a word") {
  health_lexicon words("# comment\nom\nbenh vien  # inline comment\n\nkhuyet tat\n");
  CHECK(words.entries().size() == 3);
  CHECK(words.mentions("cu bi om"));
  CHECK(words.mentions("dang nam benh vien tinh"));
  CHECK(words.mentions("nguoi khuyet tat, can xe"));
  CHECK_FALSE(words.mentions("benh"));           // a phrase needs all its words
  CHECK_FALSE(words.mentions("com trua"));       // "om" inside a word
  CHECK_FALSE(words.mentions("vien benh"));      // in order
  CHECK_FALSE(words.mentions(""));
}

TEST_CASE("masking: free text for a group is withheld when it mentions health, else shown with numbers masked") {
  health_lexicon words("om\nung thu\n");
  auto v = free_text_for_group("Cụ ốm, gọi 0912345678", "cu om, goi 0912345678", words);
  CHECK(v.withheld);
  CHECK(v.text.empty());
  v = free_text_for_group("Nhà vắng, gọi 0912345678", "nha vang, goi 0912345678", words);
  CHECK_FALSE(v.withheld);
  CHECK(v.text == "Nhà vắng, gọi *******678");
}

TEST_CASE("masking: an echo is a short excerpt on one line with numbers masked") {
  CHECK(echo_excerpt("0912 345 67") == "******567");
  CHECK(echo_excerpt("thứ   bảy\nsáng") == "thứ bảy sáng");
  const std::string longest(65536, 'a');
  auto e = echo_excerpt(longest);
  CHECK(e == std::string(40, 'a') + "…");
  // Cut between code points, never inside one.
  std::string viet;
  for (int i = 0; i < 50; ++i) viet += "ệ";
  e = echo_excerpt(viet, 10);
  std::string ten;
  for (int i = 0; i < 10; ++i) ten += "ệ";
  CHECK(e == ten + "…");
  CHECK(echo_excerpt("đúng bốn mươi", 13) == "đúng bốn mươi");
}
