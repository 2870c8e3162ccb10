// The request lifecycle over the dispatcher: every path of docs/DESIGN.md §2, and every mistake
// answered without changing anything.
#include <doctest/doctest.h>

#include "dispatch_fixture.hpp"
#include "storage/request_repository.hpp"

using namespace tannha;
using tannha::test::local;

namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A Bình Giang fixture with a staff member and village heads.
struct lifecycle_fixture : test::dispatch_fixture {
  lifecycle_fixture() {
    storage::unit_repository repo(db());
    auto put = [&](const char* id, domain::role r, const char* village, const char* name) {
      repo.put_member({"binhgiang", id, r, village, name, "invite"}, local(2026, 11, 1));
    };
    put("cb-1", domain::role::canbo, "", "Trần Văn Cán");
    put("tt-dh", domain::role::truongthon, "Đông Hải", "Nguyễn Văn Thôn");
    put("tt-dh2", domain::role::truongthon, "Đông Hải", "Lê Văn Phó");
    put("tt-ts", domain::role::truongthon, "Tây Sơn", "Phạm Thị Sơn");
    put("tnv-hoa", domain::role::tinhnguyen, "", "Lê Thị Hoa");
  }

  storage::request_record req(std::int64_t number = 1) {
    storage::request_repository repo(db());
    auto r = repo.by_number("binhgiang", number);
    REQUIRE(r.has_value());
    return *r;
  }
  std::size_t events(std::int64_t number = 1) {
    storage::request_repository repo(db());
    return repo.events(req(number).id).size();
  }
  // Registers the example form (Đông Hải) in the group as the leader; returns nothing queued.
  void register_example(domain::instant at, const std::string& procedure = "chứng thực chữ ký",
                        const std::string& name = "Nguyễn Văn Tư") {
    std::string form = std::string("/dangky\nHọ tên: ") + name +
                       "\nNăm sinh: 1938\nThôn: Đông Hải\nĐịa chỉ: xóm 3, cạnh nhà văn hoá\nSĐT: 0912 345 678\n"
                       "Đối tượng: thương binh\nThủ tục: " + procedure;
    group("admin-1", form, at);
    take();
  }
  // Sends in the group as `user` and returns the one reply in the group (other messages dropped).
  std::string in_group(const std::string& user, const std::string& text, domain::instant at) {
    group(user, text, at);
    std::string reply;
    for (auto& m : take())
      if (m.chat_id == "group-bg" && reply.empty()) reply = m.text;
    return reply;
  }
};

const auto wed = local(2026, 11, 25, 10);  // Wednesday before the Thursday cut-off: Saturday 28/11

}  // namespace

TEST_CASE("lifecycle: a request walks registration, verify, schedule, receive, result, return by post and rating") {
  lifecycle_fixture f;
  f.register_example(wed, "BHYT");

  auto text = f.in_group("cb-1", "/xacminh #1 đủ điều kiện", local(2026, 11, 25, 11));
  CHECK(has(text, "#1"));
  CHECK(has(text, "đã xác minh"));
  CHECK(f.req().state == domain::request_state::verified);

  text = f.in_group("cb-1", "/xeplich #1 @Lê Thị Hoa @Nam", local(2026, 11, 25, 11, 5));
  CHECK(has(text, "#1 xếp lịch Thứ Bảy 28/11 lúc 08:00, đoàn: Lê Thị Hoa, Nam"));
  auto r = f.req();
  CHECK(r.state == domain::request_state::scheduled);
  CHECK(r.team == "Lê Thị Hoa, Nam");
  CHECK(r.visit_time == "08:00");
  REQUIRE(r.visit_day.has_value());
  CHECK(domain::iso_date(*r.visit_day) == "2026-11-28");

  // Received on Saturday; 5 working days skip the weekend: Friday 04/12/2026.
  text = f.in_group("tnv-hoa", "/tiepnhan #1 H15.50.05.13-261008-0975", local(2026, 11, 28, 8, 40));
  CHECK(has(text, "PHIẾU HẸN"));
  CHECK(has(text, "#1"));
  CHECK(has(text, "Cấp thẻ bảo hiểm y tế"));
  CHECK(has(text, "Nguyễn Văn Tư"));
  CHECK(has(text, "Thứ Sáu 04/12/2026"));
  CHECK(has(text, "H15.50.05.13-261008-0975"));
  CHECK(has(text, "Qua bưu chính công ích"));
  CHECK(has(text, "Tại nhà"));
  CHECK_FALSE(has(text, "0912"));
  r = f.req();
  CHECK(r.state == domain::request_state::processing);
  CHECK(r.dossier_code == "H15.50.05.13-261008-0975");
  REQUIRE(r.due_day.has_value());
  CHECK(domain::iso_date(*r.due_day) == "2026-12-04");
  CHECK(r.received_at.has_value());

  text = f.in_group("cb-1", "/cokq #1", local(2026, 12, 2, 15));
  CHECK(has(text, "đã có kết quả"));
  CHECK(f.req().state == domain::request_state::result_ready);
  CHECK(f.req().result_at.has_value());

  text = f.in_group("cb-1", "/datra #1 bưu điện", local(2026, 12, 3, 9));
  CHECK(has(text, "Qua bưu chính công ích"));
  CHECK(has(text, "Đúng hẹn"));
  CHECK(has(text, "/danhgia #1"));
  r = f.req();
  CHECK(r.state == domain::request_state::returned);
  CHECK(r.return_way == "Qua bưu chính công ích");
  CHECK(r.returned_at.has_value());

  text = f.in_group("tt-dh", "/danhgia #1 5 rất hài lòng", local(2026, 12, 3, 10));
  CHECK(has(text, "5/5"));
  r = f.req();
  CHECK(r.rating == 5);
  CHECK(r.rating_note == "rất hài lòng");
  CHECK(r.state == domain::request_state::returned);

  // registration + six commands, each one event.
  CHECK(f.events() == 7);
  storage::request_repository repo(f.db());
  auto evs = repo.events(r.id);
  CHECK(evs.back().note == "Đánh giá 5/5: rất hài lòng");
  CHECK(evs[1].actor == "cb-1");
}

TEST_CASE("lifecycle: the needs-papers loop schedules again and then receives") {
  lifecycle_fixture f;
  f.register_example(wed);
  // Scheduling straight from registered verifies in the same step.
  f.in_group("cb-1", "/xeplich #1", local(2026, 11, 25, 11));
  CHECK(f.req().state == domain::request_state::scheduled);

  auto text = f.in_group("cb-1", "/bosung #1 bản sao CCCD của người được ủy quyền", local(2026, 11, 28, 9));
  CHECK(has(text, "bản sao CCCD của người được ủy quyền"));
  CHECK(f.req().state == domain::request_state::needs_papers);

  text = f.in_group("cb-1", "/xeplich #1 05/12 9h30", local(2026, 11, 30, 9));
  CHECK(has(text, "Thứ Bảy 05/12 lúc 09:30"));
  CHECK(f.req().state == domain::request_state::scheduled);

  text = f.in_group("cb-1", "/tiepnhan #1", local(2026, 12, 5, 10));
  CHECK(has(text, "PHIẾU HẸN"));
  CHECK(has(text, "Thứ Hai 07/12/2026"));  // 1 working day after a Saturday
  CHECK(f.req().state == domain::request_state::processing);
  CHECK(f.events() == 5);
}

TEST_CASE("lifecycle: a refusal needs a reason, ends the request, and later commands name the state") {
  lifecycle_fixture f;
  f.register_example(wed);
  auto text = f.in_group("cb-1", "/tuchoi #1", local(2026, 11, 25, 11));
  CHECK(has(text, "lý do"));
  CHECK(has(text, "/tuchoi #1"));
  CHECK(f.req().state == domain::request_state::registered);
  CHECK(f.events() == 1);

  text = f.in_group("cb-1", "/tuchoi #1 không thuộc thẩm quyền của xã", local(2026, 11, 25, 11));
  CHECK(has(text, "không thuộc thẩm quyền của xã"));
  CHECK(f.req().state == domain::request_state::rejected);
  storage::request_repository repo(f.db());
  CHECK(repo.events(f.req().id).back().note == "không thuộc thẩm quyền của xã");

  text = f.in_group("cb-1", "/xacminh #1", local(2026, 11, 25, 12));
  CHECK(has(text, "Từ chối"));
  CHECK(has(text, "kết thúc"));
  CHECK(f.events() == 2);
}

TEST_CASE("lifecycle: a cancellation needs a reason and stores it; the registering village head may cancel") {
  lifecycle_fixture f;
  f.priv("tt-dh", test::full_form, wed);
  f.take();
  auto text = f.in_group("tt-dh", "/huy #1", local(2026, 11, 25, 11));
  CHECK(has(text, "lý do"));
  CHECK(f.req().state == domain::request_state::registered);

  f.priv("tt-dh", "/huy #1 người dân đã tự đến Trung tâm", local(2026, 11, 25, 11));
  auto out = f.take();
  CHECK(f.req().state == domain::request_state::cancelled);
  REQUIRE_FALSE(out.empty());
  CHECK(out[0].chat_id == "tt-dh");
  CHECK(has(out[0].text, "đã hủy"));
  CHECK(f.events() == 2);
}

TEST_CASE("lifecycle: a postponement needs a reason, clears the visit, and a re-schedule takes the next slot") {
  lifecycle_fixture f;
  f.register_example(wed);
  f.in_group("cb-1", "/xeplich #1 @Hoa", local(2026, 11, 25, 11));
  auto text = f.in_group("cb-1", "/hoan #1", local(2026, 11, 26, 9));
  CHECK(has(text, "lý do"));
  CHECK(f.req().state == domain::request_state::scheduled);
  CHECK(f.events() == 2);

  text = f.in_group("cb-1", "/hoãn #1 người dân đi viện", local(2026, 11, 26, 9));
  CHECK(has(text, "Thứ Bảy 28/11"));
  // Going to hospital is a health detail: the group reads the neutral phrase, the history keeps it.
  CHECK_FALSE(has(text, "đi viện"));
  CHECK(has(text, "nội dung riêng"));
  auto r = f.req();
  CHECK(r.state == domain::request_state::verified);
  CHECK_FALSE(r.visit_day.has_value());
  CHECK_FALSE(r.proposed_day.has_value());
  CHECK(r.visit_time.empty());
  CHECK(r.team == "Lê Thị Hoa");  // "Hoa" is the member Lê Thị Hoa, shown by her name
  storage::request_repository repo(f.db());
  auto ev = repo.events(r.id).back();
  CHECK(ev.from == domain::request_state::scheduled);
  CHECK(ev.to == domain::request_state::verified);
  CHECK(ev.note.starts_with("người dân đi viện"));

  // Friday, after the cut-off: the default is the Saturday after next.
  text = f.in_group("cb-1", "/xeplich #1", local(2026, 11, 27, 9));
  CHECK(has(text, "Thứ Bảy 05/12"));
  CHECK(has(text, "đoàn: Lê Thị Hoa"));  // the team kept, by the member's name
  CHECK(f.req().state == domain::request_state::scheduled);
}

TEST_CASE("lifecycle: illegal transitions are answered with the current state and change nothing") {
  lifecycle_fixture f;
  f.register_example(wed);
  auto before = f.req();
  struct probe {
    const char* command;
    const char* expect;
  };
  for (auto p : {probe{"/tiepnhan #1", "chưa thể tiếp nhận"}, probe{"/cokq #1", "chưa thể báo có kết quả"},
                 probe{"/datra #1 bưu điện", "chưa thể trả kết quả"}, probe{"/hoan #1 mưa to", "chưa thể hoãn"},
                 probe{"/bosung #1 CCCD", "chưa thể yêu cầu bổ sung"}}) {
    CAPTURE(p.command);
    auto text = f.in_group("cb-1", p.command, local(2026, 11, 25, 11));
    CHECK(has(text, "Mới đăng ký"));
    CHECK(has(text, p.expect));
    CHECK(has(text, "/xacminh"));
  }
  auto text = f.in_group("cb-1", "/danhgia #1 5", local(2026, 11, 25, 11));
  CHECK(has(text, "Mới đăng ký"));
  auto after = f.req();
  CHECK(after.state == before.state);
  CHECK_FALSE(after.due_day.has_value());
  CHECK_FALSE(after.rating.has_value());
  CHECK(after.return_way.empty());
  CHECK(f.events() == 1);
}

TEST_CASE("lifecycle: a missing or unknown number is answered and nothing changes") {
  lifecycle_fixture f;
  f.register_example(wed);
  auto text = f.in_group("cb-1", "/xacminh", local(2026, 11, 25, 11));
  CHECK(has(text, "/xacminh #12"));
  text = f.in_group("cb-1", "/xacminh #99", local(2026, 11, 25, 11));
  CHECK(has(text, "#99"));
  CHECK(has(text, "Xã Bình Giang"));
  CHECK(f.req().state == domain::request_state::registered);
}

TEST_CASE("xeplich: scheduling by default moves past a full visit day and says so; an explicit date only warns") {
  lifecycle_fixture f;
  f.register_example(wed);  // #1 proposed for Saturday 28/11
  const auto fri = local(2026, 11, 27, 10);  // after the cut-off: #2–#4 proposed for 05/12
  f.register_example(fri, "khai sinh", "Trần Văn Hai");
  f.register_example(fri, "khai tử", "Trần Văn Ba");
  f.register_example(fri, "BHYT", "Trần Văn Bốn");
  f.in_group("cb-1", "/xeplich #2 28/11", fri);
  f.in_group("cb-1", "/xeplich #3 28/11", fri);
  // 28/11 now holds #1 (proposed), #2 and #3: capacity 3 reached.
  auto text = f.in_group("cb-1", "/xeplich #4 thứ bảy", fri);
  CHECK(has(text, "Thứ Bảy 28/11"));
  CHECK(has(text, "vượt sức chứa"));
  CHECK(domain::iso_date(*f.req(4).visit_day) == "2026-11-28");

  text = f.in_group("cb-1", "/xeplich #1", fri);
  CHECK(has(text, "Thứ Bảy 05/12"));
  CHECK(has(text, "28/11 đã đủ 3 hồ sơ"));
  CHECK(domain::iso_date(*f.req(1).visit_day) == "2026-12-05");
}

TEST_CASE("xeplich: a past date is refused and nothing changes") {
  lifecycle_fixture f;
  f.register_example(wed);
  auto text = f.in_group("cb-1", "/xeplich #1 20/11", local(2026, 11, 27, 10));
  CHECK(has(text, "Ngày đã qua"));
  CHECK(has(text, "20/11"));
  CHECK(f.req().state == domain::request_state::registered);
  CHECK_FALSE(f.req().visit_day.has_value());
  CHECK(f.events() == 1);
}

TEST_CASE("xeplich: weekday words, tomorrow, times and afternoon are understood; an unknown word is named") {
  lifecycle_fixture f;
  f.register_example(wed);
  f.register_example(wed, "khai sinh", "Trần Văn Hai");
  f.register_example(wed, "khai tử", "Trần Văn Ba");
  f.register_example(wed, "BHYT", "Trần Văn Bốn");
  CHECK(has(f.in_group("cb-1", "/xeplich #1 chủ nhật 14g30 @Hoa", wed), "Chủ Nhật 29/11 lúc 14:30, đoàn: Lê Thị Hoa"));
  CHECK(has(f.in_group("cb-1", "/xeplich #2 ngày mai 8h30", wed), "Thứ Năm 26/11 lúc 08:30"));
  CHECK(has(f.in_group("cb-1", "/xeplich #3 thu 4 chiều 2 giờ", wed), "Thứ Tư 25/11 lúc 14:00"));  // today
  auto text = f.in_group("cb-1", "/xeplich #4 sớm nhất", wed);
  CHECK(has(text, "Chưa hiểu \"sớm\""));
  CHECK(f.req(4).state == domain::request_state::registered);
}

TEST_CASE("phancong: sets the team without a state change; a closed request is refused") {
  lifecycle_fixture f;
  f.register_example(wed);
  auto text = f.in_group("cb-1", "/phancong #1", wed);
  CHECK(has(text, "/phancong #1 @"));
  text = f.in_group("cb-1", "/phân công #1 @Lê Thị Hoa, Công an xã @Nam", wed);
  CHECK(has(text, "Lê Thị Hoa, Công an xã, Nam"));
  auto r = f.req();
  CHECK(r.team == "Lê Thị Hoa, Công an xã, Nam");
  CHECK(r.state == domain::request_state::registered);
  storage::request_repository repo(f.db());
  auto ev = repo.events(r.id).back();
  CHECK(ev.from == domain::request_state::registered);
  CHECK(ev.to == domain::request_state::registered);
  CHECK(ev.note == "Phân công: Lê Thị Hoa, Công an xã, Nam");

  f.in_group("cb-1", "/huy #1 trùng hồ sơ", wed);
  text = f.in_group("cb-1", "/phancong #1 @Bình", wed);
  CHECK(has(text, "Đã hủy"));
  CHECK(f.req().team == "Lê Thị Hoa, Công an xã, Nam");
}

TEST_CASE("tiepnhan: a text that is not a dossier code is answered with an example and nothing changes") {
  lifecycle_fixture f;
  f.register_example(wed);
  f.in_group("cb-1", "/xeplich #1", wed);
  auto text = f.in_group("cb-1", "/tiepnhan #1 đủ giấy tờ", local(2026, 11, 28, 9));
  CHECK(has(text, "mã hồ sơ"));
  CHECK(has(text, "H15.50.05.13-261008-0975"));
  CHECK(f.req().state == domain::request_state::scheduled);
  text = f.in_group("cb-1", "/tiepnhan #1 mã hồ sơ: H15.50.05.13-261008-0975", local(2026, 11, 28, 9));
  CHECK(has(text, "PHIẾU HẸN"));
  CHECK(f.req().dossier_code == "H15.50.05.13-261008-0975");
}

TEST_CASE("datra: an unknown way lists the valid ones; late returns are counted; default is at home") {
  lifecycle_fixture f;
  f.register_example(wed);
  f.register_example(wed, "khai sinh", "Trần Văn Hai");
  for (const char* n : {"#1", "#2"}) {
    f.in_group("cb-1", std::string("/xeplich ") + n, wed);
    f.in_group("cb-1", std::string("/tiepnhan ") + n, local(2026, 11, 28, 9));  // CT-01 due Mon 30/11
    f.in_group("cb-1", std::string("/cokq ") + n, local(2026, 11, 30, 9));
  }
  auto text = f.in_group("cb-1", "/datra #1 chuyển phát nhanh", local(2026, 12, 1, 9));
  CHECK(has(text, "chuyển phát nhanh"));
  CHECK(has(text, "Qua bưu chính công ích"));
  CHECK(has(text, "Trực tuyến (Cổng Dịch vụ công quốc gia)"));
  CHECK(f.req().state == domain::request_state::result_ready);

  text = f.in_group("cb-1", "/datra #1", local(2026, 12, 2, 9));
  CHECK(has(text, "Tại nhà (đoàn trả)"));
  CHECK(has(text, "Trễ hẹn 2 ngày"));
  CHECK(f.req().return_way == "Tại nhà (đoàn trả)");

  text = f.in_group("tt-dh", "/datra #2 qua trưởng thôn", local(2026, 11, 30, 15));
  CHECK(has(text, "Qua trưởng thôn"));
  CHECK(has(text, "Đúng hẹn"));
}

TEST_CASE("danhgia: only after return, 1–5 in several spellings, and rating again replaces it") {
  lifecycle_fixture f;
  f.register_example(wed);
  f.in_group("cb-1", "/xeplich #1", wed);
  f.in_group("cb-1", "/tiepnhan #1", local(2026, 11, 28, 9));
  f.in_group("cb-1", "/cokq #1", local(2026, 11, 30, 9));
  CHECK(has(f.in_group("cb-1", "/danhgia #1 5", local(2026, 11, 30, 9)), "Có kết quả"));
  f.in_group("cb-1", "/datra #1 tận nhà", local(2026, 11, 30, 10));
  auto n = f.events();

  auto text = f.in_group("cb-1", "/danhgia #1 6", local(2026, 11, 30, 11));
  CHECK(has(text, "từ 1 đến 5"));
  text = f.in_group("cb-1", "/danhgia #1 tốt", local(2026, 11, 30, 11));
  CHECK(has(text, "từ 1 đến 5"));
  CHECK(f.events() == n);
  CHECK_FALSE(f.req().rating.has_value());

  text = f.in_group("cb-1", "/danhgia #1 4/5 cán bộ nhiệt tình", local(2026, 11, 30, 11));
  CHECK(has(text, "4/5"));
  CHECK(f.req().rating == 4);
  CHECK(f.req().rating_note == "cán bộ nhiệt tình");
  text = f.in_group("cb-1", "/danhgia #1 5 sao", local(2026, 11, 30, 12));
  CHECK(has(text, "5/5"));
  CHECK(has(text, "Thay cho đánh giá trước: 4/5"));
  CHECK(f.req().rating == 5);
  CHECK(f.req().rating_note.empty());
  CHECK(f.events() == n + 2);
}

TEST_CASE("village heads are told privately when their request is scheduled, needs papers, or has a result") {
  lifecycle_fixture f;
  f.priv("tt-dh", test::full_form, wed);  // the village head registers privately
  f.take();

  f.group("cb-1", "/xeplich #1 @Hoa", local(2026, 11, 25, 11));
  auto out = f.take();
  // The group reply, then the registrant and the other head of Đông Hải; not the head of Tây Sơn.
  REQUIRE(out.size() == 3);
  CHECK(out[0].chat_id == "group-bg");
  CHECK(out[1].chat_id == "tt-dh");
  CHECK(out[2].chat_id == "tt-dh2");
  CHECK(has(out[1].text, "Thứ Bảy 28/11"));
  CHECK(has(out[1].text, "08:00"));
  CHECK(has(out[1].text, "Nguyễn Văn Tư"));

  f.group("cb-1", "/bosung #1 giấy chứng nhận thương binh", local(2026, 11, 28, 9));
  out = f.take();
  REQUIRE(out.size() == 3);
  CHECK(has(out[1].text, "giấy chứng nhận thương binh"));

  f.group("cb-1", "/xeplich #1 05/12", local(2026, 11, 30, 9));
  f.group("cb-1", "/tiepnhan #1", local(2026, 12, 5, 9));
  f.take();
  f.group("cb-1", "/cokq #1", local(2026, 12, 7, 9));
  out = f.take();
  REQUIRE(out.size() == 3);
  CHECK(out[1].chat_id == "tt-dh");
  CHECK(has(out[1].text, "đã có kết quả"));
  for (const auto& m : out) CHECK(m.chat_id != "tt-ts");
}

TEST_CASE("done in private chat, a change is posted to the group without phone, address or category") {
  lifecycle_fixture f;
  f.register_example(wed);
  f.priv("cb-1", "/xacminh #1", local(2026, 11, 25, 11));
  auto out = f.take();
  REQUIRE(out.size() == 2);
  CHECK(out[0].chat_id == "cb-1");
  CHECK(out[1].chat_id == "group-bg");
  CHECK(has(out[1].text, "#1"));
  CHECK(has(out[1].text, "Nguyễn Văn Tư"));
  CHECK(has(out[1].text, "đã xác minh"));
  CHECK_FALSE(has(out[1].text, "0912"));
  CHECK_FALSE(has(out[1].text, "xóm 3"));
  CHECK_FALSE(has(out[1].text, "hương binh"));

}

TEST_CASE("a village head who cancels their own request privately is answered once, and the group and other head are told") {
  lifecycle_fixture f;
  f.priv("tt-dh", test::full_form, wed);
  f.take();
  f.priv("tt-dh", "/huy #1 người dân đã tự đến Trung tâm", local(2026, 11, 25, 12));
  auto out = f.take();
  int to_sender = 0;
  int to_group = 0;
  int to_other_head = 0;
  for (const auto& m : out) {
    if (m.chat_id == "tt-dh") ++to_sender;
    if (m.chat_id == "group-bg") ++to_group;
    if (m.chat_id == "tt-dh2") ++to_other_head;
  }
  CHECK(to_sender == 1);
  CHECK(to_group == 1);
  CHECK(to_other_head == 1);
  CHECK(out.size() == 3);
  CHECK(f.req().state == domain::request_state::cancelled);
}
