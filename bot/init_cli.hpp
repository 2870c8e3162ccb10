#pragma once
#include <iosfwd>
#include <string>

namespace tannha::bot {

/// The answers `tannha init` asks for; each is also a flag (empty: ask, or the default).
struct init_answers {
  bool non_interactive = false;
  bool force = false;  ///< overwrite an existing file
  std::string platform, token, api_base, unit_name, unit_id, villages, visit_day, visit_time, out, listen, db;
};

/// `init`: asks in Vietnamese on `in`/`out` for what is missing from `a` (none with
/// non_interactive), checks the token with getMe, and writes a commented config that
/// `tannha serve` accepts. Returns 0 when written, 1 when refused, 2 for a bad answer given as
/// a flag.
int run_init(init_answers a, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace tannha::bot
