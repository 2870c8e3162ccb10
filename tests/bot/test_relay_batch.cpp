// The relay under a burst (issue 7): finished sends are recorded in batches (one transaction
// for several), every one of them before the relay reports idle after stop().
#include <doctest/doctest.h>

#include <sqlite3.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "bot/fake_platform.hpp"
#include "bot/relay_fixture.hpp"
#include "bot/http_client.hpp"
#include "bot/log.hpp"
#include "bot/relay.hpp"
#include "storage/database.hpp"
#include "storage/outbox.hpp"
#include "test_support.hpp"

using namespace tannha;
using namespace tannha::bot;
using namespace std::chrono_literals;
namespace asio = boost::asio;
using test::fake_platform;

namespace {

// Rates that never throttle: these tests are about how sends are recorded, not paced.
relay_config unlimited_config() {
  auto c = test::quick_relay_config();
  c.per_chat_per_second = 1e6;
  c.per_group_per_minute = 60'000'000;
  c.global_per_second = 1e6;
  c.request_timeout_seconds = 5;
  return c;
}

int count_commit(void* n) {
  ++*static_cast<int*>(n);
  return 0;
}

// A relay over real HTTP to the fake platform, counting the database's commits.
struct burst_fixture : test::http_relay_fixture {
  int commits = 0;

  burst_fixture() : http_relay_fixture(unlimited_config(), platform_kind::zalo, 5s) {}
  ~burst_fixture() override { sqlite3_commit_hook(db.db().getHandle(), nullptr, nullptr); }

  void count_commits() { sqlite3_commit_hook(db.db().getHandle(), count_commit, &commits); }
};

}  // namespace

TEST_CASE("relay batch: after a burst every sent row is marked, in order per chat, in fewer commits than sends") {
  burst_fixture f;
  f.fp.set_delay(5ms);  // a platform a little slower than loopback: answers come back together
  constexpr int chats = 40, per_chat = 6, total = chats * per_chat;
  for (int i = 0; i < per_chat; ++i)
    for (int c = 0; c < chats; ++c) f.ob.enqueue("chat" + std::to_string(c), std::to_string(i), f.clk.now());
  f.count_commits();
  f.r->start();
  REQUIRE(f.run_until([&] { return f.ob.counts().sent == total; }, 20s));
  CHECK(f.ob.pending_count() == 0);
  CHECK(f.fp.request_count() == total);  // nothing sent twice
  CHECK(f.m.counter_value("outbox_sent_total") == total);
  std::map<std::string, std::vector<std::string>> got;
  for (const auto& q : f.fp.requests()) got[q.chat_id()].push_back(q.text());
  REQUIRE(got.size() == chats);
  for (const auto& entry : got) {
    const auto& chat = entry.first;  // named, not a structured binding: clang 14 cannot capture one
    CAPTURE(chat);
    CHECK(entry.second == std::vector<std::string>{"0", "1", "2", "3", "4", "5"});
  }
  MESSAGE(total << " sends recorded in " << f.commits << " commits");
  CHECK(f.commits * 2 <= total);
  for (const auto& row : f.ob.list("sent", total)) CHECK_FALSE(row.platform_message_id.empty());
}

TEST_CASE("relay batch: sends in flight at stop() are recorded before the relay is idle") {
  burst_fixture f;
  f.fp.set_delay(300ms);
  for (int c = 0; c < 6; ++c) f.ob.enqueue("chat" + std::to_string(c), "x", f.clk.now());
  f.ob.enqueue("chat0", "not yet", f.clk.now());
  f.r->start();
  REQUIRE(f.run_until([&] { return f.fp.request_count() == 6; }, 5s));
  f.r->stop();
  f.run_until([] { return false; }, 50ms);
  CHECK_FALSE(f.r->idle());  // the six answers are still on their way
  REQUIRE(f.run_until([&] { return f.r->idle(); }, 5s));
  CHECK(f.ob.counts().sent == 6);
  CHECK(f.ob.pending_count() == 1);  // stop() took no new row
  CHECK(f.fp.request_count() == 6);
  CHECK(f.m.counter_value("outbox_sent_total") == 6);
}
