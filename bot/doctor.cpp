#include "bot/doctor.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <map>
#include <filesystem>
#include <iostream>

#include "bot/config.hpp"
#include "bot/http_client.hpp"
#include "bot/platform.hpp"
#include "domain/time.hpp"
#include "storage/database.hpp"
#include "storage/outbox.hpp"
#include "storage/unit_repository.hpp"

namespace tannha::bot {

namespace {

namespace fs = std::filesystem;

// Over this many units, the lines that say a unit is fine become one line for all of them: a
// province or a country has hundreds or thousands, and the warnings must stand out.
constexpr std::size_t units_listed_one_by_one = 10;

enum class verdict { ok, warn, fail };

// Prints the checks and remembers whether any failed.
class doctor_report {
 public:
  explicit doctor_report(std::ostream& out) : out_(out) {}
  void line(verdict v, const std::string& what, const std::string& text) {
    const char* tag = v == verdict::ok ? "OK  " : v == verdict::warn ? "WARN" : "FAIL";
    out_ << tag << "  " << what << ": " << text << "\n" << std::flush;
    if (v == verdict::fail) failed_ = true;
  }
  bool failed() const { return failed_; }

 private:
  std::ostream& out_;
  bool failed_ = false;
};

// One Bot API call (POST, empty JSON body), answered within 10 s.
http_reply call_platform(platform_kind kind, const platform_config& pc, const std::string& method) {
  boost::asio::io_context ioc;
  http_client client(ioc.get_executor());
  auto fut = boost::asio::co_spawn(ioc, client.post_json(method_url(kind, pc, method), "{}", std::chrono::seconds(10)),
                                   boost::asio::use_future);
  ioc.run();
  return fut.get();
}

// The answer's JSON when it is {"ok": true, …}; discarded otherwise.
nlohmann::json ok_body(const http_reply& r) {
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (r.status >= 200 && r.status < 300 && j.is_object() && j.value("ok", false)) return j;
  return nlohmann::json(nlohmann::json::value_t::discarded);
}

std::string mib(std::uintmax_t bytes) { return std::to_string(bytes / (1024 * 1024)) + " MiB"; }

void check_platform(doctor_report& r, const config& cfg, platform_kind kind) {
  if (kind == platform_kind::console) {
    r.line(verdict::warn, "nền tảng", "console: bỏ qua kiểm tra token, webhook và kết nối ra ngoài (chỉ dùng để thử)");
    return;
  }
  if (cfg.platform.token.empty()) {
    r.line(verdict::fail, "token", "chưa có token: đặt platform.token trong tệp cấu hình hoặc biến TANNHA_TOKEN");
    return;
  }
  auto me = call_platform(kind, cfg.platform, "getMe");
  if (me.status == 0) {
    r.line(verdict::fail, "kết nối ra ngoài",
           "không gọi được máy chủ của nền tảng (" + me.error +
               "): kiểm tra mạng, DNS, tường lửa cho HTTPS ra ngoài và platform.api_base");
    r.line(verdict::fail, "token", "chưa kiểm tra được (không có kết nối)");
    return;
  }
  r.line(verdict::ok, "kết nối ra ngoài", "máy chủ của nền tảng trả lời (HTTP " + std::to_string(me.status) + ")");
  auto j = ok_body(me);
  if (j.is_discarded()) {
    r.line(verdict::fail, "token",
           "nền tảng từ chối token (HTTP " + std::to_string(me.status) +
               "): lấy lại token của bot và đặt vào platform.token hoặc TANNHA_TOKEN");
    return;
  }
  std::string name;
  if (j.contains("result") && j["result"].is_object()) {
    const auto& res = j["result"];
    for (const char* key : {"username", "account_name", "display_name", "first_name"})
      if (res.contains(key) && res[key].is_string()) {
        name = res[key].get<std::string>();
        break;
      }
  }
  r.line(verdict::ok, "token", "hợp lệ (getMe)" + (name.empty() ? std::string() : ": bot " + name));

  auto info = call_platform(kind, cfg.platform, "getWebhookInfo");
  auto wj = ok_body(info);
  if (wj.is_discarded() || !wj.contains("result") || !wj["result"].is_object()) {
    r.line(verdict::warn, "webhook", "không đọc được thông tin webhook (getWebhookInfo): xem bằng 'tannha webhook info'");
    return;
  }
  std::string url = wj["result"].value("url", std::string());
  if (url.empty()) {
    r.line(verdict::warn, "webhook",
           "chưa đăng ký webhook: nếu máy không có địa chỉ HTTPS công khai, chạy 'tannha poll'; nếu có, chạy "
           "'tannha webhook set --url https://<địa chỉ>" + cfg.server.webhook_path + "'");
    return;
  }
  if (cfg.platform.webhook_secret.empty()) {
    r.line(verdict::fail, "webhook",
           "đã đăng ký nhưng platform.webhook_secret trống: máy chủ sẽ từ chối mọi cập nhật; đặt bí mật rồi chạy lại "
           "'tannha webhook set'");
    return;
  }
  const bool path_ok = url.size() >= cfg.server.webhook_path.size() &&
                       url.compare(url.size() - cfg.server.webhook_path.size(), std::string::npos, cfg.server.webhook_path) == 0;
  if (url.rfind("https://", 0) != 0 || !path_ok) {
    r.line(verdict::warn, "webhook",
           "đăng ký tại " + url + ", không khớp https://…" + cfg.server.webhook_path +
               ": chạy lại 'tannha webhook set --url https://<địa chỉ>" + cfg.server.webhook_path + "'");
    return;
  }
  r.line(verdict::ok, "webhook", "đăng ký tại " + url + " (có bí mật; đừng chạy 'tannha poll' cùng lúc)");
}

void check_database(doctor_report& r, const config& cfg, domain::instant now) {
  const fs::path path(cfg.storage.path);
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    r.line(verdict::warn, "cơ sở dữ liệu",
           "chưa có tệp " + cfg.storage.path + ": sẽ được tạo khi chạy 'tannha serve' (hoặc 'tannha migrate')");
  } else {
    try {
      storage::database db(cfg.storage.path, false);
      auto integrity = db.integrity_check();
      if (integrity == "ok") r.line(verdict::ok, "cơ sở dữ liệu", "mở được, kiểm tra toàn vẹn: ok");
      else
        r.line(verdict::fail, "cơ sở dữ liệu",
               "kiểm tra toàn vẹn báo lỗi (" + integrity + "): dừng dịch vụ và khôi phục từ bản sao lưu");
      const int version = db.schema_version();
      const int latest = storage::database::latest_version();
      if (version == latest)
        r.line(verdict::ok, "phiên bản CSDL", "mới nhất (" + std::to_string(version) + ")");
      else if (version < latest)
        r.line(verdict::warn, "phiên bản CSDL",
               std::to_string(version) + ", cần " + std::to_string(latest) +
                   ": chạy 'tannha migrate' (tannha serve cũng tự nâng cấp khi khởi động)");
      else
        r.line(verdict::fail, "phiên bản CSDL",
               std::to_string(version) + " mới hơn chương trình (" + std::to_string(latest) +
                   "): cài lại phiên bản tannha mới hơn");
      if (version >= latest) {
        storage::outbox box(db);
        const auto dead = box.dead_count();
        if (dead > 0)
          r.line(verdict::warn, "hàng đợi tin",
                 std::to_string(dead) +
                     " tin không gửi được: xem 'tannha outbox list --state dead', gửi lại bằng 'tannha outbox retry --all'");
        else
          r.line(verdict::ok, "hàng đợi tin", "không có tin gửi thất bại");
        if (auto oldest = box.oldest_pending(); oldest && now - *oldest > std::chrono::hours{1})
          r.line(verdict::warn, "hàng đợi tin",
                 std::to_string(box.pending_count()) +
                     " tin chờ gửi, tin cũ nhất đã chờ quá một giờ: dịch vụ có đang chạy không? (systemctl status tannha)");
        storage::unit_repository units(db);
        const bool one_by_one = cfg.units.size() <= units_listed_one_by_one;
        std::size_t fine = 0;
        for (const auto& u : cfg.units) {
          if (!units.has_leader(u.id))
            r.line(verdict::warn, "đơn vị " + u.id,
                   "chưa có lãnh đạo: chạy 'tannha claim --config " + cfg.source + " --unit " + u.id +
                       "' rồi đưa mã cho lãnh đạo gửi /batdau MÃ cho bot");
          auto group = units.stored_group(u.id);
          const bool members_only = domain::delivery_of(u) == domain::post_delivery::members;
          if ((!group || group->empty()) && members_only)
            r.line(verdict::ok, "đơn vị " + u.id,
                   "không có nhóm: tin của đơn vị gửi riêng cho từng thành viên (posts = \"members\")");
          else if (!group || group->empty())
            r.line(verdict::warn, "đơn vị " + u.id,
                   "chưa có nhóm điều phối: lãnh đạo thêm bot vào nhóm rồi gửi /ketnoi trong nhóm đó");
          else if (!u.chat_id.empty() && *group != u.chat_id)
            r.line(verdict::warn, "đơn vị " + u.id,
                   "nhóm đã đổi bằng /ketnoi, khác chat_id trong tệp cấu hình (nhóm theo /ketnoi được dùng): nên xoá "
                   "chat_id khỏi tệp cấu hình");
          if (units.has_leader(u.id) && group && !group->empty()) {
            ++fine;
            if (one_by_one) r.line(verdict::ok, "đơn vị " + u.id, "có lãnh đạo và nhóm điều phối");
          }
        }
        if (!one_by_one && fine > 0)
          r.line(verdict::ok, "đơn vị",
                 std::to_string(fine) + "/" + std::to_string(cfg.units.size()) + " đơn vị có lãnh đạo và nhóm điều phối");
      }
    } catch (const std::exception& e) {
      r.line(verdict::fail, "cơ sở dữ liệu",
             std::string("không mở được (") + e.what() + "): kiểm tra đường dẫn storage.path và quyền của người dùng tannha");
    }
  }
  // Free space where the database lives (its folder, or the current one).
  auto folder = path.has_parent_path() ? path.parent_path() : fs::path(".");
  auto space = fs::space(folder, ec);
  if (ec) {
    r.line(verdict::warn, "dung lượng đĩa", "không đọc được dung lượng trống của " + folder.string());
  } else if (space.available < 100ull * 1024 * 1024) {
    r.line(verdict::fail, "dung lượng đĩa",
           "chỉ còn " + mib(space.available) + " trống ở " + folder.string() + ": giải phóng đĩa ngay (cần ít nhất 1 GiB)");
  } else if (space.available < 1024ull * 1024 * 1024) {
    r.line(verdict::warn, "dung lượng đĩa",
           "còn " + mib(space.available) + " trống ở " + folder.string() + ": nên giải phóng để có ít nhất 1 GiB");
  } else {
    r.line(verdict::ok, "dung lượng đĩa", "còn " + mib(space.available) + " trống ở " + folder.string());
  }
}

void check_clock(doctor_report& r, const config& cfg, domain::instant now) {
  const auto day = std::chrono::floor<std::chrono::days>(now);
  const std::chrono::year_month_day ymd{day};
  if (ymd.year() < std::chrono::year{2025}) {
    r.line(verdict::fail, "đồng hồ",
           "năm hệ thống là " + std::to_string(static_cast<int>(ymd.year())) +
               ": đồng hồ sai, hãy bật đồng bộ giờ (timedatectl set-ntp true)");
    return;
  }
  std::string zones;
  if (cfg.units.size() > units_listed_one_by_one) {
    // By offset: "22:38 (UTC+07:00) cho 3321 đơn vị".
    std::map<std::chrono::minutes, std::size_t> by_offset;
    for (const auto& u : cfg.units) ++by_offset[u.utc_offset];
    for (const auto& [offset, count] : by_offset) {
      if (!zones.empty()) zones += ", ";
      auto off = offset.count();
      char sign = off < 0 ? '-' : '+';
      if (off < 0) off = -off;
      char buf[8];
      std::snprintf(buf, sizeof buf, "%c%02d:%02d", sign, static_cast<int>(off / 60), static_cast<int>(off % 60));
      const auto local = domain::to_local(now, offset);
      zones += domain::format_hhmm(std::chrono::duration_cast<std::chrono::minutes>(
                   local - std::chrono::local_seconds{domain::local_day(local).time_since_epoch()})) +
               " (UTC" + buf + ") cho " + std::to_string(count) + " đơn vị";
    }
  }
  for (const auto& u : cfg.units) {
    if (cfg.units.size() > units_listed_one_by_one) break;
    if (!zones.empty()) zones += ", ";
    auto off = u.utc_offset.count();
    char sign = off < 0 ? '-' : '+';
    if (off < 0) off = -off;
    char buf[8];
    std::snprintf(buf, sizeof buf, "%c%02d:%02d", sign, static_cast<int>(off / 60), static_cast<int>(off % 60));
    zones += u.id + " " + domain::format_hhmm(std::chrono::duration_cast<std::chrono::minutes>(
                              domain::to_local(now, u.utc_offset) -
                              std::chrono::local_seconds{domain::local_day(domain::to_local(now, u.utc_offset)).time_since_epoch()})) +
             " (UTC" + buf + ")";
  }
  r.line(verdict::ok, "đồng hồ", "giờ UTC " + domain::iso_instant(now) + "; giờ đơn vị: " + zones +
                                     " — bot dùng utc_offset của đơn vị, không dùng múi giờ của máy");
}

}  // namespace

int run_doctor(const std::string& config_path, const clock& clk, std::ostream& out) {
  doctor_report r(out);
  auto cfg = load_config(config_path);
  if (!cfg) {
    std::string msg = cfg.error().message;
    for (auto& c : msg)
      if (c == '\n') c = ';';
    r.line(verdict::fail, "cấu hình", msg + " — sửa tệp cấu hình rồi chạy lại");
    return 1;
  }
  r.line(verdict::ok, "cấu hình", config_path + " hợp lệ (" + std::to_string(cfg->units.size()) + " đơn vị)");
  // A folder of unit files: a file not named *.toml is not read, which is easy to miss.
  for (const auto& dir : cfg->unit_dirs) r.line(verdict::ok, "thư mục đơn vị", dir + ": mỗi tệp *.toml là một đơn vị");
  for (const auto& ignored : unit_files_ignored(*cfg))
    r.line(verdict::warn, "thư mục đơn vị",
           ignored + " không được đọc: chỉ tệp có đuôi .toml là một đơn vị (đổi tên nếu đây là một đơn vị)");
  const auto now = clk.now();
  check_clock(r, *cfg, now);
  check_database(r, *cfg, now);
  if (auto kind = parse_platform_kind(cfg->platform.kind)) check_platform(r, *cfg, *kind);
  else r.line(verdict::fail, "nền tảng", "platform.kind phải là zalo, telegram hoặc console");
  return r.failed() ? 1 : 0;
}

}  // namespace tannha::bot
