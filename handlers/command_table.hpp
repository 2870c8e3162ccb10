#pragma once
#include <span>
#include <string>
#include <string_view>

#include "domain/role.hpp"

namespace tannha::handlers {

struct context;

/// Every command the bot understands; each has exactly one row in command_table() (in this
/// order: the table is indexed by it, checked at compile time).
enum class action {
  giup, dangky, xacminh, tuchoi, xeplich, phancong, tiepnhan, bosung, cokq, datra, danhgia,
  hoan, huy, sua, hoso, lich, quahan, tim, baocao, phananh, moi, thamgia, thanhvien, vaitro, thutuc,
  id, batdau, ketnoi, web, thongbao,
};

/// Whether a command works on a unit, and what the dispatcher does when it cannot tell which.
enum class unit_need {
  none,      ///< never about a unit (/giup, /thamgia): runs as it is
  optional,  ///< about the sender's unit when there is one, also for non-members (/phananh)
  required,  ///< members only: non-members are told how to join, members of several units asked which
};

/// Where a command may be typed.
enum class chat_place {
  anywhere,      ///< group or private chat
  private_only,  ///< private chat only (codes, links): in a group the sender is told to write privately
  group_only,    ///< in a group only (/ketnoi): in private chat the sender is told where to type it
};

/// A command's handler: the context and the arguments after the command word.
using command_fn = void (*)(context& ctx, const std::string& args);

/// One command, declared once: what people type, who may run it, what it needs, what runs.
struct command_spec {
  action id;
  std::string_view name;     ///< canonical folded name ("dangky"), also the help template's suffix
  std::string_view aliases;  ///< other folded words people type for it, space-separated ("help start")
  domain::audience who;      ///< the rule and its label, checked before the handler runs
  unit_need unit;
  chat_place where;
  command_fn run;
  /// Also served in a group no unit uses yet (/id, /ketnoi), where every other message gets
  /// the one-time "this group is not set up" answer.
  bool in_unknown_group = false;
};

/// Every command, in `action` order.
std::span<const command_spec> command_table();
/// The row of a command.
const command_spec& spec_of(action a);
/// The command whose canonical name or alias is this folded compact word, or nullptr.
const command_spec* find_command(std::string_view compact);

/// Canonical command name ("dangky").
std::string_view command_name(action a);
/// Whether the actor may run the command (the row's audience).
bool may(action a, const domain::actor_context& who);
/// Vietnamese phrase naming who may run it, for refusals and /giup ("cán bộ hoặc lãnh đạo").
std::string_view who_may(action a);

}  // namespace tannha::handlers
