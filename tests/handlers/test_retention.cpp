// Retention (issue 15): after the [privacy] periods the daily job erases what is no longer
// needed, down to the bytes of the database file and its WAL, and keeps counts and dates.
#include <doctest/doctest.h>

#include "dispatch_fixture.hpp"
#include "handlers/job_runner.hpp"
#include "storage/job_repository.hpp"
#include "storage/outbox.hpp"
#include "storage/request_repository.hpp"

using namespace tannha;
using tannha::test::local;

namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

struct retention_fixture : test::dispatch_fixture {
  retention_fixture() {
    storage::unit_repository repo(db());
    repo.put_member({"binhgiang", "cb-1", domain::role::canbo, "", "Trần Văn Cán", "invite"}, local(2026, 11, 1));
    repo.put_member({"binhgiang", "tnv-hoa", domain::role::tinhnguyen, "", "Lê Thị Hoa", "invite"}, local(2026, 11, 1));
    runner = std::make_unique<handlers::job_runner>(db(), std::vector<domain::unit>{test::demo_unit()});
  }
  std::unique_ptr<handlers::job_runner> runner;

  // What the relay does: every queued message is delivered at `at`.
  void deliver_all(domain::instant at) {
    storage::outbox box(db());
    for (;;) {
      auto due = box.due(at, 1000);
      if (due.empty()) break;
      storage::write_transaction tx(db());
      for (const auto& row : due) box.mark_sent(row.id, at);
      tx.commit();
    }
  }

  // Registers the example form and walks request #1 to its return, with free text in the
  // history that names the person's phone; every message is delivered.
  void register_and_complete() {
    group("admin-1", test::full_form, local(2026, 11, 25, 10));
    group("cb-1", "/xacminh #1 gọi 0912345678 xác nhận", local(2026, 11, 25, 11));
    group("cb-1", "/xeplich #1 @Lê Thị Hoa", local(2026, 11, 25, 11, 5));
    group("tnv-hoa", "/tiepnhan #1 H15.50.05.13-261008-0975", local(2026, 11, 28, 8, 40));
    group("cb-1", "/cokq #1", local(2026, 12, 2, 15));
    group("cb-1", "/datra #1 tận nhà", local(2026, 12, 3, 9));
    take();
    deliver_all(local(2026, 12, 3, 9, 1));
    REQUIRE(storage::request_repository(db()).by_number("binhgiang", 1)->state == domain::request_state::returned);
  }

  // The database file and its WAL, as anyone who copies them would read them.
  std::string raw_bytes() {
    const std::string path = db().db().getFilename();
    return test::read_file(path) + test::read_file(path + "-wal");
  }
};

const char* phone = "0912345678";
const char* typed_phone = "0912 345 678";
const char* address = "xóm 3, cạnh nhà văn hoá";

}  // namespace

TEST_CASE("retention: past the periods the phone and address are nowhere in the database file or its WAL") {
  retention_fixture f;
  f.register_and_complete();
  REQUIRE(has(f.raw_bytes(), phone));
  REQUIRE(has(f.raw_bytes(), address));

  // Five years and a few days after the return, at night.
  auto stats = f.runner->run_due_jobs(local(2031, 12, 10, 3));
  REQUIRE(stats.purged.has_value());
  CHECK(stats.purged->citizens_anonymised == 1);
  CHECK(stats.purged->messages_erased > 0);

  const auto bytes = f.raw_bytes();
  CHECK_FALSE(has(bytes, phone));
  CHECK_FALSE(has(bytes, typed_phone));
  CHECK_FALSE(has(bytes, address));
  CHECK_FALSE(has(bytes, "chỉ ở nhà buổi sáng"));  // the form's note
  CHECK_FALSE(has(bytes, "Nguyễn Văn Tư"));
  CHECK_FALSE(has(bytes, "H15.50.05.13-261008-0975"));  // the dossier code leads back to the person

  // Counts and dates for reports stay: the request, its state, its history's times and states.
  storage::request_repository requests(f.db());
  auto r = requests.by_number("binhgiang", 1);
  REQUIRE(r.has_value());
  CHECK(r->state == domain::request_state::returned);
  CHECK(r->returned_at.has_value());
  auto events = requests.events(r->id);
  CHECK(events.size() == 6);
  for (const auto& e : events) CHECK(e.note.empty());
  auto c = f.db().db().execAndGet("SELECT full_name || '|' || village || '|' || phone || '|' || address FROM citizens");
  CHECK(c.getString() == "Người đã xóa dữ liệu|Đông Hải||");
}

TEST_CASE("retention: the job runs once a day; messages go after 30 days, the citizen only after 5 years") {
  retention_fixture f;
  f.register_and_complete();
  const auto sent_texts = [&] {
    return f.db().db().execAndGet("SELECT COUNT(*) FROM outbox WHERE text <> '' AND state = 'sent'").getInt();
  };
  REQUIRE(sent_texts() > 0);
  // 29 days after delivery: nothing is old enough yet.
  auto stats = f.runner->run_due_jobs(local(2027, 1, 1, 3));
  REQUIRE(stats.purged.has_value());
  CHECK(stats.purged->messages_erased == 0);
  CHECK(sent_texts() > 0);
  // Later the same day: already ran.
  CHECK_FALSE(f.runner->run_due_jobs(local(2027, 1, 1, 23)).purged.has_value());
  // Before 02:00 the next day: not yet.
  CHECK_FALSE(f.runner->run_due_jobs(local(2027, 1, 5, 1)).purged.has_value());
  stats = f.runner->run_due_jobs(local(2027, 1, 5, 2, 30));
  REQUIRE(stats.purged.has_value());
  CHECK(stats.purged->messages_erased > 0);
  CHECK(stats.purged->citizens_anonymised == 0);
  CHECK(sent_texts() == 0);
  CHECK(f.db().db().execAndGet("SELECT phone FROM citizens").getString() == phone);
  CHECK(f.db().db().execAndGet("SELECT COUNT(*) FROM job_runs WHERE job = 'luutru'").getInt() == 2);
}

TEST_CASE("retention: a citizen with an open request keeps their data; processed updates and old audit entries go") {
  retention_fixture f;
  f.register_and_complete();
  // A second request of the same person, still open.
  std::string form = test::full_form;
  form.replace(form.find("chứng thực chữ ký"), std::string("chứng thực chữ ký").size(), "khai sinh");
  f.group("admin-1", form, local(2031, 12, 1, 9));
  REQUIRE(f.db().db().execAndGet("SELECT COUNT(*) FROM requests WHERE state = 'registered'").getInt() == 1);
  f.take();
  f.db().db().exec("INSERT INTO audit(at, unit_id, actor, action) VALUES(0, 'binhgiang', 'x', 'view_record')");
  const auto updates = f.db().db().execAndGet("SELECT COUNT(*) FROM processed_updates").getInt();
  REQUIRE(updates > 0);
  auto stats = f.runner->run_due_jobs(local(2031, 12, 10, 3));
  REQUIRE(stats.purged.has_value());
  CHECK(stats.purged->citizens_anonymised == 0);
  CHECK(stats.purged->updates_removed == updates - 1);  // all but the last registration's (9 days old)
  CHECK(stats.purged->audit_removed == 1);
  CHECK(f.db().db().execAndGet("SELECT phone FROM citizens").getString() == phone);
}

TEST_CASE("retention: history stays append-only except for erasing a note") {
  retention_fixture f;
  f.register_and_complete();
  CHECK_THROWS(f.db().db().exec("UPDATE request_events SET note = 'khác' WHERE id = 2"));
  CHECK_THROWS(f.db().db().exec("UPDATE request_events SET at = 0 WHERE id = 2"));
  CHECK_THROWS(f.db().db().exec("DELETE FROM request_events WHERE id = 2"));
  CHECK_NOTHROW(f.db().db().exec("UPDATE request_events SET note = '' WHERE id = 2"));
}

TEST_CASE("retention: a correction's old and new values, private and group versions, go with the person") {
  retention_fixture f;
  f.group("admin-1", test::full_form, local(2026, 11, 25, 10));
  f.group("admin-1", "/sua #1\nđịa chỉ: xóm 5, gần chợ Đông\nsđt: 0977111222", local(2026, 11, 25, 10, 30));
  f.take();
  const int corrected = f.db().db().execAndGet("SELECT count(*) FROM request_events WHERE group_note IS NOT NULL").getInt();
  REQUIRE(corrected == 1);
  f.group("cb-1", "/huy #1 người dân không cần nữa", local(2026, 11, 26, 9));
  f.take();
  f.deliver_all(local(2026, 11, 26, 9, 1));
  REQUIRE(has(f.raw_bytes(), "0977111222"));

  auto stats = f.runner->run_due_jobs(local(2031, 12, 10, 3));
  REQUIRE(stats.purged.has_value());
  CHECK(stats.purged->citizens_anonymised == 1);
  const auto bytes = f.raw_bytes();
  CHECK_FALSE(has(bytes, address));       // the old value, kept in the correction's note
  CHECK_FALSE(has(bytes, "gần chợ Đông"));  // the new one
  CHECK_FALSE(has(bytes, "0977111222"));
  CHECK_FALSE(has(bytes, "*222"));  // not even the group version's masked phone
  const int left =
      f.db().db().execAndGet("SELECT count(*) FROM request_events WHERE group_note IS NOT NULL OR note <> ''").getInt();
  CHECK(left == 0);
}
