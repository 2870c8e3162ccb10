#include "bot/app.hpp"

#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>
#include <atomic>
#include <mutex>
#include <optional>
#include <unordered_set>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <iostream>

#include "bot/claim.hpp"
#include "bot/db_writer.hpp"
#include "bot/health.hpp"
#include "bot/http_client.hpp"
#include "bot/http_server.hpp"
#include "bot/intake.hpp"
#include "bot/log.hpp"
#include "bot/log_escaped.hpp"
#include "bot/metrics.hpp"
#include "bot/platform.hpp"
#include "bot/privacy_cli.hpp"
#include "bot/poller.hpp"
#include "bot/relay.hpp"
#include "bot/routes.hpp"
#include "bot/web_routes.hpp"
#include "handlers/dispatcher.hpp"
#include "handlers/job_runner.hpp"
#include "handlers/search_words.hpp"
#include "storage/database.hpp"
#include "storage/outbox.hpp"
#include "bot/server_presence.hpp"
#include "bot/units_reload.hpp"
#include "storage/unit_repository.hpp"

namespace tannha::bot {

namespace {

// Opens the database and makes its units, leaders and catalog match the config.
std::unique_ptr<storage::database> open_database(const config& cfg, const clock& clk) {
  auto db = std::make_unique<storage::database>(cfg.storage.path);
  storage::unit_repository units(*db);
  units.sync_config(cfg.units, clk.now());
  units.sync_catalog(cfg.procedures);
  // Rows stored before /tim searched addresses (schema 22) get their folded place: SQL cannot
  // fold Vietnamese, so the migration leaves it to the program. Nothing to do afterwards.
  if (int filled = handlers::fill_folded_places(*db); filled > 0) log_info("citizens_place_filled", {{"count", filled}});
  return db;
}

handlers::dispatcher_options dispatcher_options_of(const config& cfg) {
  handlers::dispatcher_options o;
  o.bot_name = cfg.platform.bot_name;
  o.draft_ttl_minutes = cfg.forms.draft_ttl_minutes;
  o.code_hash = [](std::string_view code) { return sha256_hex(code); };
  if (cfg.web.enabled) {
    o.web_url = cfg.web.public_url;
    o.web_token = [] { return random_token(); };
  }
  return o;
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

namespace {

// How long a graceful stop waits for requests in flight and the relay's current send before
// closing what is left (the whole stop stays within systemd's and the 10 s).
constexpr auto shutdown_grace = std::chrono::seconds(7);
// How long a write waits for another process's lock (the webhook then answers 503 with
// Retry-After, the relay and the scheduler try again later); short, since the writer serves
// every batch in turn.
constexpr auto write_wait = std::chrono::milliseconds(1000);

/// serve's deferred quick_check: its connection and thread, interrupted and joined on the
/// way out whatever the way.
struct background_check {
  std::unique_ptr<storage::database> db;
  std::thread thread;
  std::atomic<bool> cancelled{false};
  void stop() {
    if (!thread.joinable()) return;
    cancelled = true;
    db->interrupt();
    thread.join();
  }
  ~background_check() { stop(); }
};

/// A database in a file of its own (not ":memory:"): it gets a writer thread and its checks.
bool own_file(const config& cfg) { return !cfg.storage.path.empty() && cfg.storage.path != ":memory:"; }

/// The database file's size in bytes (0 when it does not exist yet).
std::uintmax_t file_bytes(const std::string& path) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  return ec ? 0 : size;
}

// `serve` and `poll` share everything but where updates come from: the database, dispatcher,
// metrics, HTTP server (the webhook, or only /healthz and /metrics when polling), relay,
// scheduler and graceful stop.
int run_service(const config& cfg, const clock& clk, bool polling) {
  auto kind = parse_platform_kind(cfg.platform.kind);
  if (!kind) {
    std::cerr << "tannha: platform.kind must be zalo, telegram or console\n";
    return 2;
  }
  if (polling && *kind == platform_kind::console) {
    std::cerr << "tannha poll: the console platform has nothing to poll; use serve or chat\n";
    return 2;
  }
  if (polling && cfg.platform.token.empty()) {
    std::cerr << "tannha poll: platform.token (or TANNHA_TOKEN) is needed to poll\n";
    return 2;
  }
  // A background check that found damaged pages leaves this file: until a restore, serving
  // again (systemd's restart) would write into those pages.
  const std::string damaged_marker = cfg.storage.path + ".damaged";
  if (own_file(cfg) && std::filesystem::exists(damaged_marker)) {
    std::cerr << "tannha: database " << cfg.storage.path << " failed its integrity check while serving (see "
              << damaged_marker << ")\nrestore the latest backup (tannha restore), which removes that file, before serving\n";
    return 1;
  }
  // Above storage.check_before_serving_mb the quick_check (every page read) runs once the
  // server listens, so that a national database starts in about a second, not ~17 s.
  const bool check_later =
      own_file(cfg) && file_bytes(cfg.storage.path) > std::uintmax_t(cfg.storage.check_before_serving_mb) * 1024 * 1024;
  {
    // Before anything writes: a database this program would misread, or one with damaged
    // pages, is refused with a message instead of being served (and written to).
    std::optional<storage::database> probe;
    int version = 0;
    try {
      probe.emplace(cfg.storage.path, false);
      version = probe->schema_version();
    } catch (const std::exception& e) {
      // No such folder, no permission, or pages so damaged that opening fails.
      std::cerr << "tannha: database " << cfg.storage.path << " cannot be read: " << e.what()
                << "\nif its pages are damaged, restore the latest backup (see `tannha backup`) before serving\n";
      return 1;
    }
    const int known = storage::database::latest_version();
    if (version > known) {
      std::cerr << "tannha: database " << cfg.storage.path << " has schema version " << version
                << ", newer than this program knows (" << known
                << "); run the tannha version that wrote it, or restore a backup made for this one\n";
      return 1;
    }
    auto check = check_later ? std::string("ok") : probe->quick_check();
    if (check != "ok") {
      std::cerr << "tannha: database " << cfg.storage.path << " failed its quick integrity check: " << check
                << "\nrestore the latest backup (see `tannha backup`) before serving\n";
      return 1;
    }
  }
  auto db = open_database(cfg, clk);
  // `run-jobs --at` a future time refuses while this is held (bot/jobs_cli.cpp).
  server_presence presence(cfg.storage.path);
  auto opts = dispatcher_options_of(cfg);
  opts.max_text_units = max_text_units(*kind);
  // The names the platform gives the bot (getMe), learnt after start-up: a mention may use
  // them rather than platform.bot_name (a Telegram username, a Zalo display name changed in
  // Bot Creator).
  auto learnt_names = std::make_shared<handlers::bot_names>();
  opts.other_names = learnt_names;
  health hp;
  handlers::dispatcher disp(*db, cfg.units, cfg.procedures, opts);
  metrics stats;
  disp.on_command([&](std::string_view name) { stats.inc("commands_total", {{"name", std::string(name)}}); });
  stats.describe("scheduler_runs_total", "counter", "Scheduled jobs run (posts due by the process clock), by job.");
  storage::outbox box(*db);
  // A file database is written by one thread of its own (db_writer), so the I/O thread never
  // waits on SQLite; the I/O thread's reads (the relay's due rows, /metrics' gauges) use a
  // second connection, which WAL never blocks behind a writer. ":memory:" stays on one thread.
  const bool own_writer = own_file(cfg);
  std::unique_ptr<storage::database> reader;
  if (own_writer) {
    reader = std::make_unique<storage::database>(cfg.storage.path, false);
    // An update waits this long for another process's write lock before it is answered 503.
    db->set_busy_timeout(write_wait);
  }
  storage::outbox read_box(reader ? *reader : *db);
  register_outbox_gauges(stats, read_box);
  // The relay (I/O thread) asks which chats are groups; /ketnoi and a reload change them on
  // the writer. Copied again only when the units changed (thousands of units, every batch).
  std::mutex groups_mutex;
  std::unordered_set<std::string> group_chats;
  std::optional<std::uint64_t> published_version;
  std::atomic<std::size_t> served_units{disp.units().size()};
  auto publish_groups = [&] {
    if (published_version == disp.units_version()) return;
    published_version = disp.units_version();
    std::unordered_set<std::string> chats;
    chats.reserve(disp.units().size());
    for (const auto& u : disp.units()) chats.insert(u.chat_id);
    served_units = disp.units().size();
    std::lock_guard lock(groups_mutex);
    group_chats = std::move(chats);
  };
  publish_groups();
  stats.gauge_callback("units", "Units (communes/wards) served now; a reload (SIGHUP) may change it.",
                       [&served_units] { return static_cast<double>(served_units.load()); });

  boost::asio::io_context ioc(1);
  // Caught from here on: a stop during start-up is a graceful one too.
  boost::asio::signal_set signals(ioc, SIGINT, SIGTERM);
  // SIGHUP (systemctl reload) re-reads the units; caught from here on so that it never ends the
  // process, and answered once the service runs.
  boost::asio::signal_set reload_signal(ioc, SIGHUP);
  webhook_app app(
      cfg.server, *kind, cfg.platform.webhook_secret,
      [&](const handlers::incoming_message& m) { return disp.handle(m, clk.now()); },
      nullptr, stats);
  app.set_health([&hp] { return hp.problem(std::chrono::steady_clock::now()); });
  app.set_batch_dispatch([&](std::span<const handlers::incoming_message* const> msgs) {
    try {
      auto outcomes = disp.handle_batch(msgs, clk.now());
      hp.write_ok();
      publish_groups();
      return outcomes;
    } catch (const SQLite::Exception& e) {
      hp.write_failed();
      // Locked by another process, disk full, I/O: nothing kept, the platform delivers again.
      if (storage::is_transient(e)) throw write_refused("sqlite " + std::to_string(e.getErrorCode()));
      throw;
    } catch (...) {
      hp.write_failed();
      throw;
    }
  });
  // The web pages (issue 17) share the server, its limits and timeouts, and the database.
  std::unique_ptr<handlers::web_site> site;
  if (cfg.web.enabled) {
    site = std::make_unique<handlers::web_site>(
        *db, disp.units(), cfg.procedures,
        handlers::web_options{cfg.web.public_url, cfg.web.session_hours, cfg.web.public_list,
                              [] { return random_token(); }, [](std::string_view s) { return sha256_hex(s); }});
    // A copy of its own: the pages are served on the I/O thread, the dispatcher's units change
    // on the writer (/ketnoi, a reload).
    site->set_units(disp.units());
    add_web_routes(app.routes(), *site, *db, [&clk] { return clk.now(); }, stats);
  }
  http_server server(ioc, app.routes(), cfg.server);
  std::unique_ptr<db_writer> writer;
  if (own_writer) {
    writer = std::make_unique<db_writer>();
    server.set_writer(writer.get());
  }

  http_client client(ioc.get_executor());
  sender send = *kind == platform_kind::console
                    ? make_console_sender(std::cout)
                    : make_http_sender(client, *kind, send_url(*kind, cfg.platform),
                                       std::chrono::seconds{cfg.relay.request_timeout_seconds});
  relay outbox_relay(ioc.get_executor(), read_box, send, cfg.relay, clk, &stats);
  outbox_relay.set_max_in_flight(static_cast<std::size_t>(cfg.relay.max_in_flight));
  outbox_relay.set_health(&hp);
  if (writer) {
    // The relay's marks go through the same writer as the updates, one transaction a batch.
    outbox_relay.set_mark_writer([&](std::vector<storage::outbox_mark> marks, std::function<void(bool)> done) {
      writer->post([&, marks = std::move(marks), done = std::move(done)]() mutable {
        bool ok = true;
        try {
          box.mark_many(marks);
          hp.write_ok();
        } catch (const std::exception&) {
          ok = false;
          hp.write_failed();
        }
        boost::asio::post(ioc, [done = std::move(done), ok] { done(ok); });
      });
    });
  }
  // Each unit's current group (a /ketnoi updates them), as the writer last published them.
  outbox_relay.set_group_predicate([&](const std::string& chat) {
    std::lock_guard lock(groups_mutex);
    return group_chats.contains(chat);
  });
  app.set_on_dispatched([&] { outbox_relay.notify(); });

  // Long polling has its own client, so stopping cancels the poll without touching sends.
  http_client poll_client(ioc.get_executor());
  std::unique_ptr<poller> updates_poller;
  if (polling) {
    updates_poller = std::make_unique<poller>(ioc.get_executor(), poll_client, *kind,
                                              method_url(*kind, cfg.platform, "getUpdates"), app.updates(), *db, clk,
                                              &stats);
    updates_poller->set_writer(writer.get());
  }

  auto port = server.start();
  if (!port) {
    std::cerr << "tannha: " << port.error().message << "\n";
    return 1;
  }
  // A unit nobody leads yet is claimed from the chat: its code goes to the terminal (stdout,
  // for the person starting the server), never to the structured log.
  print_claim_codes(cfg, *db, clk.now(), std::cout);
  int without_group = 0;
  // Only units that should post in a group they do not have yet: members-mode units need none.
  for (const auto& u : disp.units())
    without_group += u.chat_id.empty() && domain::delivery_of(u) != domain::post_delivery::members ? 1 : 0;
  if (without_group > 0) log_warn("units_without_group", {{"count", without_group}});
  outbox_relay.start();
  if (updates_poller) updates_poller->start();

  // The scheduler: every 30 s, the posts due by the process clock (docs/DESIGN.md §4). It runs
  // on the writer (or, without one, on the io_context thread), like every other write.
  handlers::job_runner jobs(*db, cfg.units, {.max_text_units = max_text_units(*kind), .procedures = cfg.procedures},
                            retention_options_of(cfg));
  boost::asio::steady_timer job_timer(ioc);
  bool stopping = false;

  // A reload (SIGHUP): the new units are read off the I/O thread; stored and swapped in on the
  // writer between two batches, so an update is handled wholly with the old units or wholly
  // with the new; the web pages (I/O thread) get their copy after. Nothing is refused meanwhile.
  // Without a writer (":memory:") everything runs on the I/O thread, between two requests.
  units_reloader reloader(
      ioc.get_executor(), cfg,
      [&](std::vector<domain::unit> all, std::vector<domain::unit> to_store, std::function<void(bool)> done) {
        auto swap = [&, all = std::move(all), to_store = std::move(to_store), done = std::move(done)]() mutable {
          bool ok = true;
          std::vector<domain::unit> for_web;
          try {
            storage::unit_repository(*db).sync_config(to_store, clk.now());
            disp.set_units(all);
            jobs.set_units(std::move(all));
            publish_groups();
            for_web = disp.units();
            hp.write_ok();
          } catch (const std::exception&) {
            ok = false;  // busy or full database: nothing changed, the old units stay
          }
          boost::asio::post(ioc, [&, ok, for_web = std::move(for_web), done = std::move(done)]() mutable {
            if (ok && site) site->set_units(std::move(for_web));
            done(ok);
          });
        };
        if (writer) writer->post(std::move(swap));
        else swap();
      },
      stats);
  std::function<void()> wait_reload = [&] {
    reload_signal.async_wait([&](const boost::system::error_code& ec, int) {
      if (ec) return;
      reloader.request();
      wait_reload();
    });
  };
  wait_reload();
  boost::asio::co_spawn(
      ioc,
      [&]() -> boost::asio::awaitable<void> {
        while (!stopping) {
          try {
            auto ran = writer ? co_await writer->run<handlers::job_run_stats>(
                                    ioc.get_executor(), [&] { return jobs.run_due_jobs(clk.now()); })
                              : jobs.run_due_jobs(clk.now());
            if (ran.runs > 0) hp.write_ok();
            if (ran.runs > 0) stats.inc("scheduler_runs_total", {{"job", "all"}}, ran.runs);
            if (ran.posts > 0) outbox_relay.notify();
          } catch (const std::exception&) {
            hp.write_failed();
            log_error("jobs_failed");  // busy or full database: try again at the next tick
          }
          // A stop that came during the run found no timer to cancel: do not wait 30 s more.
          if (stopping) break;
          job_timer.expires_after(std::chrono::seconds{30});
          boost::system::error_code ec;
          co_await job_timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
        }
      },
      log_escaped("scheduler"));
  // getMe in the background: start-up neither waits for the platform nor fails when it is
  // down; without an answer, mentions are matched by platform.bot_name alone until one comes.
  http_client me_client(ioc.get_executor());
  boost::asio::steady_timer me_timer(ioc);
  if (*kind != platform_kind::console && !cfg.platform.token.empty()) {
    boost::asio::co_spawn(
        ioc,
        [&]() -> boost::asio::awaitable<void> {
          auto wait = std::chrono::seconds{30};
          bool warned = false;
          while (!stopping) {
            auto reply = co_await me_client.post_json(method_url(*kind, cfg.platform, "getMe"), "{}",
                                                      std::chrono::seconds{10});
            if (stopping) co_return;
            if (auto names = bot_names_of_get_me(reply.status, reply.body)) {
              std::string list;
              for (const auto& n : *names) list += (list.empty() ? "" : ", ") + n;
              log_info("bot_names", {{"names", list}});
              learnt_names->set(std::move(*names));
              co_return;
            }
            if (!warned) log_warn("get_me_failed", {{"status", reply.status}, {"retry_seconds", static_cast<int>(wait.count())}});
            warned = true;
            me_timer.expires_after(wait);
            boost::system::error_code ec;
            co_await me_timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
            wait = std::min<std::chrono::seconds>(wait * 2, std::chrono::minutes{30});
          }
        },
        log_escaped("get_me"));
  }
  log_info("listening", {{"address", cfg.server.listen}, {"port", static_cast<int>(*port)},
                         {"platform", std::string(to_string(*kind))}, {"units", static_cast<int>(cfg.units.size())},
                         {"mode", polling ? "poll" : "webhook"}});

  // The deferred quick_check, on a read-only connection of its own (WAL: it blocks no writer).
  // Damaged pages: /healthz says "database", the marker keeps a restart from serving, and
  // the server stops as on SIGTERM, exiting 1.
  std::atomic<int> exit_code{0};
  background_check later;
  if (check_later) {
    later.db = std::make_unique<storage::database>(cfg.storage.path, false);
    log_info("integrity_check_later", {{"mib", static_cast<std::int64_t>(file_bytes(cfg.storage.path) >> 20)}});
    later.thread = std::thread([&] {
      auto started = std::chrono::steady_clock::now();
      auto result = later.db->quick_check();
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
      if (result == "ok") {
        log_info("integrity_check", {{"result", "ok"}, {"ms", static_cast<std::int64_t>(ms.count())}});
        return;
      }
      if (later.cancelled) return;  // interrupted by the stop, not a finding
      hp.database_damaged();
      std::ofstream(damaged_marker) << result << "\n";
      log_error("database_damaged", {{"ms", static_cast<std::int64_t>(ms.count())}});
      exit_code = 1;
      ::kill(::getpid(), SIGTERM);
    });
  }

  // Graceful stop: no new connections or polls, requests in flight answered, the relay's
  // current sends recorded; after shutdown_grace whatever is left is closed. run() returns
  // when nothing is left, and the database closes as `db` goes out of scope.
  boost::asio::steady_timer watchdog(ioc);
  signals.async_wait([&](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    log_info("stopping", {{"signal", sig}, {"connections", server.connections()}});
    reloader.stop();
    reload_signal.cancel();
    server.stop();
    outbox_relay.stop();
    if (updates_poller) updates_poller->stop();
    stopping = true;
    job_timer.cancel();
    me_timer.cancel();
    me_client.cancel();
    boost::asio::co_spawn(
        ioc,
        [&]() -> boost::asio::awaitable<void> {
          auto deadline = std::chrono::steady_clock::now() + shutdown_grace;
          bool forced = false;
          for (;;) {
            bool idle = server.connections() == 0 && outbox_relay.idle() && (!updates_poller || updates_poller->idle());
            if (idle) break;
            if (!forced && std::chrono::steady_clock::now() >= deadline) {
              forced = true;
              log_warn("stop_forced", {{"connections", server.connections()}, {"relay_idle", outbox_relay.idle()}});
              server.force_close();
              client.cancel();  // a send without an answer stays pending: sent again after restart
              poll_client.cancel();
            }
            watchdog.expires_after(std::chrono::milliseconds(50));
            boost::system::error_code wec;
            co_await watchdog.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, wec));
          }
        },
        log_escaped("shutdown_watchdog"));
  });
  ioc.run();
  later.stop();
  if (writer) writer->stop();  // nothing is queued once run() returns; joined before the rest goes
  log_info("stopped");
  return exit_code;
}

}  // namespace

int run_serve(const config& cfg, const clock& clk) { return run_service(cfg, clk, false); }

int run_poll(const config& cfg, const clock& clk) { return run_service(cfg, clk, true); }

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
  auto check = db.backup_to(out);
  std::cout << "backup written to " << out << " (integrity_check: " << check << ")\n";
  return check == "ok" ? 0 : 1;
}

int run_chat(const config& cfg, const clock& clk, const std::string& chat, const std::string& user,
             const std::string& name, bool group) {
  auto db = open_database(cfg, clk);
  handlers::dispatcher disp(*db, cfg.units, cfg.procedures, dispatcher_options_of(cfg));
  storage::outbox box(*db);
  for (const auto& u : disp.units())
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
