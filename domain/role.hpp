#pragma once
#include <optional>
#include <string_view>

namespace tannha::domain {

/// A member's role in a unit (docs/DESIGN.md §1); `none` is anyone else in the group.
enum class role { lanhdao, canbo, truongthon, tinhnguyen, none };

/// Stable name stored in SQLite and typed by users ("lanhdao", …).
std::string_view to_string(role r);
/// Inverse of to_string on folded text ("lanhdao", "lanh dao" folded, …); nullopt when unknown.
std::optional<role> role_from_folded(std::string_view folded);
/// Vietnamese label ("Lãnh đạo", "Cán bộ", "Trưởng thôn", "Tình nguyện viên").
std::string_view label(role r);

/// Facts about the actor relative to the request that some permissions depend on.
struct actor_context {
  role r = role::none;
  bool is_registrant = false;      ///< the member registered the request
  bool is_village_head_of = false; ///< truongthon of the citizen's village
  bool is_assigned = false;        ///< on the request's visit team
};

/// Who may run a command: each value is one rule and the one Vietnamese label that names it in
/// refusals and in /giup. Commands name their audience in handlers/command_table.cpp.
enum class audience {
  anyone,                 ///< anyone who writes to the bot
  member,                 ///< any member of the unit
  registrar,              ///< village heads, staff and leaders (they register requests)
  staff,                  ///< staff and leaders
  staff_or_assigned,      ///< staff, leaders, or a volunteer on the request's team
  staff_or_village_head,  ///< staff, leaders, or the village head of the citizen's village
  staff_or_registrant,    ///< staff, leaders, or the village head who registered the request
  leader,                 ///< leaders only
};

/// Whether the actor belongs to the audience.
bool allows(audience a, const actor_context& who);
/// Vietnamese phrase naming the audience, for refusals and help ("cán bộ hoặc lãnh đạo").
std::string_view label(audience a);

}  // namespace tannha::domain
