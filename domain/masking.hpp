#pragma once
#include <string>
#include <string_view>

namespace tannha::domain {

/// Digits only of a phone as typed ("0912 345 678" -> "0912345678"; "+84 912…" -> "0912…").
std::string normalize_phone(std::string_view typed);
/// True when the normalised phone looks like a Vietnamese number (10 digits starting with 0,
/// or 11 for old landlines).
bool is_valid_phone(std::string_view normalized);
/// Masked for group posts: "0912345678" -> "0912***678"; short input is fully masked.
std::string mask_phone(std::string_view phone);

}  // namespace tannha::domain
