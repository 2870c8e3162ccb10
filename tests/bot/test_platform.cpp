#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "bot/platform.hpp"
#include "test_support.hpp"

using namespace tannha;
using namespace tannha::bot;
using handlers::message_kind;

namespace {

using test::fixture;

std::int64_t secs(domain::instant t) { return t.time_since_epoch().count(); }

}  // namespace

TEST_CASE("platform: kinds parse from their config spelling and nothing else") {
  CHECK(parse_platform_kind("zalo") == platform_kind::zalo);
  CHECK(parse_platform_kind("telegram") == platform_kind::telegram);
  CHECK(parse_platform_kind("console") == platform_kind::console);
  CHECK_FALSE(parse_platform_kind("Zalo").has_value());
  CHECK_FALSE(parse_platform_kind("").has_value());
  CHECK(to_string(platform_kind::telegram) == "telegram");
}

TEST_CASE("platform: a top-level Zalo group text decodes to a group text message") {
  auto d = decode_update(platform_kind::zalo, fixture("zalo_group_text_toplevel.json"));
  REQUIRE(d.how == decode_how::message);
  const auto& m = d.message;
  CHECK(m.platform == "zalo");
  CHECK(m.update_id == "3f8e1c2a9b7d6e5f4a3b");
  CHECK(m.chat_id == "a1b2c3d4e5f60718293a");
  CHECK(m.is_group);
  CHECK(m.user_id == "6ede9afa66b88fe6d6a9");
  CHECK(m.user_name == "Lê Thị Hoa");
  CHECK(m.text == "@Tận Nhà /quahan");
  CHECK(m.kind == message_kind::text);
  CHECK(secs(m.date) == 1764377131);  // milliseconds on the wire
  CHECK(m.reply_to.empty());
}

TEST_CASE("platform: a wrapped Zalo delivery decodes like a top-level one") {
  auto d = decode_update(platform_kind::zalo, fixture("zalo_group_text_wrapped.json"));
  REQUIRE(d.how == decode_how::message);
  CHECK(d.message.update_id == "2d758cb5e222177a4e35");
  CHECK(d.message.text == "@Tận Nhà /lich tuần này");
  CHECK(d.message.is_group);
  CHECK(secs(d.message.date) == 1764377131);
}

TEST_CASE("platform: a private Zalo registration keeps its multi-line text") {
  auto d = decode_update(platform_kind::zalo, fixture("zalo_private_register.json"));
  REQUIRE(d.how == decode_how::message);
  CHECK_FALSE(d.message.is_group);
  CHECK(d.message.chat_id == "9c1d2e3f4a5b6c7d8e9f");
  CHECK(d.message.text.starts_with("/dangky\nHọ tên: Nguyễn Văn Tư\n"));
  CHECK(d.message.text.ends_with("Ghi chú: chỉ ở nhà buổi sáng"));
  CHECK(secs(d.message.date) == 1764377200);
}

TEST_CASE("platform: a Zalo image is kind other and keeps its caption") {
  auto d = decode_update(platform_kind::zalo, fixture("zalo_image.json"));
  REQUIRE(d.how == decode_how::message);
  CHECK(d.message.kind == message_kind::other);
  CHECK(d.message.text == "@Tận Nhà giấy tờ của #12");
  CHECK(d.message.update_id == "aabbccddeeff00112233");
}

TEST_CASE("platform: a Zalo unsupported delivery is kind unsupported with no text") {
  auto d = decode_update(platform_kind::zalo, fixture("zalo_unsupported.json"));
  REQUIRE(d.how == decode_how::message);
  CHECK(d.message.kind == message_kind::unsupported);
  CHECK(d.message.text.empty());
  CHECK_FALSE(d.message.is_group);
  CHECK(d.message.chat_id == "0f0e0d0c0b0a09080706");
}

TEST_CASE("platform: a Zalo sticker is kind other; bots and non-message events are ignored") {
  auto sticker = R"({"event_name":"message.sticker.received","message":{"from":{"id":"u1","is_bot":false},
    "chat":{"id":"c1","chat_type":"PRIVATE"},"sticker":"abc","message_id":"m1","date":1764377400000}})";
  auto d = decode_update(platform_kind::zalo, sticker);
  REQUIRE(d.how == decode_how::message);
  CHECK(d.message.kind == message_kind::other);

  auto bot = R"({"event_name":"message.text.received","message":{"from":{"id":"u1","is_bot":true},
    "chat":{"id":"c1","chat_type":"GROUP"},"text":"hi","message_id":"m2","date":1764377400000}})";
  CHECK(decode_update(platform_kind::zalo, bot).how == decode_how::ignored);

  CHECK(decode_update(platform_kind::zalo, R"({"ok":true,"result":{"event_name":"message.unsupported.received"}})").how ==
        decode_how::ignored);
}

TEST_CASE("platform: a Zalo reply carries the replied message id") {
  auto reply = R"({"event_name":"message.text.received","message":{"from":{"id":"u1"},
    "chat":{"id":"c1","chat_type":"GROUP"},"text":"Thôn: Đông Hải","message_id":"m3","date":1764377400000,
    "reply_to_message":{"message_id":"bot-msg-1"}}})";
  auto d = decode_update(platform_kind::zalo, reply);
  REQUIRE(d.how == decode_how::message);
  CHECK(d.message.reply_to == "bot-msg-1");
}

TEST_CASE("platform: a Telegram group command decodes with numeric ids as exact text") {
  auto d = decode_update(platform_kind::telegram, fixture("telegram_group_command.json"));
  REQUIRE(d.how == decode_how::message);
  const auto& m = d.message;
  CHECK(m.platform == "telegram");
  CHECK(m.update_id == "10001");
  CHECK(m.chat_id == "-1001234567890");
  CHECK(m.is_group);
  CHECK(m.user_id == "111");
  CHECK(m.user_name == "Hoa Lê");
  CHECK(m.text == "/lich@TanNhaBot tuần sau");
  CHECK(m.kind == message_kind::text);
  CHECK(secs(m.date) == 1764377131);
}

TEST_CASE("platform: a Telegram private text decodes as a private message") {
  auto d = decode_update(platform_kind::telegram, fixture("telegram_private_text.json"));
  REQUIRE(d.how == decode_how::message);
  CHECK_FALSE(d.message.is_group);
  CHECK(d.message.chat_id == "222");
  CHECK(d.message.update_id == "10002");
  CHECK(d.message.text == "/thamgia 7K3QX9");
  CHECK(d.message.user_name == "Tư");
}

TEST_CASE("platform: Telegram edits, bots, callbacks and membership changes are ignored") {
  CHECK(decode_update(platform_kind::telegram,
                      R"({"update_id":5,"edited_message":{"message_id":1,"from":{"id":1,"is_bot":false},
                         "chat":{"id":1,"type":"private"},"date":1,"text":"x"}})")
            .how == decode_how::ignored);
  CHECK(decode_update(platform_kind::telegram,
                      R"({"update_id":6,"message":{"message_id":1,"from":{"id":9,"is_bot":true},
                         "chat":{"id":-5,"type":"group"},"date":1,"text":"x"}})")
            .how == decode_how::ignored);
  CHECK(decode_update(platform_kind::telegram, R"({"update_id":7,"callback_query":{"id":"1"}})").how ==
        decode_how::ignored);
  CHECK(decode_update(platform_kind::telegram, R"({"update_id":8,"my_chat_member":{}})").how == decode_how::ignored);
}

TEST_CASE("platform: Telegram caption and reply_to_message are read") {
  auto d = decode_update(platform_kind::telegram,
                         R"({"update_id":9,"message":{"message_id":3,"from":{"id":1,"first_name":"A"},
                            "chat":{"id":-100,"type":"group"},"date":100,"caption":"ảnh #12","photo":[],
                            "reply_to_message":{"message_id":77,"date":1,"chat":{"id":-100,"type":"group"}}}})");
  REQUIRE(d.how == decode_how::message);
  CHECK(d.message.kind == message_kind::other);
  CHECK(d.message.text == "ảnh #12");
  CHECK(d.message.reply_to == "77");
}

TEST_CASE("platform: console accepts both platforms' shapes and names the platform") {
  auto z = decode_update(platform_kind::console, fixture("zalo_group_text_wrapped.json"));
  REQUIRE(z.how == decode_how::message);
  CHECK(z.message.platform == "zalo");
  auto t = decode_update(platform_kind::console, fixture("telegram_private_text.json"));
  REQUIRE(t.how == decode_how::message);
  CHECK(t.message.platform == "telegram");
  CHECK(decode_update(platform_kind::console, R"({"hello":1})").how == decode_how::malformed);
}

TEST_CASE("platform: garbage, wrong types and odd numbers never throw") {
  const char* bodies[] = {
      "",
      "   ",
      "not json",
      "[]",
      "[1,2,3]",
      "null",
      "42",
      "\"str\"",
      "{",
      R"({"update_id":"abc","message":{}})",
      R"({"update_id":1e400})",
      R"({"update_id":123456789012345678901234567890,"message":{}})",
      R"({"update_id":1.5})",
      R"({"update_id":1,"message":[]})",
      R"({"update_id":1,"message":{"chat":[]}})",
      R"({"update_id":1,"message":{"chat":{"id":{},"type":"private"},"from":{"id":1},"date":1,"text":"x"}})",
      R"({"update_id":1,"message":{"chat":{"id":1,"type":5},"from":{"id":1},"date":1,"text":"x"}})",
      R"({"update_id":1,"message":{"chat":{"id":1,"type":"private"},"from":"me","date":1,"text":"x"}})",
      R"({"update_id":1,"message":{"chat":{"id":1,"type":"private"},"from":{"id":1},"date":"x","text":"x"}})",
      R"({"update_id":1,"message":{"chat":{"id":1,"type":"private"},"from":{"id":1},"date":1,"text":7}})",
      R"({"update_id":1,"message":{"chat":{"id":1e30,"type":"private"},"from":{"id":1},"date":1,"text":"x"}})",
      R"({"event_name":5})",
      R"({"ok":true,"result":[]})",
      R"({"ok":true,"result":"x"})",
      R"({"event_name":"message.text.received"})",
      R"({"event_name":"message.text.received","message":"x"})",
      R"({"event_name":"message.text.received","message":{"chat":{"id":"c"},"from":{"id":"u"},"message_id":"m","date":1}})",
      R"({"event_name":"message.text.received","message":{"chat":{"id":"c"},"from":{"id":"u"},"message_id":"m","date":1,"text":["a"]}})",
      R"({"event_name":"message.text.received","message":{"chat":{"id":"c"},"from":{"id":"u"},"message_id":"","date":1,"text":"a"}})",
      R"({"event_name":"message.text.received","message":{"chat":{"id":"c"},"from":{"id":"u"},"message_id":"m","date":-1e999,"text":"a"}})",
      "{\"event_name\":\"message.text.received\",\"message\":{\"text\":\"\xff\xfe\"}}",
  };
  for (auto kind : {platform_kind::zalo, platform_kind::telegram, platform_kind::console}) {
    for (const char* b : bodies) {
      CAPTURE(b);
      decoded_update d;
      CHECK_NOTHROW(d = decode_update(kind, b));
      CHECK(d.how != decode_how::message);
      CHECK_FALSE(d.reason.empty());
    }
  }
}

TEST_CASE("platform: wrong-typed optional fields fall back instead of failing") {
  // chat_type and display_name of the wrong type: still a message, private, no name.
  auto d = decode_update(platform_kind::zalo,
                         R"({"event_name":"message.text.received","message":{"chat":{"id":"c","chat_type":7},
                            "from":{"id":"u","display_name":3},"message_id":"m","date":1000,"text":"a"}})");
  REQUIRE(d.how == decode_how::message);
  CHECK_FALSE(d.message.is_group);
  CHECK(d.message.user_name.empty());
}

TEST_CASE("platform: encode_send keeps ids exact; Telegram integer ids go as numbers") {
  auto t = nlohmann::json::parse(encode_send(platform_kind::telegram, "-1001234567890", "Xin chào"));
  CHECK(t["chat_id"].is_number_integer());
  CHECK(t["chat_id"].get<std::int64_t>() == -1001234567890);
  CHECK(t["text"] == "Xin chào");

  auto lead_zero = nlohmann::json::parse(encode_send(platform_kind::telegram, "007", "x"));
  CHECK(lead_zero["chat_id"] == "007");
  auto name = nlohmann::json::parse(encode_send(platform_kind::telegram, "@channel", "x"));
  CHECK(name["chat_id"] == "@channel");

  auto z = nlohmann::json::parse(encode_send(platform_kind::zalo, "12345", "x"));
  CHECK(z["chat_id"] == "12345");  // Zalo ids are strings, even when they look numeric

  std::string bad_utf8 = "a\xff" "b";
  std::string body;
  CHECK_NOTHROW(body = encode_send(platform_kind::zalo, "c", bad_utf8));
  CHECK_FALSE(nlohmann::json::parse(body, nullptr, false).is_discarded());
}

TEST_CASE("platform: send answers are classified ok / retry / permanent") {
  auto ok = interpret_send_response(platform_kind::zalo, 200, fixture("zalo_send_ok.json"));
  CHECK(ok.status == send_status::ok);
  CHECK(ok.message_id == "82599fa32f56d00e8941");
  CHECK(ok.error.empty());

  auto quota = interpret_send_response(platform_kind::zalo, 200, fixture("zalo_error_quota.json"));
  CHECK(quota.status == send_status::retry);
  CHECK_FALSE(quota.retry_after.has_value());
  CHECK(quota.error.find("429") != std::string::npos);

  auto flood = interpret_send_response(platform_kind::telegram, 429, fixture("telegram_error_flood.json"));
  CHECK(flood.status == send_status::retry);
  REQUIRE(flood.retry_after.has_value());
  CHECK(*flood.retry_after == 5);

  CHECK(interpret_send_response(platform_kind::telegram, 500, "").status == send_status::retry);
  CHECK(interpret_send_response(platform_kind::telegram, 502, "<html>").status == send_status::retry);
  CHECK(interpret_send_response(platform_kind::telegram, 0, "").status == send_status::retry);
  CHECK(interpret_send_response(platform_kind::telegram, 200, "garbage").status == send_status::retry);
  CHECK(interpret_send_response(platform_kind::zalo, 200, "").status == send_status::retry);

  auto not_found = interpret_send_response(
      platform_kind::telegram, 400, R"({"ok":false,"error_code":400,"description":"Bad Request: chat not found"})");
  CHECK(not_found.status == send_status::permanent);
  CHECK(not_found.error.find("chat not found") != std::string::npos);
  CHECK(interpret_send_response(platform_kind::telegram, 403, R"({"ok":false,"error_code":403})").status ==
        send_status::permanent);
  CHECK(interpret_send_response(platform_kind::telegram, 404, "").status == send_status::permanent);
  CHECK(interpret_send_response(platform_kind::zalo, 200, R"({"ok":false,"error_code":400,"description":"x"})").status ==
        send_status::permanent);
  CHECK(interpret_send_response(platform_kind::zalo, 200, R"({"ok":false,"error_code":403})").status ==
        send_status::permanent);
  CHECK(interpret_send_response(platform_kind::zalo, 200, R"({"ok":false,"error_code":500})").status ==
        send_status::retry);
  CHECK(interpret_send_response(platform_kind::zalo, 200, R"({"ok":"yes"})").status == send_status::retry);
  CHECK(interpret_send_response(platform_kind::telegram, 200, R"({"ok":true,"result":{"message_id":991}})").message_id ==
        "991");
}

TEST_CASE("platform: secret header names and send URL follow the platform") {
  CHECK(secret_header_names(platform_kind::telegram) ==
        std::vector<std::string_view>{"X-Telegram-Bot-Api-Secret-Token"});
  CHECK(secret_header_names(platform_kind::zalo) == std::vector<std::string_view>{"X-Bot-Api-Secret-Token"});
  CHECK(secret_header_names(platform_kind::console).size() == 2);

  platform_config cfg;
  cfg.api_base = "http://127.0.0.1:9999/";
  cfg.token = "123:abc";
  CHECK(send_url(platform_kind::zalo, cfg) == "http://127.0.0.1:9999/bot123:abc/sendMessage");
  cfg.api_base.clear();
  CHECK(send_url(platform_kind::telegram, cfg) == "https://api.telegram.org/bot123:abc/sendMessage");
  CHECK(max_text_units(platform_kind::zalo) == 2000);
  CHECK(max_text_units(platform_kind::telegram) == 4096);
}
