// Placeholder: each function answers "not available yet" until it is built.
#include "handlers/commands.hpp"

namespace tannha::handlers {

void handle_verify(context& ctx, const std::string&) { reply_not_available(ctx, domain::action::xacminh); }
void handle_reject(context& ctx, const std::string&) { reply_not_available(ctx, domain::action::tuchoi); }
void handle_schedule(context& ctx, const std::string&) { reply_not_available(ctx, domain::action::xeplich); }
void handle_assign(context& ctx, const std::string&) { reply_not_available(ctx, domain::action::phancong); }
void handle_receive(context& ctx, const std::string&) { reply_not_available(ctx, domain::action::tiepnhan); }
void handle_supplement(context& ctx, const std::string&) { reply_not_available(ctx, domain::action::bosung); }
void handle_result(context& ctx, const std::string&) { reply_not_available(ctx, domain::action::cokq); }
void handle_return(context& ctx, const std::string&) { reply_not_available(ctx, domain::action::datra); }
void handle_rate(context& ctx, const std::string&) { reply_not_available(ctx, domain::action::danhgia); }
void handle_postpone(context& ctx, const std::string&) { reply_not_available(ctx, domain::action::hoan); }
void handle_cancel(context& ctx, const std::string&) { reply_not_available(ctx, domain::action::huy); }

}  // namespace tannha::handlers
