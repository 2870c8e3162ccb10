// Issue 14 over the dispatcher with a real SQLite file: /sua corrections (item 5), several open
// drafts (item 4), /tim by phone digits and address words (item 13), and closed periods' reports
// that never change (item 11).
#include <doctest/doctest.h>

#include <map>

#include "dispatch_fixture.hpp"
#include "storage/citizen_repository.hpp"
#include "storage/request_repository.hpp"

using namespace tannha;
using tannha::test::local;

namespace {

bool fx_has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

struct fixes_fixture : test::dispatch_fixture {
  fixes_fixture() {
    storage::unit_repository repo(db());
    auto put = [&](const char* id, domain::role r, const char* village, const char* name) {
      repo.put_member({"binhgiang", id, r, village, name, "invite"}, local(2026, 11, 1));
    };
    put("cb-1", domain::role::canbo, "", "Trần Văn Cán");
    put("tt-dh", domain::role::truongthon, "Đông Hải", "Nguyễn Văn Thôn");
    put("tt-ts", domain::role::truongthon, "Tây Sơn", "Lê Văn Sơn");
    put("tnv-1", domain::role::tinhnguyen, "", "Lê Thị Hoa");
  }
  storage::request_record req(std::int64_t number = 1) {
    storage::request_repository repo(db());
    auto r = repo.by_number("binhgiang", number);
    REQUIRE(r.has_value());
    return *r;
  }
  storage::citizen_record person(std::int64_t number = 1) {
    storage::citizen_repository repo(db());
    auto c = repo.get(req(number).citizen_id);
    REQUIRE(c.has_value());
    return *c;
  }
  std::vector<storage::event_record> history(std::int64_t number = 1) {
    storage::request_repository repo(db());
    return repo.events(req(number).id);
  }
  // Everything each chat got for one message.
  std::map<std::string, std::string> said(bool in_group, const std::string& user, const std::string& text,
                                          domain::instant at) {
    if (in_group) group(user, text, at);
    else priv(user, text, at);
    std::map<std::string, std::string> out;
    for (auto& m : take()) out[m.chat_id] += m.text;
    return out;
  }
  void register_by_village_head(domain::instant at) {
    priv("tt-dh",
         "/dangky\nHọ tên: Nguyễn Văn Tư\nNăm sinh: 1938\nThôn: Đông Hải\nĐịa chỉ: xóm 3, cạnh nhà văn hoá\n"
         "SĐT: 0912 345 678\nĐối tượng: thương binh\nThủ tục: chứng thực chữ ký",
         at);
    take();
  }
};

const auto mon = local(2026, 11, 23, 9);

}  // namespace

TEST_CASE("/sua: the registering village head corrects a line; history keeps old and new, the group is told") {
  fixes_fixture f;
  f.register_by_village_head(mon);
  auto out = f.said(false, "tt-dh", "/sua #1 năm sinh: 1954", local(2026, 11, 23, 10));
  CHECK(fx_has(out["tt-dh"], "Đã sửa hồ sơ #1"));
  CHECK(fx_has(out["tt-dh"], "Năm sinh: 1938 → 1954"));
  CHECK(fx_has(out["group-bg"], "Năm sinh: 1938 → 1954"));
  CHECK(fx_has(out["group-bg"], "đã sửa phiếu"));
  CHECK(f.person().birth_year == 1954);
  const auto events = f.history();
  REQUIRE(events.size() == 2);
  CHECK(events.back().to == f.req().state);
  CHECK(fx_has(events.back().note, "Năm sinh: 1938 → 1954"));
  CHECK(fx_has(events.back().note, "Sửa"));
}

TEST_CASE("/sua: personal fields are whole in private and in the history, never whole in the group") {
  fixes_fixture f;
  f.register_by_village_head(mon);
  auto out = f.said(true, "cb-1", "/sua #1\nSĐT: 0987 654 321\nĐịa chỉ: xóm 5 nhà mái đỏ\nĐối tượng: người khuyết tật",
                    local(2026, 11, 23, 10));
  const auto group = out["group-bg"];
  CHECK(fx_has(group, "Đã sửa hồ sơ #1"));
  CHECK(fx_has(group, "*******321"));
  CHECK(fx_has(group, "Địa chỉ: đã sửa"));
  CHECK(fx_has(group, "Đối tượng: đã sửa"));
  CHECK_FALSE(fx_has(group, "0987"));
  CHECK_FALSE(fx_has(group, "mái đỏ"));
  CHECK_FALSE(fx_has(group, "xóm 3"));
  CHECK_FALSE(fx_has(group, "khuyết tật"));
  const auto c = f.person();
  CHECK(c.phone == "0987654321");
  CHECK(c.address == "xóm 5 nhà mái đỏ");
  CHECK(fx_has(f.history().back().note, "0912345678 → 0987654321"));
  CHECK(fx_has(f.history().back().note, "xóm 3, cạnh nhà văn hoá → xóm 5 nhà mái đỏ"));

  // /hoso in private shows the correction whole; in the group only its masked version.
  auto priv_record = f.said(false, "cb-1", "/hoso #1", local(2026, 11, 23, 11))["cb-1"];
  CHECK(fx_has(priv_record, "xóm 3, cạnh nhà văn hoá → xóm 5 nhà mái đỏ"));
  auto group_record = f.said(true, "cb-1", "/hoso #1", local(2026, 11, 23, 11))["group-bg"];
  CHECK(fx_has(group_record, "SĐT: *******678 → *******321"));
  CHECK(fx_has(group_record, "Địa chỉ (đã sửa)"));
  CHECK_FALSE(fx_has(group_record, "mái đỏ"));
  CHECK_FALSE(fx_has(group_record, "0987654321"));
}

TEST_CASE("/sua: a wrong line, an unknown line, no line, another village's head, a closed request change nothing") {
  fixes_fixture f;
  f.register_by_village_head(mon);
  const auto n = f.history().size();
  auto text = f.said(true, "cb-1", "/sua #1 năm sinh: abc", local(2026, 11, 23, 10))["group-bg"];
  CHECK(fx_has(text, "Chưa sửa hồ sơ #1"));
  CHECK(fx_has(text, "Năm sinh"));
  text = f.said(true, "cb-1", "/sua #1\nNăm sinh: 1954\nSĐT: 12345", local(2026, 11, 23, 10))["group-bg"];
  CHECK(fx_has(text, "Chưa sửa hồ sơ #1"));
  CHECK(fx_has(text, "SĐT"));
  CHECK(f.person().birth_year == 1938);  // the good line is not applied alone
  text = f.said(true, "cb-1", "/sua #1 xin chào", local(2026, 11, 23, 10))["group-bg"];
  CHECK(fx_has(text, "Chưa sửa gì ở hồ sơ #1"));
  text = f.said(true, "cb-1", "/sua #1 năm sinh: 1938", local(2026, 11, 23, 10))["group-bg"];
  CHECK(fx_has(text, "không có gì thay đổi"));
  text = f.said(true, "tt-ts", "/sua #1 năm sinh: 1954", local(2026, 11, 23, 10))["group-bg"];
  CHECK(fx_has(text, "chỉ dành cho"));
  text = f.said(true, "tnv-1", "/sua #1 năm sinh: 1954", local(2026, 11, 23, 10))["group-bg"];
  CHECK(fx_has(text, "chỉ dành cho"));
  text = f.said(true, "tt-dh", "/sua #1 thôn: Tây Sơn", local(2026, 11, 23, 10))["group-bg"];
  CHECK(fx_has(text, "Chưa sửa hồ sơ #1"));
  CHECK(f.person().village == "Đông Hải");
  CHECK(f.history().size() == n);

  f.said(true, "cb-1", "/huy #1 người dân tự đến", local(2026, 11, 23, 11));
  text = f.said(true, "cb-1", "/sua #1 năm sinh: 1954", local(2026, 11, 23, 12))["group-bg"];
  CHECK(fx_has(text, "đã đóng"));
  CHECK(f.person().birth_year == 1938);
}

TEST_CASE("/sua: the procedure and the name are corrected as /dangky reads them") {
  fixes_fixture f;
  f.register_by_village_head(mon);
  auto text = f.said(true, "cb-1", "/sua #1\nthu tuc khai sinh\nHọ tên: ông Nguyễn Văn Tứ", local(2026, 11, 23, 10))["group-bg"];
  CHECK(fx_has(text, "Thủ tục: Chứng thực chữ ký → Đăng ký khai sinh"));
  CHECK(fx_has(text, "Họ tên: Nguyễn Văn Tư → Nguyễn Văn Tứ"));
  CHECK(f.req().procedure_code == "HT-01");
  CHECK(f.person().full_name == "Nguyễn Văn Tứ");
}
