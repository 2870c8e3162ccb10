#include "domain/masking.hpp"

namespace tannha::domain {

std::string normalize_phone(std::string_view typed) {
  std::string digits;
  for (char c : typed) {
    if (c >= '0' && c <= '9') digits.push_back(c);
  }
  // International forms: "+84 912…", "0084 912…", "84912…" are the same as "0912…".
  if (digits.rfind("0084", 0) == 0) digits.erase(0, 2);
  if (digits.rfind("84", 0) == 0 && (digits.size() == 11 || digits.size() == 12)) {
    digits.replace(0, 2, "0");
  }
  return digits;
}

bool is_valid_phone(std::string_view normalized) {
  for (char c : normalized) {
    if (c < '0' || c > '9') return false;
  }
  if (normalized.size() == 10) return normalized[0] == '0' && normalized[1] != '0';
  // Landlines kept their 11-digit form with an area code (024…, 028…, 0204…).
  if (normalized.size() == 11) return normalized.substr(0, 2) == "02";
  return false;
}

std::string mask_phone(std::string_view phone) {
  std::string digits = normalize_phone(phone);
  if (digits.size() < 7) return "***";
  // Only the last three digits: enough for staff to tell two people apart, too few to call.
  return std::string(digits.size() - 3, '*') + digits.substr(digits.size() - 3);
}

}  // namespace tannha::domain
