#pragma once
#include <optional>
#include <string>

#include "bot/clock.hpp"
#include "bot/config.hpp"

namespace tannha::bot {

/// `outbox [list] [--state dead|pending|sent] [--limit N]`: counts by state, then the rows
/// (dead and pending when no state is given), newest first, with a short preview of each text.
int run_outbox_list(const config& cfg, const std::string& state, int limit);

/// `outbox retry ID|--all`: puts dead messages back in the queue (attempts reset); a running
/// server's relay picks them up within a second.
int run_outbox_retry(const config& cfg, const clock& clk, std::optional<std::int64_t> id);

}  // namespace tannha::bot
