#include "storage/team_links.hpp"

namespace tannha::storage {

// Ids joined by ',' (platform ids never contain one); '' is a team with no linked member.
std::optional<std::vector<std::string>> team_links::get(std::int64_t request_id) {
  auto q = db_.prepared("SELECT team_user_ids FROM requests WHERE id = :id");
  q->bind(":id", request_id);
  if (!q->executeStep() || q->getColumn(0).isNull()) return std::nullopt;
  const std::string s = q->getColumn(0).getString();
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < s.size()) {
    auto end = s.find(',', start);
    if (end == std::string::npos) end = s.size();
    if (end > start) out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

void team_links::set(std::int64_t request_id, const std::vector<std::string>& user_ids) {
  std::string joined;
  for (const auto& id : user_ids) {
    if (!joined.empty()) joined += ',';
    joined += id;
  }
  auto q = db_.prepared("UPDATE requests SET team_user_ids = :ids WHERE id = :id");
  q->bind(":ids", joined);
  q->bind(":id", request_id);
  q->exec();
}

}  // namespace tannha::storage
