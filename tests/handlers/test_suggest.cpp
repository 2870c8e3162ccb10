#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "handlers/suggest.hpp"

using namespace tannha::handlers;

namespace {

std::vector<candidate> procedures() {
  return {
      {"Chứng thực chữ ký", {"Chứng thực chữ ký", "CT-01"}},
      {"Chứng thực bản sao từ bản chính", {"Chứng thực bản sao từ bản chính", "CT-02", "sao y"}},
      {"Đăng ký khai sinh", {"Đăng ký khai sinh", "HT-01"}},
      {"Đăng ký kết hôn", {"Đăng ký kết hôn", "HT-02"}},
      {"Cấp lại thẻ BHYT", {"Cấp lại thẻ BHYT", "BHYT-01", "thẻ bảo hiểm y tế"}},
  };
}

}  // namespace

TEST_CASE("match: the folded name, a code or an alias is an exact match") {
  const auto c = procedures();
  auto r = match("chung thuc chu ky", c);
  CHECK(r.how == match_result::kind::exact);
  CHECK(r.index == 0);

  r = match("ct01", c);
  CHECK(r.how == match_result::kind::exact);
  CHECK(r.index == 0);

  r = match("  HT_02 ", c);
  CHECK(r.how == match_result::kind::exact);
  CHECK(r.index == 3);

  r = match("the bao hiem y te", c);
  CHECK(r.how == match_result::kind::exact);
  CHECK(r.index == 4);

  // NFD typing of "Đăng ký khai sinh".
  r = match("\xC4\x90" "a\xCC\x86ng ky\xCC\x81 khai sinh", c);
  CHECK(r.how == match_result::kind::exact);
  CHECK(r.index == 2);
}

TEST_CASE("match: whole words found in one candidate's key pick it") {
  const auto c = procedures();
  auto r = match("khai sinh", c);
  CHECK(r.how == match_result::kind::unique_prefix);
  CHECK(r.index == 2);

  r = match("bản sao", c);
  CHECK(r.how == match_result::kind::unique_prefix);
  CHECK(r.index == 1);

  // The key is inside a longer phrase the user typed.
  r = match("đăng ký khai sinh cho cháu", c);
  CHECK(r.how == match_result::kind::unique_prefix);
  CHECK(r.index == 2);
}

TEST_CASE("match: part of a word is not a whole-word match") {
  const auto c = procedures();
  const auto r = match("khai si", c);
  CHECK(r.how != match_result::kind::unique_prefix);
  CHECK(r.how != match_result::kind::exact);
}

TEST_CASE("match: words shared by several candidates are ambiguous") {
  const auto c = procedures();
  const auto r = match("Chứng thực", c);
  CHECK(r.how == match_result::kind::ambiguous);
  CHECK(r.suggestions == std::vector<std::size_t>{0, 1});

  const auto d = match("đăng ký", c);
  CHECK(d.how == match_result::kind::ambiguous);
  CHECK(d.suggestions.size() == 2);
}

TEST_CASE("match: a typo suggests the intended candidate first") {
  const auto c = procedures();
  auto r = match("chung thuc chu ki", c);
  CHECK(r.how == match_result::kind::none);
  REQUIRE_FALSE(r.suggestions.empty());
  CHECK(r.suggestions.front() == 0);

  r = match("dang ky khia sinh", c);
  CHECK(r.how == match_result::kind::none);
  REQUIRE_FALSE(r.suggestions.empty());
  CHECK(r.suggestions.front() == 2);
  CHECK(r.suggestions.size() <= 3);
}

TEST_CASE("match: unrelated text has no suggestions") {
  const auto c = procedures();
  auto r = match("xin chào mọi người", c);
  CHECK(r.how == match_result::kind::none);
  CHECK(r.suggestions.empty());

  r = match("", c);
  CHECK(r.how == match_result::kind::none);
  CHECK(r.suggestions.empty());

  r = match(" \u00A0 ", c);
  CHECK(r.how == match_result::kind::none);
  CHECK(r.suggestions.empty());

  r = match("khai sinh", {});
  CHECK(r.how == match_result::kind::none);
}

TEST_CASE("match: two candidates sharing the typed key are ambiguous, not a silent pick") {
  const std::vector<candidate> c = {{"Thôn Đông Hải", {"Đông Hải"}}, {"Ấp Đông Hải", {"dong hai"}}};
  const auto r = match("đông hải", c);
  CHECK(r.how == match_result::kind::ambiguous);
  CHECK(r.suggestions == std::vector<std::size_t>{0, 1});
}

TEST_CASE("match: never more than three suggestions") {
  std::vector<candidate> c;
  for (int i = 0; i < 6; ++i) c.push_back({"x", {"chứng thực loại " + std::to_string(i)}});
  const auto r = match("chứng thực", c);
  CHECK(r.how == match_result::kind::ambiguous);
  CHECK(r.suggestions.size() == 3);
}

TEST_CASE("closest: plausible typos only, best first, returned as given") {
  const std::vector<std::string> names = {"dangky", "xacminh", "xeplich", "lich", "tim"};
  CHECK(closest("xeplic", names) == std::vector<std::string>{"xeplich"});
  CHECK(closest("XẾP LỊC", names).front() == "xeplich");
  CHECK(closest("dang ki", names).front() == "dangky");
  CHECK(closest("qwerty", names).empty());
  CHECK(closest("", names).empty());

  const std::vector<std::string> labels = {"Họ tên", "Đối tượng", "Thủ tục"};
  CHECK(closest("doi tong", labels) == std::vector<std::string>{"Đối tượng"});
}

TEST_CASE("closest: respects the maximum and ranks by distance") {
  const std::vector<std::string> options = {"abcdef", "abcdxx", "abcdex", "abcdef"};
  const auto two = closest("abcdef", options, 2);
  CHECK(two == std::vector<std::string>{"abcdef", "abcdex"});
  CHECK(closest("abcdef", options, 0).empty());
}
