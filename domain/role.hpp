#pragma once
#include <optional>
#include <string_view>

namespace tannha::domain {

/// A member's role in a unit (DESIGN §1); `none` is anyone else in the group.
enum class role { lanhdao, canbo, truongthon, tinhnguyen, none };

/// Stable name stored in SQLite and typed by users ("lanhdao", …).
std::string_view to_string(role r);
/// Inverse of to_string on folded text ("lanhdao", "lanh dao" folded, …); nullopt when unknown.
std::optional<role> role_from_folded(std::string_view folded);
/// Vietnamese label ("Lãnh đạo", "Cán bộ", "Trưởng thôn", "Tình nguyện viên").
std::string_view label(role r);

/// Every command of DESIGN §3.
enum class action {
  giup, dangky, xacminh, tuchoi, xeplich, phancong, tiepnhan, bosung, cokq, datra, danhgia,
  hoan, huy, hoso, lich, quahan, tim, baocao, phananh, moi, thamgia, thanhvien, vaitro,
};

/// Facts about the actor relative to the request that some permissions depend on.
struct actor_context {
  role r = role::none;
  bool is_registrant = false;      ///< the member registered the request
  bool is_village_head_of = false; ///< truongthon of the citizen's village
  bool is_assigned = false;        ///< on the request's visit team
};

/// Whether the actor may perform the action (DESIGN §3's "who" column).
bool may(action a, const actor_context& who);
/// Vietnamese phrase naming who may do it, for refusals ("cán bộ hoặc lãnh đạo").
std::string_view who_may(action a);

}  // namespace tannha::domain
