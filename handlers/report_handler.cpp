// Placeholder: each function answers "not available yet" until it is built.
#include "handlers/commands.hpp"

namespace tannha::handlers {

void handle_overdue(context& ctx, const std::string&) { reply_not_available(ctx, domain::action::quahan); }
void handle_report(context& ctx, const std::string&) { reply_not_available(ctx, domain::action::baocao); }

}  // namespace tannha::handlers
