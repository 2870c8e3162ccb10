#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "domain/role.hpp"
#include "domain/time.hpp"
#include "domain/unit.hpp"
#include "handlers/catalog.hpp"
#include "handlers/incoming_message.hpp"
#include "handlers/renderer.hpp"
#include "handlers/unit_posts.hpp"
#include "storage/audit_log.hpp"
#include "storage/citizen_repository.hpp"
#include "storage/database.hpp"
#include "storage/draft_repository.hpp"
#include "storage/feedback_repository.hpp"
#include "storage/invite_repository.hpp"
#include "storage/post_choices.hpp"
#include "storage/records.hpp"
#include "storage/report_repository.hpp"
#include "storage/request_repository.hpp"
#include "storage/unit_repository.hpp"

namespace tannha::handlers {

/// Everything a handler may use, shared by all updates (one per dispatcher).
struct services {
  storage::database& db;
  storage::unit_repository units_repo;
  storage::citizen_repository citizens;
  storage::request_repository requests;
  storage::draft_repository drafts;
  storage::audit_log audit;
  const renderer& render;
  const catalog& procedures;
  const std::vector<domain::unit>& units;
  int draft_ttl_minutes;
  storage::feedback_repository feedback;
  storage::invite_repository invites;
  storage::report_repository reports;
  /// Hex digest of a claim code (SHA-256, given by bot/); empty: claiming is unavailable.
  std::function<std::string(std::string_view)> code_hash;
  /// Where the web pages are reached (config web.public_url); empty: /web is turned off.
  std::string web_url;
  /// A new random token for a /web link (given by bot/); unset: /web is turned off.
  std::function<std::string()> new_token;
  /// What each member chose to receive privately (/thongbao).
  storage::post_choices choices;

  /// The configured unit with this id or group chat, if any.
  const domain::unit* unit_by_id(const std::string& id) const;
  const domain::unit* unit_by_chat(const std::string& chat_id) const;
};

/// One update being handled: who, where, when, and the replies it produces.
struct context {
  services& svc;
  const incoming_message& msg;
  domain::instant now;
  const domain::unit* unit = nullptr;            ///< the unit this message concerns
  std::optional<storage::member_record> member;  ///< the sender's membership in that unit
  std::vector<outgoing_message> out;
  /// A unit's new group (/ketnoi): unit id and chat id, applied to the dispatcher's units once
  /// the update is kept.
  std::optional<std::pair<std::string, std::string>> group_change;

  domain::role role() const { return member ? member->role : domain::role::none; }
  bool in_group() const { return msg.is_group; }
  /// Unit-local wall clock now.
  domain::local_time local_now() const { return domain::to_local(now, unit ? unit->utc_offset : std::chrono::minutes{420}); }
  domain::day today() const { return domain::local_day(local_now()); }

  /// Queues a reply in the chat the message came from.
  void reply(std::string text) { out.push_back({msg.chat_id, std::move(text)}); }
  /// Queues a post of the unit: in its group and/or privately to the members who should see it
  /// (handlers/unit_posts.hpp, by the unit's `posts`). The sender gets no copy: they were answered.
  void post(post_kind kind, std::string text, bool group_has_it = false);
  /// Queues a private message to a user (private chat id equals the user id on both platforms).
  void tell_user(const std::string& user_id, std::string text) { out.push_back({user_id, std::move(text)}); }
  /// Renders a template and replies with it.
  void reply_t(std::string_view tmpl, const nlohmann::json& data = nlohmann::json::object()) {
    reply(svc.render.render(tmpl, data));
  }
};

}  // namespace tannha::handlers
