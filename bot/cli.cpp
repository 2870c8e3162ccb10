#include "bot/cli.hpp"

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bot/app.hpp"
#include "bot/clock.hpp"
#include "bot/config.hpp"
#include "bot/exporter.hpp"
#include "bot/importer.hpp"
#include "bot/jobs_cli.hpp"
#include "bot/outbox_cli.hpp"
#include "bot/webhook_cli.hpp"
#include "domain/time.hpp"

namespace tannha::bot {

namespace {

struct command_spec {
  std::string name;
  std::string summary;
  std::string usage;
  std::vector<std::string> options;  ///< accepted --options taking a value
  std::vector<std::string> flags;    ///< accepted --flags without a value
};

const std::vector<command_spec>& specs() {
  static const std::vector<command_spec> s = {
      {"serve", "run the webhook server, the outbox relay and the scheduler",
       "tannha serve --config FILE [--clock ISO8601]\n"
       "  --clock  start the process clock at this instant (e.g. 2026-11-26T09:00:00+07:00)",
       {"config", "clock"}, {}},
      {"poll", "fetch updates by long polling instead of a webhook",
       "tannha poll --config FILE [--clock ISO8601]\n"
       "  For hosts without a public HTTPS address: asks the platform for updates (Zalo and Telegram\n"
       "  getUpdates) instead of receiving a webhook; runs the relay and the scheduler as serve does,\n"
       "  and serves /healthz and /metrics on server.listen. Telegram refuses to poll while a webhook\n"
       "  is set: run 'tannha webhook delete' first.\n"
       "  --clock  start the process clock at this instant",
       {"config", "clock"}, {}},
      {"webhook", "register, show or remove the platform's webhook",
       "tannha webhook set --url URL --config FILE | webhook info --config FILE | webhook delete --config FILE\n"
       "  set     setWebhook with URL (the public https address of server.webhook_path) and the\n"
       "          configured webhook_secret as secret_token\n"
       "  info    getWebhookInfo\n"
       "  delete  deleteWebhook (needed before 'tannha poll')\n"
       "  The platform's answer is printed; the token never is.",
       {"config", "url"}, {}},
      {"outbox", "list queued and undeliverable messages, or queue dead ones again",
       "tannha outbox --config FILE [list] [--state dead|pending|sent] [--limit N]\n"
       "tannha outbox --config FILE retry ID|--all\n"
       "  list   counts by state, then dead and pending messages (or those of --state), newest first\n"
       "  retry  puts a dead message (or every one, --all) back in the queue; a running server\n"
       "         sends it within a second",
       {"config", "state", "limit"}, {"all"}},
      {"chat", "talk to the bot in this terminal as one user in one chat, through the real pipeline",
       "tannha chat --config FILE --chat CHAT_ID --user USER_ID [--name NAME] [--clock ISO8601]\n"
       "  --chat  a unit's group chat id, or the user id for a private chat\n"
       "  End a line with '\\' to continue the message on the next line (for /dangky forms).",
       {"config", "chat", "user", "name", "clock"}, {}},
      {"migrate", "create or upgrade the database schema", "tannha migrate --config FILE", {"config"}, {}},
      {"run-jobs", "run every scheduled post due at a time", "tannha run-jobs --config FILE --at ISO8601",
       {"config", "at"}, {}},
      {"export", "export requests, reports or the list of people served",
       "tannha export --config FILE --unit ID --period P --what requests|report|served --format csv|xlsx --out FILE",
       {"config", "unit", "period", "what", "format", "out"}, {}},
      {"import", "import the approved list of people to serve",
       "tannha import FILE --config FILE --unit ID [--dry-run]", {"config", "unit"}, {"dry-run"}},
      {"backup", "copy the database consistently while the server runs",
       "tannha backup --config FILE --out FILE", {"config", "out"}, {}},
  };
  return s;
}

void print_overview(std::ostream& os) {
  os << "Tận Nhà — chat bot for at-home administrative services\n\nUsage: tannha COMMAND --config FILE [options]\n\n"
        "Commands:\n";
  for (const auto& s : specs()) {
    os << "  " << s.name << std::string(s.name.size() < 10 ? 10 - s.name.size() : 1, ' ') << s.summary << "\n";
  }
  os << "\nRun 'tannha COMMAND --help' for a command's options.\n";
}

struct parsed_args {
  std::map<std::string, std::string> options;
  std::vector<std::string> flags;
  std::vector<std::string> positional;
  bool help = false;
};

std::optional<parsed_args> parse_args(const command_spec& spec, int argc, char** argv, std::string& error) {
  parsed_args out;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      out.help = true;
      continue;
    }
    if (a.rfind("--", 0) == 0) {
      std::string name = a.substr(2);
      std::string value;
      bool has_value = false;
      if (auto eq = name.find('='); eq != std::string::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
        has_value = true;
      }
      if (std::find(spec.flags.begin(), spec.flags.end(), name) != spec.flags.end()) {
        out.flags.push_back(name);
        continue;
      }
      if (std::find(spec.options.begin(), spec.options.end(), name) == spec.options.end()) {
        error = "unknown option --" + name + " for '" + spec.name + "'";
        return std::nullopt;
      }
      if (!has_value) {
        if (i + 1 >= argc) {
          error = "option --" + name + " needs a value";
          return std::nullopt;
        }
        value = argv[++i];
      }
      out.options[name] = value;
      continue;
    }
    out.positional.push_back(a);
  }
  return out;
}

}  // namespace

int run_cli(int argc, char** argv) {
  if (argc < 2) {
    print_overview(std::cerr);
    return 2;
  }
  std::string name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    print_overview(std::cout);
    return 0;
  }
  const command_spec* spec = nullptr;
  for (const auto& s : specs())
    if (s.name == name) spec = &s;
  if (!spec) {
    std::cerr << "tannha: unknown command '" << name << "'\n\n";
    print_overview(std::cerr);
    return 2;
  }
  std::string error;
  auto args = parse_args(*spec, argc, argv, error);
  if (!args) {
    std::cerr << "tannha " << spec->name << ": " << error << "\n\nUsage: " << spec->usage << "\n";
    return 2;
  }
  if (args->help) {
    std::cout << spec->summary << "\n\nUsage: " << spec->usage << "\n";
    return 0;
  }
  auto need = [&](const std::string& opt) -> const std::string* {
    auto it = args->options.find(opt);
    if (it == args->options.end() || it->second.empty()) {
      std::cerr << "tannha " << spec->name << ": --" << opt << " is required\n\nUsage: " << spec->usage << "\n";
      return nullptr;
    }
    return &it->second;
  };

  const std::string* config_path = need("config");
  if (!config_path) return 2;
  auto cfg = load_config(*config_path);
  if (!cfg) {
    std::cerr << "tannha: bad config: " << cfg.error().message << "\n";
    return 2;
  }

  clock clk;
  if (auto it = args->options.find("clock"); it != args->options.end()) {
    auto start = domain::parse_iso_instant(it->second);
    if (!start) {
      std::cerr << "tannha: --clock: not an ISO 8601 instant: " << it->second << "\n";
      return 2;
    }
    clk = clock(*start);
  }

  if (name == "serve") return run_serve(*cfg, clk);
  if (name == "poll") return run_poll(*cfg, clk);
  if (name == "webhook") {
    if (args->positional.size() != 1) {
      std::cerr << "tannha webhook: give one action: set, info or delete\n\nUsage: " << spec->usage << "\n";
      return 2;
    }
    auto it = args->options.find("url");
    return run_webhook_cli(*cfg, args->positional.front(), it == args->options.end() ? std::string() : it->second);
  }
  if (name == "outbox") {
    const auto& pos = args->positional;
    bool all = std::find(args->flags.begin(), args->flags.end(), "all") != args->flags.end();
    if (pos.empty() || pos.front() == "list") {
      if (pos.size() > 1 || all) {
        std::cerr << "tannha outbox list: unexpected arguments\n\nUsage: " << spec->usage << "\n";
        return 2;
      }
      int limit = 50;
      if (auto it = args->options.find("limit"); it != args->options.end()) {
        try {
          limit = std::stoi(it->second);
        } catch (...) {
          limit = 0;
        }
        if (limit <= 0) {
          std::cerr << "tannha outbox: --limit must be a positive number\n";
          return 2;
        }
      }
      auto st = args->options.find("state");
      return run_outbox_list(*cfg, st == args->options.end() ? std::string() : st->second, limit);
    }
    if (pos.front() == "retry") {
      std::optional<std::int64_t> id;
      if (pos.size() == 2 && !all) {
        try {
          std::size_t used = 0;
          id = std::stoll(pos[1], &used);
          if (used != pos[1].size() || *id <= 0) throw std::invalid_argument("id");
        } catch (...) {
          std::cerr << "tannha outbox retry: ID must be a message number as listed (e.g. 42)\n";
          return 2;
        }
      } else if (!(pos.size() == 1 && all)) {
        std::cerr << "tannha outbox retry: give one ID, or --all\n\nUsage: " << spec->usage << "\n";
        return 2;
      }
      return run_outbox_retry(*cfg, clk, id);
    }
    std::cerr << "tannha outbox: unknown action '" << pos.front() << "'\n\nUsage: " << spec->usage << "\n";
    return 2;
  }
  if (name == "chat") {
    auto chat = need("chat");
    auto user = need("user");
    if (!chat || !user) return 2;
    auto it = args->options.find("name");
    return run_chat(*cfg, clk, *chat, *user, it == args->options.end() ? std::string() : it->second);
  }
  if (name == "migrate") return run_migrate(*cfg);
  if (name == "run-jobs") {
    auto at = need("at");
    if (!at) return 2;
    return run_jobs_cli(*cfg, *at);
  }
  if (name == "backup") {
    auto out = need("out");
    if (!out) return 2;
    return run_backup(*cfg, *out);
  }
  if (name == "import") {
    auto unit = need("unit");
    if (!unit) return 2;
    if (args->positional.size() != 1) {
      std::cerr << "tannha import: give exactly one FILE\n\nUsage: " << spec->usage << "\n";
      return 2;
    }
    bool dry_run = std::find(args->flags.begin(), args->flags.end(), "dry-run") != args->flags.end();
    return run_import(*cfg, clk, args->positional.front(), *unit, dry_run);
  }
  if (name == "export") {
    auto unit = need("unit");
    auto period = need("period");
    auto what = need("what");
    auto format = need("format");
    auto out = need("out");
    if (!unit || !period || !what || !format || !out) return 2;
    // The audit trail names who ran the export on this machine.
    const char* user = std::getenv("USER");
    std::string actor = std::string("cli") + (user && *user ? std::string(":") + user : std::string());
    return run_export(*cfg, clk, *unit, *period, *what, *format, *out, actor);
  }
  std::cerr << "tannha " << name << ": not available in this version yet.\n";
  return 2;
}

}  // namespace tannha::bot
