#pragma once
#include <functional>
#include <span>
#include <stdexcept>
#include <string_view>
#include <variant>
#include <vector>

#include "bot/metrics.hpp"
#include "bot/platform.hpp"
#include "handlers/dispatch_outcome.hpp"
#include "handlers/incoming_message.hpp"

namespace tannha::bot {

/// What became of one update body, from a webhook post or a long poll.
enum class update_result {
  malformed,   ///< not a payload we understand (webhook: 400)
  ignored,     ///< valid, nothing to do (200)
  dispatched,  ///< through the dispatcher, committed (200)
  failed,      ///< the dispatcher threw: nothing kept, deliver again (500)
  busy,        ///< the database could not take the write in time (locked, full): nothing kept,
               ///< deliver again later (503 with Retry-After)
};

/// True when the update is kept (or needed nothing): not failed, not busy.
inline bool kept(update_result r) { return r != update_result::failed && r != update_result::busy; }

/// Thrown by a dispatch function when the database could not take the write within its bound
/// (locked by another process, disk full, I/O): the updates become update_result::busy.
struct write_refused : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The one path of every update, whether posted to the webhook or fetched by polling:
/// decode → dispatch (several at once in one transaction: group commit) → count in
/// updates_total → one log line (ids and outcome only, never text) → wake the relay when
/// replies may have been queued. Free of HTTP and of the database: it reaches the dispatcher
/// through the functions it is given.
class intake {
 public:
  /// Processes one decoded update; may throw on unexpected faults (then nothing was kept).
  using dispatch_fn = std::function<handlers::dispatch_outcome(const handlers::incoming_message&)>;
  /// Processes several decoded updates in one transaction; outcomes in order. Throws (and then
  /// nothing was kept) when the database cannot be written.
  using batch_dispatch_fn = std::function<std::vector<handlers::dispatch_outcome>(
      std::span<const handlers::incoming_message* const>)>;

  intake(platform_kind kind, dispatch_fn dispatch, metrics& m);

  /// Dispatches batches with one call (one commit) instead of one dispatch_fn call each.
  void set_batch_dispatch(batch_dispatch_fn f) { batch_dispatch_ = std::move(f); }
  /// Called after updates were processed (the relay's notify(), so replies go out at once).
  void set_on_dispatched(std::function<void()> f) { on_dispatched_ = std::move(f); }

  /// Decodes a body: the result when there is nothing to dispatch (malformed, ignored, both
  /// counted and logged), else the update. `source` ("webhook" | "poll") goes into the log line.
  std::variant<update_result, handlers::incoming_message> decode(std::string_view body, std::string_view source);

  /// Dispatches decoded updates (one transaction when a batch dispatcher is set), counts and
  /// logs each, wakes the relay once; results in order (`failed` or `busy` when nothing was kept).
  std::vector<update_result> dispatch_all(std::span<const handlers::incoming_message* const> msgs,
                                          std::string_view source);

  /// decode() and, for an update, dispatch_all() of it alone.
  update_result process_update(std::string_view body, std::string_view source = "webhook");

  /// Counts one update in updates_total under `result`.
  void count(std::string_view result);

  platform_kind kind() const { return kind_; }

 private:
  platform_kind kind_;
  dispatch_fn dispatch_;
  batch_dispatch_fn batch_dispatch_;
  std::function<void()> on_dispatched_;
  metrics& metrics_;
};

}  // namespace tannha::bot
