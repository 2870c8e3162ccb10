#pragma once
#include <iosfwd>
#include <string>

#include "bot/clock.hpp"

namespace tannha::bot {

/// `doctor`: checks the config at `config_path`, the database, the platform (token, webhook,
/// outbound HTTPS), the clock, disk space, the outbox and the units; prints one line per check
/// ("OK", "WARN" or "FAIL", then what to do, in Vietnamese) to `out`. Returns 0 when nothing
/// FAILed, 1 otherwise.
int run_doctor(const std::string& config_path, const clock& clk, std::ostream& out);

}  // namespace tannha::bot
