#pragma once
#include <string>

#include "bot/clock.hpp"
#include "bot/config.hpp"

namespace tannha::bot {

/// `run-jobs`: runs every scheduled post due at `at` (ISO 8601) for every unit, queueing them in
/// the outbox (sent by `serve`'s relay) and printing them; a second call posts nothing new.
/// Refuses (exit 2) an `at` more than a minute after `clk`'s now while a server uses the
/// database (bot/server_presence.hpp), unless `force`: its posts would wait for that time.
int run_jobs_cli(const config& cfg, const std::string& at, const clock& clk = {}, bool force = false);

}  // namespace tannha::bot
