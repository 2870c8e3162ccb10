#include <doctest/doctest.h>

#include "dispatch_fixture.hpp"

using namespace tannha;
using tannha::test::local;

namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

const auto now = local(2026, 11, 25, 10);

std::string feedback_unit(test::dispatch_fixture& f, int id) {
  return f.db().db().execAndGet("SELECT unit_id FROM feedback WHERE id = " + std::to_string(id)).getString();
}

}  // namespace

TEST_CASE("phananh: a stranger in private chat is thanked with the number and the group gets the content") {
  test::dispatch_fixture f;
  f.priv("citizen-1", "/phản ánh Đoàn hẹn thứ Bảy nhưng chưa thấy đến", now);
  auto out = f.take();
  REQUIRE(out.size() == 2);
  CHECK(out[0].chat_id == "citizen-1");
  CHECK(has(out[0].text, "#PA-1"));
  CHECK(has(out[0].text, "Cảm ơn"));
  CHECK(has(out[0].text, "trả lời"));
  CHECK(out[1].chat_id == "group-bg");
  CHECK(has(out[1].text, "📣 Phản ánh #PA-1 từ Người dùng citizen-1"));
  CHECK(has(out[1].text, "Đoàn hẹn thứ Bảy nhưng chưa thấy đến"));
  CHECK(f.count("feedback") == 1);
  CHECK(feedback_unit(f, 1) == "binhgiang");
}

TEST_CASE("phananh: without content the sender is asked for it and nothing is stored") {
  test::dispatch_fixture f;
  f.priv("citizen-1", "/phananh   ", now);
  CHECK(has(f.take_one(), "/phananh đoàn hẹn"));
  CHECK(f.count("feedback") == 0);
}

TEST_CASE("phananh: in the group it is one message with the number, the member's role and the thanks") {
  test::dispatch_fixture f;
  f.group("admin-1", "/phananh cần thêm người cho đoàn thứ Bảy", now);
  auto out = f.take();
  REQUIRE(out.size() == 1);
  CHECK(out[0].chat_id == "group-bg");
  CHECK(has(out[0].text, "#PA-1"));
  CHECK(has(out[0].text, "(Lãnh đạo)"));
  CHECK(has(out[0].text, "cần thêm người cho đoàn thứ Bảy"));
  CHECK(has(out[0].text, "Cảm ơn"));
  CHECK(f.count("feedback") == 1);
}

TEST_CASE("phananh: with several units a stranger is asked which one, then names it in brackets") {
  test::dispatch_fixture f({test::demo_unit(), [] {
                              auto u = test::demo_unit("tayhieu", "group-th", {"admin-th"});
                              u.name = "Phường Tây Hiếu";
                              return u;
                            }()});
  f.priv("citizen-1", "/phananh chưa thấy đoàn đến", now);
  auto text = f.take_one();
  CHECK(has(text, "binhgiang — Xã Bình Giang"));
  CHECK(has(text, "tayhieu — Phường Tây Hiếu"));
  CHECK(f.count("feedback") == 0);

  f.priv("citizen-1", "/phananh [Tây Hiếu] chưa thấy đoàn đến", now);
  auto out = f.take();
  REQUIRE(out.size() == 2);
  CHECK(out[1].chat_id == "group-th");
  CHECK(has(out[1].text, ": chưa thấy đoàn đến"));
  CHECK(feedback_unit(f, 1) == "tayhieu");

  f.priv("citizen-1", "/phananh [Hà Nội] alo", now);
  CHECK(has(f.take_one(), "Không tìm thấy đơn vị \"Hà Nội\""));
  CHECK(f.count("feedback") == 1);
}
