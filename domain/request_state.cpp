#include "domain/request_state.hpp"

#include <array>
#include <utility>

namespace tannha::domain {

namespace {

using rs = request_state;
using tr = transition;

struct state_info {
  rs state;
  std::string_view name;
  std::string_view label;
  // Position on the main path; tells "not yet" (a later state allows it) from "no longer".
  int rank;
};

constexpr std::array<state_info, 9> states{{
    {rs::registered, "registered", "Mới đăng ký", 0},
    {rs::verified, "verified", "Đã xác minh", 1},
    {rs::scheduled, "scheduled", "Đã xếp lịch", 2},
    {rs::needs_papers, "needs_papers", "Cần bổ sung", 2},
    {rs::processing, "processing", "Đang giải quyết", 3},
    {rs::result_ready, "result_ready", "Có kết quả", 4},
    {rs::returned, "returned", "Đã trả kết quả", 5},
    {rs::rejected, "rejected", "Từ chối", 5},
    {rs::cancelled, "cancelled", "Đã hủy", 5},
}};

const state_info& info(rs s) {
  for (const auto& i : states) {
    if (i.state == s) return i;
  }
  return states[0];
}

struct edge {
  rs from;
  tr t;
  rs to;
};

// docs/DESIGN.md §2, listed per state in the order suggestions are shown.
constexpr edge edges[] = {
    {rs::registered, tr::verify, rs::verified},
    {rs::registered, tr::schedule, rs::scheduled},  // scheduling verifies in the same step
    {rs::registered, tr::reject, rs::rejected},
    {rs::registered, tr::cancel, rs::cancelled},

    {rs::verified, tr::schedule, rs::scheduled},
    {rs::verified, tr::reject, rs::rejected},
    {rs::verified, tr::cancel, rs::cancelled},

    {rs::scheduled, tr::receive, rs::processing},
    {rs::scheduled, tr::supplement, rs::needs_papers},  // papers missing at the visit
    {rs::scheduled, tr::postpone, rs::verified},
    {rs::scheduled, tr::reject, rs::rejected},  // found not eligible at the visit
    {rs::scheduled, tr::cancel, rs::cancelled},

    {rs::needs_papers, tr::receive, rs::processing},  // papers brought
    {rs::needs_papers, tr::schedule, rs::scheduled},  // a visit again
    {rs::needs_papers, tr::reject, rs::rejected},
    {rs::needs_papers, tr::cancel, rs::cancelled},

    {rs::processing, tr::result, rs::result_ready},
    {rs::processing, tr::supplement, rs::needs_papers},  // the office asks for more
    {rs::processing, tr::reject, rs::rejected},          // refused after review
    {rs::processing, tr::cancel, rs::cancelled},

    {rs::result_ready, tr::return_result, rs::returned},
    {rs::result_ready, tr::cancel, rs::cancelled},
    // returned, rejected, cancelled: final, nothing leaves them.
};

bool is_terminal(rs s) { return s == rs::returned || s == rs::rejected || s == rs::cancelled; }

// The lowest rank of a state from which t is allowed.
int earliest_rank(tr t) {
  int best = 99;
  for (const auto& e : edges) {
    if (e.t == t && info(e.from).rank < best) best = info(e.from).rank;
  }
  return best;
}

}  // namespace

std::string_view to_string(request_state s) { return info(s).name; }

std::optional<request_state> request_state_from_string(std::string_view s) {
  for (const auto& i : states) {
    if (i.name == s) return i.state;
  }
  return std::nullopt;
}

std::string_view label(request_state s) { return info(s).label; }

bool is_open(request_state s) { return !is_terminal(s); }

std::string_view verb(transition t) {
  switch (t) {
    case tr::verify: return "xác minh";
    case tr::reject: return "từ chối";
    case tr::schedule: return "xếp lịch";
    case tr::postpone: return "hoãn";
    case tr::receive: return "tiếp nhận";
    case tr::supplement: return "yêu cầu bổ sung";
    case tr::result: return "báo có kết quả";
    case tr::return_result: return "trả kết quả";
    case tr::cancel: return "hủy";
  }
  return "";
}

std::string_view command_word(transition t) {
  switch (t) {
    case tr::verify: return "/xacminh";
    case tr::reject: return "/tuchoi";
    case tr::schedule: return "/xeplich";
    case tr::postpone: return "/hoan";
    case tr::receive: return "/tiepnhan";
    case tr::supplement: return "/bosung";
    case tr::result: return "/cokq";
    case tr::return_result: return "/datra";
    case tr::cancel: return "/huy";
  }
  return "";
}

std::vector<transition> allowed_from(request_state s) {
  std::vector<transition> out;
  for (const auto& e : edges) {
    if (e.from == s) out.push_back(e.t);
  }
  return out;
}

result<request_state> apply(request_state from, transition t) {
  for (const auto& e : edges) {
    if (e.from == from && e.t == t) return e.to;
  }
  // «Hồ sơ đang ở trạng thái "Mới đăng ký" nên chưa thể tiếp nhận. Có thể: /xacminh, …»
  std::string msg = "Hồ sơ đang ở trạng thái \"";
  msg += label(from);
  msg += "\" nên ";
  msg += earliest_rank(t) > info(from).rank && !is_terminal(from) ? "chưa thể " : "không thể ";
  msg += verb(t);
  msg += ".";
  auto options = allowed_from(from);
  if (options.empty()) {
    msg += " Hồ sơ đã kết thúc.";
  } else {
    msg += " Có thể: ";
    for (std::size_t i = 0; i < options.size(); ++i) {
      if (i) msg += ", ";
      msg += command_word(options[i]);
    }
    msg += ".";
  }
  return fail(errc::illegal_transition, std::move(msg));
}

std::string_view event_label(std::optional<request_state> from, request_state to) {
  if (!from) return "Đăng ký";
  if (*from == rs::scheduled && to == rs::verified) return "Hoãn lịch";
  if (*from == rs::scheduled && to == rs::scheduled) return "Dời lịch";
  if (*from == to) return "";
  if (*from == rs::needs_papers && to == rs::scheduled) return "Xếp lịch lại";
  switch (to) {
    case rs::registered: return "Đăng ký";
    case rs::verified: return "Đã xác minh";
    case rs::scheduled: return "Xếp lịch";
    case rs::needs_papers: return "Yêu cầu bổ sung giấy tờ";
    case rs::processing: return "Tiếp nhận hồ sơ";
    case rs::result_ready: return "Có kết quả";
    case rs::returned: return "Đã trả kết quả";
    case rs::rejected: return "Từ chối";
    case rs::cancelled: return "Đã hủy";
  }
  return "";
}

}  // namespace tannha::domain
