// /tim by part of a phone number and by hamlet and address words (issue 14, item 13), over the
// dispatcher with a real SQLite file: what a member sees, what stays hidden, and that an erased
// person is found no more.
#include <doctest/doctest.h>

#include "dispatch_fixture.hpp"
#include "handlers/search_words.hpp"
#include "storage/citizen_repository.hpp"
#include "storage/privacy_repository.hpp"

using namespace tannha;
using tannha::test::local;

namespace {

bool sh(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

const auto mon = local(2026, 11, 23, 9);

// Two people of two villages, registered by the unit's leader in the group: #1 Nguyễn Văn Tư
// (Đông Hải, xóm 3, phone 0912 345 678) and #2 Trần Thị Lan (Tây Sơn, xóm 12, phone 0987 111 222).
struct search_fixture : test::dispatch_fixture {
  search_fixture() {
    register_person("Nguyễn Văn Tư", "Đông Hải", "xóm 3, cạnh nhà văn hoá", "0912 345 678");
    register_person("Trần Thị Lan", "Tây Sơn", "Xóm 12 - ngõ Chợ Đình", "0987.111.222");
    take();
  }
  void register_person(const std::string& name, const std::string& village, const std::string& address,
                       const std::string& phone) {
    group("admin-1",
          "/dangky\nHọ tên: " + name + "\nNăm sinh: 1940\nThôn: " + village + "\nĐịa chỉ: " + address + "\nSĐT: " +
              phone + "\nĐối tượng: cao tuổi\nThủ tục: chứng thực chữ ký",
          mon);
  }
  /// The reply to a /tim typed by the leader (in the group unless `in_private`).
  std::string tim(const std::string& query, bool in_private = false) {
    if (in_private) priv("admin-1", "/tim " + query, mon + std::chrono::hours(1));
    else group("admin-1", "/tim " + query, mon + std::chrono::hours(1));
    return take_one();
  }
};

bool finds_tu(const std::string& reply) { return sh(reply, "#1 — Nguyễn Văn Tư"); }
bool finds_lan(const std::string& reply) { return sh(reply, "#2 — Trần Thị Lan"); }

}  // namespace

TEST_CASE("/tim: part of a phone number finds its person, typed with spaces, dots or +84") {
  search_fixture f;
  for (auto q : {"0912", "345 678", "345.678", "912 345", "+84 912", "0912345678"}) {
    CAPTURE(q);
    const auto reply = f.tim(q);
    CHECK(finds_tu(reply));
    CHECK_FALSE(finds_lan(reply));
  }
  auto reply = f.tim("111 222");
  CHECK(finds_lan(reply));
  CHECK_FALSE(finds_tu(reply));
  // Digits no phone contains: nothing, and the reply says what else can be searched.
  reply = f.tim("555");
  CHECK(sh(reply, "Không tìm thấy"));
  CHECK(sh(reply, "số điện thoại"));
}

TEST_CASE("/tim: hamlet, village and address words, without diacritics, each of which must match") {
  search_fixture f;
  // The address, typed without diacritics or in another case.
  for (auto q : {"xom 3", "XÓM 3", "canh nha van hoa", "nhà văn hoá", "van hoa"}) {
    CAPTURE(q);
    const auto reply = f.tim(q);
    CHECK(finds_tu(reply));
    CHECK_FALSE(finds_lan(reply));
  }
  // The village (thôn) the person lives in.
  auto reply = f.tim("dong hai");
  CHECK(finds_tu(reply));
  CHECK_FALSE(finds_lan(reply));
  reply = f.tim("tay son xom 12");
  CHECK(finds_lan(reply));
  CHECK_FALSE(finds_tu(reply));
  reply = f.tim("cho dinh");
  CHECK(finds_lan(reply));
  // Name and place words together: every word must match somewhere.
  reply = f.tim("tu xom 3");
  CHECK(finds_tu(reply));
  CHECK_FALSE(finds_lan(reply));
  CHECK(sh(f.tim("lan xom 3"), "Không tìm thấy"));
  // A number is a whole word: "xom 1" is neither xóm 12 nor xóm 3.
  CHECK(sh(f.tim("xom 1"), "Không tìm thấy"));
  // The name search of before still works, whole or in part.
  CHECK(finds_tu(f.tim("nguyen van tu")));
  CHECK(finds_lan(f.tim("thi lan")));
}

TEST_CASE("/tim: results show what they showed before, never the phone or the address") {
  search_fixture f;
  for (bool in_private : {false, true}) {
    CAPTURE(in_private);
    for (auto q : {"0912", "xom 3"}) {
      CAPTURE(q);
      const auto reply = f.tim(q, in_private);
      CHECK(sh(reply, "#1 — Nguyễn Văn Tư (Đông Hải) — Chứng thực chữ ký"));
      CHECK_FALSE(sh(reply, "345"));
      CHECK_FALSE(sh(reply, "678"));
      CHECK_FALSE(sh(reply, "cạnh nhà"));
    }
  }
  // A request number too short to be part of a phone is a request number only.
  const auto reply = f.tim("12");
  CHECK(sh(reply, "Không tìm thấy"));  // no #12, and xóm 12 is not what "12" asks for
  CHECK(finds_lan(f.tim("#2")));
}

TEST_CASE("/tim: at most ten people, then a hint to type more") {
  search_fixture f;
  const char* names[] = {"An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Khánh", "Long", "Minh", "Nga", "Oanh"};
  for (const char* n : names) f.register_person(std::string("Phạm Văn ") + n, "Bắc Hà", "xóm Chùa", "0911 000 111");
  f.take();
  auto reply = f.tim("xom chua");
  CHECK(sh(reply, "Còn nữa"));
  reply = f.tim("000 111");
  CHECK(sh(reply, "Còn nữa"));
}

TEST_CASE("/tim: a corrected address is searched as corrected") {
  search_fixture f;
  f.priv("admin-1", "/sua #1 Địa chỉ: xóm 5 nhà mái đỏ", mon + std::chrono::minutes(30));
  f.take();
  CHECK(finds_tu(f.tim("xom 5 mai do")));
  CHECK(sh(f.tim("xom 3"), "Không tìm thấy"));
  f.priv("admin-1", "/sua #1 Thôn: Nam Hưng", mon + std::chrono::minutes(40));
  f.take();
  CHECK(finds_tu(f.tim("nam hung")));
  CHECK_FALSE(finds_tu(f.tim("dong hai")));
}

TEST_CASE("/tim: an erased person is found neither by phone nor by address nor by name") {
  search_fixture f;
  storage::privacy_repository privacy(f.db());
  auto citizen = privacy.citizen_of_request("binhgiang", 1);
  REQUIRE(citizen);
  auto data = privacy.collect("binhgiang", *citizen);
  REQUIRE(data);
  {
    storage::write_transaction tx(f.db());
    privacy.erase(*data, "admin-1", "yêu cầu xoá", "(đã xoá)", mon + std::chrono::minutes(30));
    tx.commit();
  }
  for (auto q : {"0912", "345 678", "xom 3", "canh nha van hoa", "nguyen van tu"}) {
    CAPTURE(q);
    CHECK_FALSE(finds_tu(f.tim(q)));
  }
  // The other person is found as before.
  CHECK(finds_lan(f.tim("0987")));
}

TEST_CASE("/tim: people stored before address search are found once the program fills their place") {
  search_fixture f;
  // As a database migrated to schema 22 holds them: no folded place yet.
  f.db().db().exec("UPDATE citizens SET folded_place = ''");
  CHECK(sh(f.tim("xom 3"), "Không tìm thấy"));
  CHECK(handlers::fill_folded_places(f.db()) == 2);
  CHECK(finds_tu(f.tim("xom 3")));
  CHECK(handlers::fill_folded_places(f.db()) == 0);  // nothing left to do
}

TEST_CASE("search words: folded, punctuation as spaces, the first eight; phone digits only from digits") {
  CHECK(handlers::folded_place("Đông Hải", "Xóm 3, cạnh nhà văn hoá") == "dong hai xom 3 canh nha van hoa");
  CHECK(handlers::folded_place("Tây Sơn", "") == "tay son");
  CHECK(handlers::search_words("  Xóm 1,thôn ĐÔNG ") == std::vector<std::string>{"xom", "1", "thon", "dong"});
  CHECK(handlers::search_words("a b c d e f g h i j").size() == 8);
  CHECK(handlers::search_words("%_").empty());
  CHECK(handlers::phone_digits_query("0912") == "0912");
  CHECK(handlers::phone_digits_query(" 345 678 ") == "345678");
  CHECK(handlers::phone_digits_query("0912.345-678") == "0912345678");
  CHECK(handlers::phone_digits_query("+84 912 345") == "0912345");
  CHECK(handlers::phone_digits_query("(024) 3825") == "0243825");
  CHECK_FALSE(handlers::phone_digits_query("12").has_value());
  CHECK_FALSE(handlers::phone_digits_query("xom 123").has_value());
  CHECK_FALSE(handlers::phone_digits_query("#123").has_value());
  CHECK_FALSE(handlers::phone_digits_query("").has_value());
}
