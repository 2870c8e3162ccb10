#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/procedure.hpp"
#include "domain/result.hpp"
#include "domain/unit.hpp"

namespace tannha::bot {

/// [server]
struct server_config {
  std::string listen = "127.0.0.1:8080";
  std::string webhook_path = "/webhook";
  std::size_t body_limit = 64 * 1024;  ///< body_limit_bytes
  int read_timeout_seconds = 10;
  int idle_timeout_seconds = 30;
  /// From a request's first byte, its header must be complete within this (slowloris).
  int header_timeout_seconds = 5;
  int max_connections = 512;
  /// Connections one client address may hold; over it, that address's own idle or slow ones
  /// give their place first. 0: no cap.
  int max_connections_per_address = 128;
  std::string metrics_token;  ///< or TANNHA_METRICS_TOKEN; empty: /metrics needs no token

  bool operator==(const server_config&) const = default;
};

/// [platform]
struct platform_config {
  std::string kind = "console";  ///< "zalo" | "telegram" | "console"
  std::string api_base;          ///< defaults per kind
  std::string token;             ///< or TANNHA_TOKEN
  std::string webhook_secret;    ///< or TANNHA_WEBHOOK_SECRET
  std::string bot_name = "Tận Nhà";

  bool operator==(const platform_config&) const = default;
};

/// [storage]
struct storage_config {
  std::string path = "tannha.db";
  /// A database file up to this size (MiB) passes SQLite's quick_check before the server
  /// listens; a larger one is checked in the background once it serves (the check reads every
  /// page: ~17 s for a national 6 GB file), and a failure then stops the server.
  int check_before_serving_mb = 256;

  bool operator==(const storage_config&) const = default;
};

/// [relay]
struct relay_config {
  /// Tries before a message is dead, counting only answers that do not say "later" (an
  /// unreadable answer, an unknown error); 429, retry_after, timeouts and 5xx never count.
  int max_attempts = 8;
  /// A message still failing with "later" answers this long after it was queued is dead.
  int give_up_after_hours = 24;
  double base_backoff_seconds = 1.0;
  double max_backoff_seconds = 300.0;
  double per_chat_per_second = 1.0;
  int per_group_per_minute = 20;
  double global_per_second = 30.0;
  int request_timeout_seconds = 15;
  /// Sends in flight at once, to distinct chats (each chat keeps one at a time, in order).
  int max_in_flight = 8;

  bool operator==(const relay_config&) const = default;
};

/// [forms]
struct forms_config {
  int draft_ttl_minutes = 24 * 60;

  bool operator==(const forms_config&) const = default;
};

/// [privacy]: how long personal data is kept (README, "Configuration reference").
struct privacy_config {
  int sent_message_days = 30;     ///< text of a delivered (or dead) outbox message erased after it
  int processed_update_days = 14; ///< processed update ids kept (above any platform's redelivery window)
  int closed_request_years = 5;   ///< citizen anonymised this long after the last request closed
  int audit_years = 5;            ///< audit entries kept

  bool operator==(const privacy_config&) const = default;
};

/// [calendar]: the deployment-wide holidays and make-up working days in effect (the shipped
/// data/holidays.toml unless the config replaces it, plus extra_*); each unit's `cal` also
/// holds its own additions.
struct calendar_config {
  std::vector<domain::day> holidays;
  std::vector<domain::day> makeup_days;
};

/// [web]: the web pages and the public list of people served (issue 17).
struct web_config {
  bool enabled = true;
  std::string public_url;  ///< where people reach /web (no trailing '/'); default "http://" + server.listen
  int session_hours = 12;
  bool public_list = true;  ///< GET /cong-khai/<unit>; a unit may also turn its own off

  bool operator==(const web_config&) const = default;
};

/// The whole configuration, read from TOML.
struct config {
  server_config server;
  platform_config platform;
  storage_config storage;
  relay_config relay;
  forms_config forms;
  privacy_config privacy;
  calendar_config calendar;
  web_config web;
  std::string source;        ///< the file it was read from (as given)
  std::string catalog_path;  ///< empty: the shipped catalog; else resolved against the config's folder
  std::vector<domain::unit> units;
  std::vector<std::string> unit_dirs;  ///< the folders of unit files read ([units] dir), resolved
  std::vector<domain::procedure> procedures;  ///< the catalog in use
};

/// Where one problem of a config is: file, line (0: unknown) and key. The message is left out
/// on purpose: it may quote a value, and this is what the service's log may say.
struct config_problem {
  std::string file;
  std::uint32_t line = 0;
  std::string key;
};

/// Reads and checks a config file. A failure lists every problem found, one per line, each
/// naming file, line and key ("config.toml:42: units[0].capacity: must be a positive integer
/// (got -3)") — in English, for operators. TANNHA_TOKEN / TANNHA_WEBHOOK_SECRET, when set and
/// non-empty, replace the file's platform.token / platform.webhook_secret. The units may also
/// come from a folder of unit files (`[units] dir = "units.d"`, relative to the config's folder),
/// one unit per `*.toml` file, its keys those of a [[units]] block, at the top of the file; a
/// problem there names that file. On failure `problems`, when given, gets where each one is.
domain::result<config> load_config(const std::string& path, std::vector<config_problem>* problems = nullptr);
/// Same from TOML text (tests); `source` names it in messages, and its folder is where a
/// relative catalog path is looked for.
domain::result<config> parse_config(std::string_view toml_text, const std::string& source);

/// The sections other than the units in which `b` differs from `a` ("server", "relay", …): what
/// a reload (SIGHUP) leaves as it was until a restart.
std::vector<std::string> sections_changed(const config& a, const config& b);

/// The entries of the config's unit folders that are not read as units (not `*.toml`, or not a
/// file), for `tannha doctor`; hidden ones (editors' copies) are not listed.
std::vector<std::string> unit_files_ignored(const config& c);

/// Reads a procedure catalog in the shape of data/procedures.toml, checked as the shipped one.
domain::result<std::vector<domain::procedure>> parse_catalog(std::string_view toml_text,
                                                             const std::string& source);

/// The shipped procedure catalog (data/procedures.toml, built into the binary).
std::vector<domain::procedure> shipped_procedures();

/// A weekday as people write it: "Thứ Bảy", "thu bay", "T7", "Thứ 7", "CN", "Chủ nhật",
/// "sat", "saturday" (case, diacritics and spaces do not matter); nullopt otherwise.
std::optional<std::chrono::weekday> parse_weekday(std::string_view text);

}  // namespace tannha::bot
