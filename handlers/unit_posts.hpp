#pragma once
// Where a unit's posts go (issue 13): the one place that turns a post "for the unit" into the
// chats that receive it — the unit's group, each member who should see it privately, or both,
// by the unit's `posts` setting, each member's role and their /thongbao choices.
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "domain/role.hpp"
#include "domain/unit.hpp"
#include "handlers/incoming_message.hpp"
#include "storage/post_choices.hpp"
#include "storage/records.hpp"

namespace tannha::handlers {

/// What a unit post is about: decides who receives its private copies.
enum class post_kind {
  hoso,       ///< a new request and every change of state
  chotlich,   ///< the cut-off list of a visit day
  bantin,     ///< the morning brief
  quahan,     ///< the overdue digest
  baocao,     ///< the weekly and monthly reports
  phananh,    ///< a citizen's feedback
  thanhvien,  ///< a member joined or changed role
};

/// A kind as /thongbao shows and reads it.
struct post_kind_info {
  post_kind kind;
  std::string_view key;    ///< folded word typed and stored ("bantin")
  std::string_view label;  ///< Vietnamese name ("Bản tin sáng")
  std::string_view words;  ///< other folded words people type for it, space-separated
};

/// Every kind, in the order /thongbao lists them.
std::span<const post_kind_info> post_kinds();
/// The row of a kind.
const post_kind_info& info_of(post_kind k);

/// Whether a kind concerns a role at all (listed by /thongbao for it): staff and leaders every
/// kind, village heads requests of their village and their own visits, volunteers their visits.
bool concerns(domain::role r, post_kind k);
/// Whether a member of the role receives the kind privately unless they chose otherwise.
bool on_by_default(domain::role r, post_kind k);
/// Whether the member receives the kind: their choice when they made one, else the default.
bool receives(domain::role r, post_kind k, const storage::post_choice_map& choices);

/// One post of a unit, as the group would see it (masked: a broadcast copy, never a full record).
struct unit_post {
  post_kind kind = post_kind::hoso;
  std::string text;
  /// An overdue digest naming the leaders (something is past the grace period): leaders get it
  /// whatever they chose.
  bool escalated = false;
  /// The member whose command caused it: already answered, gets no copy.
  std::string except_user;
  /// The group already has it (the command was answered there): no second group copy.
  bool group_has_it = false;
  /// The cut-off list and brief: each member's own visits, by user id, for members who do not
  /// receive the whole list.
  std::map<std::string, std::string> own_visits;
};

/// The messages a unit post becomes (each marked broadcast): the group's, when the unit posts
/// to its group and has one; one per member who should see it, when it posts to its members.
/// `choices` holds every member's /thongbao choices by user id.
std::vector<outgoing_message> expand_post(const domain::unit& u, const unit_post& p,
                                          const std::vector<storage::member_record>& members,
                                          const std::map<std::string, storage::post_choice_map>& choices);

}  // namespace tannha::handlers
