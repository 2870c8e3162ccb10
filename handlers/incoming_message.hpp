#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include "domain/time.hpp"

namespace tannha::handlers {

/// What kind of update arrived: text we can read, or something we cannot (images, stickers,
/// Zalo's "unsupported" deliveries for protected senders).
enum class message_kind { text, unsupported, other };

/// A platform-neutral update, produced by a platform adapter and consumed by the dispatcher.
struct incoming_message {
  std::string platform;    ///< "zalo" | "telegram" | "console"
  std::string update_id;   ///< unique per platform: Telegram update_id, Zalo message_id
  std::string chat_id;
  bool is_group = false;
  std::string user_id;
  std::string user_name;   ///< display name; personal data, never logged
  std::string text;        ///< text or caption, as sent (may carry a leading @mention)
  std::string reply_to;    ///< id of the message this replies to, when the platform says
  message_kind kind = message_kind::text;
  bool from_bot = false;   ///< the sender is a bot: never processed (adapters may drop it earlier)
  domain::instant date{};  ///< when the platform says it was sent
};

/// A message the bot will send, queued in the outbox.
struct outgoing_message {
  std::string chat_id;
  std::string text;
  /// A unit's post or a member's copy of it: queued behind replies (storage::outbox_priority).
  bool broadcast = false;
  /// Called with its outbox row id once queued, in the update's transaction: lets a handler
  /// remember which of its messages a later platform reply points at.
  std::function<void(std::int64_t)> on_queued{};
};

}  // namespace tannha::handlers
