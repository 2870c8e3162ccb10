#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace tannha::handlers {

/// A person's name as typed, read for storing (issue 14, item 12).
struct name_reading {
  std::string name;        ///< as stored: honorific dropped, Vietnamese capitalisation
  std::string honorific;   ///< the dropped word as typed ("ông"), or ""
  bool no_marks = false;   ///< two or more plain words without any diacritics ("nguyen van tu")
};

/// Reads a typed name: drops a leading honorific (ông, bà, cụ, cô, chú, bác; anh and chị only
/// before two more words), capitalises each word when nothing was typed in capitals ("nguyễn
/// văn tư" -> "Nguyễn Văn Tư") and keeps the user's capitals otherwise; tells when the name has
/// no diacritics at all.
name_reading read_person_name(std::string_view typed);

/// A birth year as typed, read for a living person.
struct year_reading {
  std::optional<int> year;
  bool two_digits = false;  ///< "38" read as 1938: the reply says so
  bool ambiguous = false;   ///< "20": 1920 or 2020 — refused, with a hint
};

/// The first 4-digit number in the text ("1938", "12/03/1938", "1938 (87 tuổi)"), from 1900
/// to this_year; else a lone two-digit number when exactly one of 19yy/20yy lies within the
/// last 110 years ("38" -> 1938, "05" -> 2005, "20" ambiguous).
year_reading read_birth_year(std::string_view typed, int this_year);

/// Whether a short answer means yes ("đúng", "dung roi", "phải", "ok", "ừ", "vâng", "có").
bool is_yes_answer(std::string_view text);
/// Whether a short answer means no ("không", "ko", "sai", "không phải").
bool is_no_answer(std::string_view text);

}  // namespace tannha::handlers
