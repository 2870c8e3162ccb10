// outbox::due() and next_due() stay cheap under a backlog (issue 7) and give the same answer
// as "each chat's oldest pending row if due, oldest first, at most limit"; mark_many() is one
// transaction.
#include <doctest/doctest.h>

#include <chrono>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "storage/database.hpp"
#include "storage/outbox.hpp"
#include "test_support.hpp"

using namespace tannha;
using tannha::test::local;
using std::chrono::seconds;

namespace {

domain::instant t0 = local(2026, 11, 23, 9, 0);

std::vector<std::int64_t> ids(const std::vector<storage::outbox_row>& rows) {
  std::vector<std::int64_t> out;
  for (const auto& r : rows) out.push_back(r.id);
  return out;
}

// The definition, computed from every row: each chat's oldest pending row if due at `now`,
// oldest first, at most `limit`.
std::vector<std::int64_t> expected_due(storage::database& db, domain::instant now, std::size_t limit) {
  auto q = db.prepared("SELECT id, chat_id, next_attempt_at FROM outbox WHERE state = 'pending' ORDER BY id");
  std::set<std::string> seen;
  std::vector<std::int64_t> out;
  while (q->executeStep()) {
    auto chat = q->getColumn(1).getString();
    if (!seen.insert(chat).second) continue;
    if (q->getColumn(2).getInt64() <= now.time_since_epoch().count() && out.size() < limit)
      out.push_back(q->getColumn(0).getInt64());
  }
  return out;
}

}  // namespace

TEST_CASE("outbox due: with many chats it stops at limit and gives the heads oldest first") {
  test::temp_dir dir;
  storage::database db(dir.file("t.db"));
  storage::outbox box(db);
  std::map<std::string, std::int64_t> first;  // each chat's first row
  for (int round = 0; round < 3; ++round)
    for (int c = 0; c < 200; ++c) {
      auto chat = "chat" + std::to_string(c);
      auto id = box.enqueue(chat, "m" + std::to_string(round), t0);
      first.emplace(chat, id);
    }
  auto due = box.due(t0, 10);
  REQUIRE(due.size() == 10);
  for (std::size_t i = 0; i < due.size(); ++i) {
    CAPTURE(i);
    CHECK(due[i].chat_id == "chat" + std::to_string(i));
    CHECK(due[i].id == first["chat" + std::to_string(i)]);
    CHECK(due[i].text == "m0");
  }
  CHECK(ids(box.due(t0, 500)) == expected_due(db, t0, 500));
  CHECK(box.due(t0, 500).size() == 200);
  CHECK(box.due(t0, 0).empty());
}

TEST_CASE("outbox due: a chat whose head waits for a retry yields nothing, however long its backlog") {
  test::temp_dir dir;
  storage::database db(dir.file("t.db"));
  storage::outbox box(db);
  // Long backlogs in few chats: the walk in id order meets only these chats' rows for a while.
  auto a1 = box.enqueue("A", "a0", t0);
  auto b1 = box.enqueue("B", "b0", t0);
  for (int i = 1; i < 400; ++i) {
    box.enqueue("A", "a" + std::to_string(i), t0);
    box.enqueue("B", "b" + std::to_string(i), t0);
  }
  auto c1 = box.enqueue("C", "c0", t0);  // a third chat whose only row comes after 800 others
  box.mark_retry(a1, t0 + seconds{30}, "timeout");

  auto due = box.due(t0, 10);
  REQUIRE(due.size() == 2);  // B's head and C's; none of A's 399 due rows overtakes A's head
  CHECK(due[0].id == b1);
  CHECK(due[1].id == c1);
  CHECK(ids(due) == expected_due(db, t0, 10));
  CHECK(ids(box.due(t0, 1)) == std::vector<std::int64_t>{b1});

  // A's head is due again at its retry time, and comes first again (oldest).
  due = box.due(t0 + seconds{30}, 10);
  REQUIRE(due.size() == 3);
  CHECK(due[0].id == a1);
  CHECK(due[0].attempts == 1);
  CHECK(due[0].last_error == "timeout");
  CHECK(box.next_due() == t0);

  // Every head waiting: nothing is due, and next_due is the earliest retry.
  box.mark_retry(b1, t0 + seconds{20}, "timeout");
  box.mark_retry(c1, t0 + seconds{40}, "timeout");
  CHECK(box.due(t0 + seconds{10}, 10).empty());
  auto next = box.next_due();
  REQUIRE(next);
  // A's later rows are still due at t0: next_due is the earliest pending row, as before.
  CHECK(*next == t0);
}

TEST_CASE("outbox due: random backlogs give exactly the heads the definition gives") {
  std::mt19937 rng(7);
  for (int run = 0; run < 12; ++run) {
    CAPTURE(run);
    test::temp_dir dir;
    storage::database db(dir.file("t.db"));
    storage::outbox box(db);
    int chats = run % 3 == 0 ? 3 : (run % 3 == 1 ? 40 : 400);
    int rows = run < 6 ? 300 : 1500;
    std::vector<std::int64_t> all;
    for (int i = 0; i < rows; ++i) {
      auto chat = "c" + std::to_string(std::uniform_int_distribution<int>(0, chats - 1)(rng));
      all.push_back(box.enqueue(chat, "x", t0));
    }
    // Some rows sent, some dead, some waiting for a retry.
    for (auto id : all) {
      auto roll = std::uniform_int_distribution<int>(0, 99)(rng);
      if (roll < 30) box.mark_sent(id, t0);
      else if (roll < 35) box.mark_dead(id, "400", t0);
      else if (roll < 50) box.mark_retry(id, t0 + seconds{std::uniform_int_distribution<int>(1, 100)(rng)}, "500");
    }
    for (int limit : {1, 7, 64, 1000}) {
      for (auto at : {t0, t0 + seconds{50}, t0 + seconds{200}}) {
        CAPTURE(limit);
        CHECK(ids(box.due(at, limit)) == expected_due(db, at, static_cast<std::size_t>(limit)));
      }
    }
  }
}

TEST_CASE("outbox due: heads the caller does not take do not count toward the limit") {
  test::temp_dir dir;
  storage::database db(dir.file("t.db"));
  storage::outbox box(db);
  std::vector<std::int64_t> heads;
  for (int c = 0; c < 6; ++c) heads.push_back(box.enqueue("c" + std::to_string(c), "x", t0));
  box.enqueue("c0", "second", t0);
  std::vector<std::int64_t> offered;
  auto due = box.due(t0, 2, [&](const storage::outbox_head& h) {
    offered.push_back(h.id);
    return h.chat_id != "c0" && h.chat_id != "c2";  // e.g. in flight or rate-limited
  });
  CHECK(ids(due) == std::vector<std::int64_t>{heads[1], heads[3]});
  CHECK(offered == std::vector<std::int64_t>{heads[0], heads[1], heads[2], heads[3]});  // each once, oldest first
}

TEST_CASE("outbox: mark_many records sends, retries and give-ups in one go") {
  test::temp_dir dir;
  storage::database db(dir.file("t.db"));
  storage::outbox box(db);
  auto a = box.enqueue("A", "a", t0);
  auto b = box.enqueue("B", "b", t0);
  auto c = box.enqueue("C", "c", t0);
  using k = storage::outbox_mark::kind;
  box.mark_many({{a, k::sent, t0 + seconds{1}, "mid-1"},
                 {b, k::retry, t0 + seconds{60}, "HTTP 500"},
                 {c, k::dead, t0 + seconds{2}, "HTTP 400"}});
  auto ra = box.get(a), rb = box.get(b), rc = box.get(c);
  REQUIRE((ra && rb && rc));
  CHECK(ra->state == "sent");
  CHECK(ra->platform_message_id == "mid-1");
  CHECK(ra->attempts == 1);
  CHECK(rb->state == "pending");
  CHECK(rb->next_attempt_at == t0 + seconds{60});
  CHECK(rb->last_error == "HTTP 500");
  CHECK(rc->state == "dead");
  CHECK(rc->failed_at == t0 + seconds{2});
  CHECK(box.due(t0, 10).empty());
  CHECK(box.next_due() == t0 + seconds{60});
  box.mark_many({});  // nothing to do is not an error
}

TEST_CASE("outbox: a mark_many batch that cannot be written changes nothing and can be applied later") {
  test::temp_dir dir;
  storage::database db(dir.file("t.db"));
  storage::outbox box(db);
  auto a = box.enqueue("A", "a", t0);
  {
    // Another writer holds the database: the batch fails as a whole and changes nothing.
    storage::database other(dir.file("t.db"));
    other.db().exec("PRAGMA busy_timeout = 0");
    db.db().exec("PRAGMA busy_timeout = 0");
    storage::write_transaction hold(other);
    CHECK_THROWS(box.mark_many({{a, storage::outbox_mark::kind::sent, t0, ""}}));
  }
  CHECK(box.get(a)->state == "pending");
  box.mark_many({{a, storage::outbox_mark::kind::sent, t0, ""}});
  CHECK(box.get(a)->state == "sent");
}

TEST_CASE("outbox due: a post queued for a later time holds back none of its chat's replies, which keep their order") {
  test::temp_dir dir;
  storage::database db(dir.file("t.db"));
  storage::outbox box(db);
  const auto tomorrow = t0 + std::chrono::hours(24);
  auto post = box.enqueue("G", "the brief for tomorrow", tomorrow);  // run-jobs --at tomorrow
  auto r1 = box.enqueue("G", "reply 1", t0);
  auto r2 = box.enqueue("G", "reply 2", t0);
  CHECK(ids(box.due(t0, 10)) == std::vector<std::int64_t>{r1});  // one head per chat: r2 waits for r1
  box.mark_sent(r1, t0);
  CHECK(ids(box.due(t0, 10)) == std::vector<std::int64_t>{r2});
  box.mark_sent(r2, t0);
  CHECK(box.due(t0, 10).empty());
  CHECK(box.next_due() == tomorrow);
  CHECK(ids(box.due(tomorrow, 10)) == std::vector<std::int64_t>{post});

  // A head waiting for its retry still holds its chat: order among due rows is kept.
  auto h1 = box.enqueue("H", "h1", t0);
  box.enqueue("H", "h2", t0);
  box.mark_retry(h1, t0 + seconds{30}, "timeout");
  CHECK(box.due(t0, 10).empty());
}

TEST_CASE("outbox due: a long run of posts for later does not hide a reply behind it") {
  test::temp_dir dir;
  storage::database db(dir.file("t.db"));
  storage::outbox box(db);
  const auto later = t0 + std::chrono::hours(24);
  for (int i = 0; i < 300; ++i) box.enqueue("F", "later " + std::to_string(i), later);  // past the walk's budget
  auto b = box.enqueue("B", "b", t0);
  auto f = box.enqueue("F", "reply", t0);
  for (int i = 0; i < 300; ++i) box.enqueue("F", "after " + std::to_string(i), t0);
  CHECK(ids(box.due(t0, 10)) == std::vector<std::int64_t>{b, f});
  CHECK(ids(box.due(t0, 1)) == std::vector<std::int64_t>{b});
  box.mark_sent(f, t0);
  auto next = box.due(t0, 10);
  REQUIRE(next.size() == 2);
  CHECK(next[1].text == "after 0");
}

TEST_CASE("outbox due: a reply queued after a post fanned out to 40 members is offered first") {
  test::temp_dir dir;
  storage::database db(dir.file("t.db"));
  storage::outbox box(db);
  std::vector<std::int64_t> copies;
  for (int i = 0; i < 40; ++i)
    copies.push_back(box.enqueue("member" + std::to_string(i), "bản tin", t0, storage::outbox_priority::broadcast));
  auto reply = box.enqueue("typist", "trả lời", t0);  // priority reply by default
  // One slot free (the relay's global rate allows one send): the reply takes it.
  auto one = box.due(t0, 1);
  REQUIRE(one.size() == 1);
  CHECK(one[0].id == reply);
  // More slots: the reply, then the copies oldest first.
  auto five = box.due(t0, 5);
  REQUIRE(five.size() == 5);
  CHECK(five[0].id == reply);
  for (std::size_t i = 1; i < five.size(); ++i) CHECK(five[i].id == copies[i - 1]);
  // The chooser (the relay's rate limits) is asked about the reply's head first.
  std::vector<std::string> asked;
  box.due(t0, 2, [&](const storage::outbox_head& h) {
    asked.push_back(h.chat_id);
    return true;
  });
  REQUIRE(asked.size() == 2);
  CHECK(asked[0] == "typist");
  CHECK(asked[1] == "member0");
}

TEST_CASE("outbox due: a reply behind a copy in the same chat waits for it (each chat keeps its order)") {
  test::temp_dir dir;
  storage::database db(dir.file("t.db"));
  storage::outbox box(db);
  auto copy = box.enqueue("member0", "báo cáo", t0, storage::outbox_priority::broadcast);
  box.enqueue("member1", "báo cáo", t0, storage::outbox_priority::broadcast);
  box.enqueue("member0", "trả lời", t0);
  auto due = box.due(t0, 1);
  REQUIRE(due.size() == 1);
  CHECK(due[0].id == copy);  // member0's head is its older copy; no other chat has a reply
  CHECK(ids(box.due(t0, 10)) == expected_due(db, t0, 10));
}
