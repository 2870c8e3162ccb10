// The storage pieces that moved in from bot/ (poll offsets, the outbox read-back for run-jobs,
// backups) and the guard on the statement cache.
#include <doctest/doctest.h>

#include <stdexcept>

#include "storage/database.hpp"
#include "storage/outbox.hpp"
#include "storage/poll_state.hpp"
#include "test_support.hpp"

using namespace tannha;
using tannha::test::local;

TEST_CASE("statement cache: reusing a statement that a caller is still stepping through throws") {
  storage::database db(":memory:");
  storage::outbox box(db);
  auto t = local(2026, 11, 23, 9, 0);
  box.enqueue("A", "a1", t);
  box.enqueue("B", "b1", t);
  const std::string sql = "SELECT id FROM outbox ORDER BY id";

  auto outer = db.prepared(sql);
  REQUIRE(outer->executeStep());
  // A nested use would reset the outer loop under its feet.
  CHECK_THROWS_AS(db.prepared(sql), std::logic_error);
  // The outer loop is untouched and goes on to its second row.
  REQUIRE(outer->executeStep());
  CHECK(outer->getColumn(0).getInt64() == 2);
  CHECK_FALSE(outer->executeStep());
}

TEST_CASE("statement cache: a statement is reused once the caller finished or let it go") {
  storage::database db(":memory:");
  const std::string sql = "SELECT 1";
  {
    auto q = db.prepared(sql);
    REQUIRE(q->executeStep());  // left holding a row, then released: reset on release
  }
  auto again = db.prepared(sql);
  REQUIRE(again->executeStep());
  CHECK(again->getColumn(0).getInt() == 1);
  CHECK_FALSE(again->executeStep());
  // Stepped to the end: nothing is iterating any more, so the same SQL may be prepared again.
  auto third = db.prepared(sql);
  CHECK(third->executeStep());
}

TEST_CASE("write transaction: commits once, rolls back when dropped, and the next one begins cleanly") {
  test::temp_dir dir;
  storage::database db(dir.file("t.db"));
  storage::outbox box(db);
  auto t = local(2026, 11, 23, 9, 0);
  {
    storage::write_transaction tx(db);
    box.enqueue("A", "kept", t);
    tx.commit();
    CHECK_THROWS(tx.commit());  // committed once; a second commit is a mistake
  }
  {
    storage::write_transaction tx(db);
    box.enqueue("A", "dropped", t);
  }
  storage::write_transaction tx(db);  // BEGIN IMMEDIATE works again: nothing was left open
  tx.commit();
  CHECK(box.counts().pending == 1);
}

TEST_CASE("poll state: the offset is absent until saved, then the last one saved per platform") {
  storage::database db(":memory:");
  storage::poll_state polls(db);
  auto t = local(2026, 11, 23, 9, 0);
  CHECK_FALSE(polls.offset("telegram").has_value());
  polls.save("telegram", 101, t);
  polls.save("telegram", 102, t);
  polls.save("zalo", 7, t);
  CHECK(polls.offset("telegram") == 102);
  CHECK(polls.offset("zalo") == 7);
}

TEST_CASE("outbox: after() gives what was queued after a mark, oldest first") {
  storage::database db(":memory:");
  storage::outbox box(db);
  auto t = local(2026, 11, 23, 9, 0);
  CHECK(box.last_id() == 0);
  box.enqueue("A", "before", t);
  auto mark = box.last_id();
  box.enqueue("B", "one", t);
  box.enqueue("A", "two", t);
  auto rows = box.after(mark);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].chat_id == "B");
  CHECK(rows[0].text == "one");
  CHECK(rows[1].text == "two");
  CHECK(box.after(box.last_id()).empty());
}

TEST_CASE("backup: the copy is a sound database with the same rows") {
  test::temp_dir dir;
  storage::database db(dir.file("t.db"));
  storage::outbox box(db);
  box.enqueue("A", "hello", local(2026, 11, 23, 9, 0));
  CHECK(db.backup_to(dir.file("copy.db")) == "ok");
  storage::database copy(dir.file("copy.db"));
  CHECK(storage::outbox(copy).counts().pending == 1);
}
