#include <doctest/doctest.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "bot/importer.hpp"
#include "handlers/dispatch_fixture.hpp"
#include "handlers/text.hpp"
#include "storage/citizen_repository.hpp"

using namespace tannha;
using tannha::test::local;

namespace {

struct import_env {
  test::dispatch_fixture fx;
  domain::unit unit = test::demo_unit();
  handlers::catalog cat{test::test_catalog()};

  domain::result<bot::import_summary> run(const std::string& csv, bool dry_run = false) {
    return bot::import_citizens(fx.db(), unit, cat, csv, dry_run, local(2026, 11, 20));
  }
  int approved() { return fx.db().db().execAndGet("SELECT COUNT(*) FROM citizens WHERE approved = 1").getInt(); }
  std::string column(const std::string& col, const std::string& folded_name) {
    SQLite::Statement q(fx.db().db(), "SELECT " + col + " FROM citizens WHERE folded_name = ?");
    q.bind(1, folded_name);
    REQUIRE(q.executeStep());
    return q.getColumn(0).getString();
  }
};

// "Nguyễn Thị Lan" typed with decomposed diacritics (NFD), as some keyboards send.
const std::string nfd_name = "Nguye\xCC\x82\xCC\x83n Thi\xCC\xA3 Lan";

// The Culture–Society office's list as Excel writes it in a Vietnamese locale: BOM, ';', CRLF,
// quoted fields, blank lines, labels in Vietnamese and in a different order.
std::string semicolon_list() {
  return "\xEF\xBB\xBF"
         "Họ tên;Năm sinh;Thôn;Địa chỉ;SĐT;Đối tượng;Ghi chú\r\n"
         "Nguyễn Văn Tư;1938;Đông Hải;\"xóm 3; cạnh nhà văn hoá\";0912 345 678;thương binh;chỉ ở nhà buổi sáng\r\n"
         "\r\n"
         "Lê Thị Hoa;12/03/1945;tay son;thôn Tây Sơn;;cao tuổi, neo đơn;\r\n"
         ";;;;;;\r\n"
         "Phạm Văn Nam;1950;Bắc Hà;\"đội 2\r\ngần chợ\";+84 987 654 321;khuyết tật;\"nói \"\"to\"\" vì nghe kém\"\r\n";
}

// The same kind of list with ',' and the documented header, in another order, with NFD text.
std::string comma_list() {
  return "thon,ho_ten,nam_sinh,doi_tuong,sdt,dia_chi,ghi_chu\n"
         "Nam Hưng," + nfd_name + ",1940,hộ nghèo,,\"số 5, ngõ 2\",\n"
         "\n"
         "Đông Hải,Trần Văn Bình,1935,người có công,0901234567,xóm 1,\n";
}

}  // namespace

TEST_CASE("import: a ';' list with BOM, CRLF, quoted fields and blank lines loads every person approved") {
  import_env env;
  auto s = env.run(semicolon_list());
  REQUIRE(s);
  CHECK(s->separator == ';');
  CHECK(s->added == 3);
  CHECK(s->updated == 0);
  CHECK(s->skipped.empty());
  CHECK(env.approved() == 3);
  CHECK(env.column("address", "nguyen van tu") == "xóm 3; cạnh nhà văn hoá");
  CHECK(env.column("phone", "nguyen van tu") == "0912345678");
  CHECK(env.column("categories", "nguyen van tu") == "Thương binh, bệnh binh");
  CHECK(env.column("village", "le thi hoa") == "Tây Sơn");
  CHECK(env.column("birth_year", "le thi hoa") == "1945");
  CHECK(env.column("categories", "le thi hoa") == "Người cao tuổi;Neo đơn");
  CHECK(env.column("address", "pham van nam") == "đội 2\ngần chợ");
  CHECK(env.column("phone", "pham van nam") == "0987654321");
  CHECK(env.column("notes", "pham van nam") == "nói \"to\" vì nghe kém");
}

TEST_CASE("import: a ',' list with NFD text stores the name in NFC") {
  import_env env;
  auto s = env.run(comma_list());
  REQUIRE(s);
  CHECK(s->separator == ',');
  CHECK(s->added == 2);
  auto name = env.column("full_name", "nguyen thi lan");
  CHECK(name == "Nguyễn Thị Lan");
  CHECK(name == handlers::to_nfc(nfd_name));
  CHECK(name != nfd_name);
  CHECK(env.column("address", "nguyen thi lan") == "số 5, ngõ 2");
}

TEST_CASE("import: a second import of the same file adds and changes nothing and says so") {
  import_env env;
  REQUIRE(env.run(semicolon_list()));
  auto again = env.run(semicolon_list());
  REQUIRE(again);
  CHECK(again->added == 0);
  CHECK(again->updated == 0);
  CHECK(again->unchanged == 3);
  CHECK(env.fx.count("citizens") == 3);
  auto text = bot::format_import_summary(*again);
  CHECK(text.starts_with("0 new, 0 updated, 3 unchanged, 0 skipped"));
  CHECK(text.find("as it was") != std::string::npos);
}

TEST_CASE("import: bad rows are skipped, each reported with its line and reason; the rest load") {
  import_env env;
  std::string csv =
      "ho_ten,nam_sinh,thon,dia_chi,sdt,doi_tuong,ghi_chu\n"  // 1
      "Nguyễn Văn Tư,1938,Đông Hải,xóm 3,0912345678,thương binh,\n"  // 2 good
      ",1940,Đông Hải,xóm 1,,,\n"                                     // 3 no name
      "Lê Văn A,19x0,Đông Hải,xóm 1,,,\n"                             // 4 bad year
      "Lê Văn B,1941,Dong Hoi,xóm 1,,,\n"                             // 5 unknown village
      "\n"                                                            // 6 blank
      "Lê Văn C,1942,Tây Sơn,xóm 1,12345,,\n"                         // 7 bad phone
      "Lê Văn D,1943,Tây Sơn,xóm 1,,phi công,\n"                      // 8 unknown category
      "Lê Văn E,1944,Bắc Hà,xóm 9,,,\n"                               // 9 good (no category)
      "Nguyễn Văn Tư,1938,Đông Hải,xóm 4,,,\n"                        // 10 same as line 2
      "Lê Văn F,2031,Bắc Hà,xóm 9,,,\n";                              // 11 year in the future
  auto s = env.run(csv);
  REQUIRE(s);
  CHECK(s->added == 2);
  REQUIRE(s->skipped.size() == 7);
  auto reason = [&](std::size_t line) {
    for (const auto& p : s->skipped)
      if (p.line == line) return p.reason;
    return std::string("(not reported)");
  };
  CHECK(reason(3).find("missing name") != std::string::npos);
  CHECK(reason(4).find("bad birth year '19x0'") != std::string::npos);
  CHECK(reason(5).find("unknown village 'Dong Hoi'") != std::string::npos);
  CHECK(reason(5).find("closest: Đông Hải") != std::string::npos);
  CHECK(reason(7).find("bad phone '12345'") != std::string::npos);
  CHECK(reason(8).find("unknown category 'phi công'") != std::string::npos);
  CHECK(reason(10).find("same person as line 2") != std::string::npos);
  CHECK(reason(11).find("bad birth year '2031'") != std::string::npos);
  auto text = bot::format_import_summary(*s);
  CHECK(text.find("  line 5: unknown village 'Dong Hoi'") != std::string::npos);
  CHECK(env.fx.count("citizens") == 2);
}

TEST_CASE("import: header labels fold, order is free, an 'STT' column is ignored") {
  import_env env;
  auto s = env.run("STT;HO_TEN;ho ten?;x\n");
  REQUIRE_FALSE(s);
  s = env.run("STT;NĂM SINH;Họ và tên;THÔN;Số điện thoại\n1;1938;Nguyễn Văn Tư;Đông Hải;0912345678\n");
  REQUIRE(s);
  CHECK(s->added == 1);
  CHECK(env.column("phone", "nguyen van tu") == "0912345678");
}

TEST_CASE("import: unknown or missing required columns are an error naming them, and nothing is written") {
  import_env env;
  auto s = env.run("ho_ten,ngay_cap,dia_chi,thu_tuc\nNguyễn Văn Tư,1938,xóm 3,chứng thực\n");
  REQUIRE_FALSE(s);
  const auto& m = s.error().message;
  CAPTURE(m);
  CHECK(m.find("unknown column(s) 'ngay_cap', 'thu_tuc'") != std::string::npos);
  CHECK(m.find("missing column(s) nam_sinh, thon") != std::string::npos);
  CHECK(env.fx.count("citizens") == 0);
  auto empty = env.run("\xEF\xBB\xBF\n\n");
  REQUIRE_FALSE(empty);
  CHECK(empty.error().message.find("empty") != std::string::npos);
}

TEST_CASE("import: a file that is not UTF-8 (Excel's ANSI CSV) is refused with its line") {
  import_env env;
  // "Nguy\xEA\xF2n" is Windows-1258, not UTF-8.
  auto s = env.run("ho_ten,nam_sinh,thon\nNguy\xEAn V\xE3n T\xF2,1938,Dong Hai\n");
  REQUIRE_FALSE(s);
  CHECK(s.error().message.find("line 2 is not UTF-8") != std::string::npos);
  CHECK(env.fx.count("citizens") == 0);
}

TEST_CASE("import: --dry-run reports what a real import would do and writes nothing") {
  import_env env;
  auto dry = env.run(semicolon_list() + "Ai Đó;19x0;Đông Hải;;;;\r\n", true);
  REQUIRE(dry);
  CHECK(dry->dry_run);
  CHECK(dry->added == 3);
  REQUIRE(dry->skipped.size() == 1);
  CHECK(dry->skipped[0].line == 8);  // the quoted address before it spans two lines
  CHECK(env.fx.count("citizens") == 0);
  CHECK(bot::format_import_summary(*dry).starts_with("dry run, nothing written: 3 new"));
  auto real = env.run(semicolon_list() + "Ai Đó;19x0;Đông Hải;;;;\r\n");
  REQUIRE(real);
  CHECK(real->added == dry->added);
  CHECK(env.fx.count("citizens") == 3);
}

TEST_CASE("import: a citizen first registered by /dangky is approved and refreshed, not duplicated") {
  import_env env;
  env.fx.group("admin-1", test::full_form, local(2026, 11, 18));
  env.fx.take();
  REQUIRE(env.fx.count("citizens") == 1);
  CHECK(env.approved() == 0);
  auto s = env.run(
      "ho_ten,nam_sinh,thon,dia_chi,sdt,doi_tuong,ghi_chu\n"
      "NGUYỄN VĂN TƯ,1938,dong hai,,,\"thương binh, cao tuổi\",\n");
  REQUIRE(s);
  CHECK(s->added == 0);
  CHECK(s->updated == 1);
  CHECK(env.fx.count("citizens") == 1);
  CHECK(env.approved() == 1);
  // Empty cells keep what /dangky stored; given ones replace it.
  CHECK(env.column("phone", "nguyen van tu") == "0912345678");
  CHECK(env.column("address", "nguyen van tu") == "xóm 3, cạnh nhà văn hoá");
  CHECK(env.column("categories", "nguyen van tu") == "Thương binh, bệnh binh;Người cao tuổi");
  // The list's spelling of the name is kept.
  CHECK(env.column("full_name", "nguyen van tu") == "NGUYỄN VĂN TƯ");
}

TEST_CASE("import: /dangky after an import links to the approved citizen instead of adding one") {
  import_env env;
  REQUIRE(env.run(semicolon_list()));
  REQUIRE(env.fx.count("citizens") == 3);
  env.fx.group("admin-1", test::full_form, local(2026, 11, 20));
  auto reply = env.fx.take_one();
  CHECK(reply.find("Đã đăng ký hồ sơ #1") != std::string::npos);
  CHECK(reply.find("có trong danh sách được duyệt") != std::string::npos);
  CHECK(env.fx.count("citizens") == 3);
  auto linked = env.fx.db().db().execAndGet(
      "SELECT c.approved FROM requests r JOIN citizens c ON c.id = r.citizen_id WHERE r.number = 1");
  CHECK(linked.getInt() == 1);

  // Someone not on the list is registered as before, and the reply does not claim otherwise.
  env.fx.group("admin-1",
               "/dangky\nHọ tên: Đỗ Văn Mới\nNăm sinh: 1950\nThôn: Bắc Hà\nĐịa chỉ: xóm 1\n"
               "Đối tượng: cao tuổi\nThủ tục: khai sinh",
               local(2026, 11, 20, 10));
  auto other = env.fx.take_one();
  CHECK(other.find("Đã đăng ký hồ sơ #2") != std::string::npos);
  CHECK(other.find("danh sách được duyệt") == std::string::npos);
  CHECK(env.fx.count("citizens") == 4);
}

TEST_CASE("import: the CLI refuses an unknown unit, naming it, and a missing file") {
  test::temp_dir dir;
  auto cfg = bot::parse_config(
      "[platform]\nkind = \"console\"\nwebhook_secret = \"bi-mat\"\n[storage]\npath = \"" + dir.file("t.db") +
          "\"\n[[units]]\nid = \"binhgiang\"\nname = \"Xã Bình Giang\"\nchat_id = \"group-bg\"\n"
          "admins = [\"admin-1\"]\nvillages = [\"Đông Hải\", \"Tây Sơn\"]\n",
      dir.file("config.toml"));
  REQUIRE(cfg);
  auto list = dir.file("list.csv");
  std::ofstream(list) << "ho_ten,nam_sinh,thon\nNguyễn Văn Tư,1938,Đông Hải\n";
  std::ostringstream err;
  auto* old = std::cerr.rdbuf(err.rdbuf());
  int bad_unit = bot::run_import(*cfg, bot::clock(), list, "tayhieu", false);
  int bad_file = bot::run_import(*cfg, bot::clock(), dir.file("nope.csv"), "binhgiang", false);
  std::cerr.rdbuf(old);
  CHECK(bad_unit == 2);
  CHECK(bad_file == 2);
  CHECK(err.str().find("unknown unit 'tayhieu' (configured: binhgiang)") != std::string::npos);
  CHECK(err.str().find("cannot read") != std::string::npos);

  std::ostringstream out;
  auto* old_out = std::cout.rdbuf(out.rdbuf());
  int ok = bot::run_import(*cfg, bot::clock(), list, "binhgiang", false);
  int again = bot::run_import(*cfg, bot::clock(), list, "binhgiang", false);
  std::cout.rdbuf(old_out);
  CHECK(ok == 0);
  CHECK(again == 0);
  CHECK(out.str().find("1 new, 0 updated, 0 unchanged") != std::string::npos);
  CHECK(out.str().find("0 new, 0 updated, 1 unchanged") != std::string::npos);
}
