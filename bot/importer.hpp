#pragma once
// `tannha import`: the Culture–Society office's approved list of people to serve, from CSV.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "bot/clock.hpp"
#include "bot/config.hpp"
#include "domain/result.hpp"
#include "domain/time.hpp"
#include "domain/unit.hpp"
#include "handlers/catalog.hpp"
#include "storage/database.hpp"

namespace tannha::bot {

/// A line of the file that was not loaded, and why (English, for operators).
struct import_problem {
  std::size_t line = 0;
  std::string reason;
};

/// What an import did (or, for a dry run, would do).
struct import_summary {
  int added = 0;      ///< new citizens
  int updated = 0;    ///< existing citizens approved or with details changed
  int unchanged = 0;  ///< already on the approved list as given
  std::vector<import_problem> skipped;
  char separator = ',';
  bool dry_run = false;
};

/// Loads the approved list in CSV (see bot/csv.hpp) into `unit`: header
/// ho_ten,nam_sinh,thon,dia_chi,sdt,doi_tuong,ghi_chu in any order, labels folded as in the
/// /dangky form ("Họ tên", "HO_TEN", "Số điện thoại"); ho_ten, nam_sinh and thon are required.
/// Text is made NFC. Each bad row (no name, bad year, unknown village, bad phone, unknown
/// category) is skipped and reported with its line; the others are loaded in transactions of
/// 500 rows (so a server sharing the database waits for one batch, not the whole file; a run
/// interrupted half-way keeps whole batches, and running it again is safe).
/// A row whose folded name, birth year and village match a citizen updates that citizen (on the
/// approved list; non-empty details replace the stored ones) instead of adding one. A dry run
/// reports the same and writes nothing. Fails, writing nothing, when the file is not UTF-8, has
/// no header, or its header names an unknown column or lacks a required one.
domain::result<import_summary> import_citizens(storage::database& db, const domain::unit& unit,
                                               const handlers::catalog& catalog, std::string_view csv_text,
                                               bool dry_run, domain::instant now);

/// The operator's report: counts on the first line, then one line per skipped row.
std::string format_import_summary(const import_summary& s);

/// `import FILE --unit ID [--dry-run]`: 0 when done (even with skipped rows), 2 on a bad unit,
/// file or header.
int run_import(const config& cfg, const clock& clk, const std::string& file, const std::string& unit_id,
               bool dry_run);

}  // namespace tannha::bot
