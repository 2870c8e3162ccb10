// The command table: one row per command, and who may run what (docs/DESIGN.md §3's "who" column).
#include <doctest/doctest.h>

#include "dispatch_fixture.hpp"
#include "handlers/command_parser.hpp"
#include "handlers/command_table.hpp"
#include "handlers/renderer.hpp"
#include "handlers/text.hpp"

using namespace tannha;
using namespace tannha::domain;
using namespace tannha::handlers;

namespace {
actor_context as(role r) { return actor_context{r, false, false, false}; }
bool has(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }
}  // namespace

TEST_CASE("role: anyone in the group may ask for help, give feedback and join") {
  for (action a : {action::giup, action::phananh, action::thamgia}) {
    CHECK(may(a, as(role::none)));
    CHECK(may(a, as(role::tinhnguyen)));
    CHECK(who_may(a) == "mọi người");
  }
}

TEST_CASE("role: a non-member may do nothing else") {
  for (action a : {action::dangky, action::xacminh, action::lich, action::quahan, action::tim, action::hoso,
                   action::baocao, action::vaitro, action::tiepnhan, action::thanhvien}) {
    CHECK_FALSE(may(a, actor_context{role::none, true, true, true}));
  }
}

TEST_CASE("role: permission table for staff, village head and volunteer") {
  struct row {
    action a;
    bool lanhdao, canbo, truongthon, tinhnguyen;
  };
  // Without any relation to the request (not registrant, not village head, not assigned).
  const row table[] = {
      {action::dangky, true, true, true, false},   {action::xacminh, true, true, false, false},
      {action::tuchoi, true, true, false, false},  {action::xeplich, true, true, false, false},
      {action::phancong, true, true, false, false}, {action::tiepnhan, true, true, false, false},
      {action::bosung, true, true, false, false},  {action::cokq, true, true, false, false},
      {action::datra, true, true, false, false},   {action::danhgia, true, true, true, false},
      {action::hoan, true, true, false, false},    {action::huy, true, true, false, false},
      {action::hoso, true, true, false, false},    {action::lich, true, true, true, true},
      {action::quahan, true, true, true, true},    {action::tim, true, true, true, true},
      {action::thanhvien, true, true, true, true}, {action::baocao, true, true, false, false},
      {action::moi, true, true, false, false},     {action::vaitro, true, false, false, false},
  };
  for (const auto& r : table) {
    CAPTURE(static_cast<int>(r.a));
    CHECK(may(r.a, as(role::lanhdao)) == r.lanhdao);
    CHECK(may(r.a, as(role::canbo)) == r.canbo);
    CHECK(may(r.a, as(role::truongthon)) == r.truongthon);
    CHECK(may(r.a, as(role::tinhnguyen)) == r.tinhnguyen);
  }
}

TEST_CASE("role: an assigned volunteer may receive the dossier") {
  CHECK(may(action::tiepnhan, actor_context{role::tinhnguyen, false, false, true}));
  CHECK_FALSE(may(action::tiepnhan, actor_context{role::truongthon, false, false, true}));
  CHECK_FALSE(may(action::datra, actor_context{role::tinhnguyen, false, false, true}));
}

TEST_CASE("role: the citizen's village head may record the return") {
  CHECK(may(action::datra, actor_context{role::truongthon, false, true, false}));
  CHECK_FALSE(may(action::datra, actor_context{role::tinhnguyen, false, true, false}));
}

TEST_CASE("role: the registering village head may postpone, cancel and view the record") {
  const actor_context registrant{role::truongthon, true, false, false};
  CHECK(may(action::hoan, registrant));
  CHECK(may(action::huy, registrant));
  CHECK(may(action::hoso, registrant));
  CHECK_FALSE(may(action::xacminh, registrant));
  CHECK_FALSE(may(action::hoso, actor_context{role::tinhnguyen, true, false, false}));
}

TEST_CASE("role: refusals name who may act") {
  CHECK(who_may(action::xacminh) == "cán bộ hoặc lãnh đạo");
  CHECK(who_may(action::dangky) == "trưởng thôn, cán bộ hoặc lãnh đạo");
  CHECK(who_may(action::tiepnhan) == "cán bộ, lãnh đạo hoặc tình nguyện viên được phân công");
  CHECK(who_may(action::lich) == "thành viên của nhóm");
  CHECK(who_may(action::vaitro) == "lãnh đạo");
}


TEST_CASE("command table: every action has its own row, with a name, a handler and a help template") {
  const auto rows = command_table();
  REQUIRE(rows.size() == static_cast<std::size_t>(action::thongbao) + 1);
  renderer render;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& row = rows[i];
    CAPTURE(row.name);
    CHECK(static_cast<std::size_t>(row.id) == i);
    CHECK(&spec_of(row.id) == &row);
    CHECK_FALSE(row.name.empty());
    CHECK(static_cast<bool>(row.run));
    CHECK(command_name(row.id) == row.name);
    // The help template exists and starts with the command's overview line.
    const auto help = render.render("giup_" + std::string(row.name), {{"who", "X"}});
    CHECK(help.rfind("/" + std::string(row.name) + " — ", 0) == 0);
  }
}

TEST_CASE("command table: every name and alias parses to its row, and no word names two rows") {
  std::vector<std::string> seen;
  for (const auto& row : command_table()) {
    CAPTURE(row.name);
    auto p = parse_command("/" + std::string(row.name) + " #3");
    REQUIRE(p.how == command_parse::kind::command);
    CHECK(p.command->action == row.id);
    CHECK(p.command->args == "#3");
    seen.emplace_back(row.name);
    for (const auto& alias : split(row.aliases, ' ')) {
      if (alias.empty()) continue;
      CAPTURE(alias);
      auto a = parse_command("/" + alias);
      REQUIRE(a.how == command_parse::kind::command);
      CHECK(a.command->action == row.id);
      seen.push_back(alias);
    }
  }
  std::sort(seen.begin(), seen.end());
  CHECK(std::adjacent_find(seen.begin(), seen.end()) == seen.end());
}

TEST_CASE("command table: /giup of every command says who may run it, in the row's words") {
  test::dispatch_fixture f;
  for (const auto& row : command_table()) {
    CAPTURE(row.name);
    f.group("admin-1", "/giup " + std::string(row.name), test::local(2026, 11, 25, 9));
    const auto text = f.take_one();
    CHECK(has(text, "Ai dùng được: " + std::string(domain::label(row.who)) + "."));
  }
}

TEST_CASE("command table: the /giup overview lists exactly the commands the sender's role may use") {
  test::dispatch_fixture f;
  f.group("stranger", "/giup", test::local(2026, 11, 25, 9));
  const auto stranger = f.take_one();
  f.group("admin-1", "/giup", test::local(2026, 11, 25, 9));
  const auto leader = f.take_one();
  for (const auto& row : command_table()) {
    CAPTURE(row.name);
    const auto line = "\n/" + std::string(row.name) + " — ";
    CHECK(has(leader, line));  // a leader may use every command
    CHECK(has(stranger, line) == (row.who == audience::anyone));
  }
}

TEST_CASE("command table: a private-only command typed in a group is refused there and changes nothing") {
  test::dispatch_fixture f;
  f.group("someone", "/thamgia ABC234", test::local(2026, 11, 25, 9));
  const auto text = f.take_one();
  CHECK(has(text, "/thamgia"));
  CHECK(has(text, "RIÊNG"));
  CHECK(has(text, "chưa được dùng"));
}

TEST_CASE("thutuc: anyone may list the catalog or search it by words, code or alias, in private or in a group") {
  test::dispatch_fixture f;
  f.priv("someone", "/thutuc", test::local(2026, 11, 25, 9));  // not a member: the catalog is public
  const auto all = f.take_one();
  CHECK(has(all, "CT-01 — Chứng thực chữ ký"));
  CHECK(has(all, "HT-01 — Đăng ký khai sinh (Hộ tịch): 3 ngày làm việc"));
  CHECK(has(all, "BHYT-01"));

  f.group("stranger", "/thu tuc khai sinh", test::local(2026, 11, 25, 9));
  const auto found = f.take_one();
  CHECK(has(found, "HT-01"));
  CHECK_FALSE(has(found, "CT-01"));

  f.priv("someone", "/thutuc ct-02", test::local(2026, 11, 25, 9));
  CHECK(has(f.take_one(), "Chứng thực bản sao từ bản chính"));

  f.priv("someone", "/thutuc chung thuc", test::local(2026, 11, 25, 9));
  const auto two = f.take_one();
  CHECK(has(two, "CT-01"));
  CHECK(has(two, "CT-02"));

  f.priv("someone", "/thutuc giấy phép xây dựng", test::local(2026, 11, 25, 9));
  const auto none = f.take_one();
  CHECK(has(none, "Không tìm thấy thủ tục \"giấy phép xây dựng\""));
  CHECK(has(none, "/thutuc"));
}
