#pragma once
#include <string>

#include "bot/config.hpp"

namespace tannha::bot {

/// `run-jobs`: runs every scheduled post due at `at` (ISO 8601) for every unit, queueing them in
/// the outbox (sent by `serve`'s relay) and printing them; a second call posts nothing new.
int run_jobs_cli(const config& cfg, const std::string& at);

}  // namespace tannha::bot
