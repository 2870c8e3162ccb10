#include "bot/outbox_cli.hpp"

#include <iostream>

#include "domain/time.hpp"
#include "handlers/text.hpp"
#include "storage/database.hpp"
#include "storage/outbox.hpp"

namespace tannha::bot {

namespace {

// The first line of a text, at most 60 code points (enough to recognise a message).
std::string preview(const std::string& text) {
  std::string first = text.substr(0, text.find('\n'));
  auto cps = handlers::code_points(first);
  bool cut = cps.size() > 60 || first.size() < text.size();
  auto pieces = handlers::split_by_utf16(first, 60);
  std::string out = pieces.empty() ? std::string() : pieces.front();
  return out + (cut ? " …" : "");
}

void print_row(const storage::outbox_row& r) {
  std::cout << "#" << r.id << "  " << r.state << "  chat=" << r.chat_id << "  attempts=" << r.attempts
            << "  created=" << domain::iso_instant(r.created_at);
  if (r.state == "pending") std::cout << "  next=" << domain::iso_instant(r.next_attempt_at);
  if (r.failed_at) std::cout << "  failed=" << domain::iso_instant(*r.failed_at);
  std::cout << "\n    " << preview(r.text) << "\n";
  if (!r.last_error.empty()) std::cout << "    last error: " << r.last_error << "\n";
}

}  // namespace

int run_outbox_list(const config& cfg, const std::string& state, int limit) {
  if (!state.empty() && state != "dead" && state != "pending" && state != "sent") {
    std::cerr << "tannha outbox: --state must be dead, pending or sent\n";
    return 2;
  }
  storage::database db(cfg.storage.path);
  storage::outbox box(db);
  auto c = box.counts();
  std::cout << "outbox: " << c.pending << " pending, " << c.sent << " sent, " << c.dead << " dead\n";
  for (std::string s : {"dead", "pending", "sent"}) {
    if (state.empty() ? s == "sent" : s != state) continue;
    auto rows = box.list(s, limit);
    if (rows.empty()) continue;
    std::cout << "\n" << s << " (newest first" << (static_cast<int>(rows.size()) == limit ? ", first " + std::to_string(limit) : std::string()) << "):\n";
    for (const auto& r : rows) print_row(r);
  }
  if (c.dead > 0 && state != "sent") std::cout << "\nRetry with: tannha outbox --config FILE retry ID|--all\n";
  return 0;
}

int run_outbox_retry(const config& cfg, const clock& clk, std::optional<std::int64_t> id) {
  storage::database db(cfg.storage.path);
  storage::outbox box(db);
  if (id) {
    auto row = box.get(*id);
    if (!row) {
      std::cerr << "tannha outbox retry: no message #" << *id << "\n";
      return 1;
    }
    if (row->state != "dead") {
      std::cerr << "tannha outbox retry: message #" << *id << " is " << row->state << ", not dead\n";
      return 1;
    }
  }
  int n = 0;
  {
    storage::write_transaction tx(db);
    n = box.retry_dead(id, clk.now());
    tx.commit();
  }
  std::cout << n << " message(s) put back in the queue; a running server sends them within a second.\n";
  return 0;
}

}  // namespace tannha::bot
