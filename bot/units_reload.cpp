#include "bot/units_reload.hpp"

#include <algorithm>
#include <string>
#include <unordered_map>
#include <utility>

#include <boost/asio/post.hpp>

#include "bot/log.hpp"

namespace tannha::bot {

namespace {

// What sync_config writes of a unit: a difference here means the unit must be stored again.
bool same_stored_part(const domain::unit& a, const domain::unit& b) {
  return a.name == b.name && a.chat_id == b.chat_id && a.villages == b.villages && a.admins == b.admins;
}

std::string joined_sections(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ",") + n;
  return out;
}

}  // namespace

std::vector<domain::unit> units_to_store(const std::vector<domain::unit>& before,
                                         const std::vector<domain::unit>& after, units_change* change) {
  std::unordered_map<std::string_view, const domain::unit*> old;
  old.reserve(before.size());
  for (const auto& u : before) old.emplace(u.id, &u);
  std::vector<domain::unit> out;
  units_change c;
  std::size_t kept = 0;
  for (const auto& u : after) {
    auto it = old.find(u.id);
    if (it == old.end()) {
      ++c.added;
      out.push_back(u);
      continue;
    }
    ++kept;
    if (!same_stored_part(*it->second, u)) {
      ++c.changed;
      out.push_back(u);
    }
  }
  c.removed = static_cast<int>(before.size() - kept);
  if (change) *change = c;
  return out;
}

units_reloader::units_reloader(boost::asio::any_io_executor io, config current, apply_fn apply, metrics& stats)
    : io_(std::move(io)), current_(std::move(current)), apply_(std::move(apply)), stats_(stats) {
  stats_.describe("config_reloads_total", "counter",
                  "Reloads of the units (SIGHUP), by result: ok, refused (a problem in the config or a unit "
                  "file; the running units stay), failed (the database could not store them).");
}

units_reloader::~units_reloader() {
  *alive_ = false;
  if (reader_.joinable()) reader_.join();
}

void units_reloader::request() {
  if (stopped_) return;
  if (running_) {
    again_ = true;
    return;
  }
  start();
}

void units_reloader::start() {
  running_ = true;
  again_ = false;
  started_ = std::chrono::steady_clock::now();
  if (reader_.joinable()) reader_.join();
  log_info("config_reload", {{"result", "started"}, {"file", current_.source}});
  // Reading thousands of unit files takes a while: not on the I/O thread, which keeps serving.
  reader_ = std::thread([this, path = current_.source, io = io_, alive = alive_] {
    std::vector<config_problem> problems;
    auto next = load_config(path, &problems);
    boost::asio::post(io, [this, alive, next = std::move(next), problems = std::move(problems)]() mutable {
      if (*alive) read_done(std::move(next), std::move(problems));
    });
  });
}

void units_reloader::read_done(domain::result<config> next, std::vector<config_problem> problems) {
  if (!next) {
    for (const auto& p : problems)
      log_warn("config_problem", {{"file", p.file}, {"line", p.line}, {"key", p.key}});
    const config_problem first = problems.empty() ? config_problem{current_.source, 0, ""} : problems.front();
    log_warn("config_reload", {{"result", "refused"},
                               {"problems", problems.size()},
                               {"file", first.file},
                               {"line", first.line},
                               {"key", first.key},
                               {"units", current_.units.size()},
                               {"hint", "the running units stay; `tannha doctor --config " + current_.source +
                                            "` shows every problem"}});
    stats_.inc("config_reloads_total", {{"result", "refused"}});
    finish();
    return;
  }
  config cfg = std::move(next).value();
  units_change change;
  auto to_store = units_to_store(current_.units, cfg.units, &change);
  const auto ignored = sections_changed(current_, cfg);
  auto all = cfg.units;
  apply_(std::move(all), std::move(to_store), [this, alive = alive_, cfg = std::move(cfg), change, ignored](bool ok) mutable {
    if (!*alive) return;
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started_);
    if (!ok) {
      log_error("config_reload", {{"result", "failed"}, {"reason", "database"}, {"units", current_.units.size()}});
      stats_.inc("config_reloads_total", {{"result", "failed"}});
      finish();
      return;
    }
    log_info("config_reload", {{"result", "ok"},
                               {"units", cfg.units.size()},
                               {"added", change.added},
                               {"removed", change.removed},
                               {"changed", change.changed},
                               {"ms", static_cast<long long>(ms.count())}});
    if (!ignored.empty())
      log_warn("config_reload_partial", {{"not_reloaded", joined_sections(ignored)}, {"hint", "restart to apply"}});
    stats_.inc("config_reloads_total", {{"result", "ok"}});
    // Compared with what is served: only the units changed, the rest is as at start-up.
    current_.units = std::move(cfg.units);
    current_.unit_dirs = std::move(cfg.unit_dirs);
    finish();
  });
}

void units_reloader::finish() {
  running_ = false;
  if (again_ && !stopped_) start();
}

}  // namespace tannha::bot
