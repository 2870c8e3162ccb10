#include <doctest/doctest.h>

#include <sys/stat.h>

#include <filesystem>

#include "storage/citizen_repository.hpp"
#include "storage/database.hpp"
#include "storage/outbox.hpp"
#include "storage/request_repository.hpp"
#include "storage/unit_repository.hpp"
#include "storage/update_log.hpp"
#include "test_support.hpp"

using namespace tannha;
using tannha::test::local;

namespace {
domain::instant t0 = local(2026, 11, 23, 9, 0);
}

TEST_CASE("storage: a new database file is migrated to the latest version in WAL mode") {
  test::temp_dir dir;
  storage::database db(dir.file("t.db"));
  CHECK(db.schema_version() >= 1);
  CHECK(db.db().execAndGet("PRAGMA journal_mode").getString() == "wal");
  CHECK(db.db().execAndGet("PRAGMA foreign_keys").getInt() == 1);
  CHECK(db.healthy());
  // Opening again applies nothing new.
  storage::database again(dir.file("t.db"));
  CHECK(again.migrate() == 0);
}

TEST_CASE("storage: a transaction that is not committed leaves nothing behind") {
  test::temp_dir dir;
  storage::database db(dir.file("t.db"));
  storage::outbox box(db);
  {
    storage::write_transaction tx(db);
    box.enqueue("chat", "hello", t0);
  }
  CHECK(box.counts().pending == 0);
  {
    storage::write_transaction tx(db);
    box.enqueue("chat", "hello", t0);
    tx.commit();
  }
  CHECK(box.counts().pending == 1);
}

TEST_CASE("storage: an update id is recorded once; the second delivery is recognised") {
  test::temp_dir dir;
  storage::database db(dir.file("t.db"));
  storage::update_log log(db);
  CHECK(log.record("zalo", "m1", t0));
  CHECK_FALSE(log.record("zalo", "m1", t0));
  CHECK(log.record("telegram", "m1", t0));  // ids are per platform
}

TEST_CASE("outbox: each chat yields only its oldest pending message, so order per chat holds") {
  test::temp_dir dir;
  storage::database db(dir.file("t.db"));
  storage::outbox box(db);
  auto a1 = box.enqueue("A", "a1", t0);
  auto a2 = box.enqueue("A", "a2", t0);
  auto b1 = box.enqueue("B", "b1", t0);
  auto due = box.due(t0, 10);
  REQUIRE(due.size() == 2);
  CHECK(due[0].id == a1);
  CHECK(due[1].id == b1);

  // A's head waits for a retry: A yields nothing (a2 must not overtake), B is unaffected.
  box.mark_retry(a1, t0 + std::chrono::seconds{30}, "timeout");
  box.mark_sent(b1, t0);
  due = box.due(t0, 10);
  CHECK(due.empty());
  due = box.due(t0 + std::chrono::seconds{30}, 10);
  REQUIRE(due.size() == 1);
  CHECK(due[0].id == a1);
  CHECK(due[0].attempts == 1);
  CHECK(due[0].last_error == "timeout");

  // A dead head lets the next one through, and can be put back by an operator.
  box.mark_dead(a1, "400 chat not found");
  due = box.due(t0 + std::chrono::seconds{30}, 10);
  REQUIRE(due.size() == 1);
  CHECK(due[0].id == a2);
  auto c = box.counts();
  CHECK(c.dead == 1);
  CHECK(c.sent == 1);
  CHECK(c.pending == 1);
  CHECK(box.list("dead", 10).at(0).id == a1);
  CHECK(box.retry_dead(std::nullopt, t0) == 1);
  CHECK(box.counts().dead == 0);
}

TEST_CASE("storage: config sync creates units and leaders, and request numbers count up per unit") {
  test::temp_dir dir;
  storage::database db(dir.file("t.db"));
  storage::unit_repository units(db);
  auto u1 = test::demo_unit("u1", "g1", {"boss"});
  auto u2 = test::demo_unit("u2", "g2", {"boss", "other"});
  units.sync_config({u1, u2}, t0);
  units.sync_config({u1, u2}, t0);  // idempotent
  auto m = units.member("u1", "boss");
  REQUIRE(m);
  CHECK(m->role == domain::role::lanhdao);
  CHECK(units.memberships("boss").size() == 2);
  CHECK(units.members("u2").size() == 2);

  storage::write_transaction tx(db);
  CHECK(units.take_request_number("u1") == 1);
  CHECK(units.take_request_number("u1") == 2);
  CHECK(units.take_request_number("u2") == 1);
  tx.commit();
}

TEST_CASE("storage: request history is append-only") {
  test::temp_dir dir;
  storage::database db(dir.file("t.db"));
  storage::unit_repository units(db);
  units.sync_config({test::demo_unit("u1", "g1")}, t0);
  units.sync_catalog({{"CT-01", "Chứng thực chữ ký", "Chứng thực", 1, {}}});
  storage::citizen_repository citizens(db);
  storage::request_repository requests(db);
  storage::write_transaction tx(db);
  storage::citizen_record c;
  c.unit_id = "u1";
  c.full_name = "Nguyễn Văn Tư";
  c.folded_name = "nguyen van tu";
  c.birth_year = 1938;
  c.village = "Đông Hải";
  auto cid = citizens.insert(c, t0);
  storage::request_record r;
  r.unit_id = "u1";
  r.number = 1;
  r.citizen_id = cid;
  r.procedure_code = "CT-01";
  r.registered_by = "admin";
  r.registered_chat = "g1";
  r.registered_at = t0;
  auto id = requests.insert(r, "admin", t0);
  tx.commit();
  CHECK(requests.events(id).size() == 1);
  CHECK_THROWS(db.db().exec("DELETE FROM request_events"));
  CHECK_THROWS(db.db().exec("UPDATE request_events SET note = 'x'"));
  CHECK(requests.events(id).size() == 1);
  CHECK(citizens.find("u1", "nguyen van tu", 1938, "Đông Hải"));
  CHECK_FALSE(citizens.find("u1", "nguyen van tu", 1939, "Đông Hải"));
  CHECK(citizens.search("u1", "van tu", 10).size() == 1);
  CHECK(citizens.search("u1", "%", 10).empty());  // LIKE wildcards are matched literally
}

TEST_CASE("storage: a leader taken out of the config loses the role; invited members stay") {
  test::temp_dir dir;
  storage::database db(dir.file("t.db"));
  storage::unit_repository units(db);
  units.sync_config({test::demo_unit("u1", "g1", {"boss", "old-boss"})}, t0);
  {
    storage::write_transaction tx(db);
    units.put_member({"u1", "staff", domain::role::canbo, "", "Cán bộ A", "invite"}, t0);
    tx.commit();
  }
  units.sync_config({test::demo_unit("u1", "g1", {"boss"})}, t0);
  CHECK(units.member("u1", "boss"));
  CHECK_FALSE(units.member("u1", "old-boss"));
  CHECK(units.member("u1", "staff"));
}

namespace {

// The permission bits of a file (stat), e.g. 0600.
unsigned mode_of(const std::string& path) {
  struct ::stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return static_cast<unsigned>(st.st_mode & 07777);
}

// Sets the process umask for one scope (022: what a shell outside systemd usually has).
class scoped_umask {
 public:
  explicit scoped_umask(mode_t m) : old_(::umask(m)) {}
  ~scoped_umask() { ::umask(old_); }
  scoped_umask(const scoped_umask&) = delete;
  scoped_umask& operator=(const scoped_umask&) = delete;

 private:
  mode_t old_;
};

}  // namespace

TEST_CASE("storage: a new database file, its -wal and -shm are created owner-only (0600) under umask 022") {
  scoped_umask mask(022);
  test::temp_dir dir;
  auto path = dir.file("personal.db");
  storage::database db(path);
  {
    // A write, so that the WAL and the shared-memory index certainly exist.
    storage::write_transaction tx(db);
    storage::update_log(db).record("zalo", "1", t0);
    tx.commit();
  }
  REQUIRE(std::filesystem::exists(path + "-wal"));
  REQUIRE(std::filesystem::exists(path + "-shm"));
  CHECK(mode_of(path) == 0600);
  CHECK(mode_of(path + "-wal") == 0600);
  CHECK(mode_of(path + "-shm") == 0600);

  // A backup written by the bot is the same data: owner-only as well.
  auto copy = dir.file("copy.db");
  CHECK(db.backup_to(copy) == "ok");
  CHECK(mode_of(copy) == 0600);
}

TEST_CASE("storage: an existing database keeps the mode its operator gave it, and its WAL follows it") {
  scoped_umask mask(022);
  test::temp_dir dir;
  auto path = dir.file("shared.db");
  { storage::database first(path); }
  REQUIRE(::chmod(path.c_str(), 0640) == 0);
  std::filesystem::remove(path + "-wal");
  std::filesystem::remove(path + "-shm");
  storage::database db(path);
  {
    storage::write_transaction tx(db);
    storage::update_log(db).record("zalo", "2", t0);
    tx.commit();
  }
  CHECK(mode_of(path) == 0640);
  CHECK(mode_of(path + "-wal") == 0640);
  // An in-memory database still opens.
  storage::database memory(":memory:");
  CHECK(memory.healthy());
}

TEST_CASE("storage: citizens are searched by words of the name or the place, and by part of the phone") {
  test::temp_dir dir;
  storage::database db(dir.file("t.db"));
  storage::unit_repository units(db);
  units.sync_config({test::demo_unit("u1", "g1"), test::demo_unit("u2", "g2")}, t0);
  storage::citizen_repository citizens(db);
  auto add = [&](const char* unit, const char* name, const char* folded, const char* village, const char* place,
                 const char* phone) {
    storage::citizen_record c;
    c.unit_id = unit;
    c.full_name = name;
    c.folded_name = folded;
    c.village = village;
    c.folded_place = place;
    c.phone = phone;
    return citizens.insert(c, t0);
  };
  storage::write_transaction tx(db);
  const auto tu = add("u1", "Nguyễn Văn Tư", "nguyen van tu", "Đông Hải", "dong hai xom 3 canh nha van hoa", "0912345678");
  const auto lan = add("u1", "Trần Thị Lan", "tran thi lan", "Tây Sơn", "tay son xom 12", "0987111222");
  add("u2", "Nguyễn Văn Tư", "nguyen van tu", "Đông Hải", "dong hai xom 3", "0912345678");  // another unit
  tx.commit();
  const auto ids = [](const std::vector<storage::citizen_record>& found) {
    std::vector<std::int64_t> out;
    for (const auto& c : found) out.push_back(c.id);
    return out;
  };
  using v = std::vector<std::int64_t>;
  using w = std::vector<std::string>;
  CHECK(ids(citizens.search_words("u1", w{"xom", "3"}, 10)) == v{tu});
  CHECK(ids(citizens.search_words("u1", w{"xom"}, 10)) == v{tu, lan});  // ordered by folded name
  CHECK(ids(citizens.search_words("u1", w{"van", "hoa"}, 10)) == v{tu});
  CHECK(ids(citizens.search_words("u1", w{"tay", "son"}, 10)) == v{lan});
  CHECK(ids(citizens.search_words("u1", w{"tu", "dong"}, 10)) == v{tu});  // a name word and a place word
  CHECK(citizens.search_words("u1", w{"lan", "dong"}, 10).empty());        // every word must match
  CHECK(citizens.search_words("u1", w{"xom", "1"}, 10).empty());           // "1" is not "12"
  CHECK(ids(citizens.search_words("u1", w{"12"}, 10)) == v{lan});
  CHECK(citizens.search_words("u1", w{"oa"}, 10).empty());                 // a place word is matched from its start
  CHECK(ids(citizens.search_words("u1", w{"hi"}, 10)) == v{lan});          // in a name anywhere, as before
  CHECK(citizens.search_words("u1", w{"%"}, 10).empty());                  // LIKE wildcards are literal
  CHECK(citizens.search_words("u1", w{}, 10).empty());
  CHECK(citizens.search_words("u1", w{"xom"}, 1).size() == 1);
  CHECK(ids(citizens.search_phone("u1", "0912", 10)) == v{tu});
  CHECK(ids(citizens.search_phone("u1", "345678", 10)) == v{tu});
  CHECK(ids(citizens.search_phone("u1", "9", 10)) == v{tu, lan});
  CHECK(citizens.search_phone("u1", "555", 10).empty());
  CHECK(citizens.search_phone("u1", "", 10).empty());
}

TEST_CASE("storage: a correction and a newer registration rewrite the folded place; rows without one are listed") {
  test::temp_dir dir;
  storage::database db(dir.file("t.db"));
  storage::unit_repository units(db);
  units.sync_config({test::demo_unit("u1", "g1")}, t0);
  storage::citizen_repository citizens(db);
  storage::write_transaction tx(db);
  storage::citizen_record c;
  c.unit_id = "u1";
  c.full_name = "Nguyễn Văn Tư";
  c.folded_name = "nguyen van tu";
  c.village = "Đông Hải";
  c.address = "xóm 3";
  c.folded_place = "dong hai xom 3";
  c.id = citizens.insert(c, t0);
  CHECK(citizens.get(c.id)->folded_place == "dong hai xom 3");

  storage::citizen_record newer;
  newer.address = "xóm 4";
  newer.folded_place = "dong hai xom 4";
  citizens.refresh(c.id, newer);
  CHECK(citizens.get(c.id)->folded_place == "dong hai xom 4");
  newer.address = "";  // a registration without an address keeps the stored one
  newer.folded_place = "dong hai";
  citizens.refresh(c.id, newer);
  CHECK(citizens.get(c.id)->folded_place == "dong hai xom 4");

  c.address = "xóm 5";
  c.folded_place = "dong hai xom 5";
  citizens.correct(c);
  CHECK(citizens.get(c.id)->folded_place == "dong hai xom 5");
  c.folded_place = "dong hai xom 6";
  citizens.approve(c.id, c);
  CHECK(citizens.get(c.id)->folded_place == "dong hai xom 6");

  // A row with none (as stored before schema 22), and an anonymised one (no folded name).
  db.db().exec("UPDATE citizens SET folded_place = ''");
  storage::citizen_record gone = c;
  gone.folded_name = "";
  gone.folded_place = "";
  gone.id = citizens.insert(gone, t0);
  auto rows = citizens.without_folded_place(0, 10);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].id == c.id);
  CHECK(rows[0].village == "Đông Hải");
  CHECK(rows[0].address == "xóm 5");
  CHECK(citizens.without_folded_place(c.id, 10).empty());
  citizens.set_folded_place(c.id, "dong hai xom 5");
  CHECK(citizens.without_folded_place(0, 10).empty());
  tx.commit();
}
