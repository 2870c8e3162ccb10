#include "handlers/unit_posts.hpp"

#include <array>

namespace tannha::handlers {

namespace {

using domain::role;

constexpr std::array<post_kind_info, 7> post_kind_rows{{
    {post_kind::hoso, "hoso", "Hồ sơ mới và thay đổi", "hosomoi thaydoi"},
    {post_kind::chotlich, "chotlich", "Danh sách chốt lịch", "chot danhsach"},
    {post_kind::bantin, "bantin", "Bản tin sáng", "bantinsang"},
    {post_kind::quahan, "quahan", "Cảnh báo quá hạn", "canhbao"},
    {post_kind::baocao, "baocao", "Báo cáo tuần, tháng", "baocaotuan baocaothang"},
    {post_kind::phananh, "phananh", "Phản ánh của người dân", ""},
    {post_kind::thanhvien, "thanhvien", "Thành viên mới, đổi vai trò", ""},
}};

bool staff_or_leader(role r) { return r == role::canbo || r == role::lanhdao; }

}  // namespace

std::span<const post_kind_info> post_kinds() { return post_kind_rows; }

const post_kind_info& info_of(post_kind k) { return post_kind_rows[static_cast<std::size_t>(k)]; }

bool concerns(role r, post_kind k) {
  if (staff_or_leader(r)) return true;
  if (k == post_kind::chotlich || k == post_kind::bantin) return r == role::truongthon || r == role::tinhnguyen;
  return k == post_kind::hoso && r == role::truongthon;
}

bool on_by_default(role r, post_kind k) {
  // Leaders see overdue requests once they are escalated to them (always), not every day.
  if (r == role::lanhdao && k == post_kind::quahan) return false;
  return concerns(r, k);
}

bool receives(role r, post_kind k, const storage::post_choice_map& choices) {
  if (!concerns(r, k)) return false;
  if (auto it = choices.find(std::string(info_of(k).key)); it != choices.end()) return it->second;
  return on_by_default(r, k);
}

std::vector<outgoing_message> expand_post(const domain::unit& u, const unit_post& p,
                                          const std::vector<storage::member_record>& members,
                                          const std::map<std::string, storage::post_choice_map>& choices) {
  std::vector<outgoing_message> out;
  const auto mode = domain::delivery_of(u);
  if (mode != domain::post_delivery::members && !u.chat_id.empty() && !p.group_has_it)
    out.push_back({u.chat_id, p.text, true});
  if (mode == domain::post_delivery::group) return out;

  static const storage::post_choice_map none;
  for (const auto& m : members) {
    if (m.user_id.empty() || m.user_id == p.except_user) continue;
    auto c = choices.find(m.user_id);
    const auto& mine = c == choices.end() ? none : c->second;
    const bool wants = receives(m.role, p.kind, mine);
    switch (p.kind) {
      case post_kind::chotlich:
      case post_kind::bantin:
        // Staff and leaders get the whole list; anyone else on a team, their own visits.
        if (!wants) break;
        if (staff_or_leader(m.role)) out.push_back({m.user_id, p.text, true});
        else if (auto own = p.own_visits.find(m.user_id); own != p.own_visits.end())
          out.push_back({m.user_id, own->second, true});
        break;
      case post_kind::quahan:
        if (wants || (p.escalated && m.role == role::lanhdao)) out.push_back({m.user_id, p.text, true});
        break;
      case post_kind::hoso:
        // Village heads hear of their village's requests from the handler itself (privately,
        // with their own wording), whatever the unit's mode.
        if (wants && staff_or_leader(m.role)) out.push_back({m.user_id, p.text, true});
        break;
      case post_kind::baocao:
      case post_kind::phananh:
      case post_kind::thanhvien:
        if (wants) out.push_back({m.user_id, p.text, true});
        break;
    }
  }
  // Own visits of a member who is not (or no longer) a member are not sent: only members above.
  return out;
}

}  // namespace tannha::handlers
