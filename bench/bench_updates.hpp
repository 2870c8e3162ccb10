#pragma once
// Webhook bodies for the load and crash harnesses: Zalo group messages, each a complete
// /dangky form with a unique citizen name and a unique message_id, so every one registers a
// new request and queues exactly one reply (dangky_xong) to its unit's group.
#include <cstdint>
#include <string>

namespace tannha::bench {

/// The webhook secret, token and bot name every harness config uses.
inline constexpr const char* secret = "bench-secret-0123456789";
inline constexpr const char* token = "bench-token";

/// The unit group chat id and its leader's user id for unit `u` (0-based).
inline std::string unit_chat(int u) { return "g" + std::to_string(u); }
inline std::string unit_admin(int u) { return "a" + std::to_string(u); }

/// The citizen name carried by update `n` of run `run`: unique, and folds to letters.
inline std::string citizen_name(const std::string& run, std::uint64_t n) {
  return "Nguyễn Văn Kiểm " + run + " " + std::to_string(n);
}

/// The Zalo message_id (the update id the dispatcher dedupes on) of update `n`.
inline std::string message_id(const std::string& run, std::uint64_t n) { return "m-" + run + "-" + std::to_string(n); }

/// The webhook body of update `n`, sent by unit (n % units)'s leader in its group.
inline std::string update_body(const std::string& run, std::uint64_t n, int units) {
  int u = static_cast<int>(n % static_cast<std::uint64_t>(units));
  std::string text = "@Tận Nhà /dangky\\nHọ tên: " + citizen_name(run, n) +
                     "\\nNăm sinh: 1940\\nThôn: Đông Hải\\nĐịa chỉ: xóm 3, cạnh nhà văn hoá"
                     "\\nĐối tượng: thương binh\\nThủ tục: chứng thực chữ ký";
  return R"({"event_name":"message.text.received","message":{"from":{"id":")" + unit_admin(u) +
         R"(","display_name":"Lãnh đạo","is_bot":false},"chat":{"id":")" + unit_chat(u) +
         R"(","chat_type":"GROUP"},"text":")" + text + R"(","message_id":")" + message_id(run, n) +
         R"(","date":1764377131602}})";
}

/// Sends the harness server keeps in flight (relay.max_in_flight): also the most replies a
/// kill can catch between their send and its mark.
constexpr int harness_max_in_flight = 32;

/// The TOML config of a harness server: zalo platform pointing at the fake API on
/// `api_port`, `units` units with large capacity, and a relay that does not throttle.
inline std::string harness_config(const std::string& db_path, unsigned short api_port, int units) {
  std::string s;
  s += "[server]\nlisten = \"127.0.0.1:0\"\nwebhook_path = \"/webhook\"\nmax_connections = 1024\n\n";
  s += "[platform]\nkind = \"zalo\"\napi_base = \"http://127.0.0.1:" + std::to_string(api_port) + "\"\n";
  s += std::string("token = \"") + token + "\"\nwebhook_secret = \"" + secret + "\"\nbot_name = \"Tận Nhà\"\n\n";
  s += "[storage]\npath = \"" + db_path + "\"\n\n";
  // No throttling: the figure is what the process can do, not the platforms' rate limits.
  s += "[relay]\nmax_attempts = 1000\nbase_backoff_seconds = 0.05\nmax_backoff_seconds = 0.5\n";
  s += "per_chat_per_second = 1000000\nper_group_per_minute = 60000000\nglobal_per_second = 1000000\n";
  s += "request_timeout_seconds = 5\nmax_in_flight = " + std::to_string(harness_max_in_flight) + "\n\n";
  for (int u = 0; u < units; ++u) {
    s += "[[units]]\nid = \"u" + std::to_string(u) + "\"\nname = \"Xã Thử " + std::to_string(u) + "\"\n";
    s += "chat_id = \"" + unit_chat(u) + "\"\nadmins = [\"" + unit_admin(u) + "\"]\n";
    s += "villages = [\"Đông Hải\", \"Tây Sơn\"]\nvisit_days = [\"Thứ Bảy\"]\ncapacity = 10000\n\n";
  }
  return s;
}

}  // namespace tannha::bench
