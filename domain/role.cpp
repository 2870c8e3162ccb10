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

bool may(action a, const actor_context& who) {
  const role r = who.r;
  switch (a) {
    case action::giup:
    case action::phananh:
    case action::thamgia:
      return true;
    case action::dangky:
    case action::danhgia:
      return is_staff(r) || r == role::truongthon;
    case action::xacminh:
    case action::tuchoi:
    case action::xeplich:
    case action::phancong:
    case action::bosung:
    case action::cokq:
    case action::baocao:
    case action::moi:
      return is_staff(r);
    case action::tiepnhan:
      return is_staff(r) || (r == role::tinhnguyen && who.is_assigned);
    case action::datra:
      return is_staff(r) || (r == role::truongthon && who.is_village_head_of);
    case action::hoan:
    case action::huy:
    case action::hoso:
      return is_staff(r) || (r == role::truongthon && who.is_registrant);
    case action::lich:
    case action::quahan:
    case action::tim:
    case action::thanhvien:
      return r != role::none;
    case action::vaitro:
      return r == role::lanhdao;
  }
  return false;
}

std::string_view who_may(action a) {
  switch (a) {
    case action::giup:
    case action::phananh:
    case action::thamgia:
      return "mọi người";
    case action::dangky:
    case action::danhgia:
      return "trưởng thôn, cán bộ hoặc lãnh đạo";
    case action::xacminh:
    case action::tuchoi:
    case action::xeplich:
    case action::phancong:
    case action::bosung:
    case action::cokq:
    case action::baocao:
    case action::moi:
      return "cán bộ hoặc lãnh đạo";
    case action::tiepnhan:
      return "cán bộ, lãnh đạo hoặc tình nguyện viên được phân công";
    case action::datra:
      return "cán bộ, lãnh đạo hoặc trưởng thôn của người được phục vụ";
    case action::hoan:
    case action::huy:
    case action::hoso:
      return "cán bộ, lãnh đạo hoặc trưởng thôn đã đăng ký hồ sơ";
    case action::lich:
    case action::quahan:
    case action::tim:
    case action::thanhvien:
      return "thành viên của nhóm";
    case action::vaitro:
      return "lãnh đạo";
  }
  return "lãnh đạo";
}

}  // namespace tannha::domain
