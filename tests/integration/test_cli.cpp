// The command line of the real binary: options are checked (a flag takes no value, an unknown
// argument is refused by name) and every subcommand explains itself with --help.
#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <regex>
#include <vector>

#include "storage/database.hpp"
#include "storage/outbox.hpp"
#include "test_ops_process.hpp"

using namespace tannha;

namespace {

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("cli: --all=no is an error, not --all, and no message is put back") {
  test::temp_dir dir;
  auto cfg = test::write_ops_config(dir);
  {
    storage::database db(dir.file("tannha.db"));
    storage::outbox box(db);
    auto t = domain::instant{std::chrono::seconds{1764000000}};
    box.mark_dead(box.enqueue("chat-a", "undeliverable", t), "error 403", t);
  }
  auto r = test::run_tannha({"outbox", "retry", "--all=no", "--config", cfg});
  CHECK(r.exit_code == 2);
  CHECK(has(r.output, "--all is a flag and takes no value"));
  CHECK_FALSE(has(r.output, "put back"));
  auto dry = test::run_tannha({"import", dir.file("list.csv"), "--config", cfg, "--unit", "binhgiang", "--dry-run=yes"});
  CHECK(dry.exit_code == 2);
  CHECK(has(dry.output, "--dry-run is a flag and takes no value"));
  storage::database db(dir.file("tannha.db"));
  CHECK(storage::outbox(db).dead_count() == 1);
}

TEST_CASE("cli: an unknown argument is an error whose message names it") {
  test::temp_dir dir;
  auto cfg = test::write_ops_config(dir);
  auto option = test::run_tannha({"migrate", "--config", cfg, "--frobnicate"});
  CHECK(option.exit_code == 2);
  CHECK(has(option.output, "not expected: --frobnicate"));
  auto with_value = test::run_tannha({"backup", "--config", cfg, "--out", dir.file("b.db"), "--level=9"});
  CHECK(with_value.exit_code == 2);
  CHECK(has(with_value.output, "not expected: --level=9"));
  auto stray = test::run_tannha({"migrate", "--config", cfg, "now"});
  CHECK(stray.exit_code == 2);
  CHECK(has(stray.output, "not expected: now"));
  auto stray_after_action = test::run_tannha({"webhook", "info", "again", "--config", cfg});
  CHECK(stray_after_action.exit_code == 2);
  CHECK(has(stray_after_action.output, "not expected: again"));
  auto command = test::run_tannha({"frobnicate", "--config", cfg});
  CHECK(command.exit_code == 2);
  CHECK(has(command.output, "unknown command 'frobnicate'"));
  // Nothing ran: the database was never created.
  CHECK_FALSE(std::ifstream(dir.file("b.db")).good());
}

TEST_CASE("cli: a missing required option is named and fails before anything runs") {
  test::temp_dir dir;
  auto cfg = test::write_ops_config(dir);
  auto r = test::run_tannha({"export", "--config", cfg, "--unit", "binhgiang", "--period", "2026-11", "--what",
                             "requests", "--format", "csv"});
  CHECK(r.exit_code == 2);
  CHECK(has(r.output, "--out is required"));
  auto empty = test::run_tannha({"backup", "--config", cfg, "--out="});
  CHECK(empty.exit_code == 2);
  CHECK(has(empty.output, "--out"));
}

TEST_CASE("cli: every subcommand's --help exits 0 with its summary, synopsis and options") {
  const std::map<std::string, std::vector<std::string>> expected = {
      {"serve", {"run the webhook server", "Usage: tannha serve --config FILE", "--config", "--clock", "2026-11-26T09:00:00+07:00"}},
      {"poll", {"long polling", "Usage: tannha poll", "--config", "--clock", "tannha webhook delete"}},
      {"webhook", {"webhook", "Usage: tannha webhook set --url URL", "--url", "setWebhook", "getWebhookInfo", "deleteWebhook",
                   "the token never is"}},
      {"outbox", {"undeliverable", "Usage: tannha outbox --config FILE [list]", "retry ID|--all", "--state", "--limit",
                  "--all", "newest first", "within a second"}},
      {"chat", {"talk to the bot", "Usage: tannha chat", "--chat", "--user", "--name", "--clock", "/dangky", "--group"}},
      {"migrate", {"database schema", "Usage: tannha migrate --config FILE", "--config"}},
      {"run-jobs", {"scheduled post", "Usage: tannha run-jobs --config FILE --at ISO8601", "--at"}},
      {"export", {"export requests", "Usage: tannha export", "--unit", "--period", "--what", "--format", "--out",
                  "requests|report|served", "csv|xlsx"}},
      {"import", {"approved list", "Usage: tannha import FILE --config FILE --unit ID [--dry-run]", "--unit", "--dry-run"}},
      {"backup", {"copy the database", "Usage: tannha backup --config FILE --out FILE", "--out", "--encrypt", "--key-file",
                  "apart from the backups"}},
      {"restore", {"decrypt and check a backup", "Usage: tannha restore --from BACKUP --to DB", "--key-file", "--force",
                   "integrity check"}},
      {"keygen", {"key for encrypted backups", "Usage: tannha keygen --out KEY", "--out"}},
      {"init", {"commented config", "Usage: tannha init", "--non-interactive", "--platform", "--token", "--api-base",
                "--unit-name", "--unit-id", "--villages", "--visit-day", "--visit-time", "--listen", "--out", "--force",
                "getMe", "/batdau", "/ketnoi"}},
      {"privacy", {"everything held about one person", "Usage: tannha privacy show|export|erase", "--unit", "--request",
                   "--citizen", "--dry-run", "--format", "--out", "--by", "xóa dữ liệu theo yêu cầu", "audit trail"}},
      {"claim", {"one-time code", "Usage: tannha claim --config FILE [--unit ID]", "--unit", "/batdau", "24 hours"}},
      {"doctor", {"check the config", "Usage: tannha doctor --config FILE", "OK, WARN or FAIL", "getMe",
                  "getWebhookInfo", "1 GiB", "Exit status 0"}},
  };
  for (const auto& row : expected) {
    // Named copies: clang 14 cannot capture structured bindings in doctest's INFO lambda.
    const auto& command = row.first;
    const auto& parts = row.second;
    for (const char* flag : {"--help", "-h"}) {
      auto r = test::run_tannha({command, flag});
      INFO(command << " " << flag << ":\n" << r.output);
      CHECK(r.exit_code == 0);
      for (const auto& part : parts) CHECK(has(r.output, part));
    }
  }
  auto overview = test::run_tannha({"--help"});
  CHECK(overview.exit_code == 0);
  for (const auto& [command, parts] : expected) CHECK(has(overview.output, command));
  CHECK(test::run_tannha({}).exit_code == 2);  // no command: the overview, as an error
}
