// Placeholder: each function answers "not available yet" until it is built.
#include "handlers/commands.hpp"

namespace tannha::handlers {

void handle_schedule_view(context& ctx, const std::string&) { reply_not_available(ctx, domain::action::lich); }

}  // namespace tannha::handlers
