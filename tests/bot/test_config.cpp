#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unistd.h>

#include "bot/config.hpp"
#include "handlers/text.hpp"

using namespace tannha;
using namespace std::chrono;

namespace {

const std::string example_path = std::string(TANNHA_SOURCE_DIR) + "/config.example.toml";

// Sets an environment variable for one scope and restores the previous value after.
class scoped_env {
 public:
  scoped_env(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) ::setenv(name, value, 1);
    else ::unsetenv(name);
  }
  ~scoped_env() {
    if (old_) ::setenv(name_, old_->c_str(), 1);
    else ::unsetenv(name_);
  }
  scoped_env(const scoped_env&) = delete;
  scoped_env& operator=(const scoped_env&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

// A small valid config; `unit_extra` lines go inside the first unit, `top` before everything.
std::string minimal(const std::string& unit_extra = "", const std::string& top = "") {
  return top +
         "[platform]\n"                                   // line 1 (+ top)
         "kind = \"console\"\n"                           // 2
         "webhook_secret = \"s3cret-s3cret\"\n"           // 3
         "\n"                                             // 4
         "[[units]]\n"                                    // 5
         "id = \"a\"\n"                                   // 6
         "name = \"Xã A\"\n"                              // 7
         "chat_id = \"g1\"\n"                             // 8
         "admins = [\"u1\"]\n"                            // 9
         "villages = [\"Thôn 1\", \"Thôn 2\"]\n"          // 10
         + unit_extra;                                    // 11…
}

// Parses text that must fail and returns the message.
std::string error_of(const std::string& text) {
  scoped_env t("TANNHA_TOKEN", nullptr), s("TANNHA_WEBHOOK_SECRET", nullptr);
  auto r = bot::parse_config(text, "test.toml");
  REQUIRE_FALSE(r.has_value());
  return r.error().message;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("config: the example config loads with its two demo units") {
  scoped_env t("TANNHA_TOKEN", nullptr), s("TANNHA_WEBHOOK_SECRET", nullptr);
  auto r = bot::load_config(example_path);
  REQUIRE_MESSAGE(r.has_value(), (r.has_value() ? "" : r.error().message));
  const auto& c = *r;
  CHECK(c.platform.kind == "console");
  CHECK(c.platform.webhook_secret == "doi-mat-khau-bi-mat-nay");
  CHECK(c.server.listen == "127.0.0.1:8080");
  CHECK(c.server.webhook_path == "/webhook");
  CHECK(c.storage.path == "tannha.db");
  REQUIRE(c.units.size() == 2);
  const auto& bg = c.units[0];
  CHECK(bg.id == "binhgiang");
  CHECK(bg.chat_id == "a1b2c3d4e5f60718293a");
  CHECK(bg.admins == std::vector<std::string>{"6ede9afa66b88fe6d6a9", "9c1d2e3f4a5b6c7d8e9f"});
  CHECK(std::find(bg.villages.begin(), bg.villages.end(), "Đông Hải") != bg.villages.end());
  const auto& td = c.units[1];
  CHECK(td.id == "thanhdong");
  CHECK(td.chat_id == "-1001234567890");
  CHECK(td.admins == std::vector<std::string>{"111"});
  CHECK(td.schedule.visit_days == std::vector<weekday>{Saturday});
  CHECK(td.schedule.visit_time == minutes{8 * 60});
  CHECK(td.schedule.cutoff_day == Thursday);
  CHECK(td.schedule.cutoff_time == minutes{17 * 60});
  CHECK(td.utc_offset == minutes{7 * 60});
  CHECK_FALSE(c.procedures.empty());
}

TEST_CASE("config: defaults apply to every optional key") {
  scoped_env t("TANNHA_TOKEN", nullptr), s("TANNHA_WEBHOOK_SECRET", nullptr);
  auto r = bot::parse_config(minimal(), "test.toml");
  REQUIRE_MESSAGE(r.has_value(), (r.has_value() ? "" : r.error().message));
  const auto& c = *r;
  CHECK(c.server.listen == "127.0.0.1:8080");
  CHECK(c.server.body_limit == 65536);
  CHECK(c.platform.bot_name == "Tận Nhà");
  CHECK(c.platform.api_base.empty());
  CHECK(c.relay.max_attempts == 8);
  CHECK(c.relay.give_up_after_hours == 24);
  CHECK(c.relay.max_in_flight == 8);
  CHECK(c.forms.draft_ttl_minutes == 1440);
  const auto& u = c.units.at(0);
  CHECK(u.schedule.capacity == 20);
  CHECK(u.schedule.visit_days == std::vector<weekday>{Saturday});
  CHECK(u.overdue.unscheduled_working_days == 3);
  CHECK(u.overdue.escalation_grace_days == 2);
  CHECK(c.procedures.size() == bot::shipped_procedures().size());
}

TEST_CASE("config: the platform's api_base defaults per kind") {
  scoped_env t("TANNHA_TOKEN", "123:abc"), s("TANNHA_WEBHOOK_SECRET", nullptr);
  std::string text = minimal();
  auto zalo = bot::parse_config(std::string(text).replace(text.find("console"), 7, "zalo"), "z.toml");
  REQUIRE_MESSAGE(zalo.has_value(), (zalo.has_value() ? "" : zalo.error().message));
  CHECK(zalo->platform.api_base == "https://bot-api.zaloplatforms.com");
  auto tg = bot::parse_config(std::string(text).replace(text.find("console"), 7, "telegram"), "t.toml");
  REQUIRE_MESSAGE(tg.has_value(), (tg.has_value() ? "" : tg.error().message));
  CHECK(tg->platform.api_base == "https://api.telegram.org");
}

TEST_CASE("config: TANNHA_TOKEN and TANNHA_WEBHOOK_SECRET win over the file") {
  const std::string text =
      "[platform]\nkind = \"zalo\"\ntoken = \"file-token\"\nwebhook_secret = \"file-secret\"\n"
      "api_base = \"http://127.0.0.1:9999/\"\n"
      "[[units]]\nid = \"a\"\nname = \"A\"\nchat_id = \"g\"\nadmins = [\"u\"]\nvillages = [\"T1\"]\n";
  {
    scoped_env t("TANNHA_TOKEN", nullptr), s("TANNHA_WEBHOOK_SECRET", nullptr);
    auto r = bot::parse_config(text, "x.toml");
    REQUIRE(r.has_value());
    CHECK(r->platform.token == "file-token");
    CHECK(r->platform.webhook_secret == "file-secret");
    CHECK(r->platform.api_base == "http://127.0.0.1:9999");
  }
  {
    scoped_env t("TANNHA_TOKEN", "env-token"), s("TANNHA_WEBHOOK_SECRET", "env-secret");
    auto r = bot::parse_config(text, "x.toml");
    REQUIRE(r.has_value());
    CHECK(r->platform.token == "env-token");
    CHECK(r->platform.webhook_secret == "env-secret");
  }
}

TEST_CASE("config: a missing token or secret is accepted when the environment provides it") {
  const std::string text =
      "[platform]\nkind = \"telegram\"\n"
      "[[units]]\nid = \"a\"\nname = \"A\"\nchat_id = -100123\nadmins = [111]\nvillages = [\"T1\"]\n";
  {
    scoped_env t("TANNHA_TOKEN", nullptr), s("TANNHA_WEBHOOK_SECRET", nullptr);
    auto r = bot::parse_config(text, "x.toml");
    REQUIRE_FALSE(r.has_value());
    CHECK(contains(r.error().message, "platform.token"));
    CHECK(contains(r.error().message, "TANNHA_TOKEN"));
    CHECK(contains(r.error().message, "platform.webhook_secret"));
  }
  {
    scoped_env t("TANNHA_TOKEN", "123:abc"), s("TANNHA_WEBHOOK_SECRET", "abc_DEF-123");
    auto r = bot::parse_config(text, "x.toml");
    REQUIRE_MESSAGE(r.has_value(), (r.has_value() ? "" : r.error().message));
    // Telegram ids written as integers are kept as their decimal text.
    CHECK(r->units[0].chat_id == "-100123");
    CHECK(r->units[0].admins == std::vector<std::string>{"111"});
  }
}

TEST_CASE("config: an unknown key is rejected with its line, path and the likely spelling") {
  // "vilages" on line 11, inside units[0]; villages itself is present above it.
  const auto msg = error_of(minimal("vilages = [\"Thôn 3\"]\n"));
  CHECK(contains(msg, "test.toml:11: units[0].vilages: unknown key"));
  CHECK(contains(msg, "did you mean 'villages'"));
}

TEST_CASE("config: an unknown top-level table is rejected by name") {
  const auto msg = error_of(minimal("", "[sever]\nlisten = \"0.0.0.0:80\"\n"));
  CHECK(contains(msg, "test.toml:1: sever: unknown table"));
}

TEST_CASE("config: a value of the wrong type names key, line and what was given") {
  const auto msg = error_of(minimal("capacity = \"twenty\"\n"));
  CHECK(contains(msg, "test.toml:11: units[0].capacity: must be a positive integer"));
  CHECK(contains(msg, "twenty"));
}

TEST_CASE("config: a non-positive capacity is rejected") {
  const auto msg = error_of(minimal("capacity = -3\n"));
  CHECK(contains(msg, "test.toml:11: units[0].capacity: must be a positive integer (got -3)"));
}

TEST_CASE("config: a malformed time is rejected") {
  CHECK(contains(error_of(minimal("visit_time = \"25:00\"\n")), "test.toml:11: units[0].visit_time: must be a time"));
  CHECK(contains(error_of(minimal("cutoff_time = \"8h\"\n")), "test.toml:11: units[0].cutoff_time"));
  scoped_env t("TANNHA_TOKEN", nullptr), s("TANNHA_WEBHOOK_SECRET", nullptr);
  auto ok = bot::parse_config(minimal("visit_time = \"7:30\"\ncutoff_time = 16:45:00\n"), "t.toml");
  REQUIRE_MESSAGE(ok.has_value(), (ok.has_value() ? "" : ok.error().message));
  CHECK(ok->units[0].schedule.visit_time == minutes{7 * 60 + 30});
  CHECK(ok->units[0].schedule.cutoff_time == minutes{16 * 60 + 45});
}

TEST_CASE("config: team_reminder_time defaults to 16:00, is read per unit, and a bad one names its line") {
  scoped_env t("TANNHA_TOKEN", nullptr), s("TANNHA_WEBHOOK_SECRET", nullptr);
  auto dflt = bot::parse_config(minimal(), "t.toml");
  REQUIRE_MESSAGE(dflt.has_value(), (dflt.has_value() ? "" : dflt.error().message));
  CHECK(dflt->units[0].posts.team_reminder_time == minutes{16 * 60});
  auto set = bot::parse_config(minimal("team_reminder_time = \"17:30\"\n"), "t.toml");
  REQUIRE_MESSAGE(set.has_value(), (set.has_value() ? "" : set.error().message));
  CHECK(set->units[0].posts.team_reminder_time == minutes{17 * 60 + 30});
  CHECK(contains(error_of(minimal("team_reminder_time = \"4pm\"\n")),
                 "test.toml:11: units[0].team_reminder_time: must be a time \"HH:MM\""));
  CHECK(contains(error_of(minimal("team_reminder_time = 16\n")), "test.toml:11: units[0].team_reminder_time"));
}

TEST_CASE("config: a duplicate chat_id is rejected on the second unit") {
  const std::string second =
      "\n[[units]]\n"         // 11, 12
      "id = \"b\"\n"          // 13
      "name = \"Xã B\"\n"     // 14
      "chat_id = \"g1\"\n"    // 15
      "admins = [\"u2\"]\n"
      "villages = [\"X\"]\n";
  const auto msg = error_of(minimal(second));
  CHECK(contains(msg, "test.toml:15: units[1].chat_id: duplicate chat_id \"g1\" (also units[0])"));
}

TEST_CASE("config: a duplicate unit id is rejected") {
  const std::string second = "\n[[units]]\nid = \"a\"\nname = \"B\"\nchat_id = \"g2\"\nadmins = [\"u\"]\nvillages = [\"X\"]\n";
  CHECK(contains(error_of(minimal(second)), "test.toml:13: units[1].id: duplicate unit id \"a\""));
}

TEST_CASE("config: empty or repeated villages are rejected") {
  std::string text = minimal();
  text.replace(text.find("[\"Thôn 1\", \"Thôn 2\"]"), std::string("[\"Thôn 1\", \"Thôn 2\"]").size(), "[]");
  CHECK(contains(error_of(text), "test.toml:10: units[0].villages: needs at least one village"));

  std::string twice = minimal();
  // The same village in another spelling (no diacritics, other case) is the same village.
  twice.replace(twice.find("\"Thôn 2\""), std::string("\"Thôn 2\"").size(), "\"THON 1\"");
  CHECK(contains(error_of(twice), "test.toml:10: units[0].villages[1]: \"THON 1\" is the same village as villages[0]"));
}

TEST_CASE("config: missing required unit keys and admins are named") {
  const std::string text =
      "[platform]\nwebhook_secret = \"x\"\n"
      "[[units]]\n"   // line 3
      "id = \"a\"\nname = \"A\"\nadmins = []\n";
  const auto msg = error_of(text);
  // chat_id may be left out: a leader connects the group from the chat (/ketnoi).
  CHECK_FALSE(contains(msg, "units[0].chat_id"));
  CHECK(contains(msg, "test.toml:3: units[0].villages: required"));
  CHECK(contains(msg, "test.toml:6: units[0].admins: needs at least one"));
  CHECK(contains(error_of("[platform]\nwebhook_secret = \"x\"\n"), "units: at least one [[units]]"));
}

TEST_CASE("config: a bad weekday is rejected, and the usual spellings are understood") {
  CHECK(contains(error_of(minimal("visit_days = [\"Thứ Tám\"]\n")),
                 "test.toml:11: units[0].visit_days[0]: must be a weekday"));
  CHECK(contains(error_of(minimal("cutoff_day = \"someday\"\n")), "test.toml:11: units[0].cutoff_day: must be a weekday"));

  const std::map<std::string, weekday> spellings = {
      {"Thứ Bảy", Saturday}, {"thu bay", Saturday}, {"T7", Saturday}, {"Thứ 7", Saturday},
      {"sat", Saturday},     {"Saturday", Saturday}, {"CN", Sunday},   {"Chủ nhật", Sunday},
      {"chu nhat", Sunday},  {"Thứ Hai", Monday},   {"thứ tư", Wednesday}, {"Thứ Năm", Thursday},
      {"THU 5", Thursday},   {"thứ sáu", Friday},   {"tuesday", Tuesday}};
  for (const auto& entry : spellings) {
    const auto& text = entry.first;
    const auto wd = entry.second;
    CAPTURE(text);
    auto parsed = bot::parse_weekday(text);
    REQUIRE(parsed.has_value());
    CHECK(*parsed == wd);
  }
  // NFD input (decomposed diacritics) is the same weekday.
  CHECK(bot::parse_weekday("Thu\xcc\x9b\xcc\x81 Ba\xcc\x89y") == Saturday);
  CHECK_FALSE(bot::parse_weekday("Thứ").has_value());
  CHECK_FALSE(bot::parse_weekday("").has_value());
}

TEST_CASE("config: several visit days are kept in order") {
  scoped_env t("TANNHA_TOKEN", nullptr), s("TANNHA_WEBHOOK_SECRET", nullptr);
  auto r = bot::parse_config(minimal("visit_days = [\"T4\", \"Thứ Bảy\"]\n"), "t.toml");
  REQUIRE_MESSAGE(r.has_value(), (r.has_value() ? "" : r.error().message));
  CHECK(r->units[0].schedule.visit_days == std::vector<weekday>{Wednesday, Saturday});
}

TEST_CASE("config: server listen and webhook_path are checked") {
  CHECK(contains(error_of(minimal("", "[server]\nlisten = \"8080\"\n")), "test.toml:2: server.listen: must be \"host:port\""));
  CHECK(contains(error_of(minimal("", "[server]\nlisten = \"localhost:99999\"\n")), "server.listen"));
  CHECK(contains(error_of(minimal("", "[server]\nwebhook_path = \"webhook\"\n")),
                 "test.toml:2: server.webhook_path: must start with '/'"));
  scoped_env t("TANNHA_TOKEN", nullptr), s("TANNHA_WEBHOOK_SECRET", nullptr);
  auto r = bot::parse_config(minimal("", "[server]\nlisten = \"[::1]:0\"\n"), "t.toml");
  CHECK(r.has_value());
}

TEST_CASE("config: bad dates and offsets are rejected with their index") {
  CHECK(contains(error_of(minimal("holidays = [\"2026-09-02\", \"2026-02-30\"]\n")),
                 "test.toml:11: units[0].holidays[1]: must be a date \"YYYY-MM-DD\""));
  CHECK(contains(error_of(minimal("utc_offset = \"7\"\n")), "test.toml:11: units[0].utc_offset"));
  CHECK(contains(error_of(minimal("", "[calendar]\nextra_holidays = [\"02/09/2026\"]\n")),
                 "test.toml:2: calendar.extra_holidays[0]"));
}

TEST_CASE("config: a TOML syntax error names the line") {
  const auto msg = error_of("[platform]\nkind = \"console\nwebhook_secret = \"x\"\n");
  CHECK(contains(msg, "test.toml:2: not valid TOML"));
}

TEST_CASE("config: all problems are reported at once") {
  const auto msg = error_of(minimal("capacity = 0\nvisit_time = \"x\"\n", "[forms]\ndraft_ttl_minutes = -1\n"));
  CHECK(contains(msg, "units[0].capacity"));
  CHECK(contains(msg, "units[0].visit_time"));
  CHECK(contains(msg, "forms.draft_ttl_minutes"));
}

TEST_CASE("config: holidays of the shipped calendar reach each unit's calendar") {
  scoped_env t("TANNHA_TOKEN", nullptr), s("TANNHA_WEBHOOK_SECRET", nullptr);
  auto r = bot::load_config(example_path);
  REQUIRE_MESSAGE(r.has_value(), (r.has_value() ? "" : r.error().message));
  const auto& cal = r->units.at(0).cal;
  const domain::day national_day = year{2026} / September / 2;  // a Wednesday
  const domain::day plain_wednesday = year{2026} / September / 9;
  const domain::day makeup_saturday = year{2026} / January / 10;
  CHECK_FALSE(cal.is_working_day(national_day));
  CHECK(cal.is_working_day(plain_wednesday));
  CHECK(cal.is_working_day(makeup_saturday));
  CHECK_FALSE(r->calendar.holidays.empty());
}

TEST_CASE("config: per-unit and extra holidays add to the calendar; a given list replaces it") {
  scoped_env t("TANNHA_TOKEN", nullptr), s("TANNHA_WEBHOOK_SECRET", nullptr);
  const domain::day local_day = year{2026} / October / 14;  // a Wednesday
  const domain::day extra_day = year{2026} / October / 15;
  const domain::day national_day = year{2026} / September / 2;
  auto added = bot::parse_config(minimal("holidays = [\"2026-10-14\"]\n", "[calendar]\nextra_holidays = [2026-10-15]\n"),
                                 "t.toml");
  REQUIRE_MESSAGE(added.has_value(), (added.has_value() ? "" : added.error().message));
  CHECK_FALSE(added->units[0].cal.is_working_day(local_day));
  CHECK_FALSE(added->units[0].cal.is_working_day(extra_day));
  CHECK_FALSE(added->units[0].cal.is_working_day(national_day));

  auto replaced = bot::parse_config(minimal("", "[calendar]\nholidays = [\"2026-10-15\"]\n"), "t.toml");
  REQUIRE(replaced.has_value());
  CHECK(replaced->units[0].cal.is_working_day(national_day));
  CHECK_FALSE(replaced->units[0].cal.is_working_day(extra_day));
}

TEST_CASE("config: a catalog path is read relative to the config file") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("tannha-config-test-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  {
    std::ofstream(dir / "my-catalog.toml") << "[[procedure]]\ncode = \"X-01\"\nname = \"Thủ tục thử\"\n"
                                              "field = \"Khác\"\nprocessing_days = 4\naliases = [\"thử\"]\n";
    std::ofstream(dir / "config.toml") << minimal("", "[catalog]\npath = \"my-catalog.toml\"\n");
    std::ofstream(dir / "bad-catalog.toml") << "[[procedure]]\ncode = \"X-01\"\nname = \"A\"\nfield = \"F\"\n"
                                               "processing_days = 1\n[[procedure]]\ncode = \"X-02\"\nname = \"a\"\n"
                                               "field = \"F\"\nprocessing_days = 1\n";
    std::ofstream(dir / "config-bad.toml") << minimal("", "[catalog]\npath = \"bad-catalog.toml\"\n");
    std::ofstream(dir / "config-missing.toml") << minimal("", "[catalog]\npath = \"nope.toml\"\n");
  }
  scoped_env t("TANNHA_TOKEN", nullptr), s("TANNHA_WEBHOOK_SECRET", nullptr);
  auto r = bot::load_config((dir / "config.toml").string());
  REQUIRE_MESSAGE(r.has_value(), (r.has_value() ? "" : r.error().message));
  REQUIRE(r->procedures.size() == 1);
  CHECK(r->procedures[0].code == "X-01");
  CHECK(r->procedures[0].processing_days == 4);

  auto bad = bot::load_config((dir / "config-bad.toml").string());
  REQUIRE_FALSE(bad.has_value());
  // The error names the catalog file and its line: two procedures cannot share a name.
  CHECK(contains(bad.error().message, "bad-catalog.toml:8: procedure[1].name: \"a\" already names X-01"));

  auto missing = bot::load_config((dir / "config-missing.toml").string());
  REQUIRE_FALSE(missing.has_value());
  CHECK(contains(missing.error().message, "config-missing.toml:2: catalog.path: cannot read"));
  fs::remove_all(dir);
}

TEST_CASE("config: a missing config file is reported by name") {
  auto r = bot::load_config("/nonexistent/tannha.toml");
  REQUIRE_FALSE(r.has_value());
  CHECK(contains(r.error().message, "/nonexistent/tannha.toml"));
}

TEST_CASE("catalog: the shipped catalog covers the commune-level procedure families") {
  const auto procs = bot::shipped_procedures();
  REQUIRE(procs.size() >= 10);
  std::set<std::string> codes;
  std::map<std::string, std::string> keys;  // folded name/code/alias -> code
  for (const auto& p : procs) {
    CAPTURE(p.code);
    CHECK(codes.insert(p.code).second);
    CHECK_FALSE(p.name.empty());
    CHECK(p.processing_days >= 0);
    std::set<std::string> own;
    for (const auto& k : [&] {
           std::vector<std::string> v{p.code, p.name};
           v.insert(v.end(), p.aliases.begin(), p.aliases.end());
           return v;
         }()) {
      const auto f = handlers::fold(k);
      auto [it, fresh] = keys.emplace(f, p.code);
      CAPTURE(k);
      CHECK((fresh || it->second == p.code));
    }
  }
  // One procedure per family named in the brief, found by its name's words.
  auto has = [&](const std::string& field, const std::string& words) {
    for (const auto& p : procs) {
      if (p.field == field && handlers::fold(p.name).find(handlers::fold(words)) != std::string::npos) return true;
    }
    return false;
  };
  CHECK(has("Chứng thực", "chứng thực chữ ký"));
  CHECK(has("Chứng thực", "bản sao từ bản chính"));
  CHECK(has("Hộ tịch", "khai sinh"));
  CHECK(has("Hộ tịch", "khai tử"));
  CHECK(has("Hộ tịch", "kết hôn"));
  CHECK(has("Hộ tịch", "xác nhận tình trạng hôn nhân"));
  CHECK(has("Bảo trợ xã hội", "trợ cấp xã hội hằng tháng"));
  CHECK(has("Bảo trợ xã hội", "mai táng"));
  CHECK(has("Bảo hiểm y tế", "thẻ bảo hiểm y tế"));
  CHECK(has("Người có công", "người có công"));
  const std::set<std::string> fields = [&] {
    std::set<std::string> f;
    for (const auto& p : procs) f.insert(p.field);
    return f;
  }();
  CHECK(fields == std::set<std::string>{"Chứng thực", "Hộ tịch", "Bảo trợ xã hội", "Người có công", "Bảo hiểm y tế"});
}

TEST_CASE("catalog: every shipped procedure lists the papers the citizen must have ready") {
  for (const auto& p : bot::shipped_procedures()) {
    CAPTURE(p.code);
    CHECK(p.papers.size() >= 2);
    for (const auto& paper : p.papers) CHECK_FALSE(paper.empty());
  }
  const auto procs = bot::shipped_procedures();
  auto birth = std::find_if(procs.begin(), procs.end(), [](const auto& p) { return p.code == "HT-01"; });
  REQUIRE(birth != procs.end());
  CHECK(std::find(birth->papers.begin(), birth->papers.end(), "Tờ khai đăng ký khai sinh") != birth->papers.end());
  auto user = bot::parse_catalog("[[procedure]]\ncode = \"A-1\"\nname = \"Một\"\nfield = \"F\"\nprocessing_days = 1\n"
                                 "papers = [\"CCCD\", \"Tờ khai\"]\n",
                                 "cat.toml");
  REQUIRE(user.has_value());
  CHECK(user->front().papers == std::vector<std::string>{"CCCD", "Tờ khai"});
  auto bad = bot::parse_catalog("[[procedure]]\ncode = \"A-1\"\nname = \"Một\"\nfield = \"F\"\nprocessing_days = 1\n"
                                "papers = \"CCCD\"\n",
                                "cat.toml");
  REQUIRE_FALSE(bad.has_value());
  CHECK(contains(bad.error().message, "cat.toml:6: procedure[0].papers: must be a list"));
}

TEST_CASE("catalog: the registration fixture's procedure is CT-01, due the next working day") {
  const auto procs = bot::shipped_procedures();
  auto it = std::find_if(procs.begin(), procs.end(), [](const auto& p) { return p.code == "CT-01"; });
  REQUIRE(it != procs.end());
  CHECK(it->name == "Chứng thực chữ ký");
  CHECK(it->processing_days == 1);
}

TEST_CASE("catalog: bad catalogs are rejected with file, line and key") {
  auto dup_alias = bot::parse_catalog(
      "[[procedure]]\ncode = \"A-1\"\nname = \"Một\"\nfield = \"F\"\nprocessing_days = 1\naliases = [\"chung\"]\n"
      "[[procedure]]\ncode = \"A-2\"\nname = \"Hai\"\nfield = \"F\"\nprocessing_days = 1\naliases = [\"Chung\"]\n",
      "cat.toml");
  REQUIRE_FALSE(dup_alias.has_value());
  CHECK(contains(dup_alias.error().message, "cat.toml:12: procedure[1].aliases[0]: \"Chung\" already names A-1"));

  auto dup_code = bot::parse_catalog(
      "[[procedure]]\ncode = \"A-1\"\nname = \"Một\"\nfield = \"F\"\nprocessing_days = 1\n"
      "[[procedure]]\ncode = \"A-1\"\nname = \"Hai\"\nfield = \"F\"\nprocessing_days = 1\n",
      "cat.toml");
  REQUIRE_FALSE(dup_code.has_value());
  CHECK(contains(dup_code.error().message, "cat.toml:7: procedure[1].code: duplicate code"));

  auto bad_days = bot::parse_catalog(
      "[[procedure]]\ncode = \"A-1\"\nname = \"Một\"\nfield = \"F\"\nprocessing_days = -1\nalias = []\n", "cat.toml");
  REQUIRE_FALSE(bad_days.has_value());
  CHECK(contains(bad_days.error().message, "cat.toml:5: procedure[0].processing_days"));
  CHECK(contains(bad_days.error().message, "cat.toml:6: procedure[0].alias: unknown key (did you mean 'aliases'?)"));

  CHECK_FALSE(bot::parse_catalog("", "empty.toml").has_value());
}

TEST_CASE("config: relay.max_in_flight is read, and zero is rejected with its line") {
  scoped_env t("TANNHA_TOKEN", nullptr), s("TANNHA_WEBHOOK_SECRET", nullptr);
  auto r = bot::parse_config(minimal("", "[relay]\nmax_in_flight = 32\n\n"), "test.toml");
  REQUIRE_MESSAGE(r.has_value(), (r.has_value() ? "" : r.error().message));
  CHECK(r->relay.max_in_flight == 32);
  const auto msg = error_of(minimal("", "[relay]\nmax_in_flight = 0\n\n"));
  CHECK(contains(msg, "test.toml:2: relay.max_in_flight: must be a positive integer (got 0)"));
}

TEST_CASE("config: [server] metrics_token is empty by default, read from the file, and TANNHA_METRICS_TOKEN wins") {
  scoped_env t("TANNHA_TOKEN", nullptr), s("TANNHA_WEBHOOK_SECRET", nullptr);
  {
    scoped_env m("TANNHA_METRICS_TOKEN", nullptr);
    auto none = bot::parse_config(minimal(), "test.toml");
    REQUIRE(none.has_value());
    CHECK(none->server.metrics_token.empty());
    auto r = bot::parse_config(minimal("", "[server]\nmetrics_token = \" scrape-me_42 \"\n"), "test.toml");
    REQUIRE_MESSAGE(r.has_value(), (r.has_value() ? "" : r.error().message));
    CHECK(r->server.metrics_token == "scrape-me_42");
  }
  {
    scoped_env m("TANNHA_METRICS_TOKEN", "from-env");
    auto r = bot::parse_config(minimal("", "[server]\nmetrics_token = \"from-file\"\n"), "test.toml");
    REQUIRE(r.has_value());
    CHECK(r->server.metrics_token == "from-env");
  }
  scoped_env m("TANNHA_METRICS_TOKEN", nullptr);
  CHECK(contains(error_of(minimal("", "[server]\nmetrics_token = \"two words\"\n")),
                 "test.toml:2: server.metrics_token: must be visible ASCII characters without spaces"));
}

TEST_CASE("config: posts is group, members or both; unset it follows whether the unit has a group") {
  scoped_env t("TANNHA_TOKEN", nullptr), s("TANNHA_WEBHOOK_SECRET", nullptr);
  auto with_group = bot::parse_config(minimal(), "t.toml");
  REQUIRE(with_group.has_value());
  CHECK_FALSE(with_group->units[0].delivery.has_value());
  CHECK(domain::delivery_of(with_group->units[0]) == domain::post_delivery::group);

  std::string no_group = minimal();
  no_group.replace(no_group.find("chat_id = \"g1\"\n"), 15, "");
  auto members = bot::parse_config(no_group, "t.toml");
  REQUIRE_MESSAGE(members.has_value(), (members.has_value() ? "" : members.error().message));
  CHECK(members->units[0].chat_id.empty());
  CHECK(domain::delivery_of(members->units[0]) == domain::post_delivery::members);

  const std::pair<const char*, domain::post_delivery> values[] = {{"group", domain::post_delivery::group},
                                                                  {"members", domain::post_delivery::members},
                                                                  {"both", domain::post_delivery::both}};
  for (const auto& [text, mode] : values) {
    auto c = bot::parse_config(minimal("posts = \"" + std::string(text) + "\"\n"), "t.toml");
    REQUIRE(c.has_value());
    CHECK(c->units[0].delivery == mode);
    CHECK(domain::delivery_of(c->units[0]) == mode);
  }
  // Written, it wins over the default: a unit with a group may post to its members only.
  auto explicit_members = bot::parse_config(minimal("posts = \"members\"\n"), "t.toml");
  REQUIRE(explicit_members.has_value());
  CHECK(domain::delivery_of(explicit_members->units[0]) == domain::post_delivery::members);
}

TEST_CASE("config: any other posts value is rejected naming the key and its line") {
  const auto msg = error_of(minimal("posts = \"everyone\"\n"));
  CHECK(contains(msg, "test.toml:11: units[0].posts: must be \"group\", \"members\" or \"both\" (got \"everyone\")"));
  CHECK(contains(error_of(minimal("posts = 3\n")), "test.toml:11: units[0].posts"));
}

TEST_CASE("config: [privacy] has documented defaults, takes other periods and refuses zero or absurd ones") {
  scoped_env t("TANNHA_TOKEN", nullptr), s("TANNHA_WEBHOOK_SECRET", nullptr);
  auto r = bot::parse_config(minimal(), "test.toml");
  REQUIRE(r.has_value());
  CHECK(r->privacy.sent_message_days == 30);
  CHECK(r->privacy.processed_update_days == 14);
  CHECK(r->privacy.closed_request_years == 5);
  CHECK(r->privacy.audit_years == 5);

  r = bot::parse_config(minimal("", "[privacy]\nsent_message_days = 7\nprocessed_update_days = 3\n"
                                    "closed_request_years = 10\naudit_years = 2\n"),
                        "test.toml");
  REQUIRE_MESSAGE(r.has_value(), (r.has_value() ? "" : r.error().message));
  CHECK(r->privacy.sent_message_days == 7);
  CHECK(r->privacy.processed_update_days == 3);
  CHECK(r->privacy.closed_request_years == 10);
  CHECK(r->privacy.audit_years == 2);

  const auto msg = error_of(minimal("", "[privacy]\nsent_message_days = 0\naudit_years = 1000\nkeep_forever = true\n"));
  CHECK(contains(msg, "privacy.sent_message_days"));
  CHECK(contains(msg, "privacy.audit_years"));
  CHECK(contains(msg, "privacy.keep_forever"));
}

TEST_CASE("config: the example config's [privacy] values are the defaults") {
  scoped_env t("TANNHA_TOKEN", nullptr), s("TANNHA_WEBHOOK_SECRET", nullptr);
  auto r = bot::load_config(example_path);
  REQUIRE_MESSAGE(r.has_value(), (r.has_value() ? "" : r.error().message));
  CHECK(r->privacy.sent_message_days == 30);
  CHECK(r->privacy.processed_update_days == 14);
  CHECK(r->privacy.closed_request_years == 5);
  CHECK(r->privacy.audit_years == 5);
}
