#include "domain/procedure.hpp"

namespace tannha::domain {

const std::vector<std::string>& citizen_categories() {
  static const std::vector<std::string> categories{
      "Người có công",
      "Thương binh, bệnh binh",
      "Người khuyết tật",
      "Người cao tuổi",
      "Ốm đau, bệnh hiểm nghèo",
      "Hộ nghèo, cận nghèo",
      "Neo đơn",
      "Trẻ em",
      "Bất khả kháng",
      "Khác",
  };
  return categories;
}

}  // namespace tannha::domain
