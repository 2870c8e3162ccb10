// Units one per file in a folder (issue 18, item 3): `[units] dir = "units.d"`.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "bot/config.hpp"
#include "bot/units_reload.hpp"
#include "test_support.hpp"

using namespace tannha;

namespace unit_files_test {

const std::string head =
    "[platform]\n"                          // 1
    "kind = \"console\"\n"                  // 2
    "webhook_secret = \"s3cret-s3cret\"\n"  // 3
    "\n";                                   // 4

// A unit file's text: the keys of a [[units]] block at the top; `extra` from line 6 on.
std::string unit_file(const std::string& id, const std::string& chat, const std::string& extra = "") {
  return "# " + id + "\n"                          // 1
         "id = \"" + id + "\"\n"                   // 2
         "name = \"Xã " + id + "\"\n"              // 3
         "chat_id = \"" + chat + "\"\n"            // 4
         "villages = [\"Thôn 1\", \"Thôn 2\"]\n"   // 5
         + extra;
}

// A config folder: config.toml (head + `units`) and the given files in units.d/.
struct folder {
  test::temp_dir dir;

  folder(const std::string& units, const std::vector<std::pair<std::string, std::string>>& files) {
    std::filesystem::create_directories(dir.path() / "units.d");
    std::ofstream(dir.file("config.toml")) << head << units;
    for (const auto& [name, text] : files) write(name, text);
  }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(dir.path() / "units.d" / name) << text;
  }
  std::string config() const { return dir.file("config.toml"); }
  std::string unit_path(const std::string& name) const { return (dir.path() / "units.d" / name).string(); }
};

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace unit_files_test

using namespace unit_files_test;

TEST_CASE("unit files: every *.toml of the folder named next to the config is a unit, read in file-name order") {
  folder f("[units]\ndir = \"units.d\"\n",
           {{"b.toml", unit_file("xa-b", "g2", "capacity = 7\nadmins = [\"u2\"]\n")}, {"a.toml", unit_file("xa-a", "g1")}});
  auto c = bot::load_config(f.config());
  REQUIRE_MESSAGE(c.has_value(), (c.has_value() ? "" : c.error().message));
  REQUIRE(c->units.size() == 2);
  CHECK(c->units[0].id == "xa-a");
  CHECK(c->units[0].name == "Xã xa-a");
  CHECK(c->units[0].villages == std::vector<std::string>{"Thôn 1", "Thôn 2"});
  CHECK(c->units[1].id == "xa-b");
  CHECK(c->units[1].schedule.capacity == 7);
  CHECK(c->units[1].admins == std::vector<std::string>{"u2"});
  // The folder is relative to the config file's folder, whatever the current directory.
  REQUIRE(c->unit_dirs.size() == 1);
  CHECK(std::filesystem::equivalent(c->unit_dirs[0], f.dir.path() / "units.d"));
}

TEST_CASE("unit files: [[units]] blocks and a folder of unit files are used together") {
  folder f("[[units]]\nid = \"inline\"\nname = \"Xã Trong\"\nvillages = [\"Thôn A\"]\n\n[[units]]\ndir = \"units.d\"\n",
           {{"a.toml", unit_file("xa-a", "g1")}});
  auto c = bot::load_config(f.config());
  REQUIRE_MESSAGE(c.has_value(), (c.has_value() ? "" : c.error().message));
  REQUIRE(c->units.size() == 2);
  CHECK(c->units[0].id == "inline");
  CHECK(c->units[1].id == "xa-a");
}

TEST_CASE("unit files: hidden files and other names are not read, and doctor can list the others") {
  folder f("[units]\ndir = \"units.d\"\n",
           {{"a.toml", unit_file("xa-a", "g1")}, {".a.toml", "not = toml ["}, {"b.toml.bak", "broken ["},
            {"ghi-chu.txt", "notes"}});
  auto c = bot::load_config(f.config());
  REQUIRE_MESSAGE(c.has_value(), (c.has_value() ? "" : c.error().message));
  CHECK(c->units.size() == 1);
  const auto ignored = bot::unit_files_ignored(*c);
  REQUIRE(ignored.size() == 2);
  CHECK(has(ignored[0], "b.toml.bak"));
  CHECK(has(ignored[1], "ghi-chu.txt"));
}

TEST_CASE("unit files: a bad value is reported with the unit file's name and line") {
  folder f("[units]\ndir = \"units.d\"\n",
           {{"a.toml", unit_file("xa-a", "g1")}, {"b.toml", unit_file("xa-b", "g2", "capacity = -3\n")}});
  std::vector<bot::config_problem> where;
  auto c = bot::load_config(f.config(), &where);
  REQUIRE_FALSE(c.has_value());
  CHECK(has(c.error().message, f.unit_path("b.toml") + ":6: capacity: must be a positive integer (got -3)"));
  REQUIRE(where.size() == 1);
  CHECK(where[0].file == f.unit_path("b.toml"));
  CHECK(where[0].line == 6);
  CHECK(where[0].key == "capacity");
}

TEST_CASE("unit files: a file that is not valid TOML is named with its line") {
  folder f("[units]\ndir = \"units.d\"\n", {{"a.toml", unit_file("xa-a", "g1", "visit_days = [\"Thứ Bảy\"\n")}});
  std::vector<bot::config_problem> where;
  auto c = bot::load_config(f.config(), &where);
  REQUIRE_FALSE(c.has_value());
  CHECK(has(c.error().message, f.unit_path("a.toml") + ":"));
  CHECK(has(c.error().message, "not valid TOML"));
  REQUIRE(where.size() == 1);
  CHECK(where[0].line >= 6);
}

TEST_CASE("unit files: the same unit id in two files is refused, naming both files") {
  folder f("[units]\ndir = \"units.d\"\n", {{"a.toml", unit_file("xa-a", "g1")}, {"b.toml", unit_file("xa-a", "g2")}});
  auto c = bot::load_config(f.config());
  REQUIRE_FALSE(c.has_value());
  CHECK(has(c.error().message,
            f.unit_path("b.toml") + ":2: id: duplicate unit id \"xa-a\" (also " + f.unit_path("a.toml") + ")"));
}

TEST_CASE("unit files: a unit id used by a [[units]] block and a file is refused, naming both") {
  folder f("[[units]]\nid = \"xa-a\"\nname = \"Xã A\"\nvillages = [\"Thôn A\"]\n\n[[units]]\ndir = \"units.d\"\n",
           {{"a.toml", unit_file("xa-a", "g1")}});
  auto c = bot::load_config(f.config());
  REQUIRE_FALSE(c.has_value());
  CHECK(has(c.error().message, f.unit_path("a.toml") + ":2: id: duplicate unit id \"xa-a\" (also units[0] in " +
                                   f.config() + ")"));
}

TEST_CASE("unit files: one group for two units in two files is refused") {
  folder f("[units]\ndir = \"units.d\"\n", {{"a.toml", unit_file("xa-a", "g1")}, {"b.toml", unit_file("xa-b", "g1")}});
  auto c = bot::load_config(f.config());
  REQUIRE_FALSE(c.has_value());
  CHECK(has(c.error().message, f.unit_path("b.toml") + ":4: chat_id: duplicate chat_id \"g1\" (also " +
                                   f.unit_path("a.toml") + ")"));
}

TEST_CASE("unit files: a missing folder is named at the config's line, an empty one means no unit") {
  {
    folder f("[units]\ndir = \"khong-co\"\n", {});
    auto c = bot::load_config(f.config());
    REQUIRE_FALSE(c.has_value());
    CHECK(has(c.error().message, f.config() + ":6: units.dir: \""));
    CHECK(has(c.error().message, "khong-co\" is not a folder that can be read"));
  }
  {
    folder f("[units]\ndir = \"units.d\"\n", {});
    auto c = bot::load_config(f.config());
    REQUIRE_FALSE(c.has_value());
    CHECK(has(c.error().message, "units: at least one [[units]]"));
  }
}

TEST_CASE("unit files: a file written as a [[units]] block is explained") {
  folder f("[units]\ndir = \"units.d\"\n", {{"a.toml", "[[units]]\nid = \"xa-a\"\nname = \"A\"\nvillages = [\"T\"]\n"}});
  auto c = bot::load_config(f.config());
  REQUIRE_FALSE(c.has_value());
  CHECK(has(c.error().message, f.unit_path("a.toml") + ":1: a unit file holds the unit's keys"));
}

TEST_CASE("unit files: an unknown key in a unit file suggests the right one") {
  folder f("[units]\ndir = \"units.d\"\n", {{"a.toml", unit_file("xa-a", "g1", "vilages = [\"X\"]\n")}});
  auto c = bot::load_config(f.config());
  REQUIRE_FALSE(c.has_value());
  CHECK(has(c.error().message, f.unit_path("a.toml") + ":6: vilages: unknown key (did you mean 'villages'?)"));
}

TEST_CASE("reload: only new units and those whose stored part changed are stored again") {
  auto make = [](const std::string& id) {
    domain::unit u;
    u.id = id;
    u.name = id;
    u.villages = {"T"};
    return u;
  };
  const auto a = make("a"), b = make("b"), c = make("c");
  auto b2 = b;
  b2.villages.push_back("T2");
  auto a2 = a;
  a2.schedule.capacity = 3;  // read from the config at each reload, nothing to store
  bot::units_change change;
  auto stored = bot::units_to_store({a, b, c}, {a2, b2, make("d")}, &change);
  REQUIRE(stored.size() == 2);
  CHECK(stored[0].id == "b");
  CHECK(stored[1].id == "d");
  CHECK(change.added == 1);
  CHECK(change.changed == 1);
  CHECK(change.removed == 1);
}

TEST_CASE("reload: the settings a reload leaves until a restart are named") {
  auto a = bot::parse_config(head + "[[units]]\nid = \"a\"\nname = \"A\"\nvillages = [\"T\"]\n", "x.toml");
  REQUIRE(a.has_value());
  auto b = *a;
  CHECK(bot::sections_changed(*a, b).empty());
  b.relay.max_attempts = 3;
  b.server.listen = "127.0.0.1:9999";
  b.units.clear();
  CHECK(bot::sections_changed(*a, b) == std::vector<std::string>{"server", "relay"});
}
