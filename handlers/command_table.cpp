// The one list of commands. Adding a command: a value in `action`, a row here, its handler,
// and its help template templates/giup_<name>.mustache (whose first line is also its line in
// the /giup overview). tests/handlers/test_command_table.cpp fails when any of them is missing.
#include "handlers/command_table.hpp"

#include <array>

#include "handlers/commands.hpp"

namespace tannha::handlers {

namespace {

using domain::audience;
using enum unit_need;
using enum chat_place;

constexpr std::array<command_spec, 30> command_rows{{
    // id               name         aliases                          who                              unit      where         handler
    {action::giup,      "giup",      "start help huongdan trogiup",   audience::anyone,                none,     anywhere,     handle_help},
    {action::dangky,    "dangky",    "",                              audience::registrar,             required, anywhere,     handle_register},
    {action::xacminh,   "xacminh",   "",                              audience::staff,                 required, anywhere,     handle_verify},
    {action::tuchoi,    "tuchoi",    "",                              audience::staff,                 required, anywhere,     handle_reject},
    {action::xeplich,   "xeplich",   "",                              audience::staff,                 required, anywhere,     handle_schedule},
    {action::phancong,  "phancong",  "",                              audience::staff,                 required, anywhere,     handle_assign},
    {action::tiepnhan,  "tiepnhan",  "",                              audience::staff_or_assigned,     required, anywhere,     handle_receive},
    {action::bosung,    "bosung",    "",                              audience::staff,                 required, anywhere,     handle_supplement},
    {action::cokq,      "cokq",      "coketqua",                      audience::staff,                 required, anywhere,     handle_result},
    {action::datra,     "datra",     "",                              audience::staff_or_village_head, required, anywhere,     handle_return},
    {action::danhgia,   "danhgia",   "",                              audience::registrar,             required, anywhere,     handle_rate},
    {action::hoan,      "hoan",      "",                              audience::staff_or_registrant,   required, anywhere,     handle_postpone},
    {action::huy,       "huy",       "",                              audience::staff_or_registrant,   required, anywhere,     handle_cancel},
    {action::sua,       "sua",       "suahoso chinhsua",              audience::staff_or_registrant,   required, anywhere,     handle_edit},
    {action::hoso,      "hoso",      "",                              audience::staff_or_registrant,   required, anywhere,     handle_record},
    {action::lich,      "lich",      "",                              audience::member,                required, anywhere,     handle_schedule_view},
    {action::quahan,    "quahan",    "",                              audience::member,                required, anywhere,     handle_overdue},
    {action::tim,       "tim",       "timkiem",                       audience::member,                required, anywhere,     handle_search},
    {action::baocao,    "baocao",    "thongke tongket",               audience::staff,                 required, anywhere,     handle_report},
    {action::phananh,   "phananh",   "",                              audience::anyone,                optional, anywhere,     handle_feedback},
    {action::moi,       "moi",       "",                              audience::staff,                 required, anywhere,     handle_invite},
    {action::thamgia,   "thamgia",   "",                              audience::anyone,                none,     private_only, handle_join},
    {action::thanhvien, "thanhvien", "",                              audience::member,                required, anywhere,     handle_members},
    {action::vaitro,    "vaitro",    "",                              audience::leader,                required, anywhere,     handle_role},
    {action::thutuc,    "thutuc",    "danhmuc",                       audience::anyone,                none,     anywhere,     handle_catalog},
    {action::id,        "id",        "",                              audience::anyone,                none,     anywhere,     handle_id,       true},
    {action::batdau,    "batdau",    "",                              audience::anyone,                none,     private_only, handle_claim},
    {action::ketnoi,    "ketnoi",    "",                              audience::leader,                optional, group_only,   handle_connect,  true},
    {action::web,       "web",       "trangweb",                      audience::member,                required, private_only, handle_web},
    {action::thongbao,  "thongbao",  "",                              audience::member,                required, anywhere,     handle_notifications},
}};

constexpr bool rows_in_action_order() {
  for (std::size_t i = 0; i < command_rows.size(); ++i)
    if (static_cast<std::size_t>(command_rows[i].id) != i || command_rows[i].name.empty() || command_rows[i].run == nullptr) return false;
  return static_cast<std::size_t>(action::thongbao) + 1 == command_rows.size();
}
static_assert(rows_in_action_order(), "one row per action, in enum order, each with a name and a handler");

// Whether `word` is one of the space-separated words of `list`.
bool has_word(std::string_view list, std::string_view word) {
  while (!list.empty()) {
    const auto space = list.find(' ');
    if (list.substr(0, space) == word) return true;
    if (space == std::string_view::npos) break;
    list.remove_prefix(space + 1);
  }
  return false;
}

}  // namespace

std::span<const command_spec> command_table() { return command_rows; }

const command_spec& spec_of(action a) { return command_rows[static_cast<std::size_t>(a)]; }

const command_spec* find_command(std::string_view compact) {
  if (compact.empty()) return nullptr;
  for (const auto& row : command_rows)
    if (row.name == compact) return &row;
  for (const auto& row : command_rows)
    if (has_word(row.aliases, compact)) return &row;
  return nullptr;
}

std::string_view command_name(action a) { return spec_of(a).name; }

bool may(action a, const domain::actor_context& who) { return domain::allows(spec_of(a).who, who); }

std::string_view who_may(action a) { return domain::label(spec_of(a).who); }

}  // namespace tannha::handlers
