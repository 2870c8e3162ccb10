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
