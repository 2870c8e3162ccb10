#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "handlers/command_parser.hpp"
#include "handlers/form_parser.hpp"

using namespace tannha::handlers;
using ff = form_field;

namespace {

// The text of fixtures/zalo_private_register.json, as a village head sends it.
const char* const fixture_register_text =
    "/dangky\nHọ tên: Nguyễn Văn Tư\nNăm sinh: 1938\nThôn: Đông Hải\nĐịa chỉ: xóm 3, cạnh nhà "
    "văn hoá\nSĐT: 0912 345 678\nĐối tượng: thương binh\nThủ tục: chứng thực chữ ký\nGhi chú: "
    "chỉ ở nhà buổi sáng";

bool clean(const parsed_form& f) {
  return f.unknown_labels.empty() && f.label_suggestions.empty() && f.stray_lines.empty() &&
         f.repeated.empty();
}

}  // namespace

TEST_CASE("parse_form: the fixture registration reads every field") {
  const auto p = parse_command(fixture_register_text);
  REQUIRE(p.how == command_parse::kind::command);
  REQUIRE(p.command->action == tannha::handlers::action::dangky);
  const auto f = parse_form(p.command->args);
  CHECK(clean(f));
  CHECK(f.values.size() == 8);
  CHECK(f.values.at(ff::ho_ten) == "Nguyễn Văn Tư");
  CHECK(f.values.at(ff::nam_sinh) == "1938");
  CHECK(f.values.at(ff::thon) == "Đông Hải");
  CHECK(f.values.at(ff::dia_chi) == "xóm 3, cạnh nhà văn hoá");
  CHECK(f.values.at(ff::sdt) == "0912 345 678");
  CHECK(f.values.at(ff::doi_tuong) == "thương binh");
  CHECK(f.values.at(ff::thu_tuc) == "chứng thực chữ ký");
  CHECK(f.values.at(ff::ghi_chu) == "chỉ ở nhà buổi sáng");

  // The whole message may be passed in too: its command line is skipped.
  const auto whole = parse_form(fixture_register_text);
  CHECK(clean(whole));
  CHECK(whole.values == f.values);
}

TEST_CASE("parse_form: several pairs on one line separated by ';'") {
  const auto f = parse_form(
      "Họ tên: Lê Thị Hoa; Năm sinh: 1950; Thôn: Tây Sơn; Thủ tục: khai sinh;Đối tượng: cao tuổi");
  CHECK(clean(f));
  CHECK(f.values.size() == 5);
  CHECK(f.values.at(ff::ho_ten) == "Lê Thị Hoa");
  CHECK(f.values.at(ff::nam_sinh) == "1950");
  CHECK(f.values.at(ff::thon) == "Tây Sơn");
  CHECK(f.values.at(ff::thu_tuc) == "khai sinh");
  CHECK(f.values.at(ff::doi_tuong) == "cao tuổi");
}

TEST_CASE("parse_form: spaced and full-width colons separate label and value") {
  const auto f = parse_form("Họ tên : Tư\nThôn：Đông Hải\nSĐT :0912345678");
  CHECK(clean(f));
  CHECK(f.values.at(ff::ho_ten) == "Tư");
  CHECK(f.values.at(ff::thon) == "Đông Hải");
  CHECK(f.values.at(ff::sdt) == "0912345678");
}

TEST_CASE("parse_form: label synonyms fold to their field") {
  const auto f = parse_form(
      "HO_VA_TEN: A\nns: 1940\nẤp: Bình An\nĐ/c: x\nSố điện thoại: 1\nDoi tuong: khuyết tật\n"
      "TTHC: chứng thực\nGHI CHU: g");
  CHECK(f.values.at(ff::ho_ten) == "A");
  CHECK(f.values.at(ff::nam_sinh) == "1940");
  CHECK(f.values.at(ff::thon) == "Bình An");
  CHECK(f.values.at(ff::sdt) == "1");
  CHECK(f.values.at(ff::doi_tuong) == "khuyết tật");
  CHECK(f.values.at(ff::thu_tuc) == "chứng thực");
  CHECK(f.values.at(ff::ghi_chu) == "g");
  CHECK(f.values.at(ff::dia_chi) == "x");
  CHECK(clean(f));

  for (const char* label : {"Tên", "Họ tên", "hoten", "Họ và tên"})
    CHECK(parse_form(std::string(label) + ": X").values.count(ff::ho_ten) == 1);
  for (const char* label : {"Thôn", "Bản", "Tổ dân phố", "Khu phố", "Tổ", "Ap"})
    CHECK(parse_form(std::string(label) + ": X").values.count(ff::thon) == 1);
  for (const char* label : {"SĐT", "sdt", "Điện thoại", "ĐT", "dt"})
    CHECK(parse_form(std::string(label) + ": X").values.count(ff::sdt) == 1);
  for (const char* label : {"Năm sinh", "Sinh năm", "NS"})
    CHECK(parse_form(std::string(label) + ": X").values.count(ff::nam_sinh) == 1);
  CHECK(parse_form("Địa chỉ: X").values.count(ff::dia_chi) == 1);
  CHECK(parse_form("Thủ tục: X").values.count(ff::thu_tuc) == 1);
}

TEST_CASE("parse_form: NFD labels and values are read, values come back NFC") {
  // "Họ tên: Nguyễn" and "Thôn: Đông Hải" typed decomposed.
  const auto f = parse_form(
      "Ho\xCC\xA3 te\xCC\x82n: Nguye\xCC\x82\xCC\x83n\nTho\xCC\x82n: \xC4\x90o\xCC\x82ng Ha\xCC\x89i");
  CHECK(clean(f));
  CHECK(f.values.at(ff::ho_ten) == "Nguyễn");
  CHECK(f.values.at(ff::thon) == "Đông Hải");
}

TEST_CASE("parse_form: an unknown label is reported with the closest field label") {
  const auto f = parse_form("Họ tên: Tư\nDoi tong: thương binh\nQuê quán: Nghệ An");
  CHECK(f.values.size() == 1);
  CHECK(f.values.count(ff::doi_tuong) == 0);
  CHECK(f.unknown_labels == std::vector<std::string>{"Doi tong", "Quê quán"});
  CHECK(f.label_suggestions == std::vector<std::string>{"Đối tượng", ""});

  const auto g = parse_form("Ho tne: Tư; Nam snih: 1938");
  CHECK(g.label_suggestions == std::vector<std::string>{"Họ tên", "Năm sinh"});
}

TEST_CASE("parse_form: a field given twice with different values is repeated, first kept") {
  auto f = parse_form("Thôn: Đông Hải\nHọ tên: Tư\nThôn: Tây Sơn");
  CHECK(f.repeated == std::vector<ff>{ff::thon});
  CHECK(f.values.at(ff::thon) == "Đông Hải");

  // The same value again (other case or accents) is no conflict.
  f = parse_form("Thôn: Đông Hải\nthon: dong hai");
  CHECK(f.repeated.empty());
  CHECK(f.values.at(ff::thon) == "Đông Hải");

  // Two labels of one field are a repetition too.
  f = parse_form("SĐT: 0912\nĐiện thoại: 0987");
  CHECK(f.repeated == std::vector<ff>{ff::sdt});
}

TEST_CASE("parse_form: an empty value is a missing field") {
  const auto f = parse_form("Họ tên:\nNăm sinh:   \nThôn: Đông Hải\nHọ tên: Tư");
  CHECK(f.values.count(ff::nam_sinh) == 0);
  CHECK(f.values.at(ff::ho_ten) == "Tư");  // not a repetition of the empty one
  CHECK(f.repeated.empty());
  CHECK(f.stray_lines.empty());
}

TEST_CASE("parse_form: lines without a label are stray lines") {
  const auto f = parse_form("Nguyễn Văn Tư\n\nThôn: Đông Hải\n8:30 sáng mới có nhà\n  \n");
  CHECK(f.values.size() == 1);
  CHECK(f.stray_lines == std::vector<std::string>{"Nguyễn Văn Tư", "8:30 sáng mới có nhà"});
  CHECK(f.unknown_labels.empty());
}

TEST_CASE("parse_form: a colon inside a value stays in the value") {
  const auto f = parse_form("Ghi chú: gọi trước lúc 8:30\nĐịa chỉ: xem https://maps.example/x");
  CHECK(clean(f));
  CHECK(f.values.at(ff::ghi_chu) == "gọi trước lúc 8:30");
  CHECK(f.values.at(ff::dia_chi) == "xem https://maps.example/x");
}

TEST_CASE("parse_form: ';' inside free-text values is kept, elsewhere it starts a stray piece") {
  auto f = parse_form("Đối tượng: thương binh; cao tuổi\nGhi chú: sáng; chiều vắng");
  CHECK(clean(f));
  CHECK(f.values.at(ff::doi_tuong) == "thương binh; cao tuổi");
  CHECK(f.values.at(ff::ghi_chu) == "sáng; chiều vắng");

  f = parse_form("Họ tên: Tư; 1938");
  CHECK(f.values.at(ff::ho_ten) == "Tư");
  CHECK(f.stray_lines == std::vector<std::string>{"1938"});
}

TEST_CASE("parse_form: list bullets and tabs around labels are ignored") {
  const auto f = parse_form("- Họ tên: Tư\n• Thôn:\tĐông Hải\n3. Năm sinh: 1938\n\t*\u00A0SĐT : 09");
  CHECK(clean(f));
  CHECK(f.values.at(ff::ho_ten) == "Tư");
  CHECK(f.values.at(ff::thon) == "Đông Hải");
  CHECK(f.values.at(ff::nam_sinh) == "1938");
  CHECK(f.values.at(ff::sdt) == "09");
}

TEST_CASE("parse_form: empty and invalid text give an empty form without crashing") {
  CHECK(parse_form("").values.empty());
  CHECK(clean(parse_form("")));
  const auto f = parse_form("Họ tên: T\xFFư\n\xC3");
  CHECK(f.values.at(ff::ho_ten) == "T\uFFFDư");
  CHECK(f.stray_lines == std::vector<std::string>{"\uFFFD"});
}

TEST_CASE("merge_forms: the answer fills and replaces fields of the draft") {
  const auto draft = parse_form("Họ tên: Tư\nThôn: Dong Hia\nDoi tong: x\nThôn: Tây Sơn");
  REQUIRE(draft.repeated == std::vector<ff>{ff::thon});
  const auto answer = parse_form("Thôn: Đông Hải\nĐối tượng: thương binh");
  const auto m = merge_forms(draft, answer);
  CHECK(m.values.at(ff::ho_ten) == "Tư");
  CHECK(m.values.at(ff::thon) == "Đông Hải");
  CHECK(m.values.at(ff::doi_tuong) == "thương binh");
  CHECK(m.repeated.empty());
  CHECK(m.unknown_labels.empty());

  const auto partial = merge_forms(draft, parse_form("Năm sinh: 1938\nxyz"));
  CHECK(partial.repeated == std::vector<ff>{ff::thon});
  CHECK(partial.values.at(ff::nam_sinh) == "1938");
  CHECK(partial.stray_lines == std::vector<std::string>{"xyz"});
}

TEST_CASE("field_label: the labels users see") {
  CHECK(field_label(ff::ho_ten) == "Họ tên");
  CHECK(field_label(ff::nam_sinh) == "Năm sinh");
  CHECK(field_label(ff::thon) == "Thôn");
  CHECK(field_label(ff::dia_chi) == "Địa chỉ");
  CHECK(field_label(ff::sdt) == "SĐT");
  CHECK(field_label(ff::doi_tuong) == "Đối tượng");
  CHECK(field_label(ff::thu_tuc) == "Thủ tục");
  CHECK(field_label(ff::ghi_chu) == "Ghi chú");
}

TEST_CASE("parse_form: an answer that starts with a mention of the bot still names its field") {
  const auto f = parse_form("@Tận Nhà Năm sinh: 1938\nThôn: Đông Hải");
  CHECK(clean(f));
  CHECK(f.values.at(ff::nam_sinh) == "1938");
  CHECK(f.values.at(ff::thon) == "Đông Hải");

  const auto g = parse_form("@Tận Nhà Quê: Nghệ An");
  CHECK(g.unknown_labels == std::vector<std::string>{"@Tận Nhà Quê"});
}
