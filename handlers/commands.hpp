#pragma once
#include <string>

#include "handlers/context.hpp"

namespace tannha::handlers {

/// /giup [lệnh]
void handle_help(context& ctx, const std::string& args);
/// /dangky + form
void handle_register(context& ctx, const std::string& args);
/// An answer to an unfinished /dangky (the missing lines only); false when there is no draft.
bool handle_draft_answer(context& ctx, const std::string& text);
/// /hoso #N
void handle_record(context& ctx, const std::string& args);
/// /tim chữ
void handle_search(context& ctx, const std::string& args);

/// Checks the role matrix for an action that does not depend on a request; on refusal replies
/// with who may do it and returns false.
bool require(context& ctx, domain::action a);
/// Display name of a member or user id for posts ("Lê Thị Hoa"), falling back to a role label.
std::string actor_name(context& ctx, const std::string& user_id);

}  // namespace tannha::handlers
