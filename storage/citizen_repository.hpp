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
  /// Citizens of a unit each of whose folded `words` is found: in the folded name (anywhere,
  /// as search() finds it) or at the start of a word of the folded village and address; a word
  /// of digits only must be a whole word there ("1" finds "xom 1", not "xom 12"). By folded
  /// name, at most `limit`. No words: none.
  std::vector<citizen_record> search_words(const std::string& unit_id, const std::vector<std::string>& words,
                                           int limit);
  /// Citizens of a unit whose phone (stored as digits) contains `digits`, by folded name, at
  /// most `limit`. An erased person has no phone left, so is never found.
  std::vector<citizen_record> search_phone(const std::string& unit_id, const std::string& digits, int limit);

  /// A row whose folded_place is to be filled (handlers::fill_folded_places).
  struct place_row {
    std::int64_t id = 0;
    std::string village;
    std::string address;
  };
  /// Up to `limit` citizens after id `after`, in id order, with no folded_place but a folded
  /// name (erased and anonymised people have none, and keep no folded place).
  std::vector<place_row> without_folded_place(std::int64_t after, int limit);
  /// Writes a citizen's folded_place (inside the caller's transaction).
  void set_folded_place(std::int64_t id, const std::string& folded_place);

 private:
  database& db_;
};

}  // namespace tannha::storage
