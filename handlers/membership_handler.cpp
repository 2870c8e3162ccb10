// Placeholder: each function answers "not available yet" until it is built.
#include "handlers/commands.hpp"

namespace tannha::handlers {

void handle_invite(context& ctx, const std::string&) { reply_not_available(ctx, domain::action::moi); }
void handle_join(context& ctx, const std::string&) { reply_not_available(ctx, domain::action::thamgia); }
void handle_members(context& ctx, const std::string&) { reply_not_available(ctx, domain::action::thanhvien); }
void handle_role(context& ctx, const std::string&) { reply_not_available(ctx, domain::action::vaitro); }

}  // namespace tannha::handlers
