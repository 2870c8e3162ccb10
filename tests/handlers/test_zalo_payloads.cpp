// Zalo's real payloads (issue 13, item 6) through the dispatcher: every update fixture of
// tests/fixtures/, the bot's mention in its several forms, and the once-an-hour pointer to /giup
// for a mention without a command in a group.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "dispatch_fixture.hpp"

using namespace tannha;
using handlers::dispatch_outcome;
using tannha::test::local;

namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

const std::string zalo_group = "a1b2c3d4e5f60718293a";
const std::string hoa = "6ede9afa66b88fe6d6a9";  // a leader of the unit (config admin)
const std::string nam = "9c1d2e3f4a5b6c7d8e9f";  // a leader too, writes privately
const std::string protected_sender = "0f0e0d0c0b0a09080706";

// The unit of the fixtures: its group is the fixtures' group, both fixture senders lead it.
struct zalo_fixture : test::dispatch_fixture {
  zalo_fixture() : test::dispatch_fixture({test::demo_unit("binhgiang", zalo_group, {hoa, nam})}) {
    dispatcher().on_command([this](std::string_view a) { commands.emplace_back(a); });
  }
  std::vector<std::string> commands;
};

// What a Zalo adapter hands the dispatcher for a fixture (the fields the platform sends; the
// webhook test runs the real decoder on the same files).
handlers::incoming_message from_fixture(const std::string& name) {
  auto root = nlohmann::json::parse(test::fixture(name));
  const auto& j = root.contains("result") ? root["result"] : root;
  const auto& m = j["message"];
  const std::string event = j["event_name"];
  handlers::incoming_message msg;
  msg.platform = "zalo";
  msg.update_id = m["message_id"];
  msg.chat_id = m["chat"]["id"];
  msg.is_group = m["chat"]["chat_type"] == "GROUP";
  msg.user_id = m["from"]["id"];
  msg.user_name = m["from"].value("display_name", "");
  msg.from_bot = m["from"].value("is_bot", false);
  msg.date = domain::instant{std::chrono::seconds{m["date"].get<std::int64_t>() / 1000}};
  if (event == "message.text.received") {
    msg.kind = handlers::message_kind::text;
    msg.text = m["text"];
  } else if (event == "message.unsupported.received") {
    msg.kind = handlers::message_kind::unsupported;
  } else {
    msg.kind = handlers::message_kind::other;
    msg.text = m.value("caption", "");
  }
  return msg;
}

const auto now = local(2026, 11, 25, 10);

}  // namespace

TEST_CASE("zalo payloads: an image in the group (older 'photo', caption mentioning the bot) gets no answer") {
  zalo_fixture f;
  auto m = from_fixture("zalo_image.json");
  REQUIRE(m.is_group);
  CHECK(f.raw(m, now) == dispatch_outcome::ignored);
  CHECK(f.take().empty());
  // Recorded all the same: a redelivery is a duplicate.
  CHECK(f.raw(m, now) == dispatch_outcome::duplicate);
}

TEST_CASE("zalo payloads: an image with photo_url, a sticker and a voice message in private get one helpful reply each") {
  zalo_fixture f;
  for (auto name : {"zalo_image_photo_url.json", "zalo_sticker.json", "zalo_voice.json"}) {
    CAPTURE(name);
    auto m = from_fixture(name);
    REQUIRE_FALSE(m.is_group);
    CHECK(f.raw(m, now) == dispatch_outcome::processed);
    auto out = f.take();
    REQUIRE(out.size() == 1);
    CHECK(out[0].chat_id == nam);
    CHECK(has(out[0].text, "chỉ đọc được tin nhắn chữ"));
    CHECK(has(out[0].text, "/dangky"));  // a member: how to register a citizen
  }
  CHECK(f.count("requests") == 0);
}

TEST_CASE("zalo payloads: a sticker from someone outside the unit is told where to get help") {
  zalo_fixture f;
  auto m = from_fixture("zalo_sticker.json");
  m.user_id = m.chat_id = "nguoi-dan";
  CHECK(f.raw(m, now) == dispatch_outcome::processed);
  auto text = f.take_one();
  CHECK(has(text, "chỉ đọc được tin nhắn chữ"));
  CHECK(has(text, "trưởng thôn"));
  CHECK_FALSE(has(text, "/dangky"));
}

TEST_CASE("zalo payloads: a message from a bot is never processed, even a command") {
  zalo_fixture f;
  auto m = from_fixture("zalo_from_bot.json");
  REQUIRE(m.from_bot);
  CHECK(f.raw(m, now) == dispatch_outcome::ignored);
  m.update_id = "bot-2";
  m.text = "@Tận Nhà /lich";
  CHECK(f.raw(m, now) == dispatch_outcome::ignored);
  CHECK(f.take().empty());
  CHECK(f.commands.empty());
}

TEST_CASE("zalo payloads: an unsupported delivery is answered privately with where to get help") {
  zalo_fixture f;
  CHECK(f.raw(from_fixture("zalo_unsupported.json"), now) == dispatch_outcome::processed);
  auto out = f.take();
  REQUIRE(out.size() == 1);
  CHECK(out[0].chat_id == protected_sender);
  CHECK(has(out[0].text, "trưởng thôn"));
}

TEST_CASE("zalo payloads: group commands after the mention, top-level and wrapped, run in the group") {
  zalo_fixture f;
  CHECK(f.raw(from_fixture("zalo_group_text_toplevel.json"), now) == dispatch_outcome::processed);
  CHECK(f.raw(from_fixture("zalo_group_text_wrapped.json"), now) == dispatch_outcome::processed);
  CHECK(f.commands == std::vector<std::string>{"quahan", "lich"});
  auto out = f.take();
  REQUIRE(out.size() == 2);
  for (const auto& o : out) CHECK(o.chat_id == zalo_group);
}

TEST_CASE("zalo payloads: the bot's mention is stripped with or without diacritics and spaces") {
  zalo_fixture f;
  int n = 0;
  for (auto text : {"@Tận Nhà/lich", "@tan nha /lich", "@TậnNhà /lich", "@TAN NHA/lich", "@Tận Nhà: /lich"}) {
    CAPTURE(text);
    f.commands.clear();
    CHECK(f.group(hoa, text, now, zalo_group) == dispatch_outcome::processed);
    CHECK(f.commands == std::vector<std::string>{"lich"});
    CHECK(f.take().size() == 1);
    ++n;
  }
  CHECK(n == 5);
}

TEST_CASE("zalo payloads: the names getMe reports are mentions too, from the moment they are learnt") {
  // The config names the bot "Tận Nhà"; the platform calls it otherwise (learnt after start-up).
  auto learnt = std::make_shared<handlers::bot_names>();
  handlers::dispatcher_options o;
  o.bot_name = "Tận Nhà";
  o.other_names = learnt;
  test::dispatch_fixture f({test::demo_unit("binhgiang", zalo_group, {hoa, nam})}, test::test_catalog(), o);
  std::vector<std::string> commands;
  f.dispatcher().on_command([&](std::string_view a) { commands.emplace_back(a); });

  // Before getMe answered: free text after an unknown mention, the pointer to /giup.
  CHECK(f.group(hoa, "@Trợ lý xã cho hỏi", now, zalo_group) == dispatch_outcome::processed);
  CHECK(has(f.take_one(), "/giup"));

  learnt->set({"trolyxa_bot", "Trợ lý xã"});
  int n = 0;
  for (auto text : {"@Trợ lý xã /lich", "@tro ly xa/lich", "@TRỢ LÝ XÃ: /lich", "@trolyxa_bot /lich",
                    "@TroLyXa_Bot/lich", "Trợ lý xã /lich", "@Tận Nhà /lich", "@tan nha/lich"}) {
    CAPTURE(text);
    commands.clear();
    CHECK(f.group(nam, text, now + std::chrono::minutes(1 + n), zalo_group) == dispatch_outcome::processed);
    CHECK(commands == std::vector<std::string>{"lich"});
    auto out = f.take();
    REQUIRE(out.size() == 1);
    CHECK(out[0].chat_id == zalo_group);
    CHECK_FALSE(has(out[0].text, "/giup"));
    ++n;
  }
  CHECK(n == 8);
  // Free text after the learnt name reaches the bot without the mention: a question it maps.
  commands.clear();
  CHECK(f.group(nam, "@Trợ lý xã lịch tuần này", now + std::chrono::minutes(20), zalo_group) == dispatch_outcome::processed);
  CHECK(commands == std::vector<std::string>{"lich"});
}

TEST_CASE("zalo payloads: a mention with free text in a group gets a one-line pointer once per person per hour") {
  zalo_fixture f;
  // (Free text that is no question the bot can map to a command: issue 14 runs "lịch tuần này".)
  CHECK(f.group(hoa, "@Tận Nhà cho hỏi chút", now, zalo_group) == dispatch_outcome::processed);
  auto out = f.take();
  REQUIRE(out.size() == 1);
  CHECK(out[0].chat_id == zalo_group);
  CHECK(has(out[0].text, "/giup"));
  CHECK_FALSE(has(out[0].text, "\n"));  // one line

  // The same person within the hour: nothing; someone else: their own pointer.
  CHECK(f.group(hoa, "@TanNha ơi", now + std::chrono::minutes(59), zalo_group) == dispatch_outcome::ignored);
  CHECK(f.take().empty());
  CHECK(f.group(nam, "@Tận Nhà xin chào", now + std::chrono::minutes(59), zalo_group) == dispatch_outcome::processed);
  CHECK(f.take().size() == 1);

  // The memory is in the database: a restarted bot (a new dispatcher) remembers it.
  handlers::dispatcher restarted(f.db(), {test::demo_unit("binhgiang", zalo_group, {hoa, nam})}, test::test_catalog());
  handlers::incoming_message m;
  m.platform = "zalo";
  m.update_id = "after-restart";
  m.chat_id = zalo_group;
  m.is_group = true;
  m.user_id = hoa;
  m.text = "@Tận Nhà còn đó không";
  CHECK(restarted.handle(m, now + std::chrono::minutes(30)) == dispatch_outcome::ignored);
  CHECK(f.take().empty());

  // An hour after the last pointer: pointed again. Private chat is answered every time.
  CHECK(f.group(hoa, "@Tận Nhà cho hỏi", now + std::chrono::minutes(60), zalo_group) == dispatch_outcome::processed);
  CHECK(f.take().size() == 1);
  f.priv(hoa, "cho hỏi", now + std::chrono::minutes(61));
  f.priv(hoa, "cho hỏi lần nữa", now + std::chrono::minutes(62));
  CHECK(f.take().size() == 2);
}

TEST_CASE("zalo payloads: a redelivered mention is a duplicate: one pointer, one record") {
  zalo_fixture f;
  handlers::incoming_message m;
  m.platform = "zalo";
  m.update_id = "hint-1";
  m.chat_id = zalo_group;
  m.is_group = true;
  m.user_id = hoa;
  m.text = "@Tận Nhà cho hỏi";
  CHECK(f.raw(m, now) == dispatch_outcome::processed);
  CHECK(f.raw(m, now) == dispatch_outcome::duplicate);
  CHECK(f.take().size() == 1);
  CHECK(f.count("group_hints") == 1);
}
