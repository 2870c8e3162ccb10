#include "handlers/conversation.hpp"

#include <array>

#include "handlers/commands.hpp"

namespace tannha::handlers {

namespace {

constexpr std::array<conversation, 1> conversation_rows{{
    {"dangky", registration_open_unit, handle_draft_answer},
}};

}  // namespace

std::span<const conversation> conversations() { return conversation_rows; }

}  // namespace tannha::handlers
