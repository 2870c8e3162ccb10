#pragma once
// What /tim reads in its query, and the folded text it searches beside a person's name
// (issue 14, item 13: by part of a phone number, by hamlet and address words).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/database.hpp"

namespace tannha::handlers {

/// A citizen's village and address folded for /tim: fold(), punctuation as spaces, one space
/// between words ("Đông Hải", "xóm 3, cạnh nhà văn hoá" -> "dong hai xom 3 canh nha van hoa").
std::string folded_place(std::string_view village, std::string_view address);

/// The folded words of a search, punctuation as spaces ("Xóm 1, thôn Đông" -> {"xom", "1",
/// "thon", "dong"}); at most `max_words` (the first ones).
std::vector<std::string> search_words(std::string_view typed, std::size_t max_words = 8);

/// The digits of a query that is part of a phone number: digits with spaces, '.', '-' or ')'
/// '(' between them and an optional leading '+', at least 3 digits ("0912", "345 678",
/// "0912.345", "+84 912" -> "0912", as phones are stored); nullopt for anything else.
std::optional<std::string> phone_digits_query(std::string_view typed);

/// Fills folded_place of the stored citizens that have none (rows written before schema 22), in
/// write transactions of a few hundred rows; returns how many were filled. Erased and
/// anonymised people (no folded name) are left empty, so that no search finds them.
int fill_folded_places(storage::database& db);

}  // namespace tannha::handlers
