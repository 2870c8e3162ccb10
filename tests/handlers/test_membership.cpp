#include <doctest/doctest.h>

#include "dispatch_fixture.hpp"
#include "storage/unit_repository.hpp"

using namespace tannha;
using tannha::test::local;

namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The code of a /moi reply ("🔑 Mã mời: 7K3QX9").
std::string code_of(const std::string& reply) {
  auto at = reply.find("Mã mời: ");
  REQUIRE(at != std::string::npos);
  return reply.substr(at + std::string("Mã mời: ").size(), 6);
}

// `inviter` creates a code with `/moi role_args` in the group; `user` joins with it privately.
std::string invite_and_join(test::dispatch_fixture& f, const std::string& inviter, const std::string& role_args,
                            const std::string& user, domain::instant now) {
  f.group(inviter, "/moi " + role_args, now);
  auto code = code_of(f.take_one());
  f.priv(user, "/thamgia " + code, now + std::chrono::minutes{5});
  f.take();
  return code;
}

std::optional<storage::member_record> member(test::dispatch_fixture& f, const std::string& user) {
  return storage::unit_repository(f.db()).member("binhgiang", user);
}

int used_invites(test::dispatch_fixture& f) {
  return f.db().db().execAndGet("SELECT COUNT(*) FROM invites WHERE used_by IS NOT NULL").getInt();
}

const auto monday = local(2026, 11, 23, 17);

}  // namespace

TEST_CASE("moi: a leader gets a 6-character code with role, village, local expiry and how to use it privately") {
  test::dispatch_fixture f;
  f.group("admin-1", "/mời trưởng thôn dong hai", monday);
  auto text = f.take_one();
  auto code = code_of(text);
  CHECK(code.size() == 6);
  CHECK(code.find_first_of("01OIL") == std::string::npos);
  CHECK(has(text, "Trưởng thôn Đông Hải"));
  CHECK(has(text, "17:00 Thứ Năm 26/11"));  // 72 hours after Monday 17:00, local time
  CHECK(has(text, "/thamgia " + code));
  CHECK(has(text, "RIÊNG"));
  CHECK(has(text, "chuyển mã riêng"));  // asked in the group: pass the code privately
  CHECK(f.count("invites") == 1);
}

TEST_CASE("moi: asked in private chat, the reply carries no reminder about the group") {
  test::dispatch_fixture f;
  f.priv("admin-1", "/moi canbo", monday);
  auto text = f.take_one();
  CHECK(has(text, "Cán bộ"));
  CHECK_FALSE(has(text, "chuyển mã riêng"));
}

TEST_CASE("moi: an unknown role lists the four roles with their labels and creates no code") {
  test::dispatch_fixture f;
  f.group("admin-1", "/moi giamdoc", monday);
  auto text = f.take_one();
  CHECK(has(text, "giamdoc"));
  CHECK(has(text, "lanhdao — Lãnh đạo"));
  CHECK(has(text, "canbo — Cán bộ"));
  CHECK(has(text, "truongthon — Trưởng thôn"));
  CHECK(has(text, "tinhnguyen — Tình nguyện viên"));
  f.group("admin-1", "/moi", monday);
  CHECK(has(f.take_one(), "tinhnguyen"));
  CHECK(f.count("invites") == 0);
}

TEST_CASE("moi: a village head invite needs a village of the unit; a typo gets the closest villages") {
  test::dispatch_fixture f;
  f.group("admin-1", "/moi truongthon", monday);
  auto text = f.take_one();
  CHECK(has(text, "cần ghi rõ thôn"));
  CHECK(has(text, "Đông Hải, Tây Sơn, Bắc Hà, Nam Hưng"));
  f.group("admin-1", "/moi truongthon Dong Hia", monday);
  text = f.take_one();
  CHECK(has(text, "Dong Hia"));
  CHECK(has(text, "Có phải: Đông Hải"));
  CHECK(f.count("invites") == 0);
}

TEST_CASE("moi: a staff member cannot invite a leader, but can invite a volunteer") {
  test::dispatch_fixture f;
  invite_and_join(f, "admin-1", "canbo", "cb-1", monday);
  f.group("cb-1", "/moi lãnh đạo", monday + std::chrono::hours{1});
  auto text = f.take_one();
  CHECK(has(text, "Chỉ lãnh đạo"));
  CHECK(f.count("invites") == 1);  // only the canbo's own invite
  f.group("cb-1", "/moi tình nguyện viên", monday + std::chrono::hours{1});
  CHECK(has(f.take_one(), "Tình nguyện viên"));
  CHECK(f.count("invites") == 2);
}

TEST_CASE("moi: a village head or a stranger may not create codes") {
  test::dispatch_fixture f;
  invite_and_join(f, "admin-1", "truongthon Tây Sơn", "tt-1", monday);
  f.group("tt-1", "/moi tinhnguyen", monday);
  CHECK(has(f.take_one(), "cán bộ hoặc lãnh đạo"));
  f.group("stranger", "/moi canbo", monday);
  CHECK(has(f.take_one(), "/thamgia"));
  CHECK(f.count("invites") == 1);
}

TEST_CASE("thamgia: invite, join in private, become a village head with the village, and /giup shows the commands") {
  test::dispatch_fixture f;
  f.group("admin-1", "/moi truongthon Đông Hải", monday);
  auto code = code_of(f.take_one());
  // Lower case, spaces around: still the code.
  std::string lower = code;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  f.priv("tt-1", "/tham gia   " + lower + "  ", monday + std::chrono::hours{1});
  auto out = f.take();
  REQUIRE(out.size() == 2);
  CHECK(out[0].chat_id == "tt-1");
  CHECK(has(out[0].text, "Chào mừng"));
  CHECK(has(out[0].text, "Trưởng thôn Đông Hải"));
  CHECK(has(out[0].text, "/dangky"));
  CHECK(has(out[0].text, "/giup"));
  CHECK(out[1].chat_id == "group-bg");
  CHECK(has(out[1].text, "Người dùng tt-1 đã tham gia với vai trò Trưởng thôn (thôn Đông Hải)"));

  auto m = member(f, "tt-1");
  REQUIRE(m);
  CHECK(m->role == domain::role::truongthon);
  CHECK(m->village == "Đông Hải");
  CHECK(m->display_name == "Người dùng tt-1");
  CHECK(m->source == "invite");
  CHECK(used_invites(f) == 1);

  f.priv("tt-1", "/giup", monday + std::chrono::hours{2});
  auto help = f.take_one();
  CHECK(has(help, "Trưởng thôn"));
  CHECK(has(help, "/dangky"));
  CHECK(has(help, "/lich"));
  CHECK_FALSE(has(help, "/vaitro"));
  CHECK_FALSE(has(help, "/xeplich"));
}

TEST_CASE("thamgia: used, expired and unknown codes are refused and nothing changes") {
  test::dispatch_fixture f;
  f.group("admin-1", "/moi canbo", monday);
  auto code = code_of(f.take_one());
  f.priv("cb-1", "/thamgia " + code, monday + std::chrono::hours{1});
  f.take();
  REQUIRE(member(f, "cb-1"));
  int members = f.count("members");

  // Used by someone else.
  f.priv("cb-2", "/thamgia " + code, monday + std::chrono::hours{2});
  CHECK(has(f.take_one(), "đã được dùng"));
  CHECK_FALSE(member(f, "cb-2"));

  // Unknown.
  f.priv("cb-2", "/thamgia ZZZZZZ", monday + std::chrono::hours{2});
  CHECK(has(f.take_one(), "không đúng"));

  // Expired: exactly 72 hours later.
  f.group("admin-1", "/moi canbo", monday);
  auto late = code_of(f.take_one());
  f.priv("cb-3", "/thamgia " + late, monday + std::chrono::hours{72});
  CHECK(has(f.take_one(), "hết hạn"));
  CHECK_FALSE(member(f, "cb-3"));

  CHECK(f.count("members") == members);
  CHECK(used_invites(f) == 1);
  CHECK(f.db().db().execAndGet("SELECT used_by FROM invites WHERE code = '" + code + "'").getString() == "cb-1");
}

TEST_CASE("thamgia: five wrong codes an hour; the reply says how many tries are left and when to try again") {
  test::dispatch_fixture f;
  f.group("admin-1", "/moi canbo", monday);
  auto code = code_of(f.take_one());
  for (int i = 1; i <= 5; ++i) {
    CAPTURE(i);
    f.priv("x-1", "/thamgia ZZZZZZ", monday + std::chrono::minutes{i});
    auto text = f.take_one();
    CHECK(has(text, "không đúng"));
    if (i < 5) CHECK(has(text, "còn " + std::to_string(5 - i) + " lần"));
    else CHECK(has(text, "hết lượt thử: hãy thử lại sau 56 phút"));  // the first try leaves the hour at +61 min
  }
  // Even the right code waits now, and stays unused.
  f.priv("x-1", "/thamgia " + code, monday + std::chrono::minutes{10});
  auto refused = f.take_one();
  CHECK(has(refused, "sai mã mời 5 lần"));
  CHECK(has(refused, "sau 51 phút"));
  CHECK_FALSE(member(f, "x-1"));
  CHECK(used_invites(f) == 0);
  // Someone else is not held back; a used code is no guess and costs no try.
  f.priv("x-2", "/thamgia ZZZZZZ", monday + std::chrono::minutes{10});
  CHECK(has(f.take_one(), "còn 4 lần"));
  // Once the first wrong try is an hour old, the person may try again.
  f.priv("x-1", "/thamgia " + code, monday + std::chrono::minutes{62});
  f.take();
  REQUIRE(member(f, "x-1"));
  CHECK(member(f, "x-1")->role == domain::role::canbo);
}

TEST_CASE("thamgia: in a group the code is refused and stays unused; it then works in private") {
  test::dispatch_fixture f;
  f.group("admin-1", "/moi tinhnguyen", monday);
  auto code = code_of(f.take_one());
  f.group("tnv-1", "/thamgia " + code, monday + std::chrono::minutes{1});
  auto out = f.take();
  REQUIRE(out.size() == 1);
  CHECK(out[0].chat_id == "group-bg");
  CHECK(has(out[0].text, "nhắn RIÊNG"));
  CHECK(used_invites(f) == 0);
  CHECK_FALSE(member(f, "tnv-1"));

  f.priv("tnv-1", "/thamgia " + code, monday + std::chrono::minutes{2});
  CHECK(has(f.take()[0].text, "Tình nguyện viên"));
  CHECK(member(f, "tnv-1")->role == domain::role::tinhnguyen);
}

TEST_CASE("thamgia: without a code the sender is asked for one") {
  test::dispatch_fixture f;
  f.priv("someone", "/thamgia", monday);
  CHECK(has(f.take_one(), "/thamgia 7K3QX9"));
}

TEST_CASE("thamgia: a member joining with a code for another role gets the new role and is told so") {
  test::dispatch_fixture f;
  invite_and_join(f, "admin-1", "tinhnguyen", "u-1", monday);
  f.group("admin-1", "/moi canbo", monday);
  auto code = code_of(f.take_one());
  f.priv("u-1", "/thamgia " + code, monday + std::chrono::hours{1});
  auto out = f.take();
  REQUIRE(out.size() == 2);
  CHECK(has(out[0].text, "Vai trò trước đây: Tình nguyện viên"));
  CHECK(has(out[1].text, "thay cho vai trò Tình nguyện viên"));
  CHECK(member(f, "u-1")->role == domain::role::canbo);
  CHECK(f.count("members") == 2);
}

TEST_CASE("thamgia: a config admin keeps their role and the code is not used") {
  test::dispatch_fixture f;
  f.group("admin-1", "/moi canbo", monday);
  auto code = code_of(f.take_one());
  f.priv("admin-1", "/thamgia " + code, monday);
  CHECK(has(f.take_one(), "tệp cấu hình"));
  CHECK(member(f, "admin-1")->role == domain::role::lanhdao);
  CHECK(used_invites(f) == 0);
}

TEST_CASE("thanhvien: members are listed by role, numbered, village heads with their village, no phone") {
  test::dispatch_fixture f;
  invite_and_join(f, "admin-1", "tinhnguyen", "tnv-1", monday);
  invite_and_join(f, "admin-1", "truongthon Bắc Hà", "tt-1", monday);
  invite_and_join(f, "admin-1", "canbo", "cb-1", monday);
  f.group("cb-1", "/thành viên", monday + std::chrono::hours{1});
  auto text = f.take_one();
  auto leaders = text.find("Lãnh đạo (1)");
  auto staff = text.find("Cán bộ (1)");
  auto heads = text.find("Trưởng thôn (1)");
  auto volunteers = text.find("Tình nguyện viên (1)");
  REQUIRE(leaders != std::string::npos);
  REQUIRE(staff != std::string::npos);
  REQUIRE(heads != std::string::npos);
  REQUIRE(volunteers != std::string::npos);
  CHECK(leaders < staff);
  CHECK(staff < heads);
  CHECK(heads < volunteers);
  CHECK(has(text, "1. Người dùng admin-1 (theo tệp cấu hình)"));  // named since its /moi
  CHECK(has(text, "2. Người dùng cb-1 (bạn)"));
  CHECK(has(text, "3. Người dùng tt-1 — thôn Bắc Hà"));
  CHECK(has(text, "4. Người dùng tnv-1"));
  CHECK_FALSE(has(text, "/vaitro <số>"));  // a canbo cannot change roles
  f.group("stranger", "/thanhvien", monday);
  CHECK(has(f.take_one(), "thành viên của nhóm"));
}

TEST_CASE("vaitro: a leader changes a role by number and by name; the group and the member are told") {
  test::dispatch_fixture f;
  invite_and_join(f, "admin-1", "tinhnguyen", "tnv-1", monday);
  invite_and_join(f, "admin-1", "canbo", "cb-1", monday);
  // Numbers: 1 admin-1, 2 cb-1, 3 tnv-1.
  f.priv("admin-1", "/vaitro 3 truong thon Nam Hưng", monday + std::chrono::hours{1});
  auto out = f.take();
  REQUIRE(out.size() == 3);
  CHECK(out[0].chat_id == "admin-1");
  CHECK(has(out[0].text, "Tình nguyện viên → Trưởng thôn Nam Hưng"));
  CHECK(out[1].chat_id == "group-bg");
  CHECK(has(out[1].text, "Người dùng tnv-1"));
  CHECK(out[2].chat_id == "tnv-1");
  CHECK(has(out[2].text, "/dangky"));
  CHECK(member(f, "tnv-1")->role == domain::role::truongthon);
  CHECK(member(f, "tnv-1")->village == "Nam Hưng");

  // By name (a mention), folded; a village head keeps their village when none is given.
  f.group("admin-1", "/vaitro @nguoi dung cb-1 lanhdao", monday + std::chrono::hours{2});
  f.take();
  CHECK(member(f, "cb-1")->role == domain::role::lanhdao);
  f.group("admin-1", "/vaitro @Người dùng tnv-1 truongthon", monday + std::chrono::hours{2});
  CHECK(has(f.take()[0].text, "đã là Trưởng thôn Nam Hưng"));
  CHECK(member(f, "tnv-1")->village == "Nam Hưng");
}

TEST_CASE("vaitro: a name that matches several members lists them with numbers and changes nothing") {
  test::dispatch_fixture f;
  invite_and_join(f, "admin-1", "tinhnguyen", "tnv-1", monday);
  invite_and_join(f, "admin-1", "tinhnguyen", "tnv-2", monday);
  f.group("admin-1", "/vaitro Người dùng canbo", monday);
  auto text = f.take_one();
  CHECK(has(text, "2. Người dùng tnv-1"));
  CHECK(has(text, "3. Người dùng tnv-2"));
  CHECK(member(f, "tnv-1")->role == domain::role::tinhnguyen);
  CHECK(member(f, "tnv-2")->role == domain::role::tinhnguyen);
  f.group("admin-1", "/vaitro 9 canbo", monday);
  CHECK(has(f.take_one(), "danh sách có 3 người"));
  f.group("admin-1", "/vaitro 2 giamdoc", monday);
  CHECK(has(f.take_one(), "Không nhận ra vai trò"));
}

TEST_CASE("vaitro: revoking removes the member, says so in the group, and the person loses the commands") {
  test::dispatch_fixture f;
  invite_and_join(f, "admin-1", "canbo", "cb-1", monday);
  f.priv("admin-1", "/vaitro 2 thu hồi", monday + std::chrono::hours{1});
  auto out = f.take();
  REQUIRE(out.size() == 3);
  CHECK(has(out[0].text, "Đã thu hồi vai trò Cán bộ của Người dùng cb-1"));
  CHECK(out[1].chat_id == "group-bg");
  CHECK(out[2].chat_id == "cb-1");
  CHECK_FALSE(member(f, "cb-1"));
  f.group("cb-1", "/xacminh #1", monday + std::chrono::hours{2});
  CHECK(has(f.take_one(), "cán bộ hoặc lãnh đạo"));
}

TEST_CASE("vaitro: a config admin cannot be changed here, and only leaders may change roles") {
  test::dispatch_fixture f;
  invite_and_join(f, "admin-1", "lanhdao", "ld-2", monday);
  f.group("ld-2", "/vaitro 1 thuhoi", monday);
  CHECK(has(f.take_one(), "tệp cấu hình"));
  CHECK(member(f, "admin-1")->role == domain::role::lanhdao);
  invite_and_join(f, "admin-1", "canbo", "cb-1", monday);
  f.group("cb-1", "/vaitro 2 canbo", monday);
  CHECK(has(f.take_one(), "lãnh đạo"));
  CHECK(member(f, "ld-2")->role == domain::role::lanhdao);
}

TEST_CASE("vaitro: the last leader cannot revoke or demote themself; with another leader they can") {
  // A unit whose only leader joined by invitation (no config admin).
  test::dispatch_fixture f({test::demo_unit("binhgiang", "group-bg", {})});
  storage::member_record boss{"binhgiang", "boss", domain::role::lanhdao, "", "Trần Văn Sếp", "invite"};
  {
    storage::write_transaction tx(f.db());
    storage::unit_repository(f.db()).put_member(boss, monday);
    tx.commit();
  }
  f.priv("boss", "/vaitro 1 canbo", monday);
  CHECK(has(f.take_one(), "lãnh đạo duy nhất"));
  f.priv("boss", "/vaitro @Trần Văn Sếp thuhoi", monday);
  CHECK(has(f.take_one(), "lãnh đạo duy nhất"));
  CHECK(member(f, "boss")->role == domain::role::lanhdao);

  invite_and_join(f, "boss", "lanhdao", "ld-2", monday);
  f.priv("boss", "/vaitro Sếp canbo", monday + std::chrono::hours{1});
  f.take();
  CHECK(member(f, "boss")->role == domain::role::canbo);
}
