#pragma once
// `tannha export`: the list of requests, the report figures and the public list of people
// served, as CSV (UTF-8 with BOM, for Excel) or XLSX.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "bot/clock.hpp"
#include "bot/config.hpp"
#include "domain/period.hpp"
#include "domain/result.hpp"
#include "domain/time.hpp"
#include "domain/unit.hpp"
#include "storage/database.hpp"

namespace tannha::bot {

/// What is exported.
enum class export_what {
  requests,  ///< every request registered in the period, for the offices (personal data, audited)
  report,    ///< the figures of docs/DESIGN.md §5
  served,    ///< the publishable list: name, village, procedure, date — nothing sensitive
};
/// The file format.
enum class export_format { csv, xlsx };

/// "requests" | "report" | "served"; nullopt otherwise.
std::optional<export_what> parse_export_what(std::string_view s);
/// "csv" | "xlsx"; nullopt otherwise.
std::optional<export_format> parse_export_format(std::string_view s);

/// A cell: empty, text, a whole number, a decimal number or a calendar day.
using sheet_cell = std::variant<std::monostate, std::string, std::int64_t, double, domain::day>;

/// A column: its Vietnamese header and its width in characters (for XLSX).
struct sheet_column {
  std::string header;
  double width = 12;
};

/// A row; `emphasis` rows (sub-totals) are bold in XLSX.
struct sheet_row {
  std::vector<sheet_cell> cells;
  bool emphasis = false;
};

/// One table ready to be written as CSV or XLSX.
struct sheet {
  std::string name;   ///< the worksheet's name (at most 31 characters)
  std::string title;  ///< what it is, for the operator's message
  std::vector<sheet_column> columns;
  std::vector<sheet_row> rows;
  std::optional<sheet_row> totals;  ///< the totals row under the data (XLSX only)
};

/// Builds the table of `what` for a unit and period from the database.
sheet build_export(storage::database& db, const domain::unit& unit, export_what what, const domain::period& p);

/// CSV text: UTF-8 BOM, the header, one line per row (RFC 4180 quoting, CRLF); dates dd/mm/yyyy;
/// text that a spreadsheet would read as a formula (`read_as_formula`) begins with a quote.
std::string to_csv(const sheet& s);

/// Writes an XLSX workbook of one worksheet: bold filled header, frozen header row, column
/// widths, autofilter, dates as real dates shown dd/mm/yyyy, and the totals row in bold. Text is
/// written as string cells (never evaluated); text that `read_as_formula` also gets the Text
/// number format, so that editing the cell does not turn it into a formula.
/// Fails with the library's message when the file cannot be written.
domain::result<std::monostate> write_xlsx(const sheet& s, const std::string& path);

/// `export --unit ID --period P --what W --format F --out FILE`: 0 when written, 2 on a bad unit,
/// period, what or format (each named), 1 when the file cannot be written. Exports of personal
/// data (requests, served) are recorded in the audit trail with `actor`.
int run_export(const config& cfg, const clock& clk, const std::string& unit_id, const std::string& period_key,
               const std::string& what, const std::string& format, const std::string& out,
               const std::string& actor);

}  // namespace tannha::bot
