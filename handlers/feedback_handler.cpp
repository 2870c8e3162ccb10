// Placeholder: each function answers "not available yet" until it is built.
#include "handlers/commands.hpp"

namespace tannha::handlers {

void handle_feedback(context& ctx, const std::string&) { reply_not_available(ctx, domain::action::phananh); }

}  // namespace tannha::handlers
