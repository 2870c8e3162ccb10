// A unit without the bot in its group (issue 13, items 1-3): its posts reach each member who
// should see them privately, replies go before those copies, every command answers the sender,
// and each member chooses what they receive with /thongbao.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <set>

#include "dispatch_fixture.hpp"
#include "handlers/command_table.hpp"
#include "handlers/job_runner.hpp"
#include "handlers/unit_posts.hpp"
#include "storage/outbox.hpp"
#include "storage/unit_repository.hpp"

using namespace tannha;
using tannha::test::local;

namespace members_posts_tests {
namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::vector<storage::member_record> people() {
  return {{"binhgiang", "lead", domain::role::lanhdao, "", "Chủ tịch", "config"},
          {"binhgiang", "staff", domain::role::canbo, "", "Cán bộ", "invite"},
          {"binhgiang", "head", domain::role::truongthon, "Đông Hải", "Trưởng thôn", "invite"},
          {"binhgiang", "vol", domain::role::tinhnguyen, "", "Tình nguyện", "invite"}};
}

domain::unit unit_in(domain::post_delivery mode, std::string chat = "group-bg") {
  auto u = test::demo_unit("binhgiang", std::move(chat));
  u.delivery = mode;
  return u;
}

handlers::unit_post post_of(handlers::post_kind k) {
  handlers::unit_post p;
  p.kind = k;
  p.text = "tin";
  return p;
}

// The chats a post goes to, sorted.
std::set<std::string> chats(const domain::unit& u, const handlers::unit_post& p,
                            const std::map<std::string, storage::post_choice_map>& choices = {}) {
  std::set<std::string> out;
  for (const auto& m : handlers::expand_post(u, p, people(), choices)) {
    CHECK(m.broadcast);
    out.insert(m.chat_id);
  }
  return out;
}

using S = std::set<std::string>;

}  // namespace

TEST_CASE("fan-out: in group mode every kind goes to the group only") {
  const auto u = unit_in(domain::post_delivery::group);
  for (const auto& k : handlers::post_kinds()) CHECK(chats(u, post_of(k.kind)) == S{"group-bg"});
  // Unset, a unit with a group posts there.
  auto plain = test::demo_unit();
  CHECK(chats(plain, post_of(handlers::post_kind::bantin)) == S{"group-bg"});
}

TEST_CASE("fan-out: in members mode each kind reaches the roles issue 13 lists, and no group") {
  const auto u = unit_in(domain::post_delivery::members);
  using handlers::post_kind;
  CHECK(chats(u, post_of(post_kind::hoso)) == S{"lead", "staff"});  // village heads: told by the handler
  CHECK(chats(u, post_of(post_kind::chotlich)) == S{"lead", "staff"});
  CHECK(chats(u, post_of(post_kind::bantin)) == S{"lead", "staff"});
  CHECK(chats(u, post_of(post_kind::quahan)) == S{"staff"});  // leaders once escalated
  CHECK(chats(u, post_of(post_kind::baocao)) == S{"lead", "staff"});
  CHECK(chats(u, post_of(post_kind::phananh)) == S{"lead", "staff"});
  CHECK(chats(u, post_of(post_kind::thanhvien)) == S{"lead", "staff"});
  auto escalated = post_of(post_kind::quahan);
  escalated.escalated = true;
  CHECK(chats(u, escalated) == S{"lead", "staff"});
}

TEST_CASE("fan-out: a unit without a group and without `posts` goes to its members") {
  auto u = test::demo_unit("binhgiang", "");
  CHECK(domain::delivery_of(u) == domain::post_delivery::members);
  CHECK(chats(u, post_of(handlers::post_kind::baocao)) == S{"lead", "staff"});
}

TEST_CASE("fan-out: in both mode the group and the members; the group once when it already saw it") {
  const auto u = unit_in(domain::post_delivery::both);
  auto p = post_of(handlers::post_kind::hoso);
  CHECK(chats(u, p) == S{"group-bg", "lead", "staff"});
  p.group_has_it = true;
  p.except_user = "staff";  // who typed the command: answered already
  CHECK(chats(u, p) == S{"lead"});
}

TEST_CASE("fan-out: volunteers and village heads get only their own visits of the brief and the cut-off") {
  const auto u = unit_in(domain::post_delivery::members);
  auto p = post_of(handlers::post_kind::bantin);
  p.own_visits = {{"vol", "lịch của vol"}, {"head", "lịch của head"}, {"staff", "lịch của staff"}};
  std::map<std::string, std::string> got;
  for (const auto& m : handlers::expand_post(u, p, people(), {})) got[m.chat_id] = m.text;
  CHECK(got.size() == 4);
  CHECK(got["lead"] == "tin");
  CHECK(got["staff"] == "tin");  // staff see the whole list, their visits in it
  CHECK(got["vol"] == "lịch của vol");
  CHECK(got["head"] == "lịch của head");
}

TEST_CASE("fan-out: a member's choice wins over the role's default; leaders get escalations whatever they chose") {
  const auto u = unit_in(domain::post_delivery::members);
  using handlers::post_kind;
  std::map<std::string, storage::post_choice_map> choices = {{"staff", {{"bantin", false}}},
                                                             {"lead", {{"quahan", false}, {"baocao", false}}}};
  CHECK(chats(u, post_of(post_kind::bantin), choices) == S{"lead"});
  CHECK(chats(u, post_of(post_kind::baocao), choices) == S{"staff"});
  auto escalated = post_of(post_kind::quahan);
  escalated.escalated = true;
  CHECK(chats(u, escalated, choices) == S{"lead", "staff"});
  choices["lead"]["quahan"] = true;  // a leader may also follow every digest
  CHECK(chats(u, post_of(post_kind::quahan), choices) == S{"lead", "staff"});
}

// --- through the dispatcher and the job runner --------------------------------------------------

namespace {

struct members_fixture : test::dispatch_fixture {
  explicit members_fixture(std::string chat = "")
      : dispatch_fixture({test::demo_unit("binhgiang", chat, {"lead"})}) {
    storage::unit_repository repo(db());
    for (const auto& m : people()) repo.put_member(m, local(2026, 11, 1));
    restart();
  }
  std::map<std::string, std::vector<std::string>> by_chat() {
    std::map<std::string, std::vector<std::string>> out;
    for (auto& m : take()) out[m.chat_id].push_back(m.text);
    return out;
  }
};

}  // namespace

TEST_CASE("members mode: a village head registering privately is answered, and staff and leaders get the masked news") {
  members_fixture f;
  f.priv("head", test::full_form, local(2026, 11, 25, 10));
  auto out = f.by_chat();
  CHECK(out.size() == 3);
  REQUIRE(out["head"].size() == 1);
  CHECK(has(out["head"][0], "SĐT: 0912345678"));  // the registrant's own answer is the full one
  for (const auto* who : {"lead", "staff"}) {
    REQUIRE(out[who].size() == 1);
    CHECK(has(out[who][0], "Hồ sơ mới #1"));
    CHECK(has(out[who][0], "*******678"));
    CHECK_FALSE(has(out[who][0], "0912345678"));
    CHECK_FALSE(has(out[who][0], "xóm 3"));
  }
  CHECK(f.count("outbox WHERE chat_id LIKE 'group%'") == 0);
  // Copies are broadcasts; the answer to the registrant is a reply, sent first.
  CHECK(f.count("outbox WHERE priority = 1") == 2);
  CHECK(f.count("outbox WHERE priority = 0 AND chat_id = 'head'") == 1);
}

TEST_CASE("members mode: a state change made privately reaches staff, leaders and the village head, not the sender") {
  members_fixture f;
  f.priv("head", test::full_form, local(2026, 11, 25, 10));
  f.take();
  f.priv("staff", "/xeplich #1 28/11 9h", local(2026, 11, 25, 11));
  auto out = f.by_chat();
  CHECK(out["staff"].size() == 1);  // the answer only
  REQUIRE(out["lead"].size() == 1);
  CHECK(has(out["lead"][0], "#1"));
  REQUIRE(out["head"].size() == 1);  // privately, as before
  CHECK(out.count("group-bg") == 0);
}

TEST_CASE("members mode: a command typed in the unit's group is answered privately to the sender") {
  auto u = test::demo_unit();
  u.delivery = domain::post_delivery::members;
  test::dispatch_fixture f({u});
  storage::unit_repository(f.db()).put_member(people()[1], local(2026, 11, 1));
  f.group("staff", "@Tận Nhà /lich", local(2026, 11, 25, 10));
  auto out = f.take();
  REQUIRE(out.size() == 1);
  CHECK(out[0].chat_id == "staff");
}

TEST_CASE("members mode: every command a member may run works in private chat") {
  members_fixture f;
  f.priv("head", test::full_form, local(2026, 11, 25, 10));
  f.take();
  for (const auto& row : handlers::command_table()) {
    if (row.where == handlers::chat_place::group_only) continue;  // /ketnoi names a group by being typed there
    CAPTURE(row.name);
    f.priv("lead", "/" + std::string(row.name), local(2026, 11, 25, 11));
    auto out = f.take();
    REQUIRE_FALSE(out.empty());
    CHECK(out[0].chat_id == "lead");
    CHECK_FALSE(has(out[0].text, "trong NHÓM"));
  }
}

TEST_CASE("members mode: the scheduled posts go privately by kind, the brief's own visits to each linked volunteer") {
  members_fixture f;
  const auto wed = local(2026, 11, 25, 10);
  f.priv("head", test::full_form, wed);
  f.priv("staff", "/xeplich #1 28/11 9h @Tình nguyện @Bà Tư", wed);
  f.take();
  handlers::job_runner jobs(f.db(), f.units());
  // Thursday 17:00: the cut-off of Saturday's visits.
  auto ran = jobs.run_due_jobs(local(2026, 11, 26, 17, 5));
  CHECK(ran.units_without_group == 0);
  auto cutoff = f.by_chat();
  CHECK(cutoff.count("group-bg") == 0);
  REQUIRE(cutoff["staff"].size() >= 1);
  CHECK(has(cutoff["staff"].back(), "Chốt danh sách"));
  REQUIRE(cutoff["lead"].size() >= 1);
  REQUIRE(cutoff["vol"].size() == 1);
  CHECK(has(cutoff["vol"][0], "Bạn đi 1 nhà"));
  CHECK(has(cutoff["vol"][0], "#1"));
  CHECK_FALSE(has(cutoff["vol"][0], "xóm 3"));
  CHECK(f.count("outbox WHERE priority = 1 AND chat_id = 'vol'") == 1);
  // Saturday's brief: the volunteer's own visit, staff and leaders the whole brief.
  jobs.run_due_jobs(local(2026, 11, 28, 7, 1));
  auto brief = f.by_chat();
  REQUIRE(brief["vol"].size() == 1);
  CHECK(has(brief["vol"][0], "Hôm nay"));
  REQUIRE(brief["staff"].size() == 1);
  CHECK(has(brief["staff"][0], "Bản tin sáng"));
  CHECK(brief.count("head") == 0);  // not on the team
}

TEST_CASE("members mode: a unit configured to post to its group waits for one (nothing sent, nothing recorded)") {
  auto u = test::demo_unit("binhgiang", "");
  u.delivery = domain::post_delivery::group;
  test::dispatch_fixture f({u});
  handlers::job_runner jobs(f.db(), f.units());
  CHECK(jobs.run_due_jobs(local(2026, 11, 30, 8, 30)).units_without_group == 1);
  CHECK(f.take().empty());
}

// --- /thongbao ---------------------------------------------------------------------------------

TEST_CASE("thongbao: lists the kinds the member receives, with the role's defaults") {
  members_fixture f;
  const auto t = local(2026, 11, 25, 10);
  f.priv("staff", "/thongbao", t);
  auto staff = f.take_one();
  CHECK(has(staff, "Bản tin sáng (bantin): BẬT"));
  CHECK(has(staff, "Cảnh báo quá hạn (quahan): BẬT"));
  CHECK(has(staff, "không qua nhóm"));
  f.priv("lead", "/thongbao", t);
  auto lead = f.take_one();
  CHECK(has(lead, "Cảnh báo quá hạn (quahan): tắt — quá hạn đã báo lên lãnh đạo: luôn nhận"));
  f.priv("vol", "/thongbao", t);
  auto vol = f.take_one();
  CHECK(has(vol, "Bản tin sáng (bantin): BẬT — chỉ các nhà bạn đi"));
  CHECK_FALSE(has(vol, "baocao"));
}

TEST_CASE("thongbao: tat and bat turn one kind off and on, by its folded Vietnamese name too") {
  members_fixture f;
  const auto t = local(2026, 11, 25, 10);
  f.priv("staff", "/thongbao tắt bản tin sáng", t);
  CHECK(has(f.take_one(), "Đã tắt: Bản tin sáng"));
  f.priv("staff", "/thongbao", t);
  CHECK(has(f.take_one(), "Bản tin sáng (bantin): tắt"));
  // The brief no longer reaches them; the leader still gets it.
  f.priv("head", test::full_form, t);
  f.priv("lead", "/xeplich #1 28/11 9h", t);
  f.take();
  handlers::job_runner jobs(f.db(), f.units());
  jobs.run_due_jobs(local(2026, 11, 28, 7, 1));  // Saturday's brief: the visit
  auto out = f.by_chat();
  CHECK(out.count("staff") == 0);
  CHECK(out.count("lead") == 1);
  f.priv("staff", "/thongbao BAT bantin", t);
  CHECK(has(f.take_one(), "Đã bật: Bản tin sáng"));
  f.priv("staff", "/thongbao", t);
  CHECK(has(f.take_one(), "Bản tin sáng (bantin): BẬT"));
}

TEST_CASE("thongbao: a typo gets suggestions and changes nothing") {
  members_fixture f;
  const auto t = local(2026, 11, 25, 10);
  f.priv("staff", "/thongbao tat bantn", t);
  auto reply = f.take_one();
  CHECK(has(reply, "Không nhận ra loại tin \"bantn\""));
  CHECK(has(reply, "/thongbao tat bantin"));
  CHECK(f.count("post_choices") == 0);
  f.priv("staff", "/thongbao bantin", t);
  CHECK(has(f.take_one(), "Cách dùng: /thongbao tat bantin"));
  CHECK(f.count("post_choices") == 0);
}

TEST_CASE("thongbao: a leader turning off the overdue digest is told escalations still come, and they do") {
  members_fixture f;
  const auto t = local(2026, 11, 25, 10);
  f.priv("lead", "/thongbao tat quahan", t);
  auto reply = f.take_one();
  CHECK(has(reply, "Đã tắt: Cảnh báo quá hạn"));
  CHECK(has(reply, "không tắt được"));
  // A kind that does not concern a role is refused, not stored.
  f.priv("vol", "/thongbao tat baocao", t);
  CHECK(has(f.take_one(), "không gửi riêng cho Tình nguyện viên"));
  CHECK(f.count("post_choices") == 1);
}

TEST_CASE("thongbao: a village head who turned off request news is no longer told privately") {
  members_fixture f;
  f.priv("head", "/thongbao tat hoso", local(2026, 11, 25, 9));
  f.take();
  f.priv("staff", test::full_form, local(2026, 11, 25, 10));
  f.take();
  f.priv("staff", "/xeplich #1 28/11 9h", local(2026, 11, 25, 11));
  auto out = f.by_chat();
  CHECK(out.count("head") == 0);
  CHECK(out.count("lead") == 1);
}

}  // namespace members_posts_tests
