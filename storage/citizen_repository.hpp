#pragma once
#include <optional>
#include <string>
#include <vector>

#include "storage/database.hpp"
#include "storage/records.hpp"

namespace tannha::storage {

/// People served: personal and sensitive data (docs/DESIGN.md §6).
class citizen_repository {
 public:
  explicit citizen_repository(database& db) : db_(db) {}

  /// The citizen with this folded name, birth year and village in the unit, if any.
  std::optional<citizen_record> find(const std::string& unit_id, const std::string& folded_name,
                                     std::optional<int> birth_year, const std::string& village);
  /// By id.
  std::optional<citizen_record> get(std::int64_t id);
  /// Inserts and returns the id (inside the caller's transaction).
  std::int64_t insert(const citizen_record& c, domain::instant now);
  /// Updates the contact details that a newer registration brings (address, phone,
  /// categories, notes) when they are given.
  void refresh(std::int64_t id, const citizen_record& newer);
  /// Writes every personal field of c over the stored ones: a correction (/sua), inside the
  /// caller's transaction.
  void correct(const citizen_record& c);
  /// Marks a citizen approved (on the unit's imported list) and writes the list's name, address,
  /// phone, categories and notes over the stored ones (inside the caller's transaction).
  void approve(std::int64_t id, const citizen_record& listed);
  /// Citizens of a unit whose folded name contains the folded words, at most `limit`.
  std::vector<citizen_record> search(const std::string& unit_id, const std::string& folded_query, int limit);

 private:
  database& db_;
};

}  // namespace tannha::storage
