#include "handlers/dispatcher.hpp"

#include "handlers/command_parser.hpp"
#include "handlers/command_table.hpp"
#include "handlers/commands.hpp"
#include "handlers/free_text.hpp"
#include "handlers/conversation.hpp"
#include "handlers/intent.hpp"
#include "handlers/text.hpp"
#include "log/log.hpp"
#include "storage/group_hints.hpp"
#include "storage/outbox.hpp"
#include "storage/update_log.hpp"

namespace tannha::handlers {

std::string_view to_string(dispatch_outcome o) {
  switch (o) {
    case dispatch_outcome::processed: return "processed";
    case dispatch_outcome::duplicate: return "duplicate";
    case dispatch_outcome::ignored: return "ignored";
    case dispatch_outcome::unknown_chat: return "unknown_chat";
    case dispatch_outcome::failed: return "failed";
  }
  return "unknown";
}

const domain::unit* services::unit_by_id(const std::string& id) const {
  for (const auto& u : units)
    if (u.id == id) return &u;
  return nullptr;
}

const domain::unit* services::unit_by_chat(const std::string& chat_id) const {
  for (const auto& u : units)
    if (u.chat_id == chat_id) return &u;
  return nullptr;
}

struct dispatcher::impl {
  storage::database& db;
  std::vector<domain::unit> units;
  renderer render;
  catalog procedures;
  dispatcher_options options;
  services svc;
  storage::outbox outbox;
  storage::update_log updates;
  storage::group_hints hints;
  std::function<void(std::string_view)> command_hook;
  /// Commands of the update being handled, then of the batch: told to command_hook only once
  /// their transaction commits, so rolled-back work is not counted.
  std::vector<std::string_view> update_commands;
  std::vector<std::string_view> batch_commands;
  /// bot_name then the other names, rebuilt when the learnt list changes (one thread uses it).
  std::vector<std::string> mention_names;
  std::shared_ptr<const std::vector<std::string>> learnt_seen;

  /// Every name a mention of the bot may use now.
  std::span<const std::string> names_now() {
    auto learnt = options.other_names ? options.other_names->get() : nullptr;
    if (mention_names.empty() || learnt != learnt_seen) {
      mention_names.assign(1, options.bot_name);
      if (learnt) mention_names.insert(mention_names.end(), learnt->begin(), learnt->end());
      learnt_seen = std::move(learnt);
    }
    return mention_names;
  }
  std::uint64_t units_version = 0;

  impl(storage::database& d, std::vector<domain::unit> u, std::vector<domain::procedure> cat, dispatcher_options o)
      : db(d),
        units(std::move(u)),
        procedures(std::move(cat)),
        options(std::move(o)),
        svc{d, storage::unit_repository(d), storage::citizen_repository(d), storage::request_repository(d),
            storage::draft_repository(d), storage::audit_log(d), render, procedures, units, options.draft_ttl_minutes,
            storage::feedback_repository(d), storage::invite_repository(d), storage::report_repository(d),
            options.code_hash, options.web_url, options.web_token, storage::post_choices(d)},
        outbox(d, [n = options.max_text_units](std::string_view text) { return split_by_utf16(text, n); }),
        updates(d),
        hints(d) {
    apply_stored_groups();
  }

  // The group a unit uses is the stored one: /ketnoi may have set it since the config was read.
  void apply_stored_groups() {
    for (auto& unit : units)
      if (auto g = svc.units_repo.stored_group(unit.id)) unit.chat_id = *g;
  }

  /// One update inside the caller's write transaction, in a savepoint of its own.
  dispatch_outcome handle_one(const incoming_message& msg, domain::instant now);
  dispatch_outcome route(context& ctx);
  void run_command(context& ctx, const parsed_command& cmd);
};

dispatcher::dispatcher(storage::database& db, std::vector<domain::unit> units, std::vector<domain::procedure> catalog,
                       dispatcher_options options)
    : impl_(std::make_unique<impl>(db, std::move(units), std::move(catalog), std::move(options))) {}

dispatcher::~dispatcher() = default;

void bot_names::set(std::vector<std::string> names) {
  std::erase_if(names, [](const std::string& n) { return trim(n).empty(); });
  auto list = std::make_shared<const std::vector<std::string>>(std::move(names));
  std::lock_guard lock(m_);
  names_ = std::move(list);
}

std::shared_ptr<const std::vector<std::string>> bot_names::get() const {
  std::lock_guard lock(m_);
  return names_;
}

const std::vector<domain::unit>& dispatcher::units() const { return impl_->units; }

void dispatcher::set_units(std::vector<domain::unit> units) {
  // Assigned in place: services::units refers to this vector.
  impl_->units = std::move(units);
  impl_->apply_stored_groups();
  ++impl_->units_version;
}

std::uint64_t dispatcher::units_version() const { return impl_->units_version; }

void dispatcher::on_command(std::function<void(std::string_view)> f) { impl_->command_hook = std::move(f); }

namespace {

/// How often one person is pointed to /giup in a group when they mention the bot without a
/// command (issue 13: a mention is the only way a group message reaches a Zalo bot, so each
/// one would otherwise be answered).
constexpr std::chrono::hours group_hint_interval{1};

// "[unit] …": a member of several units names the unit at the start of the arguments.
std::optional<std::string> take_unit_prefix(std::string& args) {
  auto t = trim(args);
  if (t.empty() || t.front() != '[') return std::nullopt;
  auto close = t.find(']');
  if (close == std::string::npos) return std::nullopt;
  std::string name = t.substr(1, close - 1);
  args = trim(std::string_view(t).substr(close + 1));
  return trim(name);
}

// Posts name members ("@Lê Thị Hoa"): learn a name the first time a member who has none speaks.
void remember_name(context& ctx) {
  if (!ctx.member || !ctx.member->display_name.empty() || ctx.msg.user_name.empty()) return;
  ctx.svc.units_repo.note_display_name(ctx.member->unit_id, ctx.member->user_id, ctx.msg.user_name);
  ctx.member->display_name = ctx.msg.user_name;
}

// A unit that posts to its members only keeps its group quiet: an answer to a command typed in
// that group (a mention) goes to the sender privately. Group answers are already masked.
void answer_sender_not_group(context& ctx) {
  if (!ctx.msg.is_group || !ctx.unit || ctx.unit->chat_id != ctx.msg.chat_id) return;
  if (domain::delivery_of(*ctx.unit) != domain::post_delivery::members) return;
  for (auto& o : ctx.out)
    if (o.chat_id == ctx.msg.chat_id) o.chat_id = ctx.msg.user_id;
}

}  // namespace

void context::post(post_kind kind, std::string text, bool group_has_it) {
  if (!unit) return;
  unit_post p;
  p.kind = kind;
  p.text = std::move(text);
  p.except_user = msg.user_id;
  p.group_has_it = group_has_it;
  const auto mode = domain::delivery_of(*unit);
  std::vector<storage::member_record> members;
  std::map<std::string, storage::post_choice_map> chosen;
  if (mode != domain::post_delivery::group) {
    members = svc.units_repo.members(unit->id);
    chosen = svc.choices.of_unit(unit->id);
  } else if (unit->chat_id.empty()) {
    out.push_back({"", p.text, true});  // nowhere to go: counted by the dispatcher
    return;
  }
  for (auto& o : expand_post(*unit, p, members, chosen)) out.push_back(std::move(o));
}

dispatch_outcome dispatcher::handle(const incoming_message& msg, domain::instant now) {
  const incoming_message* one[] = {&msg};
  return handle_batch(one, now).front();
}

dispatch_outcome dispatcher::impl::handle_one(const incoming_message& msg, domain::instant now) {
  try {
    storage::savepoint sp(db);
    if (!msg.update_id.empty() && !updates.record(msg.platform, msg.update_id, now)) {
      sp.release();
      return dispatch_outcome::duplicate;
    }
    context ctx{svc, msg, now, nullptr, std::nullopt, {}, std::nullopt};
    update_commands.clear();
    auto outcome = route(ctx);
    answer_sender_not_group(ctx);
    int nowhere = 0;
    for (const auto& o : ctx.out) {
      // A post for a unit that has no group yet has nowhere to go.
      if (o.chat_id.empty()) {
        ++nowhere;
        continue;
      }
      const auto id = outbox.enqueue(o.chat_id, o.text, now,
                                     o.broadcast ? storage::outbox_priority::broadcast : storage::outbox_priority::reply);
      if (o.on_queued && id != 0) o.on_queued(id);
    }
    sp.release();
    batch_commands.insert(batch_commands.end(), update_commands.begin(), update_commands.end());
    if (nowhere > 0) log::log_warn("posts_without_group", {{"count", nowhere}});
    if (ctx.group_change) {
      for (auto& u : units)
        if (u.id == ctx.group_change->first) u.chat_id = ctx.group_change->second;
      ++units_version;
    }
    return outcome;
  } catch (const SQLite::Exception& e) {
    if (storage::is_transient(e)) throw;
    log::log_error("dispatch_failed", {{"kind", "sqlite"}, {"code", e.getErrorCode()}});
  } catch (const std::exception& e) {
    // The message may quote user text: log the type of fault only.
    log::log_error("dispatch_failed", {{"kind", "exception"}});
  }
  // Nothing of the failed attempt was kept (its savepoint was rolled back); record the update
  // so a redelivery does not loop, and tell the sender plainly that nothing was recorded.
  storage::savepoint sp(db);
  if (!msg.update_id.empty()) updates.record(msg.platform, msg.update_id, now);
  if (!msg.chat_id.empty()) outbox.enqueue(msg.chat_id, render.render("loi_he_thong"), now);
  sp.release();
  return dispatch_outcome::failed;
}

std::vector<dispatch_outcome> dispatcher::handle_batch(std::span<const incoming_message* const> msgs,
                                                       domain::instant now) {
  auto& m = *impl_;
  std::vector<dispatch_outcome> outcomes;
  outcomes.reserve(msgs.size());
  m.batch_commands.clear();
  storage::write_transaction tx(m.db);
  for (const auto* msg : msgs) outcomes.push_back(m.handle_one(*msg, now));
  tx.commit();
  if (m.command_hook)
    for (auto name : m.batch_commands) m.command_hook(name);
  return outcomes;
}

dispatch_outcome dispatcher::impl::route(context& ctx) {
  const auto& msg = ctx.msg;
  if (msg.user_id.empty() || msg.chat_id.empty()) return dispatch_outcome::ignored;
  // Another bot (or our own post echoed back) is never answered: two bots would loop.
  if (msg.from_bot) return dispatch_outcome::ignored;

  std::string unit_hint;
  if (msg.is_group) {
    ctx.unit = svc.unit_by_chat(msg.chat_id);
    if (ctx.unit) {
      ctx.member = svc.units_repo.member(ctx.unit->id, msg.user_id);
    } else {
      // A group no unit uses yet: only the commands that set one up (/id, /ketnoi) are served.
      auto early = msg.kind == message_kind::unsupported ? command_parse{} : parse_command(msg.text, names_now());
      if (early.how != command_parse::kind::command || !spec_of(early.command->action).in_unknown_group) {
        if (updates.record_unknown_chat(msg.chat_id, ctx.now)) ctx.reply(render.render("nhom_chua_cai_dat"));
        return dispatch_outcome::unknown_chat;
      }
    }
  }

  if (msg.kind == message_kind::unsupported) {
    // Zalo hides messages of protected senders: answer privately with where to get help.
    ctx.tell_user(msg.user_id, render.render("tin_khong_doc_duoc"));
    return dispatch_outcome::processed;
  }

  auto parsed = parse_command(msg.text, names_now());
  if (msg.kind == message_kind::other && parsed.how != command_parse::kind::command) {
    // Images, stickers, voice: a group is not answered (the people there see the photo; a reply
    // to each would be noise); in private the sender learns what the bot reads and how to
    // register. A caption that is a command still runs below.
    if (msg.is_group) return dispatch_outcome::ignored;
    const bool member = !svc.units_repo.memberships(msg.user_id).empty();
    ctx.reply(render.render("chi_nhan_chu", {{"member", member}}));
    return dispatch_outcome::processed;
  }

  // In private chat, and in a group no unit uses yet, the unit is the sender's own.
  if (!ctx.unit) {
    auto memberships = svc.units_repo.memberships(msg.user_id);
    if (memberships.size() == 1) {
      ctx.unit = svc.unit_by_id(memberships.front().unit_id);
      ctx.member = memberships.front();
    } else if (memberships.size() > 1 && parsed.command) {
      if (auto name = take_unit_prefix(parsed.command->args)) {
        for (const auto& mem : memberships) {
          const auto* u = svc.unit_by_id(mem.unit_id);
          if (u && (fold_compact(u->id) == fold_compact(*name) || fold_compact(u->name) == fold_compact(*name))) {
            ctx.unit = u;
            ctx.member = mem;
          }
        }
      }
      if (!ctx.unit && spec_of(parsed.command->action).unit != unit_need::none) {
        nlohmann::json units_json = nlohmann::json::array();
        for (std::size_t i = 0; i < memberships.size(); ++i) {
          const auto* u = svc.unit_by_id(memberships[i].unit_id);
          units_json.push_back({{"id", memberships[i].unit_id}, {"name", u ? u->name : memberships[i].unit_id},
                                {"last", i + 1 == memberships.size()}});
        }
        ctx.reply(render.render("chon_don_vi", {{"command", command_name(parsed.command->action)},
                                                {"first", memberships.front().unit_id},
                                                {"units", units_json}}));
        return dispatch_outcome::processed;
      }
    } else if (memberships.size() > 1) {
      // A plain-text answer to an open conversation: it remembers its unit.
      for (const auto& c : conversations()) {
        auto unit_id = c.open_unit(svc, msg.chat_id, msg.user_id, ctx.now);
        if (!unit_id) continue;
        ctx.unit = svc.unit_by_id(*unit_id);
        for (const auto& mem : memberships)
          if (mem.unit_id == *unit_id) ctx.member = mem;
        break;
      }
    }
  }

  remember_name(ctx);

  switch (parsed.how) {
    case command_parse::kind::not_command:
      for (const auto& c : conversations())
        if (c.take(ctx, parsed.text)) return dispatch_outcome::processed;
      // Telegram groups may deliver chatter not meant for the bot; Zalo only delivers
      // mentions and replies, which deserve an answer.
      if (msg.is_group && msg.platform == "telegram" && msg.reply_to.empty()) return dispatch_outcome::ignored;
      // A question instead of a command (issue 14, item 9): a read-only command runs, one that
      // changes data is only proposed.
      if (auto guess = guess_intent(parsed.text)) {
        if (guess->run) {
          update_commands.push_back(command_name(guess->command));
          run_command(ctx, parsed_command{guess->command, guess->args});
        } else {
          ctx.reply(render.render("co_phai_lenh", {{"command", command_name(guess->command)},
                                                   {"args", guess->args}}));
        }
        return dispatch_outcome::processed;
      }
      if (msg.is_group) {
        // A mention with free text: a one-line pointer, at most once per person per hour (the
        // record is written in this update's transaction, with the reply).
        if (trim(parsed.text).empty()) return dispatch_outcome::ignored;
        if (!hints.claim(msg.user_id, ctx.now, group_hint_interval)) return dispatch_outcome::ignored;
        ctx.reply(render.render("goi_y_giup_nhom"));
        return dispatch_outcome::processed;
      }
      ctx.reply(render.render("goi_y_giup"));
      return dispatch_outcome::processed;
    case command_parse::kind::unknown: {
      nlohmann::json sugg = parsed.suggestions;
      ctx.reply(render.render("lenh_khong_ro", {{"word", echo(ctx, parsed.word)},
                                                {"suggestions", sugg},
                                                {"has_suggestions", !parsed.suggestions.empty()}}));
      return dispatch_outcome::processed;
    }
    case command_parse::kind::command:
      update_commands.push_back(command_name(parsed.command->action));
      run_command(ctx, *parsed.command);
      return dispatch_outcome::processed;
  }
  return dispatch_outcome::ignored;
}

void dispatcher::impl::run_command(context& ctx, const parsed_command& cmd) {
  const auto& spec = spec_of(cmd.action);
  if (spec.unit == unit_need::required && !ctx.unit) {
    // In private chat, a user who belongs to no unit can only use the commands that need none.
    ctx.reply(render.render("chua_la_thanh_vien"));
    return;
  }
  if (spec.where == chat_place::private_only && ctx.in_group()) {
    // Codes and links are only ever taken in private chat, where the sender is sure who sees them.
    ctx.reply(render.render("chi_nhan_rieng", {{"command", spec.name}, {"has_args", !trim(cmd.args).empty()}}));
    return;
  }
  if (spec.where == chat_place::group_only && !ctx.in_group()) {
    ctx.reply(render.render("chi_trong_nhom", {{"command", spec.name}}));
    return;
  }
  // Whether the sender's role may ever run it; rules that depend on the request (the registrant,
  // the assigned team) are checked again by the handler once it has the request.
  if (!domain::allows(spec.who, {ctx.role(), true, true, true})) {
    refuse(ctx, cmd.action);
    return;
  }
  spec.run(ctx, cmd.args);
}

}  // namespace tannha::handlers
