#pragma once
// RFC 4180 CSV as offices produce it from Excel or LibreOffice: read for `import`, written for
// `export`.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.hpp"

namespace tannha::bot {

/// One record of a CSV file and the (1-based) line of the file on which it starts.
struct csv_record {
  std::size_t line = 0;
  std::vector<std::string> fields;
};

/// A parsed CSV file: the separator in use and its records, the header first.
struct csv_table {
  char separator = ',';
  std::vector<csv_record> records;
};

/// ',' or ';': whichever occurs more often outside quotes on the first non-blank line (Excel in
/// a Vietnamese locale writes ';'). ',' when neither occurs.
char detect_csv_separator(std::string_view text);

/// Parses CSV text: a leading UTF-8 BOM is dropped; lines end with CRLF, LF or CR; fields may be
/// quoted, with "" for a quote and line breaks inside the quotes; text after a closing quote is
/// kept as typed. Records whose fields are all blank (empty lines, ";;;" lines) are dropped.
/// The separator is detected from the first line unless given. Fails (naming the line where
/// it opened) on a quote that is never closed.
domain::result<csv_table> parse_csv(std::string_view text, std::optional<char> separator = std::nullopt);

/// One field as written: quoted (with "" escapes) when it holds the separator, a quote, a line
/// break or leading/trailing spaces; as is otherwise.
std::string csv_field(std::string_view value, char separator = ',');

/// One record as written, ending with CRLF (RFC 4180).
std::string csv_line(const std::vector<std::string>& fields, char separator = ',');

/// True when a spreadsheet would read a cell that begins like this as a formula: it begins with
/// '=', '+', '-', '@', a tab or a carriage return (OWASP, "CSV Injection"). Exports of typed text
/// (names, codes) must not run as formulas in staff's Excel.
bool read_as_formula(std::string_view value);

/// Text for a CSV export cell: prefixed with a single quote when `read_as_formula`, so that a
/// spreadsheet shows it as text; as is otherwise.
std::string csv_text_cell(std::string_view value);

/// The UTF-8 byte order mark, which Excel needs to read a CSV file as UTF-8.
inline constexpr std::string_view utf8_bom = "\xEF\xBB\xBF";

}  // namespace tannha::bot
