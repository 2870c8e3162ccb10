// A closed month's report never changes (issue 14, item 11), over the real server, a fake Zalo
// API and one SQLite file: November's work through the commands, November's report on 1
// December (/baocao tháng 11, the monthly post and `tannha export --what report`), then
// December's work on November's requests — a rating changed, the late one returned and rated,
// the backlog verified, cancelled and scheduled, new requests — and November's report again:
// the same bytes. The process clock (--clock) moves between days by restarting the server.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <sstream>

#include "bot/fake_platform.hpp"
#include "members_unit_config.hpp"
#include "server_process.hpp"
#include "test_ops_process.hpp"

using namespace tannha;
using namespace std::chrono_literals;
using nlohmann::json;

namespace report_closed_e2e {
namespace {

const std::string secret = "bi-mat-bao-cao";
const std::string lead = "a0000000000000000001";  // Chủ tịch (config admin)

std::string config(const test::fake_platform& fp) { return test::members_unit_config(fp, secret); }

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

/// The leader's private chat with one running server at a time.
class chat {
 public:
  explicit chat(test::fake_platform& fp) : fp_(fp) {}

  /// Talks to this server from now on; returns what it sent the leader on its own at start.
  std::vector<std::string> attach(test::server_process& srv) {
    srv_ = &srv;
    return settle();
  }

  /// Sends `text` as the leader; returns every message the leader got since.
  std::vector<std::string> say(const std::string& text) {
    ++seq_;
    auto body = json{{"event_name", "message.text.received"},
                     {"message",
                      {{"from", {{"id", lead}, {"display_name", "Lê Văn Minh"}, {"is_bot", false}}},
                       {"chat", {{"id", lead}, {"chat_type", "PRIVATE"}}},
                       {"text", text},
                       {"message_id", "r" + std::to_string(seq_)},
                       {"date", 1764377131999LL}}}}
                    .dump();
    auto a = test::http_call(srv_->port(), "POST", "/webhook", body, {{"X-Bot-Api-Secret-Token", secret}});
    REQUIRE(a.status == 200);
    REQUIRE(fp_.wait_for_requests(seen_ + 1, 10s));
    return settle();
  }

  /// The one reply to `text` (fails otherwise).
  std::string ask(const std::string& text) {
    CAPTURE(text);
    auto got = say(text);
    REQUIRE(got.size() == 1);
    return got[0];
  }

 private:
  std::vector<std::string> settle() {
    std::size_t before = 0;
    do {
      before = fp_.request_count();
      std::this_thread::sleep_for(400ms);
    } while (fp_.request_count() != before);
    std::vector<std::string> out;
    auto all = fp_.requests();
    for (std::size_t i = seen_; i < all.size(); ++i)
      if (contains(all[i].target, "sendMessage") && all[i].chat_id() == lead) out.push_back(all[i].text());
    seen_ = all.size();
    return out;
  }

  test::fake_platform& fp_;
  test::server_process* srv_ = nullptr;
  std::size_t seen_ = 0;
  int seq_ = 0;
};

std::string form(const std::string& name, const std::string& village, const std::string& procedure) {
  return "/dangky\nHọ tên: " + name + "\nNăm sinh: 1942\nThôn: " + village +
         "\nĐịa chỉ: xóm 2\nĐối tượng: cao tuổi\nThủ tục: " + procedure;
}

// November's report as `tannha export --what report` writes it (CSV bytes).
std::string exported_report(const test::temp_dir& dir, const std::string& config_path, const std::string& name) {
  auto out = dir.file(name);
  auto r = test::run_tannha({"export", "--config", config_path, "--unit", "binhgiang", "--period", "2026-11",
                             "--what", "report", "--format", "csv", "--out", out});
  CAPTURE(r.output);
  REQUIRE(r.exit_code == 0);
  std::ifstream in(out, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST_CASE("e2e report: a closed month's report stays identical after later ratings, returns and registrations") {
  test::fake_platform fp;
  fp.start();
  test::temp_dir dir;
  chat c(fp);
  std::string config_path;
  {
    // Monday 02/11: four requests; one verified by /xacminh, two scheduled (one straight from
    // registration, which verifies it in the same step).
    test::server_process srv(dir, config(fp), {"--clock", "2026-11-02T09:00:00+07:00"});
    c.attach(srv);
    CHECK(contains(c.ask(form("Nguyễn Văn Tư", "Đông Hải", "chứng thực chữ ký")), "#1"));
    CHECK(contains(c.ask(form("Trần Thị Lan", "Tây Sơn", "đăng ký khai tử")), "#2"));
    CHECK(contains(c.ask(form("Phạm Văn Ba", "Đông Hải", "chứng thực chữ ký")), "#3"));
    CHECK(contains(c.ask(form("Lê Thị Năm", "Tây Sơn", "chứng thực chữ ký")), "#4"));
    c.say("/xacminh #1 đủ điều kiện");
    c.say("/xeplich #1 7/11 8h");
    c.say("/xeplich #2 7/11 9h");
  }
  {
    // Saturday 07/11: both dossiers received at home (due one working day later).
    test::server_process srv(dir, config(fp), {"--clock", "2026-11-07T10:00:00+07:00"});
    c.attach(srv);
    CHECK(contains(c.ask("/tiepnhan #1"), "#1"));
    CHECK(contains(c.ask("/tiepnhan #2"), "#2"));
  }
  {
    // Monday 16/11: #1's result returned and rated 4; #2 stays late.
    test::server_process srv(dir, config(fp), {"--clock", "2026-11-16T10:00:00+07:00"});
    c.attach(srv);
    c.say("/cokq #1");
    c.say("/datra #1 tại nhà");
    c.say("/danhgia #1 4");
  }
  {
    // Monday 30/11, 15:00: a fifth request, open at the month's end.
    test::server_process srv(dir, config(fp), {"--clock", "2026-11-30T15:00:00+07:00"});
    c.attach(srv);
    CHECK(contains(c.ask(form("Đỗ Văn Sáu", "Đông Hải", "chứng thực chữ ký")), "#5"));
  }
  std::string november, posted;
  {
    // Tuesday 01/12: the monthly post (caught up at start) and /baocao tháng 11.
    test::server_process srv(dir, config(fp), {"--clock", "2026-12-01T09:00:00+07:00"});
    for (const auto& m : c.attach(srv))
      if (contains(m, "Báo cáo Tháng 11/2026")) posted = m;
    november = c.ask("/baocao tháng 11");
    config_path = srv.config_path();
  }
  CAPTURE(november);
  CHECK(contains(november, "Báo cáo Tháng 11/2026 — Xã Bình Giang"));
  CHECK_FALSE(contains(november, "tính đến"));
  CHECK(contains(november, "Mới đăng ký: 5 · Đã trả kết quả: 1"));
  CHECK(contains(november, "Tồn cuối kỳ: 4 hồ sơ, trong đó 1 trễ hẹn"));  // #2 due 09/11, no result
  // One /xacminh typed: "xác minh 1"; #2 was scheduled straight away and counts as scheduled.
  CHECK(contains(november, "Trong kỳ: xác minh 1 · xếp lịch 2 · đến nhà tiếp nhận 2 · có kết quả 1"));
  CHECK(contains(november, "Hài lòng: 4,0/5 (1 lượt đánh giá)"));
  CHECK(posted == november);  // the monthly post is the same text
  // The export reads the same database, the server stopped.
  const std::string csv_before = exported_report(dir, config_path, "bao-cao-11-truoc.csv");
  CHECK(contains(csv_before, "Đã xác minh,1"));

  std::string november_again, december;
  {
    // Wednesday 09/12: December's work on November's requests, and new ones.
    test::server_process srv(dir, config(fp), {"--clock", "2026-12-09T10:00:00+07:00"});
    c.attach(srv);
    c.say("/danhgia #1 1 đổi ý");  // a rating changed in December
    c.say("/cokq #2");
    c.say("/datra #2 bưu điện");
    c.say("/danhgia #2 5");
    c.say("/xacminh #3 đủ điều kiện");
    c.say("/xacminh #5 đủ điều kiện");
    c.say("/xeplich #3 12/12 8h");
    c.say("/huy #4 người dân đã chuyển đi");
    CHECK(contains(c.ask(form("Vũ Thị Bảy", "Tây Sơn", "chứng thực chữ ký")), "#6"));
    november_again = c.ask("/baocao tháng 11");
    december = c.ask("/baocao tháng 12");
  }
  CHECK(november_again == november);
  CAPTURE(december);
  // December's report has December's work: the ratings entered then, the two /xacminh, the return.
  CHECK(contains(december, "Mới đăng ký: 1 · Đã trả kết quả: 1"));
  CHECK(contains(december, "xác minh 2 · xếp lịch 1"));
  CHECK(contains(december, "Hài lòng: 3,0/5 (2 lượt đánh giá)"));
  const std::string csv_after = exported_report(dir, config_path, "bao-cao-11-sau.csv");
  CHECK(csv_after == csv_before);
}

}  // namespace report_closed_e2e
