#pragma once
#include <string_view>

namespace tannha::handlers {

/// What became of an update.
enum class dispatch_outcome {
  processed,     ///< handled; replies (if any) are in the outbox
  duplicate,     ///< seen before: nothing changed
  ignored,       ///< nothing to do (not addressed to the bot, from a bot, empty)
  unknown_chat,  ///< a group that is not a configured unit: told so, once
  failed,        ///< an unexpected fault: nothing applied, the user got an apology
};

/// Stable name for logs and metrics.
std::string_view to_string(dispatch_outcome o);

}  // namespace tannha::handlers
