#include "bot/csv.hpp"

#include <algorithm>

namespace tannha::bot {

namespace {

std::string_view drop_bom(std::string_view text) {
  if (text.starts_with(utf8_bom)) text.remove_prefix(utf8_bom.size());
  return text;
}

bool blank(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t'; });
}

}  // namespace

char detect_csv_separator(std::string_view text) {
  text = drop_bom(text);
  std::size_t commas = 0;
  std::size_t semicolons = 0;
  bool quoted = false;
  bool seen_content = false;
  for (char c : text) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == '\n' || c == '\r') {
      if (commas + semicolons > 0 || seen_content) break;
      continue;
    }
    if (c == ',') ++commas;
    else if (c == ';') ++semicolons;
    else if (c != ' ' && c != '\t') seen_content = true;
  }
  return semicolons > commas ? ';' : ',';
}

domain::result<csv_table> parse_csv(std::string_view text, std::optional<char> separator) {
  text = drop_bom(text);
  csv_table out;
  out.separator = separator ? *separator : detect_csv_separator(text);
  const char sep = out.separator;

  std::size_t line = 1;
  csv_record record;
  record.line = 1;
  std::string field;
  bool in_quotes = false;
  bool field_was_quoted = false;
  std::size_t quote_line = 0;

  auto end_field = [&] {
    record.fields.push_back(std::move(field));
    field.clear();
    field_was_quoted = false;
  };
  auto end_record = [&] {
    end_field();
    bool all_blank = std::all_of(record.fields.begin(), record.fields.end(), blank);
    if (!all_blank) out.records.push_back(std::move(record));
    record = csv_record{};
    record.line = line;
  };

  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          in_quotes = false;
        }
        continue;
      }
      if (c == '\r' || c == '\n') {
        // A line break inside quotes is part of the value; CRLF is kept as one '\n'.
        if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
        field += '\n';
        ++line;
        continue;
      }
      field += c;
      continue;
    }
    if (c == '"' && blank(field) && !field_was_quoted) {
      // An opening quote (spaces before it are dropped, as spreadsheets do).
      field.clear();
      in_quotes = true;
      field_was_quoted = true;
      quote_line = line;
      continue;
    }
    if (c == sep) {
      end_field();
      continue;
    }
    if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      ++line;
      end_record();
      continue;
    }
    field += c;
  }
  if (in_quotes) {
    return domain::fail(domain::errc::bad_form,
                        "line " + std::to_string(quote_line) + ": a quoted field is never closed");
  }
  if (!field.empty() || !record.fields.empty() || field_was_quoted) end_record();
  return out;
}

std::string csv_field(std::string_view value, char separator) {
  bool needs = value.find_first_of(std::string{'"', '\r', '\n', separator}) != std::string_view::npos ||
               (!value.empty() && (value.front() == ' ' || value.back() == ' '));
  if (!needs) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

bool read_as_formula(std::string_view value) {
  if (value.empty()) return false;
  switch (value.front()) {
    case '=':
    case '+':
    case '-':
    case '@':
    case '\t':
    case '\r':
      return true;
    default:
      return false;
  }
}

std::string csv_text_cell(std::string_view value) {
  if (!read_as_formula(value)) return std::string(value);
  return "'" + std::string(value);
}

std::string csv_line(const std::vector<std::string>& fields, char separator) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) out += separator;
    out += csv_field(fields[i], separator);
  }
  out += "\r\n";
  return out;
}

}  // namespace tannha::bot
