#include "bot/app.hpp"

#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <iostream>

#include "bot/http_client.hpp"
#include "bot/http_server.hpp"
#include "bot/log.hpp"
#include "bot/metrics.hpp"
#include "bot/platform.hpp"
#include "bot/relay.hpp"
#include "handlers/dispatcher.hpp"
#include "storage/database.hpp"
#include "storage/outbox.hpp"
#include "storage/unit_repository.hpp"

namespace tannha::bot {

namespace {

// Opens the database and makes its units, leaders and catalog match the config.
std::unique_ptr<storage::database> open_database(const config& cfg, const clock& clk) {
  auto db = std::make_unique<storage::database>(cfg.storage.path);
  storage::unit_repository units(*db);
  units.sync_config(cfg.units, clk.now());
  units.sync_catalog(cfg.procedures);
  return db;
}

handlers::dispatcher_options dispatcher_options_of(const config& cfg) {
  return {cfg.platform.bot_name, cfg.forms.draft_ttl_minutes};
}

// How a console "send" looks in a terminal: the chat, then the text indented.
void print_send(std::ostream& os, const std::string& chat_id, const std::string& text) {
  os << "→ [" << chat_id << "]\n";
  std::string line;
  for (char c : text) {
    if (c == '\n') {
      os << "  " << line << "\n";
      line.clear();
    } else {
      line += c;
    }
  }
  os << "  " << line << "\n" << std::flush;
}

}  // namespace

int run_serve(const config& cfg, const clock& clk) {
  auto kind = parse_platform_kind(cfg.platform.kind);
  if (!kind) {
    std::cerr << "tannha: platform.kind must be zalo, telegram or console\n";
    return 2;
  }
  auto db = open_database(cfg, clk);
  handlers::dispatcher disp(*db, cfg.units, cfg.procedures, dispatcher_options_of(cfg));
  metrics stats;
  disp.on_command([&](std::string_view name) { stats.inc("commands_total", {{"name", std::string(name)}}); });
  storage::outbox box(*db);
  register_outbox_gauges(stats, box);

  boost::asio::io_context ioc(1);
  webhook_app app(
      cfg.server, *kind, cfg.platform.webhook_secret,
      [&](const handlers::incoming_message& m) { return disp.handle(m, clk.now()); },
      [&] { return db->healthy(); }, stats);
  http_server server(ioc, app, cfg.server);

  http_client client(ioc.get_executor());
  sender send = *kind == platform_kind::console
                    ? make_console_sender(std::cout)
                    : make_http_sender(client, *kind, send_url(*kind, cfg.platform),
                                       std::chrono::seconds{cfg.relay.request_timeout_seconds});
  relay outbox_relay(ioc.get_executor(), box, send, cfg.relay, clk, &stats);
  std::vector<std::string> groups;
  for (const auto& u : cfg.units) groups.push_back(u.chat_id);
  outbox_relay.set_group_predicate([groups](const std::string& chat) {
    return std::find(groups.begin(), groups.end(), chat) != groups.end();
  });
  app.set_on_dispatched([&] { outbox_relay.notify(); });

  auto port = server.start();
  if (!port) {
    std::cerr << "tannha: " << port.error().message << "\n";
    return 1;
  }
  outbox_relay.start();
  log_info("listening", {{"address", cfg.server.listen}, {"port", static_cast<int>(*port)},
                         {"platform", std::string(to_string(*kind))}, {"units", static_cast<int>(cfg.units.size())}});

  boost::asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    log_info("stopping", {{"signal", sig}});
    server.stop();
    outbox_relay.stop();
  });
  ioc.run();
  log_info("stopped");
  return 0;
}

int run_migrate(const config& cfg) {
  storage::database db(cfg.storage.path, false);
  int before = db.schema_version();
  int applied = db.migrate();
  std::cout << "database " << cfg.storage.path << ": schema version " << db.schema_version() << " (" << applied
            << " migration(s) applied, was " << before << ")\n";
  return 0;
}

int run_backup(const config& cfg, const std::string& out) {
  storage::database db(cfg.storage.path, false);
  // The online backup API copies a consistent snapshot while writers go on.
  db.db().backup(out.c_str(), SQLite::Database::Save);
  SQLite::Database copy(out, SQLite::OPEN_READONLY);
  auto check = copy.execAndGet("PRAGMA integrity_check").getString();
  std::cout << "backup written to " << out << " (integrity_check: " << check << ")\n";
  return check == "ok" ? 0 : 1;
}

int run_chat(const config& cfg, const clock& clk, const std::string& chat, const std::string& user,
             const std::string& name) {
  auto db = open_database(cfg, clk);
  handlers::dispatcher disp(*db, cfg.units, cfg.procedures, dispatcher_options_of(cfg));
  storage::outbox box(*db);
  bool group = false;
  for (const auto& u : cfg.units)
    if (u.chat_id == chat) group = true;
  bool interactive = isatty(STDIN_FILENO);
  if (interactive) {
    std::cout << "Tận Nhà chat — speaking as user " << user << " in " << (group ? "group " : "private chat ") << chat
              << ".\nEnd a line with '\\' to continue on the next line. Ctrl-D quits.\n";
  }
  std::string pending;
  std::string line;
  long seq = 0;
  auto pid = std::to_string(::getpid());
  while (true) {
    if (interactive) std::cout << (pending.empty() ? "> " : ". ") << std::flush;
    if (!std::getline(std::cin, line)) break;
    if (!line.empty() && line.back() == '\\') {
      line.pop_back();
      pending += line + "\n";
      continue;
    }
    std::string text = pending + line;
    pending.clear();
    if (text.empty()) continue;
    handlers::incoming_message m;
    m.platform = "console";
    m.update_id = "chat-" + pid + "-" + std::to_string(clk.now().time_since_epoch().count()) + "-" + std::to_string(++seq);
    m.chat_id = chat;
    m.is_group = group;
    m.user_id = user;
    m.user_name = name;
    m.text = text;
    m.date = clk.now();
    disp.handle(m, clk.now());
    // The REPL is its own relay: print what the bot queued and mark it sent.
    for (;;) {
      auto due = box.due(clk.now(), 100);
      if (due.empty()) break;
      for (const auto& row : due) {
        print_send(std::cout, row.chat_id, row.text);
        storage::write_transaction tx(*db);
        box.mark_sent(row.id, clk.now());
        tx.commit();
      }
    }
  }
  return 0;
}

}  // namespace tannha::bot
