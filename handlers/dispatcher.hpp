#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "domain/procedure.hpp"
#include "domain/time.hpp"
#include "domain/unit.hpp"
#include "handlers/dispatch_outcome.hpp"
#include "handlers/incoming_message.hpp"
#include "storage/database.hpp"

namespace tannha::handlers {

/// Names the bot goes by besides the configured one, learnt while serving (the platform's getMe
/// answers after start-up, or later when the platform was down): set by one thread, read by the
/// one dispatching. A read copies a pointer under a mutex; a set replaces the whole list.
class bot_names {
 public:
  /// Replaces the learnt names (empty ones are left out).
  void set(std::vector<std::string> names);
  /// The learnt names now; never null.
  std::shared_ptr<const std::vector<std::string>> get() const;

 private:
  mutable std::mutex m_;
  std::shared_ptr<const std::vector<std::string>> names_ = std::make_shared<const std::vector<std::string>>();
};

/// Settings the handlers need besides the units.
struct dispatcher_options {
  std::string bot_name = "Tận Nhà";
  /// Other names a mention of the bot may use (the platform's username and display name), as
  /// they become known; null: only bot_name. Compared as bot_name is (folded, spaces ignored).
  std::shared_ptr<const bot_names> other_names;
  int draft_ttl_minutes = 24 * 60;
  /// Longest text of one platform message, in UTF-16 units (Zalo 2000, Telegram 4096): longer
  /// replies are queued as several messages, cut on line breaks, in order. 0: never split.
  std::size_t max_text_units = 2000;
  /// Hex digest of a claim code (/batdau), as `tannha claim` stored it (bot/ gives SHA-256).
  /// Unset: /batdau answers with the apology for a fault.
  std::function<std::string(std::string_view)> code_hash;
  /// The web pages' address (config web.public_url); empty: /web answers that they are off.
  std::string web_url;
  /// A new random token for a /web login link (bot/ gives 32 random bytes, hex); with code_hash.
  std::function<std::string()> web_token;
};

/// The one way an update reaches the bot's logic: in one write transaction it records the
/// update id, runs the handler and queues the replies; a redelivery changes nothing.
class dispatcher {
 public:
  dispatcher(storage::database& db, std::vector<domain::unit> units,
             std::vector<domain::procedure> catalog, dispatcher_options options = {});
  ~dispatcher();

  /// Processes one update at `now`. An unexpected fault rolls the change back, records the
  /// update with an apology to the sender, and returns `failed`; only a database that cannot be
  /// written at all (busy, disk full) throws, so the caller answers 500 and the platform
  /// redelivers.
  dispatch_outcome handle(const incoming_message& msg, domain::instant now);

  /// Processes several updates in ONE write transaction (group commit: one COMMIT, one WAL
  /// sync point for the lot), each in its own savepoint so a fault in one undoes only that one
  /// (it gets the apology, as in handle()). Outcomes are in the order of `msgs`. A database
  /// that cannot be written throws, and then none of them was kept.
  std::vector<dispatch_outcome> handle_batch(std::span<const incoming_message* const> msgs, domain::instant now);

  /// The units, each with its effective group (the stored one, e.g. set by /ketnoi; chat_id
  /// empty when the unit has none yet).
  const std::vector<domain::unit>& units() const;
  /// Serves these units from the next update on (a reload, SIGHUP): each with its stored group,
  /// as at construction. Call between updates, on the thread that handles them; they must be
  /// stored already (storage::unit_repository::sync_config).
  void set_units(std::vector<domain::unit> units);
  /// Counts changes of units(): a reload or a unit's new group (/ketnoi). A caller that copies
  /// the units elsewhere copies again only when this moved.
  std::uint64_t units_version() const;
  /// Called with the name of every recognised command once its update is committed (for
  /// metrics): a rolled-back update or a redelivered one is not counted.
  void on_command(std::function<void(std::string_view)> f);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace tannha::handlers
