#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>
#include <utility>

#include "domain/request_state.hpp"

using namespace tannha::domain;
using rs = request_state;
using tr = transition;

namespace {

const rs all_states[] = {rs::registered, rs::verified,     rs::scheduled, rs::needs_papers, rs::processing,
                         rs::result_ready, rs::returned, rs::rejected,  rs::cancelled};
const tr all_transitions[] = {tr::verify,  tr::reject, tr::schedule,      tr::postpone, tr::receive,
                              tr::supplement, tr::result, tr::return_result, tr::cancel};

// docs/DESIGN.md §2 as a table: every legal move and where it leads.
const std::map<std::pair<rs, tr>, rs> legal{
    {{rs::registered, tr::verify}, rs::verified},
    {{rs::registered, tr::schedule}, rs::scheduled},
    {{rs::registered, tr::reject}, rs::rejected},
    {{rs::registered, tr::cancel}, rs::cancelled},
    {{rs::verified, tr::schedule}, rs::scheduled},
    {{rs::verified, tr::reject}, rs::rejected},
    {{rs::verified, tr::cancel}, rs::cancelled},
    {{rs::scheduled, tr::receive}, rs::processing},
    {{rs::scheduled, tr::supplement}, rs::needs_papers},
    {{rs::scheduled, tr::postpone}, rs::verified},
    {{rs::scheduled, tr::reject}, rs::rejected},
    {{rs::scheduled, tr::cancel}, rs::cancelled},
    {{rs::needs_papers, tr::schedule}, rs::scheduled},
    {{rs::needs_papers, tr::receive}, rs::processing},
    {{rs::needs_papers, tr::reject}, rs::rejected},
    {{rs::needs_papers, tr::cancel}, rs::cancelled},
    {{rs::processing, tr::result}, rs::result_ready},
    {{rs::processing, tr::supplement}, rs::needs_papers},
    {{rs::processing, tr::reject}, rs::rejected},
    {{rs::processing, tr::cancel}, rs::cancelled},
    {{rs::result_ready, tr::return_result}, rs::returned},
    {{rs::result_ready, tr::cancel}, rs::cancelled},
};

}  // namespace

TEST_CASE("request state: every transition of the design leads where the design says") {
  for (const auto& entry : legal) {
    const auto& move = entry.first;
    const auto to = entry.second;
    CAPTURE(to_string(move.first));
    CAPTURE(command_word(move.second));
    auto r = apply(move.first, move.second);
    REQUIRE(r.has_value());
    CHECK(*r == to);
  }
}

TEST_CASE("request state: every other pair is refused naming the current state") {
  int refused = 0;
  for (rs s : all_states) {
    for (tr t : all_transitions) {
      if (legal.count({s, t})) continue;
      CAPTURE(to_string(s));
      CAPTURE(command_word(t));
      auto r = apply(s, t);
      REQUIRE_FALSE(r.has_value());
      CHECK(r.error().code == errc::illegal_transition);
      const std::string& msg = r.error().message;
      CHECK(msg.find("\"" + std::string(label(s)) + "\"") != std::string::npos);
      CHECK(msg.find(std::string(verb(t))) != std::string::npos);
      ++refused;
    }
  }
  CHECK(refused == 9 * 9 - static_cast<int>(legal.size()));
}

TEST_CASE("request state: a refusal lists exactly the commands that are possible") {
  for (rs s : all_states) {
    CAPTURE(to_string(s));
    for (tr t : all_transitions) {
      if (legal.count({s, t})) continue;
      const std::string msg = apply(s, t).error().message;
      for (tr other : all_transitions) {
        const std::string cmd = std::string(command_word(other)) + ",";
        const std::string cmd_end = std::string(command_word(other)) + ".";
        const bool mentioned = msg.find(cmd) != std::string::npos || msg.find(cmd_end) != std::string::npos;
        CHECK(mentioned == (legal.count({s, other}) > 0));
      }
    }
  }
}

TEST_CASE("request state: refusing to receive a new request says what can be done") {
  auto r = apply(rs::registered, tr::receive);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().message ==
        "Hồ sơ đang ở trạng thái \"Mới đăng ký\" nên chưa thể tiếp nhận. Có thể: /xacminh, /xeplich, "
        "/tuchoi, /huy.");
}

TEST_CASE("request state: a finished request says it is finished") {
  auto r = apply(rs::returned, tr::verify);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().message == "Hồ sơ đang ở trạng thái \"Đã trả kết quả\" nên không thể xác minh. Hồ sơ đã kết thúc.");
  CHECK(apply(rs::cancelled, tr::cancel).error().message.find("Hồ sơ đã kết thúc.") != std::string::npos);
  CHECK(apply(rs::rejected, tr::schedule).error().message.find("Hồ sơ đã kết thúc.") != std::string::npos);
}

TEST_CASE("request state: a move that comes later says not yet, a move already past says cannot") {
  CHECK(apply(rs::verified, tr::result).error().message.find("chưa thể báo có kết quả") != std::string::npos);
  CHECK(apply(rs::processing, tr::schedule).error().message.find("không thể xếp lịch") != std::string::npos);
  CHECK(apply(rs::result_ready, tr::reject).error().message.find("không thể từ chối") != std::string::npos);
}

TEST_CASE("request state: stored names round-trip and unknown names are refused") {
  std::set<std::string_view> names;
  for (rs s : all_states) {
    CHECK(request_state_from_string(to_string(s)) == s);
    names.insert(to_string(s));
  }
  CHECK(names.size() == 9);
  CHECK_FALSE(request_state_from_string("done"));
  CHECK_FALSE(request_state_from_string(""));
}

TEST_CASE("request state: labels are the design's Vietnamese labels") {
  CHECK(label(rs::registered) == "Mới đăng ký");
  CHECK(label(rs::verified) == "Đã xác minh");
  CHECK(label(rs::scheduled) == "Đã xếp lịch");
  CHECK(label(rs::needs_papers) == "Cần bổ sung");
  CHECK(label(rs::processing) == "Đang giải quyết");
  CHECK(label(rs::result_ready) == "Có kết quả");
  CHECK(label(rs::returned) == "Đã trả kết quả");
  CHECK(label(rs::rejected) == "Từ chối");
  CHECK(label(rs::cancelled) == "Đã hủy");
}

TEST_CASE("request state: only returned, rejected and cancelled are closed") {
  for (rs s : all_states) {
    CAPTURE(to_string(s));
    const bool closed = s == rs::returned || s == rs::rejected || s == rs::cancelled;
    CHECK(is_open(s) == !closed);
    CHECK(allowed_from(s).empty() == closed);
  }
}

TEST_CASE("request state: allowed_from agrees with apply") {
  for (rs s : all_states) {
    for (tr t : allowed_from(s)) CHECK(apply(s, t).has_value());
  }
}

TEST_CASE("request state: each transition has its verb and its command") {
  CHECK(verb(tr::supplement) == "yêu cầu bổ sung");
  CHECK(verb(tr::return_result) == "trả kết quả");
  CHECK(command_word(tr::verify) == "/xacminh");
  CHECK(command_word(tr::reject) == "/tuchoi");
  CHECK(command_word(tr::schedule) == "/xeplich");
  CHECK(command_word(tr::postpone) == "/hoan");
  CHECK(command_word(tr::receive) == "/tiepnhan");
  CHECK(command_word(tr::supplement) == "/bosung");
  CHECK(command_word(tr::result) == "/cokq");
  CHECK(command_word(tr::return_result) == "/datra");
  CHECK(command_word(tr::cancel) == "/huy");
}
