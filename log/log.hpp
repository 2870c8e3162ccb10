#pragma once
#include <atomic>
#include <chrono>
#include <concepts>
#include <cstdio>
#include <ctime>
#include <initializer_list>
#include <mutex>
#include <string>
#include <string_view>

// The one log of the process: `ts=… level=… event=… key=value…` lines on stderr. It lives in a
// folder of its own that needs only the standard library, so that every layer above domain/
// (storage, handlers, bot) may write the same lines; domain/ stays pure and logs nothing.

namespace tannha::log {

/// Log severity, lowest first.
enum class log_level { debug, info, warn, error, off };

/// The least severe level written (tests may raise it to keep output quiet).
inline std::atomic<log_level>& log_threshold() {
  static std::atomic<log_level> level{log_level::info};
  return level;
}

/// One key=value pair of a log line. Values are ids, counts, codes, never personal data.
struct log_field {
  std::string_view key;
  std::string value;

  log_field(std::string_view k, std::string_view v) : key(k), value(v) {}
  log_field(std::string_view k, const char* v) : key(k), value(v ? v : "") {}
  log_field(std::string_view k, const std::string& v) : key(k), value(v) {}
  log_field(std::string_view k, bool v) : key(k), value(v ? "true" : "false") {}
  template <std::integral T>
  log_field(std::string_view k, T v) : key(k), value(std::to_string(v)) {}
  log_field(std::string_view k, double v) : key(k) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", v);
    value = buf;
  }
};

namespace detail {

inline void append_value(std::string& out, std::string_view v) {
  bool plain = !v.empty();
  for (char c : v) {
    if (c == ' ' || c == '"' || c == '=' || c == '\\' || static_cast<unsigned char>(c) < 0x20) {
      plain = false;
      break;
    }
  }
  if (plain) {
    out += v;
    return;
  }
  out += '"';
  for (char c : v) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += ' ';
    } else {
      out += c;
    }
  }
  out += '"';
}

inline void write_line(log_level level, std::string_view event, std::initializer_list<log_field> fields) {
  if (level < log_threshold().load(std::memory_order_relaxed)) return;
  using namespace std::chrono;
  auto now = system_clock::now();
  auto secs = system_clock::to_time_t(now);
  auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char ts[96];  // roomy: g++ -Wformat-truncation assumes int fields may be 11 chars
  std::snprintf(ts, sizeof ts, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  static constexpr const char* names[] = {"debug", "info", "warn", "error", "off"};
  std::string line;
  line.reserve(128);
  line += "ts=";
  line += ts;
  line += " level=";
  line += names[static_cast<int>(level)];
  line += " event=";
  append_value(line, event);
  for (const auto& f : fields) {
    line += ' ';
    line += f.key;
    line += '=';
    append_value(line, f.value);
  }
  line += '\n';
  // One write per line, under a lock, so lines from several threads never interleave.
  static std::mutex m;
  std::lock_guard lock(m);
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace detail

/// Writes `ts=… level=debug event=… k=v…` to stderr.
inline void log_debug(std::string_view event, std::initializer_list<log_field> fields = {}) {
  detail::write_line(log_level::debug, event, fields);
}
/// Writes `ts=… level=info event=… k=v…` to stderr.
inline void log_info(std::string_view event, std::initializer_list<log_field> fields = {}) {
  detail::write_line(log_level::info, event, fields);
}
/// Writes `ts=… level=warn event=… k=v…` to stderr.
inline void log_warn(std::string_view event, std::initializer_list<log_field> fields = {}) {
  detail::write_line(log_level::warn, event, fields);
}
/// Writes `ts=… level=error event=… k=v…` to stderr.
inline void log_error(std::string_view event, std::initializer_list<log_field> fields = {}) {
  detail::write_line(log_level::error, event, fields);
}

}  // namespace tannha::log
