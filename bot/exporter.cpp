#include "bot/exporter.hpp"

#include <sys/stat.h>
#include <xlsxwriter.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>

#include "bot/csv.hpp"
#include "domain/request_state.hpp"
#include "storage/audit_log.hpp"
#include "storage/report_repository.hpp"
#include "storage/unit_repository.hpp"
#include "handlers/text.hpp"

namespace tannha::bot {

namespace {

using handlers::join;
sheet_cell day_cell(const std::string& iso) {
  if (auto d = domain::parse_iso_date(iso)) return *d;
  return std::monostate{};
}

sheet_cell opt_number(std::optional<double> v) {
  if (v) return *v;
  return std::monostate{};
}

std::string state_label(const std::string& stable) {
  if (auto s = domain::request_state_from_string(stable)) return std::string(domain::label(*s));
  return stable;
}

// The list of requests registered in the period, as the offices keep it in Excel.
sheet requests_sheet(storage::database& db, const domain::unit& unit, const domain::period& p) {
  sheet s;
  s.name = "Hồ sơ";
  s.title = "requests";
  // Internal (written owner-only, audited): birth year, categories and the portal's dossier
  // code are what the offices look people and dossiers up by; phone and address stay out.
  s.columns = {{"Số hồ sơ", 9},       {"Ngày đăng ký", 13},     {"Họ tên", 26},           {"Năm sinh", 9},
               {"Thôn", 16},           {"Đối tượng", 24},        {"Thủ tục", 34},          {"Lĩnh vực", 16},
               {"Mã hồ sơ", 26},       {"Trạng thái", 18},       {"Ngày đến nhà", 13},     {"Ngày tiếp nhận", 14},
               {"Hạn trả kết quả", 15}, {"Ngày trả kết quả", 16}, {"Cách trả", 22},         {"Đánh giá", 9}};
  storage::report_repository reports(db);
  int rated = 0;
  double rating_sum = 0;
  for (const auto& r : reports.requests_in(unit.id, p, unit.utc_offset)) {
    sheet_row row;
    row.cells = {r.number,
                 day_cell(r.registered_day),
                 r.citizen_name,
                 r.birth_year ? sheet_cell{std::int64_t{*r.birth_year}} : sheet_cell{},
                 r.village,
                 join(r.categories, "; "),
                 r.procedure_name,
                 r.procedure_field,
                 r.dossier_code,
                 state_label(r.state),
                 day_cell(r.visit_day),
                 day_cell(r.received_day),
                 day_cell(r.due_day),
                 day_cell(r.returned_day),
                 r.return_way,
                 r.rating ? sheet_cell{std::int64_t{*r.rating}} : sheet_cell{}};
    if (r.rating) {
      ++rated;
      rating_sum += *r.rating;
    }
    s.rows.push_back(std::move(row));
  }
  sheet_row totals;
  totals.cells.resize(s.columns.size());
  totals.cells[0] = std::string("Tổng cộng");
  totals.cells[2] = std::to_string(s.rows.size()) + " hồ sơ";
  if (rated) totals.cells.back() = rating_sum / rated;  // under Đánh giá, the last column
  s.totals = std::move(totals);
  return s;
}

// The publishable list (docs/DESIGN.md §5): whose dossier the team received at home in the period —
// name, village, procedure and date only.
sheet served_sheet(storage::database& db, const domain::unit& unit, const domain::period& p) {
  sheet s;
  s.name = "Danh sách phục vụ";
  s.title = "served";
  s.columns = {{"STT", 6}, {"Họ tên", 28}, {"Thôn", 18}, {"Thủ tục", 40}, {"Ngày phục vụ", 14}};
  std::set<std::int64_t> people;
  std::int64_t n = 0;
  for (const auto& served : storage::report_repository(db).served_in(unit.id, p, unit.utc_offset)) {
    people.insert(served.citizen_id);
    sheet_row row;
    row.cells = {++n, served.citizen_name, served.village, served.procedure_name,
                 domain::local_day(domain::to_local(served.received_at, unit.utc_offset))};
    s.rows.push_back(std::move(row));
  }
  sheet_row totals;
  totals.cells.resize(s.columns.size());
  totals.cells[0] = std::string("Tổng cộng");
  totals.cells[1] = std::to_string(people.size()) + " người";
  totals.cells[3] = std::to_string(n) + " thủ tục";
  s.totals = std::move(totals);
  return s;
}

void add_groups(sheet& s, const std::string& section, const std::vector<storage::report_group>& groups,
                bool with_sum) {
  std::int64_t reg = 0;
  std::int64_t ret = 0;
  for (const auto& g : groups) {
    s.rows.push_back({{section, g.name, g.registered, g.returned}});
    reg += g.registered;
    ret += g.returned;
  }
  if (with_sum && !groups.empty()) s.rows.push_back({{section, std::string("Cộng"), reg, ret}, true});
}

// The figures of docs/DESIGN.md §5, one per line; breakdowns give registered and returned counts.
sheet report_sheet(storage::database& db, const domain::unit& unit, const domain::period& p) {
  sheet s;
  s.name = "Báo cáo";
  s.title = "report";
  s.columns = {{"Mục", 18}, {"Chỉ tiêu", 44}, {"Số liệu", 13}, {"Đã trả kết quả", 15}};
  storage::report_repository reports(db);
  auto f = reports.figures(unit.id, p, unit.utc_offset);
  auto add = [&](const std::string& section, const std::string& item, sheet_cell v) {
    s.rows.push_back({{section, item, std::move(v), std::monostate{}}});
  };
  const std::string period = "Kỳ báo cáo";
  add(period, "Đơn vị: " + unit.name, std::monostate{});
  add(period, p.label, std::monostate{});
  add(period, "Từ ngày", p.first);
  add(period, "Đến ngày", p.last);
  const std::string req = "Hồ sơ trong kỳ";
  add(req, "Đăng ký mới", f.registered);
  add(req, "Đã xác minh", f.verified);
  add(req, "Đã xếp lịch", f.scheduled);
  add(req, "Đã tiếp nhận tại nhà", f.received);
  add(req, "Cần bổ sung giấy tờ", f.needs_papers);
  add(req, "Có kết quả", f.result_ready);
  add(req, "Đã trả kết quả", f.returned);
  add(req, "Hoãn lịch", f.postponed);
  add(req, "Đã hủy", f.cancelled);
  add(req, "Từ chối", f.refused);
  const std::string quality = "Chất lượng";
  add(quality, "Trả đúng hẹn", f.returned_on_time);
  add(quality, "Tỷ lệ trả đúng hẹn (%)", opt_number(f.on_time_percent()));
  add(quality, "Số ngày trung bình từ đăng ký đến khi đến nhà", opt_number(f.avg_days_to_visit));
  add(quality, "Số ngày trung bình từ tiếp nhận đến trả kết quả", opt_number(f.avg_days_to_return));
  add(quality, "Mức hài lòng trung bình (1–5)", opt_number(f.avg_rating));
  add(quality, "Số lượt đánh giá", f.rated);
  const std::string end = "Cuối kỳ";
  add(end, "Hồ sơ còn mở", f.open_at_end);
  add(end, "Trong đó trễ hẹn", f.overdue_at_end);
  // Each request has one village and one field, so those breakdowns add up; categories do not
  // (a person may have several).
  add_groups(s, "Theo thôn", f.by_village, true);
  add_groups(s, "Theo lĩnh vực", f.by_field, true);
  add_groups(s, "Theo đối tượng", f.by_category, false);
  return s;
}

std::string absolute_path(const std::string& path) {
  std::error_code ec;
  auto abs = std::filesystem::absolute(path, ec);
  return ec ? path : abs.lexically_normal().string();
}

std::string format_decimal(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// A cell as CSV text; typed text that a spreadsheet would run as a formula gets its quote.
std::string cell_text(const sheet_cell& c) {
  struct visitor {
    std::string operator()(std::monostate) const { return ""; }
    std::string operator()(const std::string& s) const { return csv_text_cell(s); }
    std::string operator()(std::int64_t n) const { return std::to_string(n); }
    std::string operator()(double d) const { return format_decimal(d); }
    std::string operator()(domain::day d) const { return domain::format_date(d); }
  };
  return std::visit(visitor{}, c);
}

}  // namespace

std::optional<export_what> parse_export_what(std::string_view s) {
  if (s == "requests") return export_what::requests;
  if (s == "report") return export_what::report;
  if (s == "served") return export_what::served;
  return std::nullopt;
}

std::optional<export_format> parse_export_format(std::string_view s) {
  if (s == "csv") return export_format::csv;
  if (s == "xlsx") return export_format::xlsx;
  return std::nullopt;
}

sheet build_export(storage::database& db, const domain::unit& unit, export_what what, const domain::period& p) {
  switch (what) {
    case export_what::requests: return requests_sheet(db, unit, p);
    case export_what::report: return report_sheet(db, unit, p);
    case export_what::served: return served_sheet(db, unit, p);
  }
  return {};
}

std::string to_csv(const sheet& s) {
  std::string out(utf8_bom);
  std::vector<std::string> fields;
  for (const auto& c : s.columns) fields.push_back(c.header);
  out += csv_line(fields);
  for (const auto& row : s.rows) {
    fields.clear();
    for (const auto& c : row.cells) fields.push_back(cell_text(c));
    out += csv_line(fields);
  }
  return out;
}

domain::result<std::monostate> write_xlsx(const sheet& s, const std::string& path) {
  lxw_workbook* wb = workbook_new(path.c_str());
  if (!wb) return domain::fail(domain::errc::bad_argument, "cannot create " + path);
  lxw_worksheet* ws = workbook_add_worksheet(wb, s.name.empty() ? nullptr : s.name.c_str());

  lxw_format* header = workbook_add_format(wb);
  format_set_bold(header);
  format_set_bg_color(header, 0xDDEBF7);
  format_set_border(header, LXW_BORDER_THIN);
  format_set_text_wrap(header);
  format_set_align(header, LXW_ALIGN_VERTICAL_CENTER);
  lxw_format* date = workbook_add_format(wb);
  format_set_num_format(date, "dd/mm/yyyy");
  lxw_format* decimal = workbook_add_format(wb);
  format_set_num_format(decimal, "0.0");
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  lxw_format* bold_date = workbook_add_format(wb);
  format_set_bold(bold_date);
  format_set_num_format(bold_date, "dd/mm/yyyy");
  lxw_format* bold_decimal = workbook_add_format(wb);
  format_set_bold(bold_decimal);
  format_set_num_format(bold_decimal, "0.0");
  lxw_format* total = workbook_add_format(wb);
  format_set_bold(total);
  format_set_top(total, LXW_BORDER_THIN);
  lxw_format* total_decimal = workbook_add_format(wb);
  format_set_bold(total_decimal);
  format_set_top(total_decimal, LXW_BORDER_THIN);
  format_set_num_format(total_decimal, "0.0");
  // Text that a spreadsheet would read as a formula: a string cell is never evaluated when the
  // file opens, and the Text number format (49, "@") keeps it text when someone edits the cell
  // (Enter on "=…" in a General cell would make it a formula). No quote: in XLSX it would be
  // part of the value. (libxlsxwriter 1.1.4 has no quote-prefix format.)
  auto text_variant = [&](lxw_format* base_bold, lxw_format* base_top) {
    lxw_format* f = workbook_add_format(wb);
    format_set_num_format_index(f, 49);  // Excel's built-in Text format, "@"
    if (base_bold) format_set_bold(f);
    if (base_top) format_set_top(f, LXW_BORDER_THIN);
    return f;
  };
  lxw_format* formula_text = text_variant(nullptr, nullptr);
  lxw_format* bold_formula_text = text_variant(bold, nullptr);
  lxw_format* total_formula_text = text_variant(total, total);

  for (std::size_t c = 0; c < s.columns.size(); ++c) {
    auto col = static_cast<lxw_col_t>(c);
    worksheet_set_column(ws, col, col, s.columns[c].width, nullptr);
    worksheet_write_string(ws, 0, col, s.columns[c].header.c_str(), header);
  }
  worksheet_set_row(ws, 0, 30, nullptr);
  worksheet_freeze_panes(ws, 1, 0);

  auto write_row = [&](lxw_row_t r, const sheet_row& row, lxw_format* text_fmt, lxw_format* date_fmt,
                       lxw_format* dec_fmt, lxw_format* formula_fmt) {
    for (std::size_t c = 0; c < row.cells.size() && c < s.columns.size(); ++c) {
      auto col = static_cast<lxw_col_t>(c);
      const auto& cell = row.cells[c];
      if (auto* t = std::get_if<std::string>(&cell)) {
        worksheet_write_string(ws, r, col, t->c_str(), read_as_formula(*t) ? formula_fmt : text_fmt);
      } else if (auto* n = std::get_if<std::int64_t>(&cell)) {
        worksheet_write_number(ws, r, col, static_cast<double>(*n), text_fmt);
      } else if (auto* d = std::get_if<double>(&cell)) {
        worksheet_write_number(ws, r, col, *d, dec_fmt);
      } else if (auto* day = std::get_if<domain::day>(&cell)) {
        std::chrono::year_month_day ymd{*day};
        lxw_datetime dt{static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())),
                        static_cast<int>(static_cast<unsigned>(ymd.day())), 0, 0, 0.0};
        worksheet_write_datetime(ws, r, col, &dt, date_fmt);
      } else if (text_fmt == total) {
        worksheet_write_blank(ws, r, col, total);
      }
    }
  };
  lxw_row_t r = 1;
  for (const auto& row : s.rows) {
    if (row.emphasis) write_row(r, row, bold, bold_date, bold_decimal, bold_formula_text);
    else write_row(r, row, nullptr, date, decimal, formula_text);
    ++r;
  }
  if (!s.columns.empty()) {
    worksheet_autofilter(ws, 0, 0, r - 1, static_cast<lxw_col_t>(s.columns.size() - 1));
  }
  if (s.totals) write_row(r, *s.totals, total, total, total_decimal, total_formula_text);

  lxw_error err = workbook_close(wb);
  if (err != LXW_NO_ERROR) {
    return domain::fail(domain::errc::bad_argument, "cannot write " + path + ": " + lxw_strerror(err));
  }
  return std::monostate{};
}

int run_export(const config& cfg, const clock& clk, const std::string& unit_id, const std::string& period_key,
               const std::string& what_text, const std::string& format_text, const std::string& out,
               const std::string& actor) {
  const domain::unit* unit = nullptr;
  std::vector<std::string> ids;
  for (const auto& u : cfg.units) {
    ids.push_back(u.id);
    if (u.id == unit_id) unit = &u;
  }
  if (!unit) {
    std::cerr << "tannha export: unknown unit '" << unit_id << "' (configured: " << join(ids, ", ") << ")\n";
    return 2;
  }
  auto p = domain::parse_period_key(period_key);
  if (!p) {
    std::cerr << "tannha export: bad period '" << period_key
              << "' (use a month 2026-11, a quarter 2026-Q4, an ISO week 2026-W48 or a year 2026)\n";
    return 2;
  }
  auto what = parse_export_what(what_text);
  if (!what) {
    std::cerr << "tannha export: --what must be requests, report or served (got '" << what_text << "')\n";
    return 2;
  }
  auto format = parse_export_format(format_text);
  if (!format) {
    std::cerr << "tannha export: --format must be csv or xlsx (got '" << format_text << "')\n";
    return 2;
  }

  storage::database db(cfg.storage.path);
  storage::unit_repository units(db);
  units.sync_config(cfg.units, clk.now());
  units.sync_catalog(cfg.procedures);

  sheet s = build_export(db, *unit, *what, *p);
  // Files of personal data are readable by their owner only: created under umask 077, and an
  // existing file being replaced is narrowed too. The aggregate report keeps the umask.
  const bool personal = *what != export_what::report;
  mode_t old_mask = 0;
  if (personal) old_mask = ::umask(077);
  struct restore_mask {
    bool on;
    mode_t mask;
    ~restore_mask() {
      if (on) ::umask(mask);
    }
  } restore{personal, old_mask};
  if (personal && std::filesystem::exists(out)) {
    std::error_code ec;
    std::filesystem::permissions(out, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                                 std::filesystem::perm_options::replace, ec);
  }
  if (*format == export_format::csv) {
    std::ofstream f(out, std::ios::binary | std::ios::trunc);
    f << to_csv(s);
    f.close();
    if (!f) {
      std::cerr << "tannha export: cannot write " << out << "\n";
      return 1;
    }
  } else if (auto w = write_xlsx(s, out); !w) {
    std::cerr << "tannha export: " << w.error().message << "\n";
    return 1;
  }
  // Who took personal data out of the bot, and which: the file's path tells where it went.
  if (*what != export_what::report) {
    storage::write_transaction tx(db);
    storage::audit_log(db).record(unit->id, actor, "export_" + what_text, std::nullopt,
                                  "period=" + p->key + " format=" + format_text + " rows=" +
                                      std::to_string(s.rows.size()) + " out=" + absolute_path(out),
                                  clk.now());
    tx.commit();
  }
  std::cout << "exported " << s.rows.size() << " row(s) of " << s.title << " for unit " << unit->id << ", period "
            << p->key << " (" << domain::format_date(p->first) << "–" << domain::format_date(p->last) << ") to "
            << out << "\n";
  return 0;
}

}  // namespace tannha::bot
