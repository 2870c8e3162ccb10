#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/config.hpp"
#include "handlers/incoming_message.hpp"

namespace tannha::bot {

/// Which chat platform the process talks to.
enum class platform_kind { zalo, telegram, console };

/// "zalo" | "telegram" | "console" → kind; nullopt for anything else.
std::optional<platform_kind> parse_platform_kind(std::string_view s);
/// The config spelling of a kind.
std::string_view to_string(platform_kind k);

/// What an update body turned out to be.
enum class decode_how {
  message,    ///< a message for the dispatcher
  ignored,    ///< valid but nothing to do (edits, bots, membership events…)
  malformed,  ///< not a payload we understand: HTTP 400
};

/// The result of decoding one update body.
struct decoded_update {
  decode_how how = decode_how::malformed;
  handlers::incoming_message message;  ///< filled when how == message
  std::string reason;                  ///< short, for logs; never personal data
};

/// Decodes a webhook body of the given platform. Never throws on any input. The console kind
/// accepts both Zalo and Telegram shapes (detected from the fields) for local trials.
decoded_update decode_update(platform_kind kind, std::string_view body);

/// The sendMessage body `{"chat_id": …, "text": …}`. For Telegram an integer chat id is sent
/// as a JSON number. Invalid UTF-8 in text is replaced, never thrown on.
std::string encode_send(platform_kind kind, const std::string& chat_id, const std::string& text);

/// How a send attempt ended.
enum class send_status {
  ok,         ///< delivered
  retry,      ///< try again later (rate limit, 5xx, timeout, garbled answer)
  permanent,  ///< will never succeed (chat not found, bot blocked, bad request)
};

/// A send attempt's outcome as the relay sees it.
struct send_result {
  send_status status = send_status::retry;
  std::optional<int> retry_after;  ///< seconds the platform asked us to wait
  std::string error;               ///< for the outbox's last_error; empty when ok
  std::string message_id;          ///< the platform's id of the sent message, when ok and given
  /// retry: the answer said "later" (429, 408, 5xx, 401, no answer or a timeout), so the try
  /// does not count toward max_attempts; only age gives up on it (give_up_after_hours).
  bool later = false;
};

/// Interprets the answer to a sendMessage call. `http_status` 0 means no answer (network
/// error or timeout). Zalo answers 200 even on errors, so `ok`/`error_code` in the body decide.
send_result interpret_send_response(platform_kind kind, int http_status, std::string_view body);

/// Header names that may carry the webhook secret (console accepts both platforms').
std::vector<std::string_view> secret_header_names(platform_kind kind);

/// The API base used when the config names none.
std::string default_api_base(platform_kind kind);
/// `{api_base}/bot{token}/sendMessage` (api_base defaulted per kind, trailing '/' dropped).
/// The result holds the token: never log it.
std::string send_url(platform_kind kind, const platform_config& cfg);

/// `{api_base}/bot{token}/{method}` (api_base defaulted per kind, trailing '/' dropped).
/// The result holds the token: never log it.
std::string method_url(platform_kind kind, const platform_config& cfg, std::string_view method);

/// The getUpdates request body: Zalo `{"timeout": T}`; Telegram `{"timeout": T}` plus
/// `"offset"` when one is known.
std::string encode_get_updates(platform_kind kind, std::optional<std::int64_t> offset, int timeout_seconds);

/// One answer to getUpdates, read.
struct poll_answer {
  enum class how {
    updates,  ///< `updates` holds one (Zalo) or more (Telegram) update bodies
    empty,    ///< nothing new (Zalo: HTTP 408; Telegram: an empty list)
    retry,    ///< a failure: wait and ask again
  };
  how what = how::retry;
  std::vector<std::string> updates;        ///< each update as JSON text, for decode_update()
  std::vector<std::int64_t> update_ids;    ///< Telegram: the update_id of each entry (-1: none)
  std::optional<int> retry_after;          ///< seconds, when the platform said so
  bool conflict = false;                   ///< Telegram 409: a webhook is set (delete it first)
  std::string error;                       ///< for logs; never holds the token or any text
};

/// Interprets a getUpdates answer. `http_status` 0: no answer (network error or timeout).
poll_answer interpret_poll_response(platform_kind kind, int http_status, std::string_view body);

/// The names a getMe answer gives the bot (`result.username`, `account_name`, `display_name`,
/// `first_name`: whichever the platform sends), in that order, empty and repeated ones left
/// out; nullopt when the answer is not `{"ok": true, "result": {…}}` (an error, or no answer).
std::optional<std::vector<std::string>> bot_names_of_get_me(int http_status, std::string_view body);

/// Longest text one message may carry, in UTF-16 code units (Zalo 2000, Telegram 4096).
std::size_t max_text_units(platform_kind kind);

}  // namespace tannha::bot
