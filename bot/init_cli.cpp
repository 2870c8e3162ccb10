#include "bot/init_cli.hpp"

#include <openssl/rand.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <iostream>
#include <optional>
#include <vector>

#include "bot/config.hpp"
#include "bot/http_client.hpp"
#include "bot/listen_address.hpp"
#include "bot/platform.hpp"
#include "domain/time.hpp"
#include "handlers/text.hpp"

namespace tannha::bot {

namespace {

namespace fs = std::filesystem;

// A TOML basic string: quotes, backslashes and control characters escaped.
std::string toml_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) continue;
        out += c;
    }
  }
  return out + "\"";
}

// "Xã Bình Giang" -> "xa-binh-giang": what a unit id made from its name looks like.
std::string slug(const std::string& name) {
  std::string folded = handlers::fold(name), out;
  for (char c : folded) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out += c;
    else if (!out.empty() && out.back() != '-') out += '-';
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.substr(0, 64);
}

bool valid_id(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return false;
  return true;
}

std::vector<std::string> split_villages(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    auto t = handlers::trim(cur);
    if (!t.empty()) out.push_back(handlers::to_nfc(t));
    cur.clear();
  };
  for (char c : text) {
    if (c == ',' || c == ';') flush();
    else cur += c;
  }
  flush();
  return out;
}

std::string random_secret() {
  unsigned char bytes[24];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("no random bytes for the webhook secret");
  static constexpr char hex[] = "0123456789abcdef";
  std::string s;
  for (unsigned char b : bytes) {
    s += hex[b >> 4];
    s += hex[b & 0xF];
  }
  return s;
}

// getMe with the token: "" when the platform accepts it, else why not (Vietnamese).
std::string check_token(platform_kind kind, const platform_config& pc, std::string& bot_name) {
  boost::asio::io_context ioc;
  http_client client(ioc.get_executor());
  auto fut = boost::asio::co_spawn(ioc, client.post_json(method_url(kind, pc, "getMe"), "{}", std::chrono::seconds(15)),
                                   boost::asio::use_future);
  ioc.run();
  auto r = fut.get();
  if (r.status == 0) return "không kết nối được tới máy chủ của nền tảng (" + r.error + ")";
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (r.status < 200 || r.status >= 300 || !j.is_object() || !j.value("ok", false))
    return "nền tảng từ chối token (HTTP " + std::to_string(r.status) + ")";
  if (j.contains("result") && j["result"].is_object())
    for (const char* key : {"username", "account_name", "display_name", "first_name"})
      if (j["result"].contains(key) && j["result"][key].is_string()) {
        bot_name = j["result"][key].get<std::string>();
        break;
      }
  return "";
}

// Asks until `check` accepts an answer (it returns "" or why not); with a flag value or in
// non-interactive mode, one try only. nullopt when refused (stdin closed or a bad flag).
class asker {
 public:
  asker(bool interactive, std::istream& in, std::ostream& out, std::ostream& err)
      : interactive_(interactive), in_(in), out_(out), err_(err) {}

  std::optional<std::string> get(const std::string& given, const std::string& flag, const std::string& question,
                                 const std::string& fallback,
                                 const std::function<std::string(std::string&)>& check) {
    if (!given.empty() || !interactive_) {
      std::string v = given.empty() ? fallback : given;
      auto why = check(v);
      if (why.empty()) return v;
      err_ << "tannha init: " << flag << ": " << why << "\n";
      return std::nullopt;
    }
    for (;;) {
      out_ << question << (fallback.empty() ? "" : " [" + fallback + "]") << ": " << std::flush;
      std::string line;
      if (!std::getline(in_, line)) {
        err_ << "\ntannha init: hết dữ liệu vào, chưa ghi gì.\n";
        return std::nullopt;
      }
      std::string v = handlers::trim(line);
      if (v.empty()) v = fallback;
      auto why = check(v);
      if (why.empty()) return v;
      out_ << "  ✗ " << why << "\n";
    }
  }

 private:
  bool interactive_;
  std::istream& in_;
  std::ostream& out_;
  std::ostream& err_;
};

}  // namespace

int run_init(init_answers a, std::istream& in, std::ostream& out, std::ostream& err) {
  asker ask(!a.non_interactive, in, out, err);
  if (!a.non_interactive)
    out << "Tận Nhà — tạo tệp cấu hình. Nhấn Enter để nhận giá trị trong [ngoặc vuông].\n";

  auto platform = ask.get(a.platform, "--platform", "Nền tảng (zalo, telegram hoặc console để thử)", "zalo",
                          [](std::string& v) {
                            v = handlers::fold(v);
                            return parse_platform_kind(v) ? std::string() : std::string("hãy chọn zalo, telegram hoặc console");
                          });
  if (!platform) return a.non_interactive ? 2 : 1;
  const auto kind = *parse_platform_kind(*platform);

  platform_config pc;
  pc.kind = *platform;
  if (!a.api_base.empty()) {
    pc.api_base = a.api_base;
    while (pc.api_base.ends_with('/')) pc.api_base.pop_back();
    if (!parse_url(pc.api_base)) {
      err << "tannha init: --api-base: phải bắt đầu bằng http:// hoặc https://\n";
      return 2;
    }
  }
  std::string bot_name;
  if (kind != platform_kind::console) {
    auto token = ask.get(a.token, "--token", "Token của bot (lấy từ trang quản lý bot của " + *platform + ")", "",
                         [&](std::string& v) {
                           if (v.empty()) return std::string("cần token của bot");
                           pc.token = v;
                           return check_token(kind, pc, bot_name);
                         });
    if (!token) return 1;
    out << "✓ Token hợp lệ" << (bot_name.empty() ? "" : " (bot " + bot_name + ")") << ".\n";
  }

  auto name = ask.get(a.unit_name, "--unit-name", "Tên xã/phường (ví dụ: Xã Bình Giang)", "", [](std::string& v) {
    v = handlers::to_nfc(v);
    return v.empty() ? std::string("cần tên đơn vị") : std::string();
  });
  if (!name) return 2;
  auto id = ask.get(a.unit_id, "--unit-id", "Mã đơn vị (chữ không dấu, số, '-')", slug(*name), [](std::string& v) {
    return valid_id(v) ? std::string() : std::string("chỉ dùng chữ a-z, số, '-' hoặc '_', không dấu cách");
  });
  if (!id) return 2;
  auto villages_text = ask.get(a.villages, "--villages", "Các thôn/ấp/tổ dân phố, cách nhau bằng dấu phẩy", "",
                               [](std::string& v) {
                                 return split_villages(v).empty() ? std::string("cần ít nhất một thôn") : std::string();
                               });
  if (!villages_text) return 2;
  auto day = ask.get(a.visit_day, "--visit-day", "Ngày đi phục vụ tại nhà hằng tuần", "Thứ Bảy", [](std::string& v) {
    return parse_weekday(v) ? std::string() : std::string("chưa hiểu ngày, ví dụ: Thứ Bảy, T7, Chủ nhật");
  });
  if (!day) return 2;
  auto time = ask.get(a.visit_time, "--visit-time", "Giờ bắt đầu đi (HH:MM)", "08:00", [](std::string& v) {
    auto t = domain::parse_hhmm(v);
    if (!t) return std::string("giờ phải có dạng HH:MM, ví dụ 08:00");
    v = domain::format_hhmm(*t);
    return std::string();
  });
  if (!time) return 2;
  auto listen = ask.get(a.listen, "--listen", "Địa chỉ nghe webhook (host:port)", "127.0.0.1:8080", [](std::string& v) {
    return parse_listen_address(v) ? std::string() : std::string("phải có dạng host:port, ví dụ 127.0.0.1:8080");
  });
  if (!listen) return 2;
  auto path = ask.get(a.out, "--out", "Ghi cấu hình vào tệp", "tannha.toml", [&](std::string& v) {
    if (v.empty()) return std::string("cần đường dẫn tệp");
    std::error_code ec;
    if (fs::exists(v, ec) && !a.force) return "tệp " + v + " đã có: chọn tên khác, hoặc dùng --force để ghi đè";
    return std::string();
  });
  if (!path) return 1;

  // The database: the package's state directory when there is one, else beside the config.
  std::string db = a.db;
  if (db.empty()) {
    std::error_code ec;
    if (fs::is_directory("/var/lib/tannha", ec) && ::access("/var/lib/tannha", W_OK) == 0) db = "/var/lib/tannha/tannha.db";
    else db = (fs::absolute(*path).parent_path() / "tannha.db").string();
  }
  const auto villages = split_villages(*villages_text);
  std::string village_list;
  for (std::size_t i = 0; i < villages.size(); ++i) village_list += (i ? ", " : "") + toml_string(villages[i]);

  std::ostringstream t;
  t << "# Tận Nhà — cấu hình do 'tannha init' tạo. Kiểm tra bằng: tannha doctor --config " << *path << "\n"
    << "# (Tận Nhà configuration written by 'tannha init'; config.example.toml documents every key.)\n\n"
    << "[server]\n"
    << "# Where the webhook server listens; put a HTTPS reverse proxy in front of it.\n"
    << "listen = " << toml_string(*listen) << "\n"
    << "webhook_path = \"/webhook\"\n\n"
    << "[platform]\n"
    << "# zalo, telegram or console (console: replies are printed, for trying the bot out).\n"
    << "kind = " << toml_string(*platform) << "\n";
  if (!pc.api_base.empty()) t << "api_base = " << toml_string(pc.api_base) << "\n";
  if (kind != platform_kind::console)
    t << "# The bot's token (TANNHA_TOKEN in the environment overrides it; keep this file 0640).\n"
      << "token = " << toml_string(pc.token) << "\n";
  t << "# Checked on every webhook call; 'tannha webhook set' registers it with the platform.\n"
    << "webhook_secret = " << toml_string(random_secret()) << "\n\n"
    << "[storage]\n"
    << "path = " << toml_string(db) << "\n\n"
    << "[[units]]\n"
    << "# Never change the id once the bot has data.\n"
    << "id = " << toml_string(*id) << "\n"
    << "name = " << toml_string(*name) << "\n"
    << "# No chat_id and no admins: 'tannha serve' prints a one-time code; the first person who\n"
    << "# sends '/batdau CODE' to the bot privately becomes the unit's leader, then sends /ketnoi\n"
    << "# in the unit's group to connect it.\n"
    << "villages = [" << village_list << "]\n"
    << "visit_days = [" << toml_string(*day) << "]\n"
    << "visit_time = " << toml_string(*time) << "\n";

  // The file must load as the server will load it.
  if (auto check = parse_config(t.str(), *path); !check) {
    err << "tannha init: internal error, the config written would not load:\n" << check.error().message << "\n";
    return 1;
  }
  {
    std::ofstream f(*path, std::ios::trunc);
    f << t.str();
    if (!f) {
      err << "tannha init: không ghi được tệp " << *path << "\n";
      return 1;
    }
  }
  std::error_code ec;
  fs::permissions(*path, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read, fs::perm_options::replace, ec);
  out << "✓ Đã ghi " << *path << ".\n"
      << "Bước tiếp theo:\n"
      << "  1. tannha doctor --config " << *path << "   (kiểm tra mọi thứ)\n"
      << "  2. tannha serve --config " << *path << "    (hoặc tannha poll nếu máy không có HTTPS công khai)\n"
      << "     Lệnh in ra một mã khởi tạo: người lãnh đạo nhắn riêng cho bot /batdau MÃ.\n"
      << "  3. Lãnh đạo thêm bot vào nhóm điều phối và gửi /ketnoi trong nhóm.\n";
  return 0;
}

}  // namespace tannha::bot
