#include "bot/intake.hpp"

#include <chrono>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>

#include "bot/log.hpp"
#include "bot/log_escaped.hpp"

namespace tannha::bot {

intake::intake(platform_kind kind, dispatch_fn dispatch, metrics& m)
    : kind_(kind), dispatch_(std::move(dispatch)), metrics_(m) {}

void intake::count(std::string_view result) { metrics_.inc("updates_total", {{"result", std::string(result)}}); }

std::variant<update_result, handlers::incoming_message> intake::decode(std::string_view body, std::string_view source) {
  auto decoded = decode_update(kind_, body);
  if (decoded.how == decode_how::malformed) {
    count("malformed");
    log_info("update", {{"result", "malformed"}, {"platform", to_string(kind_)}, {"source", source},
                        {"reason", decoded.reason}});
    return update_result::malformed;
  }
  if (decoded.how == decode_how::ignored) {
    count("ignored");
    log_info("update", {{"result", "ignored"}, {"platform", to_string(kind_)}, {"source", source},
                        {"reason", decoded.reason}});
    return update_result::ignored;
  }
  return std::move(decoded.message);
}

update_result intake::process_update(std::string_view body, std::string_view source) {
  auto decoded = decode(body, source);
  if (auto* r = std::get_if<update_result>(&decoded)) return *r;
  const handlers::incoming_message* one[] = {&std::get<handlers::incoming_message>(decoded)};
  return dispatch_all(one, source).front();
}

std::vector<update_result> intake::dispatch_all(std::span<const handlers::incoming_message* const> msgs,
                                                std::string_view source) {
  std::vector<update_result> results(msgs.size(), update_result::failed);
  std::vector<std::optional<handlers::dispatch_outcome>> outcomes(msgs.size());
  auto started = std::chrono::steady_clock::now();
  auto fault = [&](std::size_t i, const std::string& what) {
    // The message may hold user text: log only what kind of fault it was.
    log_error("dispatch_failed", {{"platform", msgs[i]->platform}, {"source", source},
                                  {"update_id", msgs[i]->update_id}, {"exception", what}});
  };
  // Everything runs on the io_context's one thread: no lock is needed around the dispatcher.
  if (batch_dispatch_) {
    // One transaction for all: if it fails, none was kept and every one is answered 500.
    try {
      auto got = batch_dispatch_(msgs);
      for (std::size_t i = 0; i < msgs.size() && i < got.size(); ++i) outcomes[i] = got[i];
    } catch (const write_refused& e) {
      // Expected while another process holds the write lock or the disk is full: one line.
      log_warn("dispatch_deferred", {{"source", source}, {"updates", msgs.size()}, {"reason", e.what()}});
      for (std::size_t i = 0; i < msgs.size(); ++i) results[i] = update_result::busy;
      for (std::size_t i = 0; i < msgs.size(); ++i) count("busy");
      return results;
    } catch (...) {
      const auto type = current_exception_type();
      for (std::size_t i = 0; i < msgs.size(); ++i) fault(i, type);
    }
  } else {
    for (std::size_t i = 0; i < msgs.size(); ++i) {
      try {
        if (!dispatch_) throw std::logic_error("no dispatcher");
        outcomes[i] = dispatch_(*msgs[i]);
      } catch (...) {
        fault(i, current_exception_type());
      }
    }
  }
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  bool may_have_replies = false;
  for (std::size_t i = 0; i < msgs.size(); ++i) {
    const auto& msg = *msgs[i];
    if (!outcomes[i]) {
      count("failed");
      continue;
    }
    auto outcome = *outcomes[i];
    auto name = handlers::to_string(outcome);
    count(name);
    log_info("update", {{"result", name}, {"platform", msg.platform}, {"source", source}, {"update_id", msg.update_id},
                        {"group", msg.is_group}, {"ms", static_cast<long long>(took.count() * 1000)}});
    results[i] = update_result::dispatched;
    // Processed, unknown-chat and failed updates may have queued replies (an answer, a "not
    // set up" note, an apology).
    may_have_replies = may_have_replies || (outcome != handlers::dispatch_outcome::duplicate &&
                                            outcome != handlers::dispatch_outcome::ignored);
  }
  if (may_have_replies && on_dispatched_) {
    try {
      on_dispatched_();  // wake the relay once for the lot
    } catch (...) {
      // A failed wake-up only delays sending until the relay's next poll.
    }
  }
  return results;
}

}  // namespace tannha::bot
