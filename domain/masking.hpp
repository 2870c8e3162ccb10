#pragma once
#include <string>
#include <string_view>

namespace tannha::domain {

/// Digits only of a phone as typed ("0912 345 678" -> "0912345678"; "+84 912…" -> "0912…").
std::string normalize_phone(std::string_view typed);
/// True when the normalised phone looks like a Vietnamese number (10 digits starting with 0,
/// or 11 for old landlines).
bool is_valid_phone(std::string_view normalized);
/// Masked for group posts: every digit but the last three is a star, so the length still tells
/// a mobile (10) from a landline (11): "0912345678" -> "*******678", "02438251234" ->
/// "********234". Input of fewer than 7 digits is "***" (three digits would be most of it).
std::string mask_phone(std::string_view phone);

}  // namespace tannha::domain
