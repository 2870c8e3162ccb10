#pragma once
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "handlers/command_table.hpp"

namespace tannha::handlers {

/// A recognised command: which one, and the rest of the message as typed (NFC, trimmed).
struct parsed_command {
  handlers::action action;
  std::string args;       ///< text after the command word on the first line, plus later lines
};

/// Outcome of reading a message as a command.
struct command_parse {
  enum class kind {
    command,   ///< a known command (see `command`)
    unknown,   ///< starts with '/' but no command matches (see `word`, `suggestions`)
    not_command///< plain text (maybe the answer to a question the bot asked)
  } how = kind::not_command;
  std::optional<parsed_command> command;
  std::string word;                   ///< the unknown command word as typed
  std::vector<std::string> suggestions;///< canonical names ("dangky") of the closest commands
  std::string text;                   ///< the message without a leading @mention, NFC
};

/// Reads a message: drops a leading "@mention" (up to the first word that starts with '/'),
/// and Telegram's "/cmd@BotName"; matches the command word folded (case, diacritics, đ,
/// spaces, '_' and '-' inside it do not matter: "/Đăng ký", "/DANG_KY", "/dangky" are one
/// command), taking the longest run of up to four leading words that forms a command name
/// ("/báo cáo tháng" -> baocao, args "tháng"). "/start", "/help", "/huongdan", "/trogiup" mean
/// /giup, "/timkiem" /tim, "/coketqua" /cokq. A command word glued to a number ("/huy#12")
/// is split. Args are the NFC text after the consumed words, later lines included ('\n').
/// A message starting with '@' but with no "/word" is not_command and `text` keeps the
/// mention (where a display name with spaces ends cannot be told). "/" alone or followed by a
/// space is unknown with no word and no suggestions.
command_parse parse_command(std::string_view text);

/// parse_command() knowing the bot's display name: a leading "@bot_name" is dropped precisely,
/// compared folded and ignoring spaces ("@Tận Nhà", "@tan nha", "@TậnNhà", and glued to the
/// command: "@Tận Nhà/lich"), so a mention followed by plain text gives `text` without the
/// mention ("@Tận Nhà Năm sinh: 1938" -> "Năm sinh: 1938"). Other leading mentions: as above.
command_parse parse_command(std::string_view text, std::string_view bot_name);

/// parse_command() knowing every name the bot goes by (the configured one, and the username
/// and display name the platform's getMe reports): a leading "@name" of any of them is dropped
/// as above, the longest match winning; the name without '@' is dropped too when a command
/// follows it ("Tận Nhà /lich", "TanNhaBot/lich").
command_parse parse_command(std::string_view text, std::span<const std::string> bot_names);

/// A request number from the leading token of an argument: "#12", "12", "# 12", "số 12",
/// "#0012" -> 12; nullopt when absent, not a positive number that fits, or followed by
/// letters ("12abc", "-3", "#abc", "#0").
std::optional<long long> parse_request_number(std::string_view arg);

}  // namespace tannha::handlers
