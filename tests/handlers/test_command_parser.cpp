#include <doctest/doctest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "handlers/command_parser.hpp"
#include "test_support.hpp"

using namespace tannha::handlers;
using tannha::handlers::action;

namespace {

/// Parses and requires a command; returns it.
parsed_command command_of(const std::string& text) {
  const auto p = parse_command(text);
  INFO("text: " << text);
  REQUIRE(p.how == command_parse::kind::command);
  REQUIRE(p.command.has_value());
  return *p.command;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

TEST_CASE("parse_command: every action's canonical name parses to that action") {
  for (int i = 0; i <= static_cast<int>(action::vaitro); ++i) {
    const auto a = static_cast<action>(i);
    const std::string name(command_name(a));
    REQUIRE_FALSE(name.empty());
    const auto c = command_of("/" + name);
    CHECK(c.action == a);
    CHECK(c.args.empty());
  }
  CHECK(command_name(action::dangky) == "dangky");
  CHECK(command_name(action::xeplich) == "xeplich");
}

TEST_CASE("parse_command: diacritics, case, spaces and underscores in the word do not matter") {
  for (const char* t : {"/dangky", "/đăngký", "/Đăng ký", "/DANG_KY", "/dang-ky", "/ĐĂNG KÝ"})
    CHECK(command_of(t).action == action::dangky);
}

TEST_CASE("parse_command: the longest run of words forming a name is the command") {
  auto c = command_of("/báo cáo tháng");
  CHECK(c.action == action::baocao);
  CHECK(c.args == "tháng");

  c = command_of("/xếp lịch #12 thứ bảy 8h");
  CHECK(c.action == action::xeplich);
  CHECK(c.args == "#12 thứ bảy 8h");

  c = command_of("/tiếp nhận 12");
  CHECK(c.action == action::tiepnhan);
  CHECK(c.args == "12");

  c = command_of("/giúp đăng ký");
  CHECK(c.action == action::giup);
  CHECK(c.args == "đăng ký");

  c = command_of("/có kết quả #4");
  CHECK(c.action == action::cokq);
  CHECK(c.args == "#4");
}

TEST_CASE("parse_command: args keep the user's spelling (NFC), not the folded text") {
  const auto c = command_of("/tim Nguye\xCC\x82\xCC\x83n  Văn");  // NFD ê + tilde
  CHECK(c.action == action::tim);
  CHECK(c.args == "Nguyễn  Văn");
}

TEST_CASE("parse_command: the form on later lines is part of args, lines kept") {
  auto c = command_of("/dangky\nHọ tên: Nguyễn Văn Tư\nNăm sinh: 1938");
  CHECK(c.action == action::dangky);
  CHECK(c.args == "Họ tên: Nguyễn Văn Tư\nNăm sinh: 1938");

  c = command_of("/Đăng ký Họ tên: Tư\r\nThôn: Đông Hải\r\n");
  CHECK(c.action == action::dangky);
  CHECK(c.args == "Họ tên: Tư\nThôn: Đông Hải");
}

TEST_CASE("parse_command: /start, /help and friendly aliases mean the usual commands") {
  CHECK(command_of("/start").action == action::giup);
  CHECK(command_of("/help").action == action::giup);
  CHECK(command_of("/hướng dẫn").action == action::giup);
  CHECK(command_of("/tìm kiếm Tư").action == action::tim);
  CHECK(command_of("/tìm kiếm Tư").args == "Tư");
}

TEST_CASE("parse_command: a leading @mention before the command is dropped") {
  const auto p = parse_command("@Tận Nhà /lich tuần sau");
  REQUIRE(p.how == command_parse::kind::command);
  CHECK(p.command->action == action::lich);
  CHECK(p.command->args == "tuần sau");
  CHECK(p.text == "/lich tuần sau");

  const auto q = parse_command("@Tận Nhà\n/dangky\nHọ tên: Tư");
  REQUIRE(q.how == command_parse::kind::command);
  CHECK(q.command->action == action::dangky);
  CHECK(q.command->args == "Họ tên: Tư");
}

TEST_CASE("parse_command: a mention without a command is plain text, kept whole") {
  auto p = parse_command("@Tận Nhà cho hỏi lịch tuần này");
  CHECK(p.how == command_parse::kind::not_command);
  CHECK(p.text == "@Tận Nhà cho hỏi lịch tuần này");

  // A '/' inside a word (a date) is not a command.
  p = parse_command("@Tận Nhà ngày 12/3 có lịch không");
  CHECK(p.how == command_parse::kind::not_command);
  CHECK(p.text == "@Tận Nhà ngày 12/3 có lịch không");
}

TEST_CASE("parse_command: Telegram's @BotName after the command word is dropped") {
  auto c = command_of("/lich@TanNhaBot tuần sau");
  CHECK(c.action == action::lich);
  CHECK(c.args == "tuần sau");

  c = command_of("/xacminh@TanNhaBot #7");
  CHECK(c.action == action::xacminh);
  CHECK(c.args == "#7");

  // A mention of a person later on is an argument.
  c = command_of("/phancong #3 @lan @minh");
  CHECK(c.action == action::phancong);
  CHECK(c.args == "#3 @lan @minh");
}

TEST_CASE("parse_command: plain text is not a command and comes back NFC") {
  const auto p = parse_command("  Ho\xCC\xA3 te\xCC\x82n: Tư  ");
  CHECK(p.how == command_parse::kind::not_command);
  CHECK_FALSE(p.command.has_value());
  CHECK(p.text == "Họ tên: Tư");
}

TEST_CASE("parse_command: an unknown command names the word and suggests the closest") {
  auto p = parse_command("/xeplic #12");
  CHECK(p.how == command_parse::kind::unknown);
  CHECK(p.word == "xeplic");
  REQUIRE_FALSE(p.suggestions.empty());
  CHECK(p.suggestions.front() == "xeplich");

  p = parse_command("/dang ki\nHọ tên: Tư");
  CHECK(p.how == command_parse::kind::unknown);
  CHECK(p.word == "dang");
  REQUIRE_FALSE(p.suggestions.empty());
  CHECK(p.suggestions.front() == "dangky");

  p = parse_command("/Xác mính #3");
  CHECK(p.how == command_parse::kind::command);  // accents are folded away anyway

  p = parse_command("/bao cao thnag");
  CHECK(p.how == command_parse::kind::command);
  CHECK(p.command->action == action::baocao);
  CHECK(p.command->args == "thnag");

  p = parse_command("/quahna");
  CHECK(p.how == command_parse::kind::unknown);
  CHECK(contains(p.suggestions, "quahan"));
  CHECK(p.suggestions.size() <= 3);
}

TEST_CASE("parse_command: nonsense after '/' is unknown without suggestions") {
  for (const char* t : {"/", "/ dangky", "/\u00A0lich", "/qwertyuiop", "/123"}) {
    const auto p = parse_command(t);
    INFO("text: " << t);
    CHECK(p.how == command_parse::kind::unknown);
    CHECK(p.suggestions.empty());
    CHECK_FALSE(p.command.has_value());
  }
  CHECK(parse_command("/").word.empty());
  CHECK(parse_command("/ dangky").word.empty());
}

TEST_CASE("parse_command: a command word glued to the number is split") {
  auto c = command_of("/huy#12 trùng hồ sơ");
  CHECK(c.action == action::huy);
  CHECK(c.args == "#12 trùng hồ sơ");

  c = command_of("/xacminh12");
  CHECK(c.action == action::xacminh);
  CHECK(c.args == "12");
}

TEST_CASE("parse_command: NBSP, tabs and invalid bytes do not break parsing") {
  auto c = command_of("/lich\u00A0tuần\u00A0sau");
  CHECK(c.action == action::lich);
  CHECK(c.args == "tuần\u00A0sau");

  c = command_of("/xep\tlich #3");
  CHECK(c.action == action::xeplich);
  CHECK(c.args == "#3");

  c = command_of("/tim \xFF\xFE");
  CHECK(c.action == action::tim);
  CHECK(c.args == "\uFFFD\uFFFD");

  const auto p = parse_command("/\xC3");
  CHECK(p.how == command_parse::kind::unknown);
  CHECK(parse_command("").how == command_parse::kind::not_command);
  CHECK(parse_command("@").how == command_parse::kind::not_command);
}

TEST_CASE("parse_command: every NFC/NFD pair of commands_variants.txt parses the same") {
  std::istringstream in(tannha::test::fixture("commands_variants.txt"));
  std::string line;
  std::vector<std::string> nfc;
  std::vector<std::string> nfd;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line.front() == '#') continue;
    const auto tab = line.find('\t');
    REQUIRE(tab != std::string::npos);
    const std::string form = line.substr(0, tab);
    const std::string text = line.substr(tab + 1);
    if (form == "NFC") nfc.push_back(text);
    else if (form == "NFD") nfd.push_back(text);
    else FAIL("unexpected form " << form);
  }
  REQUIRE(nfc.size() == nfd.size());
  REQUIRE(nfc.size() >= 10);
  for (std::size_t i = 0; i < nfc.size(); ++i) {
    INFO("pair " << i << ": " << nfc[i]);
    const auto a = parse_command(nfc[i]);
    const auto b = parse_command(nfd[i]);
    REQUIRE(a.how == command_parse::kind::command);
    REQUIRE(b.how == command_parse::kind::command);
    CHECK(a.command->action == b.command->action);
    CHECK(a.command->args == b.command->args);
  }
}

TEST_CASE("parse_command: the fixture's commands mean what they say") {
  CHECK(command_of("/đăng ký").action == action::dangky);
  CHECK(command_of("/dang ky").action == action::dangky);
  CHECK(command_of("/quá hạn").action == action::quahan);
  CHECK(command_of("/báo cáo tháng").action == action::baocao);
}

TEST_CASE("parse_request_number: the usual ways of writing #12") {
  for (const char* t : {"#12", "12", "# 12", "số 12", "Số #12", "#0012", "#12 thứ bảy 8h",
                        "  #12", "#12, trùng", "SO 12"}) {
    INFO("arg: " << t);
    CHECK(parse_request_number(t) == 12);
  }
}

TEST_CASE("parse_request_number: anything else is no number") {
  for (const char* t : {"#abc", "", "-3", "#99999999999999999999", "12abc", "abc 12", "#",
                        "số", "#0", "\xFF"}) {
    INFO("arg: " << t);
    CHECK_FALSE(parse_request_number(t).has_value());
  }
}

TEST_CASE("parse_command with the bot's name: the mention is dropped exactly") {
  auto p = parse_command("@Tận Nhà Năm sinh: 1938", "Tận Nhà");
  CHECK(p.how == command_parse::kind::not_command);
  CHECK(p.text == "Năm sinh: 1938");

  // Typed decomposed, other case, NBSP inside the name: still the bot.
  p = parse_command("@ta\xCC\x82\xCC\xA3n\u00A0NHÀ  cho hỏi", "Tận Nhà");
  CHECK(p.text == "cho hỏi");

  p = parse_command("@Tận Nhà /lich@TanNhaBot tuần sau", "Tận Nhà");
  REQUIRE(p.how == command_parse::kind::command);
  CHECK(p.command->action == action::lich);
  CHECK(p.command->args == "tuần sau");

  // Someone else mentioned: left as it is.
  p = parse_command("@Lan ơi xem giúp", "Tận Nhà");
  CHECK(p.how == command_parse::kind::not_command);
  CHECK(p.text == "@Lan ơi xem giúp");

  // Only the name: nothing left to read.
  p = parse_command("@Tận Nhà", "Tận Nhà");
  CHECK(p.how == command_parse::kind::not_command);
  CHECK(p.text.empty());
}

TEST_CASE("parse_command with the bot's name: glued, spaceless, unaccented and upper-case mentions are dropped") {
  for (auto text : {"@Tận Nhà/lich tuần sau", "@tan nha /lich tuần sau", "@TậnNhà /lich tuần sau",
                    "@TẬN NHÀ /lich tuần sau", "@tannha/lich tuần sau", "@Tận_Nhà, /lich tuần sau"}) {
    CAPTURE(text);
    auto p = parse_command(text, "Tận Nhà");
    REQUIRE(p.how == command_parse::kind::command);
    CHECK(p.command->action == action::lich);
    CHECK(p.command->args == "tuần sau");
  }
  // Free text after a spaceless mention loses the mention too.
  auto p = parse_command("@TậnNhà cho hỏi", "Tận Nhà");
  CHECK(p.how == command_parse::kind::not_command);
  CHECK(p.text == "cho hỏi");
  // A longer name that begins like the bot's is someone else.
  p = parse_command("@Tận Nhàn cho hỏi", "Tận Nhà");
  CHECK(p.text == "@Tận Nhàn cho hỏi");
  p = parse_command("@Tận cho hỏi", "Tận Nhà");
  CHECK(p.text == "@Tận cho hỏi");
}

TEST_CASE("parse_command with the names getMe gives: any of them, in any form, before the command is dropped") {
  // The configured name, then what the platform says the bot is called (username, display name).
  const std::vector<std::string> names = {"Tận Nhà", "TanNhaBot", "Trợ lý Tận Nhà"};
  for (auto text : {"@Tận Nhà /lich tuần sau", "@tan nha/lich tuần sau", "@TanNhaBot /lich tuần sau",
                    "@tannhabot/lich tuần sau", "@Trợ lý Tận Nhà /lich tuần sau", "@tro ly tan nha/lich tuần sau",
                    "@TRỢ LÝ TẬN NHÀ: /lich tuần sau", "Tận Nhà /lich tuần sau", "tan nha/lich tuần sau",
                    "TanNhaBot /lich tuần sau", "Trợ lý Tận Nhà /lich tuần sau",
                    "@ta\xCC\x82\xCC\xA3n nha\xCC\x80 /lich tuần sau"}) {
    CAPTURE(text);
    auto p = parse_command(text, names);
    REQUIRE(p.how == command_parse::kind::command);
    CHECK(p.command->action == action::lich);
    CHECK(p.command->args == "tuần sau");
  }
  // The longest name that matches is the mention: nothing of it is left before the text.
  auto p = parse_command("@Trợ lý Tận Nhà cho hỏi", names);
  CHECK(p.how == command_parse::kind::not_command);
  CHECK(p.text == "cho hỏi");
  p = parse_command("@TanNhaBot Năm sinh: 1938", names);
  CHECK(p.text == "Năm sinh: 1938");
}

TEST_CASE("parse_command with the bot's names: without '@' a name is dropped only before a known command") {
  const std::vector<std::string> names = {"Tận Nhà", "TanNhaBot"};
  // Plain text that begins with the words of the name is the person's own words.
  auto p = parse_command("Tận nhà tôi ở xóm 3", names);
  CHECK(p.how == command_parse::kind::not_command);
  CHECK(p.text == "Tận nhà tôi ở xóm 3");
  // So is a name followed by something the bot does not know as a command.
  p = parse_command("Tận Nhà /ngõ 5", names);
  CHECK(p.how == command_parse::kind::not_command);
  CHECK(p.text == "Tận Nhà /ngõ 5");
  // Someone else named without '@', or a longer word: not the bot.
  p = parse_command("TanNhaBotx /lich", names);
  CHECK(p.how == command_parse::kind::not_command);
  // A command typed as usual is unchanged by the names.
  auto c = parse_command("/lich tuần sau", names);
  REQUIRE(c.how == command_parse::kind::command);
  CHECK(c.command->args == "tuần sau");
}

TEST_CASE("parse_command with one name is parse_command with that name alone") {
  const std::vector<std::string> one = {"Tận Nhà"};
  for (auto text : {"@Tận Nhà /lich tuần sau", "@Tận Nhà cho hỏi", "@Lan ơi xem giúp", "@TanNhaBot /lich", "@Tận Nhà",
                    "Tận Nhà /lich"}) {
    CAPTURE(text);
    const auto a = parse_command(text, "Tận Nhà");
    const auto b = parse_command(text, one);
    CHECK(a.how == b.how);
    CHECK(a.text == b.text);
    CHECK(a.command.has_value() == b.command.has_value());
  }
}
