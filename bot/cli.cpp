#include "bot/cli.hpp"

#include <CLI/CLI.hpp>

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bot/app.hpp"
#include "bot/backup_crypto.hpp"
#include "bot/claim.hpp"
#include "bot/clock.hpp"
#include "bot/config.hpp"
#include "bot/doctor.hpp"
#include "bot/exporter.hpp"
#include "bot/importer.hpp"
#include "bot/init_cli.hpp"
#include "bot/jobs_cli.hpp"
#include "bot/outbox_cli.hpp"
#include "bot/privacy_cli.hpp"
#include "bot/webhook_cli.hpp"
#include "domain/time.hpp"

namespace tannha::bot {

namespace {

constexpr const char* program_summary = "Tận Nhà — chat bot for at-home administrative services";

/// CLI11's help, with our hand-written synopsis in place of its generated "Usage:" line (it
/// says which options go together, which the generated one cannot).
class help_formatter : public CLI::Formatter {
 public:
  std::map<std::string, std::string> synopsis;  ///< by subcommand name ("" for the program)

  std::string make_usage(const CLI::App* app, std::string name) const override {
    auto key = app->get_parent() ? app->get_name() : std::string();
    auto it = synopsis.find(key);
    if (it == synopsis.end()) return CLI::Formatter::make_usage(app, std::move(name));
    return "\nUsage: " + it->second + "\n";
  }
};

/// Everything the command line may give; each subcommand fills its part.
struct cli_values {
  std::string config, clock, url, state, limit, chat, user, name, at, unit, period, what, format, out;
  std::string action, id, file;
  std::string request, citizen, by, key_file, from, to;
  bool encrypt = false;
  bool force = false;
  bool all = false;
  bool dry_run = false;
  bool group = false;
  init_answers init;
};

/// An option value may not be empty ("--unit=" is a mistake, not a unit called "").
const CLI::Validator non_empty(
    [](std::string& v) { return v.empty() ? std::string("must not be empty") : std::string(); }, "", "non-empty");

struct command_line {
  CLI::App app{program_summary, "tannha"};
  std::shared_ptr<help_formatter> fmt = std::make_shared<help_formatter>();
  cli_values v;

  command_line() {
    fmt->column_width(30);
    fmt->synopsis[""] = "tannha COMMAND --config FILE [options]";
    app.formatter(fmt);
    app.set_help_flag("-h,--help", "print this help and exit");
    app.footer("Run 'tannha COMMAND --help' for a command's options.");
    // One command per run: an action word that is also a command's name ("privacy export")
    // stays the action.
    app.require_subcommand(0, 1);

    auto* serve = add("serve", "run the webhook server, the outbox relay and the scheduler",
                      "tannha serve --config FILE [--clock ISO8601]");
    clock_option(serve, "start the process clock at this instant (e.g. 2026-11-26T09:00:00+07:00)");

    auto* poll = add("poll", "fetch updates by long polling instead of a webhook",
                     "tannha poll --config FILE [--clock ISO8601]");
    clock_option(poll, "start the process clock at this instant");
    poll->footer(
        "For hosts without a public HTTPS address: asks the platform for updates (Zalo and Telegram\n"
        "getUpdates) instead of receiving a webhook; runs the relay and the scheduler as serve does,\n"
        "and serves /healthz and /metrics on server.listen. Telegram refuses to poll while a webhook\n"
        "is set: run 'tannha webhook delete' first.");

    auto* webhook = add("webhook", "register, show or remove the platform's webhook",
                        "tannha webhook set --url URL --config FILE | webhook info --config FILE | "
                        "webhook delete --config FILE");
    webhook->add_option("action", v.action, "set, info or delete")->type_name("ACTION");
    value(webhook, "--url", v.url, "URL", "with set: the public https address of server.webhook_path");
    webhook->footer(
        "Actions:\n"
        "  set     setWebhook with URL (the public https address of server.webhook_path) and the\n"
        "          configured webhook_secret as secret_token\n"
        "  info    getWebhookInfo\n"
        "  delete  deleteWebhook (needed before 'tannha poll')\n"
        "The platform's answer is printed; the token never is.");

    auto* outbox = add("outbox", "list queued and undeliverable messages, or queue dead ones again",
                       "tannha outbox --config FILE [list] [--state dead|pending|sent] [--limit N]\n"
                       "       tannha outbox --config FILE retry ID|--all");
    outbox->add_option("action", v.action, "list (the default) or retry")->type_name("ACTION");
    outbox->add_option("id", v.id, "with retry: the number of a dead message, as listed")->type_name("ID");
    value(outbox, "--state", v.state, "STATE", "with list: only messages in this state (dead, pending or sent)");
    value(outbox, "--limit", v.limit, "N", "with list: at most N messages per state (default 50)");
    outbox->add_flag("--all", v.all, "with retry: every dead message")->disable_flag_override();
    outbox->footer(
        "Actions:\n"
        "  list   counts by state, then dead and pending messages (or those of --state), newest first\n"
        "  retry  puts a dead message (or every one, --all) back in the queue; a running server\n"
        "         sends it within a second");

    auto* chat = add("chat", "talk to the bot in this terminal as one user in one chat, through the real pipeline",
                     "tannha chat --config FILE --chat CHAT_ID --user USER_ID [--name NAME] [--group] [--clock ISO8601]");
    value(chat, "--chat", v.chat, "CHAT_ID", "a unit's group chat id, or the user id for a private chat")->required();
    value(chat, "--user", v.user, "USER_ID", "the user who writes")->required();
    value(chat, "--name", v.name, "NAME", "the user's display name");
    chat->add_flag("--group", v.group, "CHAT_ID is a group even if no unit uses it yet (to try /ketnoi)")
        ->disable_flag_override();
    clock_option(chat, "start the process clock at this instant");
    chat->footer("End a line with '\\' to continue the message on the next line (for /dangky forms).");

    add("migrate", "create or upgrade the database schema", "tannha migrate --config FILE");

    auto* jobs = add("run-jobs", "run every scheduled post due at a time", "tannha run-jobs --config FILE --at ISO8601");
    value(jobs, "--at", v.at, "ISO8601", "the instant to run at (e.g. 2026-11-26T17:00:00+07:00)")->required();
    jobs->add_flag("--force", v.force, "run a future --at even while a server uses the database");

    auto* exp = add("export", "export requests, reports or the list of people served",
                    "tannha export --config FILE --unit ID --period P --what requests|report|served "
                    "--format csv|xlsx --out FILE");
    value(exp, "--unit", v.unit, "ID", "the unit's id")->required();
    value(exp, "--period", v.period, "P", "a week, month, quarter or year: 2026-W48, 2026-11, 2026-Q4, 2026")
        ->required();
    value(exp, "--what", v.what, "WHAT", "requests, report or served")->required();
    value(exp, "--format", v.format, "FORMAT", "csv or xlsx")->required();
    value(exp, "--out", v.out, "FILE", "the file to write")->required();

    auto* imp = add("import", "import the approved list of people to serve",
                    "tannha import FILE --config FILE --unit ID [--dry-run]");
    imp->add_option("file", v.file, "the list, a CSV file in UTF-8")->type_name("FILE");
    value(imp, "--unit", v.unit, "ID", "the unit the list belongs to")->required();
    imp->add_flag("--dry-run", v.dry_run, "check the list and report, changing nothing")->disable_flag_override();

    auto* backup = add("backup", "copy the database consistently while the server runs",
                       "tannha backup --config FILE --out FILE [--encrypt --key-file KEY]");
    value(backup, "--out", v.out, "FILE", "the file to write the copy to")->required();
    backup->add_flag("--encrypt", v.encrypt, "encrypt the copy with KEY (no plaintext copy is written)")
        ->disable_flag_override();
    value(backup, "--key-file", v.key_file, "KEY", "with --encrypt: the key, from 'tannha keygen'");
    backup->footer(
        "With --encrypt the snapshot is taken into memory, checked and encrypted with libsodium's\n"
        "XChaCha20-Poly1305 secretstream; 'tannha restore --key-file KEY' decrypts it. Keep the key\n"
        "apart from the backups (not on the same disk or in the same storage account).");

    auto* restore = add("restore", "decrypt and check a backup, then write it as the database",
                        "tannha restore --from BACKUP --to DB [--key-file KEY] [--force]", false);
    value(restore, "--from", v.from, "BACKUP", "the backup file (encrypted or plain)")->required();
    value(restore, "--to", v.to, "DB", "the database file to write (the bot stopped)")->required();
    value(restore, "--key-file", v.key_file, "KEY", "the key the backup was encrypted with");
    restore->add_flag("--force", v.force, "replace DB when it exists")->disable_flag_override();
    restore->footer(
        "An encrypted backup is decrypted and authenticated whole: a wrong key or any changed,\n"
        "added or missing byte is refused. The copy must pass SQLite's integrity check before it\n"
        "takes DB's place (owner-only, 0600); a -wal or -shm file left beside DB is removed.");

    auto* keygen = add("keygen", "create a key for encrypted backups", "tannha keygen --out KEY", false);
    value(keygen, "--out", v.out, "KEY", "the key file to create (0600; never overwritten)")->required();

    auto* privacy = add("privacy", "show, export or erase everything held about one person",
                        "tannha privacy show|export|erase --config FILE --unit ID (--request N | --citizen ID)\n"
                        "       [--dry-run] [--format json|csv] [--out FILE] [--by NAME]");
    privacy->add_option("action", v.action, "show, export or erase")->type_name("ACTION");
    value(privacy, "--unit", v.unit, "ID", "the unit's id")->required();
    value(privacy, "--request", v.request, "N", "the person is the citizen of request #N");
    value(privacy, "--citizen", v.citizen, "ID", "the citizen's id (as shown by show)");
    privacy->add_flag("--dry-run", v.dry_run, "with erase: say what would change, change nothing")
        ->disable_flag_override();
    value(privacy, "--format", v.format, "FORMAT", "json (default) or csv");
    value(privacy, "--out", v.out, "FILE", "write to FILE (owner-only); export needs it, show prints otherwise");
    value(privacy, "--by", v.by, "NAME", "who runs it, for the audit trail (default: the OS user)");
    privacy->footer(
        "Actions:\n"
        "  show    everything held about the person: citizen, requests with their history, messages\n"
        "          in the outbox and unfinished forms that name them, audit entries\n"
        "  export  the same, written to --out (for a request to access or port one's data)\n"
        "  erase   anonymise the person now: open requests cancelled (\"xóa dữ liệu theo yêu cầu\"),\n"
        "          name replaced, phone, address, notes, birth year and every free text of their\n"
        "          requests erased, messages and forms naming them erased; counts and dates stay\n"
        "Each action is recorded in the audit trail with who ran it; a --dry-run changes nothing.");

    auto* init = add("init", "write a commented config by asking a few questions (in Vietnamese)",
                     "tannha init [--out FILE] [--force]\n"
                     "       tannha init --non-interactive --platform zalo|telegram|console [--token T] "
                     "--unit-name NAME --villages \"A, B\" --out FILE [options]",
                     false);
    auto& ia = v.init;
    init->add_flag("--non-interactive", ia.non_interactive, "ask nothing: take every answer from the flags (for scripts)")
        ->disable_flag_override();
    value(init, "--platform", ia.platform, "KIND", "zalo, telegram or console (default zalo)");
    value(init, "--token", ia.token, "TOKEN", "the bot's token, checked at once with getMe (not for console)");
    value(init, "--api-base", ia.api_base, "URL", "the platform's API address (default: the platform's own)");
    value(init, "--unit-name", ia.unit_name, "NAME", "the commune's or ward's name, e.g. \"Xã Bình Giang\"");
    value(init, "--unit-id", ia.unit_id, "ID", "its short id (default: the name folded, e.g. xa-binh-giang)");
    value(init, "--villages", ia.villages, "LIST", "the villages, comma-separated");
    value(init, "--visit-day", ia.visit_day, "DAY", "the weekday of home visits (default \"Thứ Bảy\")");
    value(init, "--visit-time", ia.visit_time, "HH:MM", "when visits start (default 08:00)");
    value(init, "--listen", ia.listen, "HOST:PORT", "where the webhook server listens (default 127.0.0.1:8080)");
    value(init, "--db", ia.db, "FILE", "the database file (default /var/lib/tannha/tannha.db, else beside the config)");
    value(init, "--out", ia.out, "FILE", "the config file to write (default tannha.toml)");
    init->add_flag("--force", ia.force, "overwrite FILE when it exists")->disable_flag_override();
    init->footer(
        "Asks for the platform, the bot's token (checked with getMe), the unit's name, id, villages,\n"
        "visit day and time, and writes a config that 'tannha serve' accepts: no chat_id and no\n"
        "admins. 'tannha serve' then prints a one-time code; the first person who sends\n"
        "'/batdau CODE' to the bot privately becomes the unit's leader, and connects the unit's\n"
        "group by sending /ketnoi in it. An existing file is never overwritten without --force.");

    auto* claim = add("claim", "print a new one-time code to claim a unit that has no leader yet",
                      "tannha claim --config FILE [--unit ID]");
    value(claim, "--unit", v.unit, "ID", "only this unit (default: every unit without a leader)");
    claim->footer(
        "The first person who sends '/batdau CODE' to the bot privately becomes the unit's first\n"
        "leader. A code is used once, expires after 24 hours, and a new one replaces the unit's old\n"
        "one; only its hash is stored. 'tannha serve' and 'poll' print one at start for each unit\n"
        "without a leader.");

    add("doctor", "check the config, database, platform, clock, disk and outbox; say what to fix",
        "tannha doctor --config FILE")
        ->footer(
            "One line per check, OK, WARN or FAIL, with what to do: config valid; database opens, its\n"
            "integrity and schema version; token (getMe) and outbound HTTPS; webhook registered with a\n"
            "secret (getWebhookInfo); clock; free disk space by the database (WARN under 1 GiB, FAIL\n"
            "under 100 MiB); undeliverable or long-pending messages; units without a leader or group.\n"
            "Platform checks are skipped for the console platform. Exit status 0 when nothing FAILs.");
  }

  CLI::App* add(const std::string& name, const std::string& summary, const std::string& synopsis,
                bool needs_config = true) {
    auto* sub = app.add_subcommand(name, summary);
    sub->group("Commands");
    sub->footer("");  // not the program's "Run 'tannha COMMAND --help'…"
    fmt->synopsis[name] = synopsis;
    if (needs_config) value(sub, "--config", v.config, "FILE", "the configuration file (TOML)")->required();
    return sub;
  }

  static CLI::Option* value(CLI::App* sub, const std::string& flag, std::string& into, const std::string& type,
                            const std::string& description) {
    return sub->add_option(flag, into, description)->type_name(type)->check(non_empty);
  }

  void clock_option(CLI::App* sub, const std::string& description) {
    value(sub, "--clock", v.clock, "ISO8601", description);
  }

  bool known(const std::string& name) const { return fmt->synopsis.count(name) > 0 && !name.empty(); }
};

// Who runs this command on this machine: $USER, else the account of the effective uid.
std::string os_user() {
  if (const char* user = std::getenv("USER"); user && *user) return user;
  if (const passwd* pw = ::getpwuid(::geteuid()); pw && pw->pw_name) return pw->pw_name;
  return "uid" + std::to_string(::geteuid());
}

}  // namespace

int run_cli(int argc, char** argv) {
  command_line cl;
  if (argc < 2) {
    std::cerr << cl.app.help();
    return 2;
  }
  const std::string name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    std::cout << cl.app.help();
    return 0;
  }
  if (!cl.known(name)) {
    std::cerr << "tannha: unknown command '" << name << "'\n\n" << cl.app.help();
    return 2;
  }
  const std::string synopsis = cl.fmt->synopsis.at(name);
  // "tannha outbox retry: give one ID, or --all" and the command's synopsis; exit code 2.
  auto usage_error = [&](const std::string& what, const std::string& action = "") {
    std::cerr << "tannha " << name << (action.empty() ? "" : " " + action) << ": " << what << "\n\nUsage: " << synopsis
              << "\n";
    return 2;
  };
  try {
    cl.app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::cout << cl.app.help();
    return 0;
  } catch (const CLI::ParseError& e) {
    // CLI11 says "all was given a disallowed flag override" for --all=no; say it plainly.
    std::string what = e.what();
    const std::string override_suffix = " was given a disallowed flag override";
    if (what.ends_with(override_suffix))
      what = "--" + what.substr(0, what.size() - override_suffix.size()) + " is a flag and takes no value";
    return usage_error(what);
  }
  const auto& v = cl.v;

  if (name == "init") return run_init(v.init, std::cin, std::cout, std::cerr);
  if (name == "restore") return run_restore(v.from, v.to, v.key_file, v.force);
  if (name == "keygen") return run_keygen(v.out);
  if (name == "doctor") return run_doctor(v.config, clock{}, std::cout);

  auto cfg = load_config(v.config);
  if (!cfg) {
    std::cerr << "tannha: bad config: " << cfg.error().message << "\n";
    return 2;
  }

  clock clk;
  if (!v.clock.empty()) {
    auto start = domain::parse_iso_instant(v.clock);
    if (!start) {
      std::cerr << "tannha: --clock: not an ISO 8601 instant: " << v.clock << "\n";
      return 2;
    }
    clk = clock(*start);
  }

  if (name == "serve") return run_serve(*cfg, clk);
  if (name == "poll") return run_poll(*cfg, clk);
  if (name == "webhook") {
    if (v.action.empty()) return usage_error("give one action: set, info or delete");
    return run_webhook_cli(*cfg, v.action, v.url);
  }
  if (name == "outbox") {
    if (v.action.empty() || v.action == "list") {
      if (!v.id.empty() || v.all) return usage_error("unexpected arguments", "list");
      int limit = 50;
      if (!v.limit.empty()) {
        try {
          std::size_t used = 0;
          limit = std::stoi(v.limit, &used);
          if (used != v.limit.size()) limit = 0;
        } catch (...) {
          limit = 0;
        }
        if (limit <= 0) {
          std::cerr << "tannha outbox: --limit must be a positive number\n";
          return 2;
        }
      }
      return run_outbox_list(*cfg, v.state, limit);
    }
    if (v.action == "retry") {
      std::optional<std::int64_t> id;
      if (!v.id.empty() && !v.all) {
        try {
          std::size_t used = 0;
          id = std::stoll(v.id, &used);
          if (used != v.id.size() || *id <= 0) throw std::invalid_argument("id");
        } catch (...) {
          std::cerr << "tannha outbox retry: ID must be a message number as listed (e.g. 42)\n";
          return 2;
        }
      } else if (!(v.id.empty() && v.all)) {
        return usage_error("give one ID, or --all", "retry");
      }
      return run_outbox_retry(*cfg, clk, id);
    }
    return usage_error("unknown action '" + v.action + "'");
  }
  if (name == "chat") return run_chat(*cfg, clk, v.chat, v.user, v.name, v.group);
  if (name == "migrate") return run_migrate(*cfg);
  if (name == "run-jobs") return run_jobs_cli(*cfg, v.at, clk, v.force);
  if (name == "backup") {
    if (v.encrypt != !v.key_file.empty()) return usage_error("--encrypt and --key-file go together");
    if (v.encrypt) return run_encrypted_backup(cfg->storage.path, v.out, v.key_file);
    return run_backup(*cfg, v.out);
  }
  if (name == "claim") return run_claim(*cfg, clk, v.unit);
  if (name == "import") {
    if (v.file.empty()) return usage_error("give exactly one FILE");
    return run_import(*cfg, clk, v.file, v.unit, v.dry_run);
  }
  if (name == "privacy") {
    if (v.action.empty()) return usage_error("give one action: show, export or erase");
    privacy_request req;
    req.action = v.action;
    req.unit = v.unit;
    req.request = v.request;
    req.citizen = v.citizen;
    req.format = v.format;
    req.out = v.out;
    req.dry_run = v.dry_run;
    req.actor = "cli:" + (!v.by.empty() ? v.by : os_user());
    return run_privacy(*cfg, clk, req, std::cout, std::cerr);
  }
  if (name == "export") {
    // The audit trail names who ran the export on this machine.
    const char* user = std::getenv("USER");
    std::string actor = std::string("cli") + (user && *user ? std::string(":") + user : std::string());
    return run_export(*cfg, clk, v.unit, v.period, v.what, v.format, v.out, actor);
  }
  std::cerr << "tannha " << name << ": not available in this version yet.\n";
  return 2;
}

}  // namespace tannha::bot
