#include "bot/importer.hpp"

#include <array>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <thread>

#include "bot/csv.hpp"
#include "domain/masking.hpp"
#include "handlers/form_parser.hpp"
#include "handlers/search_words.hpp"
#include "handlers/text.hpp"
#include "storage/citizen_repository.hpp"
#include "storage/unit_repository.hpp"

namespace tannha::bot {

namespace {
// Rows written per transaction by import_citizens, and the pause after each: SQLite's busy
// handler sleeps up to 100 ms between its tries, so a writer waiting for the lock (the server)
// finds it free within one pause; without it the next batch takes the lock first, and the
// writer waits as long as with one transaction (bench/import_stall.cpp, bench/FAULTS.md).
constexpr std::size_t import_batch_rows = 500;
constexpr auto import_batch_pause = std::chrono::milliseconds(110);
}  // namespace

namespace {

using handlers::form_field;

// The columns of the approved list, in the order of the documented header.
constexpr std::array<form_field, 7> columns = {form_field::ho_ten,  form_field::nam_sinh,  form_field::thon,
                                                 form_field::dia_chi, form_field::sdt, form_field::doi_tuong,
                                                 form_field::ghi_chu};

std::string_view column_key(form_field f) {
  switch (f) {
    case form_field::ho_ten: return "ho_ten";
    case form_field::nam_sinh: return "nam_sinh";
    case form_field::thon: return "thon";
    case form_field::dia_chi: return "dia_chi";
    case form_field::sdt: return "sdt";
    case form_field::doi_tuong: return "doi_tuong";
    case form_field::ghi_chu: return "ghi_chu";
    case form_field::thu_tuc: return "thu_tuc";
  }
  return "";
}

bool required(form_field f) {
  return f == form_field::ho_ten || f == form_field::nam_sinh || f == form_field::thon;
}

// A header label names the field the /dangky form gives it, so "Họ và tên", "HO_TEN" and
// "Số điện thoại" work here as they do in the chat.
std::optional<form_field> column_of(const std::string& label) {
  auto form = handlers::parse_form(label + ": x");
  if (form.values.size() != 1) return std::nullopt;
  auto f = form.values.begin()->first;
  if (f == form_field::thu_tuc) return std::nullopt;  // a request's, not a citizen's
  return f;
}

// A running number column ("STT") is common in office lists and carries nothing.
bool ignored_column(const std::string& label) {
  auto c = handlers::fold_compact(label);
  return c == "stt" || c == "tt" || c == "sothutu";
}

using handlers::join;
// The first standalone 4-digit number: "1938", "12/03/1938", "1938 (87 tuổi)".
std::optional<int> year_in(const std::string& s) {
  auto digit = [&](std::size_t k) { return k < s.size() && s[k] >= '0' && s[k] <= '9'; };
  for (std::size_t i = 0; i + 4 <= s.size(); ++i) {
    if (digit(i) && digit(i + 1) && digit(i + 2) && digit(i + 3) && !digit(i + 4) && (i == 0 || !digit(i - 1)))
      return std::stoi(s.substr(i, 4));
  }
  return std::nullopt;
}

std::string closest(const handlers::lookup_miss& miss) {
  if (miss.suggestions.empty()) return "";
  return (miss.ambiguous ? " — could be: " : " — closest: ") + join(miss.suggestions, ", ");
}

// The first line holding bytes that are not UTF-8, or 0.
std::size_t first_non_utf8_line(std::string_view text) {
  std::size_t line = 1;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find('\n', start);
    auto piece = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (handlers::to_valid_utf8(piece) != piece) return line;
    if (end == std::string_view::npos) break;
    start = end + 1;
    ++line;
  }
  return 0;
}

// Marks a citizen approved and writes the list's details over the stored ones.
void approve(storage::database& db, std::int64_t id, const storage::citizen_record& c) {
  storage::citizen_repository(db).approve(id, c);
}

}  // namespace

domain::result<import_summary> import_citizens(storage::database& db, const domain::unit& unit,
                                               const handlers::catalog& catalog, std::string_view csv_text,
                                               bool dry_run, domain::instant now) {
  if (auto bad = first_non_utf8_line(csv_text)) {
    return domain::fail(domain::errc::bad_form,
                        "line " + std::to_string(bad) +
                            " is not UTF-8 text; save the sheet as \"CSV UTF-8 (Comma delimited)\"");
  }
  auto table = parse_csv(csv_text);
  if (!table) return table.error();
  if (table->records.empty()) return domain::fail(domain::errc::bad_form, "the file is empty (no header line)");

  // Header: which field each position holds.
  const auto& header = table->records.front();
  std::vector<std::optional<form_field>> at(header.fields.size());
  std::map<form_field, std::size_t> position;
  std::vector<std::string> unknown;
  std::vector<std::string> repeated;
  for (std::size_t i = 0; i < header.fields.size(); ++i) {
    auto label = handlers::trim(header.fields[i]);
    if (label.empty() || ignored_column(label)) continue;
    auto f = column_of(label);
    if (!f) {
      unknown.push_back("'" + label + "'");
      continue;
    }
    if (position.count(*f)) {
      repeated.push_back("'" + label + "'");
      continue;
    }
    position[*f] = i;
    at[i] = f;
  }
  std::vector<std::string> missing;
  for (auto f : columns)
    if (required(f) && !position.count(f)) missing.emplace_back(column_key(f));
  std::vector<std::string> header_problems;
  if (!unknown.empty()) header_problems.push_back("unknown column(s) " + join(unknown, ", "));
  if (!repeated.empty()) header_problems.push_back("repeated column(s) " + join(repeated, ", "));
  if (!missing.empty()) header_problems.push_back("missing column(s) " + join(missing, ", "));
  if (!header_problems.empty()) {
    std::string expected;
    for (auto f : columns) expected += (expected.empty() ? "" : ",") + std::string(column_key(f));
    return domain::fail(domain::errc::bad_form, "header (line " + std::to_string(header.line) + "): " +
                                                    join(header_problems, "; ") + " (expected " + expected + ")");
  }

  import_summary sum;
  sum.separator = table->separator;
  sum.dry_run = dry_run;
  int this_year = static_cast<int>(std::chrono::year_month_day{domain::local_day(domain::to_local(now, unit.utc_offset))}.year());

  storage::citizen_repository citizens(db);
  // Written in batches, each its own transaction: a server sharing the database waits for one
  // batch at most, not for the whole file. A run stopped half-way leaves whole batches written;
  // running it again is safe (rows already loaded count as unchanged). A dry run writes nothing.
  std::optional<storage::write_transaction> tx;
  std::size_t batch_rows = 0;
  auto before_write = [&] {
    if (!tx) tx.emplace(db);
  };
  auto after_write = [&] {
    if (++batch_rows < import_batch_rows) return;
    tx->commit();
    tx.reset();
    batch_rows = 0;
    std::this_thread::sleep_for(import_batch_pause);
  };
  // The same person twice in one file is a mistake in the list, not an update.
  std::map<std::string, std::size_t> seen;

  for (std::size_t r = 1; r < table->records.size(); ++r) {
    const auto& rec = table->records[r];
    auto value = [&](form_field f) -> std::string {
      auto it = position.find(f);
      if (it == position.end() || it->second >= rec.fields.size()) return "";
      return handlers::to_nfc(rec.fields[it->second]);
    };
    std::vector<std::string> reasons;
    std::size_t extra = 0;
    for (std::size_t i = header.fields.size(); i < rec.fields.size(); ++i)
      if (!handlers::trim(rec.fields[i]).empty()) ++extra;
    if (extra) {
      reasons.push_back(std::to_string(rec.fields.size()) + " values for " + std::to_string(header.fields.size()) +
                        " columns (an unquoted '" + std::string(1, table->separator) + "' in a value?)");
    }

    storage::citizen_record c;
    c.unit_id = unit.id;
    c.approved = true;

    auto name = value(form_field::ho_ten);
    if (name.empty()) reasons.emplace_back("missing name (ho_ten)");
    else if (handlers::fold(name).find_first_of("abcdefghijklmnopqrstuvwxyz") == std::string::npos ||
             name.size() > 200)
      reasons.push_back("bad name '" + name + "'");
    else {
      c.full_name = name;
      c.folded_name = handlers::fold(name);
    }

    auto year_text = value(form_field::nam_sinh);
    if (year_text.empty()) {
      reasons.emplace_back("missing birth year (nam_sinh)");
    } else {
      auto y = year_in(year_text);
      if (!y || *y < 1900 || *y > this_year) reasons.push_back("bad birth year '" + year_text + "'");
      else c.birth_year = *y;
    }

    auto village_text = value(form_field::thon);
    if (village_text.empty()) {
      reasons.emplace_back("missing village (thon)");
    } else if (auto v = handlers::catalog::find_village(village_text, unit.villages)) {
      c.village = *v.value;
    } else {
      reasons.push_back((v.miss.ambiguous ? "ambiguous village '" : "unknown village '") + village_text + "'" +
                        closest(v.miss));
    }

    c.address = value(form_field::dia_chi);

    auto phone = value(form_field::sdt);
    if (!phone.empty()) {
      auto normalized = domain::normalize_phone(phone);
      if (!domain::is_valid_phone(normalized)) reasons.push_back("bad phone '" + phone + "'");
      else c.phone = normalized;
    }

    auto categories = value(form_field::doi_tuong);
    if (!categories.empty()) {
      if (auto found = catalog.find_categories(categories)) {
        c.categories = join(*found.value, ";");
      } else {
        reasons.push_back((found.miss.ambiguous ? "ambiguous category '" : "unknown category '") +
                          (found.miss.typed.empty() ? categories : found.miss.typed) + "'" + closest(found.miss));
      }
    }

    c.notes = value(form_field::ghi_chu);
    c.folded_place = handlers::folded_place(c.village, c.address);

    if (reasons.empty()) {
      auto key = c.folded_name + "|" + std::to_string(*c.birth_year) + "|" + c.village;
      if (auto it = seen.find(key); it != seen.end())
        reasons.push_back("same person as line " + std::to_string(it->second));
      else seen[key] = rec.line;
    }
    if (!reasons.empty()) {
      sum.skipped.push_back({rec.line, join(reasons, "; ")});
      continue;
    }

    auto existing = citizens.find(unit.id, c.folded_name, c.birth_year, c.village);
    if (!existing) {
      if (!dry_run) {
        before_write();
        citizens.insert(c, now);
        after_write();
      }
      ++sum.added;
      continue;
    }
    // An empty cell keeps what is stored (a list without phones does not erase them).
    storage::citizen_record merged = *existing;
    merged.full_name = c.full_name;
    if (!c.address.empty()) merged.address = c.address;
    if (!c.phone.empty()) merged.phone = c.phone;
    if (!c.categories.empty()) merged.categories = c.categories;
    if (!c.notes.empty()) merged.notes = c.notes;
    merged.folded_place = handlers::folded_place(merged.village, merged.address);
    bool same = existing->approved && merged.full_name == existing->full_name &&
                merged.address == existing->address && merged.phone == existing->phone &&
                merged.categories == existing->categories && merged.notes == existing->notes;
    if (same) {
      ++sum.unchanged;
    } else {
      if (!dry_run) {
        before_write();
        approve(db, existing->id, merged);
        after_write();
      }
      ++sum.updated;
    }
  }
  // A dry run counts what a real run does: the same person twice is caught by `seen`, so no
  // row's outcome depends on an earlier row's write.
  if (tx) tx->commit();
  return sum;
}

std::string format_import_summary(const import_summary& s) {
  std::ostringstream os;
  os << (s.dry_run ? "dry run, nothing written: " : "") << s.added << " new, " << s.updated << " updated, "
     << s.unchanged << " unchanged, " << s.skipped.size() << " skipped";
  if (s.added == 0 && s.updated == 0) os << " (the approved list " << (s.dry_run ? "would stay" : "stays") << " as it was)";
  os << "\n";
  for (const auto& p : s.skipped) os << "  line " << p.line << ": " << p.reason << "\n";
  return os.str();
}

int run_import(const config& cfg, const clock& clk, const std::string& file, const std::string& unit_id,
               bool dry_run) {
  const domain::unit* unit = nullptr;
  std::vector<std::string> ids;
  for (const auto& u : cfg.units) {
    ids.push_back(u.id);
    if (u.id == unit_id) unit = &u;
  }
  if (!unit) {
    std::cerr << "tannha import: unknown unit '" << unit_id << "' (configured: " << join(ids, ", ") << ")\n";
    return 2;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::cerr << "tannha import: cannot read " << file << "\n";
    return 2;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();

  storage::database db(cfg.storage.path);
  storage::unit_repository units(db);
  units.sync_config(cfg.units, clk.now());
  units.sync_catalog(cfg.procedures);
  handlers::catalog catalog(cfg.procedures);

  auto sum = import_citizens(db, *unit, catalog, text, dry_run, clk.now());
  if (!sum) {
    std::cerr << "tannha import: " << file << ": " << sum.error().message << "\n";
    return 2;
  }
  std::cout << file << " → unit " << unit->id << " (separator '" << sum->separator << "')\n"
            << format_import_summary(*sum);
  return 0;
}

}  // namespace tannha::bot
