// /giup: an overview of the commands the sender may use, or one command's usage.
#include "handlers/command_parser.hpp"
#include "handlers/commands.hpp"
#include "handlers/text.hpp"

namespace tannha::handlers {

namespace {
constexpr domain::action every_action[] = {
    domain::action::giup,    domain::action::dangky,  domain::action::xacminh,   domain::action::tuchoi,
    domain::action::xeplich, domain::action::phancong, domain::action::tiepnhan, domain::action::bosung,
    domain::action::cokq,    domain::action::datra,   domain::action::danhgia,   domain::action::hoan,
    domain::action::huy,     domain::action::hoso,    domain::action::lich,      domain::action::quahan,
    domain::action::tim,     domain::action::baocao,  domain::action::phananh,   domain::action::moi,
    domain::action::thamgia, domain::action::thanhvien, domain::action::vaitro};
}  // namespace

bool require(context& ctx, domain::action a) {
  if (domain::may(a, {ctx.role()})) return true;
  ctx.reply(ctx.svc.render.render("khong_du_quyen", {{"command", command_name(a)},
                                                     {"who", domain::who_may(a)},
                                                     {"member", ctx.member.has_value()}}));
  return false;
}

void reply_not_available(context& ctx, domain::action a) {
  ctx.reply(ctx.svc.render.render("chua_ho_tro", {{"command", command_name(a)}}));
}

std::string actor_name(context& ctx, const std::string& user_id) {
  if (user_id == ctx.msg.user_id && !ctx.msg.user_name.empty()) return ctx.msg.user_name;
  if (ctx.unit) {
    if (auto m = ctx.svc.units_repo.member(ctx.unit->id, user_id)) {
      if (!m->display_name.empty()) return m->display_name;
      return std::string(domain::label(m->role));
    }
  }
  return "thành viên";
}

void handle_help(context& ctx, const std::string& args) {
  auto topic = trim(args);
  if (topic.empty()) {
    nlohmann::json data = {{"unit", ctx.unit ? ctx.unit->name : std::string()},
                           {"role", ctx.member ? std::string(domain::label(ctx.role())) : std::string()}};
    // What the role may ever do (a village head may /hoso their own requests, a volunteer
    // /tiepnhan their assigned ones): list those too.
    domain::actor_context who{ctx.role(), true, true, true};
    for (auto a : every_action) data["can_" + std::string(command_name(a))] = domain::may(a, who);
    ctx.reply(ctx.svc.render.render("giup", data));
    return;
  }
  auto parsed = parse_command("/" + topic);
  if (parsed.how == command_parse::kind::command) {
    ctx.reply(ctx.svc.render.render("giup_" + std::string(command_name(parsed.command->action))));
    return;
  }
  nlohmann::json sugg = parsed.suggestions;
  ctx.reply(ctx.svc.render.render("giup_khong_co", {{"word", topic},
                                                    {"suggestions", sugg},
                                                    {"has_suggestions", !parsed.suggestions.empty()}}));
}

}  // namespace tannha::handlers
