// The visit team is made of the unit's members (issue 13, item 4): /xeplich and /phancong link each
// name that matches one member, list the candidates when several match, keep an outside name as
// text; who may record the visit (/tiepnhan) is decided by that link, never by shared words.
#include <doctest/doctest.h>

#include "dispatch_fixture.hpp"
#include "storage/request_repository.hpp"
#include "storage/team_links.hpp"

using namespace tannha;
using tannha::test::local;

namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

struct team_fixture : test::dispatch_fixture {
  team_fixture() {
    storage::unit_repository repo(db());
    auto put = [&](const char* id, domain::role r, const char* village, const char* name) {
      repo.put_member({"binhgiang", id, r, village, name, "invite"}, local(2026, 11, 1));
    };
    put("cb-1", domain::role::canbo, "", "Trần Văn Cán");
    put("tt-dh", domain::role::truongthon, "Đông Hải", "Nguyễn Văn Thôn");
    put("tnv-hoa-0a1b", domain::role::tinhnguyen, "", "Lê Thị Hoa");
    put("tnv-hoa-9f8e", domain::role::truongthon, "Tây Sơn", "Nguyễn Thị Hoa");
    put("tnv-lan", domain::role::tinhnguyen, "", "Đỗ Thị Lan");
    put("tnv-van", domain::role::tinhnguyen, "", "Văn");
    priv("tt-dh", test::full_form, local(2026, 11, 25, 10));
    take();
  }
  storage::request_record req() {
    storage::request_repository repo(db());
    auto r = repo.by_number("binhgiang", 1);
    REQUIRE(r.has_value());
    return *r;
  }
  // The members the team of #1 links (nullopt: a team from before links).
  std::optional<std::vector<std::string>> links() { return storage::team_links(db()).get(req().id); }
  std::size_t events() {
    storage::request_repository repo(db());
    return repo.events(req().id).size();
  }
  // The first reply in the group to `text` sent there by `user`.
  std::string in_group(const std::string& user, const std::string& text, domain::instant at) {
    group(user, text, at);
    for (auto& m : take())
      if (m.chat_id == "group-bg") return m.text;
    return "";
  }
};

const auto wed = local(2026, 11, 25, 11);
const auto sat = local(2026, 11, 28, 9);

}  // namespace

TEST_CASE("team: a volunteer whose name is one word of the assigned person's name may not record the visit") {
  team_fixture f;
  f.in_group("cb-1", "/xeplich #1 @Nguyễn Văn Hùng", wed);
  REQUIRE(f.req().state == domain::request_state::scheduled);
  auto text = f.in_group("tnv-van", "/tiepnhan #1", sat);
  CHECK(has(text, "tình nguyện viên được phân công"));
  CHECK(f.req().state == domain::request_state::scheduled);
}

TEST_CASE("team: a name matching one member by its last word links that member, who may then record the visit") {
  team_fixture f;
  auto text = f.in_group("cb-1", "/xeplich #1 @Lan", wed);
  CHECK(has(text, "đoàn: Đỗ Thị Lan"));  // shown by the member's name
  CHECK_FALSE(has(text, "nhắc lịch"));   // everyone linked: nothing to warn about
  auto r = f.req();
  CHECK(r.team == "Đỗ Thị Lan");
  REQUIRE(f.links().has_value());
  CHECK(*f.links() == std::vector<std::string>{"tnv-lan"});

  // Another volunteer is refused; the linked one receives.
  CHECK(has(f.in_group("tnv-hoa-0a1b", "/tiepnhan #1", sat), "tình nguyện viên được phân công"));
  CHECK(has(f.in_group("tnv-lan", "/tiepnhan #1", sat), "PHIẾU HẸN"));
  CHECK(f.req().state == domain::request_state::processing);
}

TEST_CASE("team: a name matching several members changes nothing and lists them with role, village and id end") {
  team_fixture f;
  const auto before = f.events();
  auto text = f.in_group("cb-1", "/phancong #1 @Hoa @Lan", wed);
  CHECK(has(text, "\"Hoa\""));
  CHECK(has(text, "Lê Thị Hoa"));
  CHECK(has(text, "Tình nguyện viên"));
  CHECK(has(text, "0a1b"));
  CHECK(has(text, "Nguyễn Thị Hoa"));
  CHECK(has(text, "Trưởng thôn"));
  CHECK(has(text, "Tây Sơn"));
  CHECK(has(text, "9f8e"));
  CHECK(has(text, "/phancong #1"));
  CHECK(f.req().team.empty());
  CHECK(f.events() == before);

  // /xeplich with the same name: not scheduled either.
  text = f.in_group("cb-1", "/xeplich #1 @Hoa", wed);
  CHECK(has(text, "0a1b"));
  CHECK(f.req().state == domain::request_state::registered);
  CHECK(f.events() == before);

  // The full name, or the name with the end of the id, chooses.
  f.in_group("cb-1", "/phancong #1 @Lê Thị Hoa", wed);
  CHECK(*f.links() == std::vector<std::string>{"tnv-hoa-0a1b"});
  f.in_group("cb-1", "/phancong #1 @Hoa 9f8e", wed);
  CHECK(*f.links() == std::vector<std::string>{"tnv-hoa-9f8e"});
  CHECK(f.req().team == "Nguyễn Thị Hoa");
}

TEST_CASE("team: a name outside the unit is kept as typed and the reply says they get no reminders") {
  team_fixture f;
  auto text = f.in_group("cb-1", "/phancong #1 @Lan @Công an xã", wed);
  CHECK(has(text, "Đỗ Thị Lan, Công an xã"));
  CHECK(has(text, "Công an xã"));
  CHECK(has(text, "không nhận được nhắc lịch"));
  auto r = f.req();
  CHECK(r.team == "Đỗ Thị Lan, Công an xã");
  CHECK(*f.links() == std::vector<std::string>{"tnv-lan"});

  text = f.in_group("cb-1", "/xeplich #1 @Người ngoài", wed);
  CHECK(has(text, "Người ngoài"));
  CHECK(has(text, "không nhận được nhắc lịch"));
  REQUIRE(f.links().has_value());
  CHECK(f.links()->empty());
}

TEST_CASE("team: a request assigned before members were linked is still readable, and only a whole name passes") {
  team_fixture f;
  f.in_group("cb-1", "/xeplich #1", wed);
  // As written by an older version: names only, no links.
  f.db().db().exec("UPDATE requests SET team = 'Đỗ Thị Lan, Nguyễn Văn Hùng', team_user_ids = NULL");
  auto r = f.req();
  CHECK(r.team == "Đỗ Thị Lan, Nguyễn Văn Hùng");
  CHECK_FALSE(f.links().has_value());
  CHECK(has(f.in_group("tnv-van", "/tiepnhan #1", sat), "tình nguyện viên được phân công"));
  CHECK(has(f.in_group("tnv-lan", "/tiepnhan #1", sat), "PHIẾU HẸN"));
}
