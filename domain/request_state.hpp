#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.hpp"

namespace tannha::domain {

/// A request's state (docs/DESIGN.md §2).
enum class request_state {
  registered,
  verified,
  scheduled,
  needs_papers,
  processing,
  result_ready,
  returned,
  rejected,
  cancelled,
};

/// Stable name stored in SQLite ("registered", …).
std::string_view to_string(request_state s);
/// Inverse of to_string; nullopt for an unknown name.
std::optional<request_state> request_state_from_string(std::string_view s);
/// Vietnamese label shown to users ("Mới đăng ký", …).
std::string_view label(request_state s);
/// True for the states in which a request is still open (not returned, rejected or cancelled).
bool is_open(request_state s);

/// What an event of a request's history did, as /hoso shows it (issue 14, item 3): "Đăng ký",
/// "Đã xác minh", "Hoãn lịch" (scheduled → verified), "Dời lịch" (scheduled → scheduled),
/// "Xếp lịch lại" (needs_papers → scheduled), "Tiếp nhận", …; "" for an event that kept the
/// state (an assignment, a rating): its note says what happened.
std::string_view event_label(std::optional<request_state> from, request_state to);

/// What a user asks to do to a request.
enum class transition {
  verify,
  reject,
  schedule,
  postpone,
  receive,
  supplement,
  result,
  return_result,
  cancel,
};

/// The state a transition leads to from `from`, or a failure (errc::illegal_transition) whose
/// message names the current state and what can be done instead (Vietnamese).
result<request_state> apply(request_state from, transition t);

/// Transitions allowed from a state, in a sensible order for suggestions.
std::vector<transition> allowed_from(request_state s);

/// Vietnamese verb for a transition, as used in sentences ("xác minh", "yêu cầu bổ sung", …).
std::string_view verb(transition t);
/// The command that performs a transition, with its slash ("/xacminh", "/huy", …).
std::string_view command_word(transition t);

}  // namespace tannha::domain
