#pragma once
#include <string>
#include <vector>

namespace tannha::domain {

/// A catalog entry: an administrative procedure under the unit's authority.
struct procedure {
  std::string code;             ///< "CT-01"
  std::string name;             ///< "Chứng thực chữ ký"
  std::string field;            ///< "Chứng thực", "Hộ tịch", …
  int processing_days = 0;      ///< legal processing time in working days (0: same day)
  std::vector<std::string> aliases;
  /// What the citizen must have ready for the visit ("CCCD", "Tờ khai …"), in display form.
  std::vector<std::string> papers{};
};

/// Citizen categories (docs/DESIGN.md §1), in display form.
const std::vector<std::string>& citizen_categories();

}  // namespace tannha::domain
