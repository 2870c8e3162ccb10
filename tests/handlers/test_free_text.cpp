// Free text in group posts (issue 15 items 1 and 6, issue 14 item 14): reasons, notes, papers
// and feedback reach a group with numbers masked and without health details; what users typed
// is echoed back only as a short masked excerpt. Private views to those allowed show it whole.
#include <doctest/doctest.h>

#include "dispatch_fixture.hpp"
#include "handlers/free_text.hpp"
#include "handlers/text.hpp"
#include "storage/request_repository.hpp"

using namespace tannha;
using tannha::test::local;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

struct free_text_fixture : test::dispatch_fixture {
  free_text_fixture() {
    storage::unit_repository repo(db());
    repo.put_member({"binhgiang", "cb-1", domain::role::canbo, "", "Trần Văn Cán", "invite"}, local(2026, 11, 1));
    repo.put_member({"binhgiang", "tt-dh", domain::role::truongthon, "Đông Hải", "Nguyễn Văn Thôn", "invite"},
                    local(2026, 11, 1));
  }
  // Every message queued since the last call to this chat, joined.
  std::string to(const std::string& chat) {
    std::string all;
    for (auto& m : take())
      if (m.chat_id == chat) all += m.text + "\n";
    return all;
  }
};

const auto wed = local(2026, 11, 25, 10);
const std::string reason = "cụ bị ốm nằm viện, gọi con trai 0987 654 321";

}  // namespace

TEST_CASE("free text: a /hoan reason with a phone and an illness is hidden from the group and its /hoso, whole in private") {
  free_text_fixture f;
  f.group("admin-1", test::full_form, wed);
  f.group("cb-1", "/xeplich #1", local(2026, 11, 25, 11));
  f.take();

  f.group("cb-1", "/hoan #1 " + reason, local(2026, 11, 26, 9));
  auto msgs = f.take();
  std::string group, head;
  for (auto& m : msgs) (m.chat_id == "group-bg" ? group : m.chat_id == "tt-dh" ? head : group) += m.text;
  CHECK(contains(group, "hoãn lịch"));
  CHECK_FALSE(contains(group, "654"));
  CHECK_FALSE(contains(group, "0987"));
  CHECK_FALSE(contains(group, "ốm"));
  CHECK_FALSE(contains(group, "nằm viện"));
  CHECK(contains(group, "nội dung riêng"));
  CHECK(contains(group, "/hoso #1"));
  // The village head of the citizen's village is told privately, whole.
  CHECK(contains(head, reason));

  // The history keeps the original.
  storage::request_repository repo(f.db());
  auto r = repo.by_number("binhgiang", 1);
  REQUIRE(r);
  CHECK(repo.events(r->id).back().note == reason);

  // The group's /hoso summary: the reason is not there, nor the phone.
  f.group("cb-1", "/hoso #1", local(2026, 11, 26, 10));
  auto summary = f.to("group-bg");
  CHECK(contains(summary, "Lịch sử"));
  CHECK_FALSE(contains(summary, "654"));
  CHECK_FALSE(contains(summary, "ốm"));
  CHECK(contains(summary, "nội dung riêng"));
  // Asked "đầy đủ" in the group, the group still gets the summary: no phone, address, category
  // or reason there.
  f.group("admin-1", "/hoso #1 đầy đủ", local(2026, 11, 26, 10));
  summary = f.to("group-bg");
  CHECK(contains(summary, "Lịch sử"));
  CHECK_FALSE(contains(summary, "ốm"));
  CHECK_FALSE(contains(summary, "nằm viện"));
  CHECK_FALSE(contains(summary, "0912345678"));
  CHECK_FALSE(contains(summary, "xóm 3"));
  CHECK_FALSE(contains(summary, "Thương binh"));

  // The leader's private /hoso shows it whole.
  f.priv("admin-1", "/hoso #1", local(2026, 11, 26, 11));
  CHECK(contains(f.to("admin-1"), reason));
}

TEST_CASE("free text: a reason without a health word reaches the group with its phone masked") {
  free_text_fixture f;
  f.group("admin-1", test::full_form, wed);
  f.take();
  f.group("cb-1", "/huy #1 người nhà tự đưa lên xã, số 0987.654.321", local(2026, 11, 25, 11));
  auto group = f.to("group-bg");
  CHECK(contains(group, "người nhà tự đưa lên xã, số *******321"));
  CHECK_FALSE(contains(group, "654"));
  f.group("cb-1", "/hoso #1", local(2026, 11, 25, 12));
  auto summary = f.to("group-bg");
  CHECK(contains(summary, "*******321"));
  CHECK_FALSE(contains(summary, "654"));
}

TEST_CASE("free text: notes, papers, refusal reasons and rating notes typed in a group are masked there") {
  free_text_fixture f;
  f.group("admin-1", test::full_form, wed);
  f.take();
  f.group("cb-1", "/xacminh #1 đã gọi 0987654321, cụ bị liệt", local(2026, 11, 25, 11));
  auto g = f.to("group-bg");
  CHECK(contains(g, "đã xác minh"));
  CHECK_FALSE(contains(g, "liệt"));
  CHECK_FALSE(contains(g, "654"));
  f.group("cb-1", "/xeplich #1", local(2026, 11, 25, 11));
  f.take();
  f.group("cb-1", "/bosung #1 giấy xác nhận khuyết tật", local(2026, 11, 28, 9));
  g = f.to("group-bg");
  CHECK(contains(g, "cần bổ sung"));
  CHECK_FALSE(contains(g, "khuyết tật"));
  f.group("admin-1", "/dangky\nHọ tên: Lê Văn Ba\nNăm sinh: 1940\nThôn: Đông Hải\nĐịa chỉ: xóm 1\nĐối tượng: cao tuổi\n"
                     "Thủ tục: khai sinh",
          wed);
  f.take();
  f.group("cb-1", "/tuchoi #2 ung thu giai doan cuoi, khong ky duoc", local(2026, 11, 25, 11));
  g = f.to("group-bg");
  CHECK(contains(g, "đã từ chối"));
  CHECK_FALSE(contains(g, "ung thu"));
}

TEST_CASE("free text: feedback sent privately that mentions health reaches the group without its text, the leaders whole") {
  free_text_fixture f;
  storage::unit_repository repo(f.db());
  repo.put_member({"binhgiang", "ld-2", domain::role::lanhdao, "", "Phó Chủ tịch", "invite"}, local(2026, 11, 1));
  f.priv("citizen-1", "/phananh mẹ tôi bị liệt nửa người mà đoàn chưa đến, gọi 0987654321", wed);
  auto msgs = f.take();
  std::string group, leader, sender;
  for (auto& m : msgs) {
    if (m.chat_id == "group-bg") group += m.text;
    if (m.chat_id == "ld-2") leader += m.text;
    if (m.chat_id == "citizen-1") sender += m.text;
  }
  CHECK(contains(group, "#PA-"));
  CHECK_FALSE(contains(group, "liệt"));
  CHECK_FALSE(contains(group, "654"));
  CHECK(contains(leader, "liệt nửa người"));
  CHECK_FALSE(sender.empty());

  // Without a health word: posted with the phone masked.
  f.priv("citizen-1", "/phananh đoàn chưa đến, gọi 0987654321", wed);
  group = f.to("group-bg");
  CHECK(contains(group, "đoàn chưa đến, gọi *******321"));
}

TEST_CASE("echoes: an invalid phone in a form is repeated masked, in a group and in private") {
  free_text_fixture f;
  const std::string form =
      "/dangky\nHọ tên: Nguyễn Văn Tư\nNăm sinh: 1938\nThôn: Đông Hải\nĐịa chỉ: xóm 3\nSĐT: 0987 654 32100\n"
      "Đối tượng: thương binh\nThủ tục: chứng thực chữ ký";
  f.group("admin-1", form, wed);
  auto reply = f.to("group-bg");
  CHECK(contains(reply, "SĐT"));
  CHECK(contains(reply, "không hợp lệ"));
  CHECK_FALSE(contains(reply, "654"));
  CHECK_FALSE(contains(reply, "0987"));
  f.priv("admin-1", form, wed);
  reply = f.to("admin-1");
  CHECK(contains(reply, "không hợp lệ"));
  CHECK_FALSE(contains(reply, "654"));
}

TEST_CASE("echoes: an unknown category that is a diagnosis is not repeated whole in a group") {
  free_text_fixture f;
  const std::string form =
      "/dangky\nHọ tên: Nguyễn Văn Tư\nNăm sinh: 1938\nThôn: Đông Hải\nĐịa chỉ: xóm 3\n"
      "Đối tượng: ung thư giai đoạn cuối\nThủ tục: chứng thực chữ ký";
  f.group("admin-1", form, wed);
  auto reply = f.to("group-bg");
  CHECK(contains(reply, "\"…\""));
  CHECK_FALSE(contains(reply, "ung thư"));
  CHECK_FALSE(contains(reply, "giai đoạn cuối"));
  // Typed without diacritics: the same.
  f.group("admin-1", "/dangky\nHọ tên: Nguyễn Văn Tư\nNăm sinh: 1938\nThôn: Đông Hải\nĐịa chỉ: xóm 3\n"
                     "Đối tượng: tai bien mach mau nao\nThủ tục: chứng thực chữ ký", wed);
  reply = f.to("group-bg");
  CHECK(contains(reply, "\"…\""));
  CHECK_FALSE(contains(reply, "tai bien"));
}

TEST_CASE("echoes: a 64 KiB /tim query in a group gets one short reply") {
  free_text_fixture f;
  std::string query;
  while (query.size() < 65536) query += "nguyen van 0987654321 ";
  f.group("cb-1", "/tim " + query, wed);
  auto msgs = f.take();
  REQUIRE(msgs.size() == 1);
  CHECK(msgs[0].chat_id == "group-bg");
  CHECK(handlers::utf16_length(msgs[0].text) < 400);
  CHECK_FALSE(contains(msgs[0].text, "654"));
}

TEST_CASE("echoes: an unknown command word, a period, a date and a help topic are repeated short and masked") {
  free_text_fixture f;
  const std::string long_word(500, 'x');
  for (const std::string& cmd : {"/" + long_word, "/baocao " + long_word + " 0987654321", "/lich 0987654321 " + long_word,
                                 "/giup " + long_word}) {
    CAPTURE(cmd.substr(0, 20));
    f.group("cb-1", cmd, wed);
    for (const auto& m : f.take()) {
      CHECK(m.text.find(std::string(60, 'x')) == std::string::npos);
      CHECK_FALSE(contains(m.text, "654"));
    }
  }
}

TEST_CASE("free text: every entry of the shipped health lexicon is folded, and it catches text with or without diacritics") {
  const auto& words = handlers::health_words();
  CHECK(words.entries().size() > 50);
  for (const auto& e : words.entries()) {
    std::string phrase = handlers::join(e, " ");
    CAPTURE(phrase);
    CHECK(handlers::fold(phrase) == phrase);
  }
  for (const char* text : {"Cụ bị ốm", "cu bi om", "CỤ BỊ ỐM", "nằm viện", "khuyết tật nặng", "liệt nửa người",
                           "đang chạy thận", "tai biến", "ung thư"}) {
    CAPTURE(text);
    CHECK(words.mentions(handlers::fold(text)));
  }
  // Common words and names that fold like a health word are not caught.
  for (const char* text : {"Lê Thị Lan", "liệt sĩ", "thuộc hộ nghèo", "bỏ sót giấy tờ", "ngã ba", "mũ bảo hiểm",
                           "đi đâu", "người dân đi vắng", "bản sao CCCD"}) {
    CAPTURE(text);
    CHECK_FALSE(words.mentions(handlers::fold(text)));
  }
}

TEST_CASE("free text: a visit team typed with a phone number shows it masked in the group, whole in private") {
  free_text_fixture f;
  f.group("admin-1", test::full_form, wed);
  f.take();
  f.group("cb-1", "/xeplich #1 @Hoa 0987654321", local(2026, 11, 25, 11));
  auto group = f.to("group-bg");
  CHECK(contains(group, "xếp lịch"));
  CHECK(contains(group, "*******321"));
  CHECK_FALSE(contains(group, "654"));
  f.group("cb-1", "/lich", local(2026, 11, 25, 12));
  group = f.to("group-bg");
  CHECK(contains(group, "*******321"));
  CHECK_FALSE(contains(group, "654"));
  f.group("cb-1", "/hoso #1", local(2026, 11, 25, 12));
  group = f.to("group-bg");
  CHECK_FALSE(contains(group, "654"));
  f.priv("cb-1", "/lich", local(2026, 11, 25, 12));
  CHECK(contains(f.to("cb-1"), "0987654321"));
}
