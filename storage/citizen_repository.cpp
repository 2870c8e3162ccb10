#include "storage/citizen_repository.hpp"

#include <algorithm>

namespace tannha::storage {

namespace {
citizen_record read_citizen(SQLite::Statement& q) {
  citizen_record c;
  c.id = q.getColumn("id").getInt64();
  c.unit_id = q.getColumn("unit_id").getString();
  c.full_name = q.getColumn("full_name").getString();
  c.folded_name = q.getColumn("folded_name").getString();
  if (!q.getColumn("birth_year").isNull()) c.birth_year = q.getColumn("birth_year").getInt();
  c.village = q.getColumn("village").getString();
  c.address = q.getColumn("address").getString();
  c.folded_place = q.getColumn("folded_place").getString();
  c.phone = q.getColumn("phone").getString();
  c.categories = q.getColumn("categories").getString();
  c.notes = q.getColumn("notes").getString();
  c.approved = q.getColumn("approved").getInt() != 0;
  return c;
}

// LIKE treats % and _ as wildcards: escape them so a user's text is matched literally.
std::string like_escape(const std::string& s) {
  std::string out;
  for (char ch : s) {
    if (ch == '%' || ch == '_' || ch == '\\') out += '\\';
    out += ch;
  }
  return out;
}
}  // namespace

std::optional<citizen_record> citizen_repository::find(const std::string& unit_id, const std::string& folded_name,
                                                       std::optional<int> birth_year, const std::string& village) {
  auto q = db_.prepared(
      "SELECT * FROM citizens WHERE unit_id = :u AND folded_name = :n AND village = :v "
      "AND birth_year IS :y ORDER BY approved DESC, id LIMIT 1");
  q->bind(":u", unit_id);
  q->bind(":n", folded_name);
  q->bind(":v", village);
  if (birth_year) q->bind(":y", *birth_year);
  else q->bind(":y");
  if (q->executeStep()) return read_citizen(*q);
  return std::nullopt;
}

std::optional<citizen_record> citizen_repository::get(std::int64_t id) {
  auto q = db_.prepared("SELECT * FROM citizens WHERE id = :id");
  q->bind(":id", static_cast<std::int64_t>(id));
  if (q->executeStep()) return read_citizen(*q);
  return std::nullopt;
}

std::int64_t citizen_repository::insert(const citizen_record& c, domain::instant now) {
  auto q = db_.prepared(
      "INSERT INTO citizens(unit_id, full_name, folded_name, birth_year, village, address, folded_place, phone, "
      "categories, notes, approved, created_at) VALUES(:u, :name, :folded, :y, :v, :addr, :place, :phone, "
      ":cat, :notes, :approved, :now)");
  q->bind(":u", c.unit_id);
  q->bind(":name", c.full_name);
  q->bind(":folded", c.folded_name);
  if (c.birth_year) q->bind(":y", *c.birth_year);
  else q->bind(":y");
  q->bind(":v", c.village);
  q->bind(":addr", c.address);
  q->bind(":place", c.folded_place);
  q->bind(":phone", c.phone);
  q->bind(":cat", c.categories);
  q->bind(":notes", c.notes);
  q->bind(":approved", c.approved ? 1 : 0);
  q->bind(":now", static_cast<std::int64_t>(now.time_since_epoch().count()));
  q->exec();
  return db_.db().getLastInsertRowid();
}

void citizen_repository::approve(std::int64_t id, const citizen_record& c) {
  auto q = db_.prepared(
      "UPDATE citizens SET full_name = :name, address = :addr, folded_place = :place, phone = :phone, "
      "categories = :cat, notes = :notes, approved = 1 WHERE id = :id");
  q->bind(":name", c.full_name);
  q->bind(":addr", c.address);
  q->bind(":place", c.folded_place);
  q->bind(":phone", c.phone);
  q->bind(":cat", c.categories);
  q->bind(":notes", c.notes);
  q->bind(":id", static_cast<std::int64_t>(id));
  q->exec();
}

void citizen_repository::refresh(std::int64_t id, const citizen_record& newer) {
  auto q = db_.prepared(
      "UPDATE citizens SET "
      "address = CASE WHEN :addr <> '' THEN :addr ELSE address END, "
      "folded_place = CASE WHEN :addr <> '' THEN :place ELSE folded_place END, "
      "phone = CASE WHEN :phone <> '' THEN :phone ELSE phone END, "
      "categories = CASE WHEN :cat <> '' THEN :cat ELSE categories END, "
      "notes = CASE WHEN :notes <> '' THEN :notes ELSE notes END WHERE id = :id");
  q->bind(":addr", newer.address);
  q->bind(":place", newer.folded_place);
  q->bind(":phone", newer.phone);
  q->bind(":cat", newer.categories);
  q->bind(":notes", newer.notes);
  q->bind(":id", static_cast<std::int64_t>(id));
  q->exec();
}

void citizen_repository::correct(const citizen_record& c) {
  auto q = db_.prepared(
      "UPDATE citizens SET full_name = :name, folded_name = :folded, birth_year = :year, village = :village, "
      "address = :addr, folded_place = :place, phone = :phone, categories = :cat, notes = :notes WHERE id = :id");
  q->bind(":name", c.full_name);
  q->bind(":folded", c.folded_name);
  if (c.birth_year) q->bind(":year", *c.birth_year);
  else q->bind(":year");
  q->bind(":village", c.village);
  q->bind(":addr", c.address);
  q->bind(":place", c.folded_place);
  q->bind(":phone", c.phone);
  q->bind(":cat", c.categories);
  q->bind(":notes", c.notes);
  q->bind(":id", static_cast<std::int64_t>(c.id));
  q->exec();
}

std::vector<citizen_record> citizen_repository::search(const std::string& unit_id, const std::string& folded_query,
                                                       int limit) {
  auto q = db_.prepared(
      "SELECT * FROM citizens WHERE unit_id = :u AND folded_name LIKE :pat ESCAPE '\\' "
      "ORDER BY folded_name, id LIMIT :limit");
  q->bind(":u", unit_id);
  q->bind(":pat", "%" + like_escape(folded_query) + "%");
  q->bind(":limit", limit);
  std::vector<citizen_record> out;
  while (q->executeStep()) out.push_back(read_citizen(*q));
  return out;
}

std::vector<citizen_record> citizen_repository::search_words(const std::string& unit_id,
                                                             const std::vector<std::string>& words, int limit) {
  if (words.empty()) return {};
  // One statement per number of words (a query has a few; the handler caps them), each word
  // bound twice: in the name anywhere, or beginning a word of the place (padded with spaces).
  std::string sql = "SELECT * FROM citizens WHERE unit_id = :u";
  for (std::size_t i = 0; i < words.size(); ++i) {
    const auto n = std::to_string(i);
    sql += " AND (folded_name LIKE :name" + n + " ESCAPE '\\' OR (' ' || folded_place || ' ') LIKE :place" + n +
           " ESCAPE '\\')";
  }
  sql += " ORDER BY folded_name, id LIMIT :limit";
  auto q = db_.prepared(sql);
  q->bind(":u", unit_id);
  for (std::size_t i = 0; i < words.size(); ++i) {
    const auto n = std::to_string(i);
    const auto& w = words[i];
    const bool number = std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; });
    q->bind(":name" + n, "%" + like_escape(w) + "%");
    q->bind(":place" + n, "% " + like_escape(w) + (number ? " %" : "%"));
  }
  q->bind(":limit", limit);
  std::vector<citizen_record> out;
  while (q->executeStep()) out.push_back(read_citizen(*q));
  return out;
}

std::vector<citizen_record> citizen_repository::search_phone(const std::string& unit_id, const std::string& digits,
                                                             int limit) {
  std::vector<citizen_record> out;
  if (digits.empty()) return out;
  auto q = db_.prepared(
      "SELECT * FROM citizens WHERE unit_id = :u AND phone <> '' AND instr(phone, :digits) > 0 "
      "ORDER BY folded_name, id LIMIT :limit");
  q->bind(":u", unit_id);
  q->bind(":digits", digits);
  q->bind(":limit", limit);
  while (q->executeStep()) out.push_back(read_citizen(*q));
  return out;
}

std::vector<citizen_repository::place_row> citizen_repository::without_folded_place(std::int64_t after, int limit) {
  auto q = db_.prepared(
      "SELECT id, village, address FROM citizens WHERE id > :after AND folded_place = '' AND folded_name <> '' "
      "ORDER BY id LIMIT :limit");
  q->bind(":after", static_cast<std::int64_t>(after));
  q->bind(":limit", limit);
  std::vector<place_row> out;
  while (q->executeStep())
    out.push_back({q->getColumn(0).getInt64(), q->getColumn(1).getString(), q->getColumn(2).getString()});
  return out;
}

void citizen_repository::set_folded_place(std::int64_t id, const std::string& folded_place) {
  auto q = db_.prepared("UPDATE citizens SET folded_place = :place WHERE id = :id");
  q->bind(":place", folded_place);
  q->bind(":id", static_cast<std::int64_t>(id));
  q->exec();
}

}  // namespace tannha::storage
