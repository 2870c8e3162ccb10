#pragma once
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "domain/time.hpp"

namespace tannha::handlers {

struct context;
struct services;

/// A conversation that may claim the next plain-text message of a user in a chat, the way
/// python-telegram-bot's ConversationHandler or aiogram's FSM do: a registration waiting for
/// its missing lines is one. The dispatcher asks each in turn, knowing none of them.
struct conversation {
  std::string_view name;
  /// The unit of this user's open conversation in this chat, if any; reads only, changes nothing
  /// (a member of several units answering a question needs no unit prefix).
  std::optional<std::string> (*open_unit)(services& svc, const std::string& chat_id, const std::string& user_id,
                                          domain::instant now);
  /// Handles the message when an open conversation takes it; false to let it pass.
  bool (*take)(context& ctx, const std::string& text);
};

/// Every kind of conversation, asked in this order.
std::span<const conversation> conversations();

}  // namespace tannha::handlers
