#include "domain/role.hpp"

#include <string>

namespace tannha::domain {

std::string_view to_string(role r) {
  switch (r) {
    case role::lanhdao: return "lanhdao";
    case role::canbo: return "canbo";
    case role::truongthon: return "truongthon";
    case role::tinhnguyen: return "tinhnguyen";
    case role::none: return "none";
  }
  return "none";
}

std::optional<role> role_from_folded(std::string_view folded) {
  // Folded text may still carry spaces or '_' between the words ("lanh dao").
  std::string compact;
  for (char c : folded) {
    if (c == ' ' || c == '_' || c == '-' || c == '\t') continue;
    compact.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  if (compact == "lanhdao") return role::lanhdao;
  if (compact == "canbo") return role::canbo;
  if (compact == "truongthon") return role::truongthon;
  if (compact == "tinhnguyen" || compact == "tinhnguyenvien") return role::tinhnguyen;
  return std::nullopt;
}

std::string_view label(role r) {
  switch (r) {
    case role::lanhdao: return "Lãnh đạo";
    case role::canbo: return "Cán bộ";
    case role::truongthon: return "Trưởng thôn";
    case role::tinhnguyen: return "Tình nguyện viên";
    case role::none: return "Chưa có vai trò";
  }
  return "Chưa có vai trò";
}

namespace {

bool is_staff(role r) { return r == role::canbo || r == role::lanhdao; }

}  // namespace

bool allows(audience a, const actor_context& who) {
  const role r = who.r;
  switch (a) {
    case audience::anyone: return true;
    case audience::member: return r != role::none;
    case audience::registrar: return is_staff(r) || r == role::truongthon;
    case audience::staff: return is_staff(r);
    case audience::staff_or_assigned: return is_staff(r) || (r == role::tinhnguyen && who.is_assigned);
    case audience::staff_or_village_head: return is_staff(r) || (r == role::truongthon && who.is_village_head_of);
    case audience::staff_or_registrant: return is_staff(r) || (r == role::truongthon && who.is_registrant);
    case audience::leader: return r == role::lanhdao;
  }
  return false;
}

std::string_view label(audience a) {
  switch (a) {
    case audience::anyone: return "mọi người";
    case audience::member: return "thành viên của nhóm";
    case audience::registrar: return "trưởng thôn, cán bộ hoặc lãnh đạo";
    case audience::staff: return "cán bộ hoặc lãnh đạo";
    case audience::staff_or_assigned: return "cán bộ, lãnh đạo hoặc tình nguyện viên được phân công";
    case audience::staff_or_village_head: return "cán bộ, lãnh đạo hoặc trưởng thôn của người được phục vụ";
    case audience::staff_or_registrant: return "cán bộ, lãnh đạo hoặc trưởng thôn đã đăng ký hồ sơ";
    case audience::leader: return "lãnh đạo";
  }
  return "lãnh đạo";
}

}  // namespace tannha::domain
