#pragma once
#include <string>

#include "bot/clock.hpp"
#include "bot/config.hpp"

namespace tannha::bot {

/// `serve`: webhook server + outbox relay on one io_context until SIGTERM/SIGINT.
int run_serve(const config& cfg, const clock& clk);
/// `poll`: as serve, but updates come by long polling the platform's getUpdates (for hosts
/// without a public HTTPS address); /healthz and /metrics are still served on server.listen.
int run_poll(const config& cfg, const clock& clk);
/// `chat`: a REPL speaking as `user` in `chat` through the dispatcher; sends are printed.
/// `chat` is a group when a unit uses it, or when `group` is set.
int run_chat(const config& cfg, const clock& clk, const std::string& chat, const std::string& user,
             const std::string& name, bool group = false);
/// `migrate`: applies migrations and prints the schema version.
int run_migrate(const config& cfg);
/// `backup`: SQLite online backup of the configured database to `out`.
int run_backup(const config& cfg, const std::string& out);

}  // namespace tannha::bot
