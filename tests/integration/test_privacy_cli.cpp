// `tannha privacy show|export|erase` run as the real binary on a database where a citizen was
// registered through the dispatcher: what is shown, what a dry run leaves alone, what erasing
// leaves in the bytes of the database file and its WAL, and the audit trail of each action.
#include <doctest/doctest.h>

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "bot/config.hpp"
#include "handlers/dispatcher.hpp"
#include "storage/database.hpp"
#include "storage/outbox.hpp"
#include "storage/unit_repository.hpp"
#include "test_ops_process.hpp"

using namespace tannha;

namespace {

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

const std::string group_chat = "a1b2c3d4e5f60718293a";
const std::string leader = "6ede9afa66b88fe6d6a9";
const std::string phone = "0987654321";
const std::string address = "xóm Bến Đò, sau chợ cá";

// Registers a citizen in the group (request #1), delivers every reply, and leaves an unfinished
// private form that carries the same phone and a pending message naming the person.
void prepare(const std::string& config_path) {
  auto cfg = bot::load_config(config_path);
  REQUIRE(cfg);
  storage::database db(cfg->storage.path);
  storage::unit_repository units(db);
  units.sync_config(cfg->units, test::local(2026, 11, 1));
  units.sync_catalog(cfg->procedures);
  handlers::dispatcher disp(db, cfg->units, cfg->procedures, {});
  int seq = 0;
  auto send = [&](const std::string& chat, bool group, const std::string& text, domain::instant at) {
    handlers::incoming_message m;
    m.platform = "zalo";
    m.update_id = "p" + std::to_string(++seq);
    m.chat_id = chat;
    m.is_group = group;
    m.user_id = leader;
    m.user_name = "Chủ tịch";
    m.text = text;
    m.date = at;
    disp.handle(m, at);
  };
  send(group_chat, true,
       "/dangky\nHọ tên: Phạm Thị Mận\nNăm sinh: 1942\nThôn: Tây Sơn\nĐịa chỉ: " + address + "\nSĐT: " + phone +
           "\nĐối tượng: người khuyết tật\nThủ tục: chứng thực chữ ký\nGhi chú: bị liệt hai chân",
       test::local(2026, 11, 25, 10));
  storage::outbox box(db);
  for (auto due = box.due(test::local(2026, 11, 25, 10, 1), 100); !due.empty();
       due = box.due(test::local(2026, 11, 25, 10, 1), 100)) {
    storage::write_transaction tx(db);
    for (const auto& row : due) box.mark_sent(row.id, test::local(2026, 11, 25, 10, 1));
    tx.commit();
  }
  send(leader, false, "/dangky\nHọ tên: Phạm Thị Mận\nSĐT: 0987 654 321", test::local(2026, 11, 25, 11));
  {
    storage::write_transaction tx(db);
    box.enqueue(group_chat, "Nhắc: gọi bà Phạm Thị Mận trước khi đến.", test::local(2026, 11, 25, 12));
    tx.commit();
  }
}

std::string os_user() {
  if (const char* user = std::getenv("USER"); user && *user) return user;
  return ::getpwuid(::geteuid())->pw_name;
}

std::string raw_bytes(const std::string& db_path) { return test::read_file(db_path) + test::read_file(db_path + "-wal"); }

std::string query(const std::string& db_path, const std::string& sql) {
  storage::database db(db_path);
  return db.db().execAndGet(sql).getString();
}

}  // namespace

TEST_CASE("privacy: show and export give everything held about a person, each audited with who ran it") {
  test::temp_dir dir;
  auto cfg = test::write_ops_config(dir);
  prepare(cfg);
  const auto db_path = dir.file("tannha.db");

  auto show = test::run_tannha({"privacy", "show", "--config", cfg, "--unit", "binhgiang", "--request", "1", "--by", "Lan"});
  REQUIRE_MESSAGE(show.exit_code == 0, show.output);
  auto j = nlohmann::json::parse(show.output);
  CHECK(j["citizen"]["full_name"] == "Phạm Thị Mận");
  CHECK(j["citizen"]["phone"] == phone);
  CHECK(j["citizen"]["address"] == address);
  CHECK(j["citizen"]["birth_year"] == 1942);
  REQUIRE(j["requests"].size() == 1);
  CHECK(j["requests"][0]["number"] == 1);
  CHECK(j["citizen"]["notes"] == "bị liệt hai chân");
  CHECK(j["requests"][0]["history"].size() == 1);
  CHECK(j["messages"].size() >= 2);  // the private reply with the phone, the pending reminder
  CHECK(j["drafts"].size() == 1);
  const auto citizen_id = std::to_string(j["citizen"]["id"].get<std::int64_t>());

  auto out = dir.file("person.csv");
  auto exp = test::run_tannha({"privacy", "export", "--config", cfg, "--unit", "binhgiang", "--citizen", citizen_id,
                               "--format", "csv", "--out", out});
  REQUIRE_MESSAGE(exp.exit_code == 0, exp.output);
  auto csv = test::read_file(out);
  CHECK(contains(csv, "section,item,field,value"));
  CHECK(contains(csv, "citizen,,phone," + phone));
  CHECK(contains(csv, "history,#1/1,to,registered"));
  struct stat st {};
  REQUIRE(::stat(out.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  CHECK(query(db_path, "SELECT group_concat(actor || ' ' || action, '; ') FROM audit WHERE action LIKE 'privacy%'") ==
        "cli:Lan privacy_show; cli:" + os_user() + " privacy_export");

  // Mistakes are named and change nothing.
  CHECK(test::run_tannha({"privacy", "show", "--config", cfg, "--unit", "binhgiang"}).exit_code == 2);
  CHECK(test::run_tannha({"privacy", "export", "--config", cfg, "--unit", "binhgiang", "--request", "1"}).exit_code == 2);
  CHECK(test::run_tannha({"privacy", "show", "--config", cfg, "--unit", "binhgiang", "--request", "99"}).exit_code == 1);
  CHECK(test::run_tannha({"privacy", "show", "--config", cfg, "--unit", "nowhere", "--request", "1"}).exit_code == 2);
}

TEST_CASE("privacy: erase --dry-run changes nothing; erase cancels, anonymises and leaves no byte of phone or address") {
  test::temp_dir dir;
  auto cfg = test::write_ops_config(dir);
  prepare(cfg);
  const auto db_path = dir.file("tannha.db");
  REQUIRE(contains(raw_bytes(db_path), phone));
  const auto before = query(db_path, "SELECT (SELECT COUNT(*) FROM audit) || '/' || phone FROM citizens");

  auto dry = test::run_tannha(
      {"privacy", "erase", "--config", cfg, "--unit", "binhgiang", "--request", "1", "--dry-run", "--by", "Lan"});
  REQUIRE_MESSAGE(dry.exit_code == 0, dry.output);
  CHECK(contains(dry.output, "dry run, nothing changed"));
  CHECK(contains(dry.output, "requests_cancelled=1"));
  CHECK(contains(dry.output, "drafts_removed=1"));
  CHECK(contains(dry.output, "pending_messages_dropped=1"));
  CHECK(query(db_path, "SELECT (SELECT COUNT(*) FROM audit) || '/' || phone FROM citizens") == before);
  CHECK(query(db_path, "SELECT state FROM requests") == "registered");

  auto erase = test::run_tannha({"privacy", "erase", "--config", cfg, "--unit", "binhgiang", "--request", "1", "--by", "Lan"});
  REQUIRE_MESSAGE(erase.exit_code == 0, erase.output);
  CHECK(contains(erase.output, "erased citizen="));
  CHECK(contains(erase.output, "requests_cancelled=1"));

  const auto bytes = raw_bytes(db_path);
  CHECK_FALSE(contains(bytes, phone));
  CHECK_FALSE(contains(bytes, "0987 654 321"));
  CHECK_FALSE(contains(bytes, address));
  CHECK_FALSE(contains(bytes, "Phạm Thị Mận"));
  CHECK_FALSE(contains(bytes, "bị liệt hai chân"));

  // The request is cancelled with the reason, by whoever ran it; counts and dates stay.
  CHECK(query(db_path, "SELECT state FROM requests WHERE number = 1") == "cancelled");
  CHECK(query(db_path, "SELECT actor || ': ' || note FROM request_events ORDER BY id DESC LIMIT 1") ==
        "cli:Lan: xóa dữ liệu theo yêu cầu");
  CHECK(query(db_path, "SELECT full_name || '|' || village FROM citizens") == "Người đã xóa dữ liệu|Tây Sơn");
  CHECK(query(db_path, "SELECT COUNT(*) FROM drafts") == "0");
  CHECK(query(db_path, "SELECT action || ' ' || actor FROM audit WHERE action = 'privacy_erase'") ==
        "privacy_erase cli:Lan");
  auto detail = query(db_path, "SELECT detail FROM audit WHERE action = 'privacy_erase'");
  CHECK(contains(detail, "requests_cancelled=1"));
  CHECK_FALSE(contains(detail, phone));

  // Erasing again finds nothing left to erase.
  auto again = test::run_tannha({"privacy", "erase", "--config", cfg, "--unit", "binhgiang", "--request", "1"});
  CHECK(again.exit_code == 0);
  CHECK(contains(again.output, "requests_cancelled=0"));
  CHECK(contains(again.output, "citizen_anonymised=no (already)"));
}
