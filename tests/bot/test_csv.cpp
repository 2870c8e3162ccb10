#include <doctest/doctest.h>

#include "bot/csv.hpp"

using tannha::bot::csv_field;
using tannha::bot::csv_line;
using tannha::bot::detect_csv_separator;
using tannha::bot::parse_csv;

namespace {
std::vector<std::string> fields(const tannha::bot::csv_table& t, std::size_t i) { return t.records.at(i).fields; }
}  // namespace

TEST_CASE("csv: the separator is detected from the header line") {
  CHECK(detect_csv_separator("ho_ten,nam_sinh,thon\nA;B;C;D\n") == ',');
  CHECK(detect_csv_separator("ho_ten;nam_sinh;thon\nA,B,C,D,E\n") == ';');
  CHECK(detect_csv_separator("\xEF\xBB\xBF\"a,b\";c;d\n") == ';');
  CHECK(detect_csv_separator("\n\nho_ten;nam_sinh\n") == ';');
  CHECK(detect_csv_separator("ho_ten\n") == ',');
}

TEST_CASE("csv: semicolon file with a BOM and CRLF line ends") {
  auto t = parse_csv("\xEF\xBB\xBFho_ten;nam_sinh\r\nNguyễn Văn Tư;1938\r\nLê Thị Hoa;1945\r\n");
  REQUIRE(t);
  CHECK(t->separator == ';');
  REQUIRE(t->records.size() == 3);
  CHECK(fields(*t, 0) == std::vector<std::string>{"ho_ten", "nam_sinh"});
  CHECK(fields(*t, 1) == std::vector<std::string>{"Nguyễn Văn Tư", "1938"});
  CHECK(t->records[2].line == 3);
}

TEST_CASE("csv: quoted fields keep separators, doubled quotes and line breaks") {
  auto t = parse_csv("a,b,c\n\"xóm 3, cạnh \"\"nhà văn hoá\"\"\",\"dòng 1\r\ndòng 2\",x\nlast,\"\",z");
  REQUIRE(t);
  REQUIRE(t->records.size() == 3);
  CHECK(fields(*t, 1) == std::vector<std::string>{"xóm 3, cạnh \"nhà văn hoá\"", "dòng 1\ndòng 2", "x"});
  // The record after a two-line value starts on line 4 of the file.
  CHECK(t->records[2].line == 4);
  CHECK(fields(*t, 2) == std::vector<std::string>{"last", "", "z"});
}

TEST_CASE("csv: blank lines and all-empty records are dropped, line numbers stay the file's") {
  auto t = parse_csv("h1;h2\n\n   \nA;1\n;;\r\n\r\nB;2\n\n");
  REQUIRE(t);
  REQUIRE(t->records.size() == 3);
  CHECK(t->records[1].line == 4);
  CHECK(fields(*t, 1)[0] == "A");
  CHECK(t->records[2].line == 7);
  CHECK(fields(*t, 2)[0] == "B");
}

TEST_CASE("csv: a last line without a line break and old Mac CR line ends") {
  auto t = parse_csv("a,b\rc,d\re,f");
  REQUIRE(t);
  REQUIRE(t->records.size() == 3);
  CHECK(fields(*t, 2) == std::vector<std::string>{"e", "f"});
  CHECK(t->records[2].line == 3);
}

TEST_CASE("csv: an unclosed quote is an error naming the line where it opened") {
  auto t = parse_csv("a,b\nx,y\n\"never closed,z\nmore\n");
  REQUIRE_FALSE(t);
  CHECK(t.error().message.find("line 3") != std::string::npos);
}

TEST_CASE("csv: an explicit separator wins over detection") {
  auto t = parse_csv("a;b,c\n1;2,3\n", ',');
  REQUIRE(t);
  CHECK(fields(*t, 1) == std::vector<std::string>{"1;2", "3"});
}

TEST_CASE("csv: writing quotes only what needs it and round-trips") {
  CHECK(csv_field("Nguyễn Văn Tư") == "Nguyễn Văn Tư");
  CHECK(csv_field("xóm 3, cạnh") == "\"xóm 3, cạnh\"");
  CHECK(csv_field("a \"b\"") == "\"a \"\"b\"\"\"");
  CHECK(csv_field("a;b", ';') == "\"a;b\"");
  CHECK(csv_field("a;b", ',') == "a;b");
  CHECK(csv_field(" lead") == "\" lead\"");
  std::vector<std::string> row{"x,y", "say \"hi\"", "two\nlines", "", "plain"};
  auto line = csv_line(row);
  CHECK(line.ends_with("\r\n"));
  auto back = parse_csv("h1,h2,h3,h4,h5\r\n" + line);
  REQUIRE(back);
  REQUIRE(back->records.size() == 2);
  CHECK(back->records[1].fields == row);
}
